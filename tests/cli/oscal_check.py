#!/usr/bin/env python3
"""Checks an attest OSCAL assessment-results document against the JSON result
of the same scan (tests/cli/reports.sh): every reference resolves to an element
of the right kind, uuids are unique, one risk per failing check with its
remediation as a response and its failing resources as subjects, exceptions in
force as accepted risks, attestations as observations whose origin is the
attester, manual and not-evaluated controls not assessed (no finding), and
observations linked to the evidence files of an audit package.

usage: oscal_check.py OSCAL.xml RESULT.json [PACKAGE_DIR]
Prints what is wrong and exits 1; exits 0 when all holds."""
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = '{http://csrc.nist.gov/ns/oscal/1.0}'
A = 'urn:attest:oscal'
NOT_ASSESSED = ('manual', 'not_evaluated', 'error')
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def props(e):
    return {p.get('name'): p.get('value') for p in e.findall(NS + 'prop') if p.get('ns') == A}


doc = ET.parse(sys.argv[1]).getroot()
res = json.load(open(sys.argv[2]))
package = sys.argv[3] if len(sys.argv) > 3 else None
result = doc.find(NS + 'result')
meta = doc.find(NS + 'metadata')

# uuids: unique, and indexed by the element that defines them
defined = {}
for e in doc.iter():
    u = e.get('uuid')
    if u:
        check(u not in defined, 'duplicate uuid %s' % u)
        defined[u] = e.tag.replace(NS, '')


def resolves(uuid, kind, where):
    check(defined.get(uuid) == kind, '%s: %s does not resolve to a %s (%s)' %
          (where, uuid, kind, defined.get(uuid)))


for e in doc.iter():
    tag = e.tag.replace(NS, '')
    if tag in ('subject', 'include-subject') and e.get('subject-uuid'):
        check(e.get('type') == 'inventory-item', 'subject of type %s' % e.get('type'))
        resolves(e.get('subject-uuid'), 'inventory-item', tag)
    if tag == 'related-observation':
        resolves(e.get('observation-uuid'), 'observation', tag)
    if tag == 'associated-risk':
        resolves(e.get('risk-uuid'), 'risk', tag)
    if tag == 'related-task':
        resolves(e.get('task-uuid'), 'assessment-task', tag)
    if tag == 'actor':
        resolves(e.get('actor-uuid'), {'tool': 'component', 'party': 'party'}.get(e.get('type')),
                 'actor ' + e.get('type'))
    if tag == 'party-uuid':
        resolves(e.text, 'party', tag)
    if tag == 'logged-by':
        resolves(e.get('party-uuid'), 'party', tag)
    if tag == 'uses-component':
        resolves(e.get('component-uuid'), 'component', tag)
    if tag in ('responsible-party', 'actor', 'logged-by') and e.get('role-id'):
        check(meta.find("%srole[@id='%s']" % (NS, e.get('role-id'))) is not None,
              'role %s not defined' % e.get('role-id'))

# parties and roles: the organization and the tool
roles = {r.get('role-id'): [p.text for p in r.findall(NS + 'party-uuid')]
         for r in meta.findall(NS + 'responsible-party')}
check('system-owner' in roles and 'prepared-by' in roles, 'no system-owner/prepared-by: %s' % roles)
parties = {p.get('uuid'): p for p in meta.findall(NS + 'party')}
tool_party = parties.get(roles.get('prepared-by', [None])[0])
check(tool_party is not None and tool_party.findtext(NS + 'name') == 'attest', 'tool party')
tool = result.find(NS + 'local-definitions/' + NS + 'assessment-assets/' + NS + 'component')
check(tool is not None and tool.get('type') == 'software', 'no tool component')

# observations of check results: the tool as origin, linked to the evidence
checks_with_findings = {f['check'] for f in res['findings']}
n_obs_links = 0
for o in result.findall(NS + 'observation'):
    p = props(o)
    actors = o.findall(NS + 'origin/' + NS + 'actor')
    check(actors, 'observation without origin: %s' % o.findtext(NS + 'title'))
    if 'check' in p and o.find(NS + 'subject') is not None:
        check(actors[0].get('type') == 'tool' and actors[0].get('actor-uuid') == tool.get('uuid'),
              'observation origin is not the tool')
        links = [l.get('href') for l in o.findall(NS + 'link') if l.get('rel') == 'evidence']
        want = '../evidence/checks/%s.ndjson' % p['check']
        check(links == [want], 'observation links %s, want %s' % (links, want))
        n_obs_links += 1
        if package and os.path.isdir(os.path.join(package, 'evidence', 'checks')):
            path = os.path.normpath(os.path.join(package, 'reports', want))
            check(os.path.isfile(path), 'evidence file %s missing from the package' % want)
check(n_obs_links == len(res['findings']), 'linked observations %d, findings %d' %
      (n_obs_links, len(res['findings'])))

# attestations: one observation each, its origin the attester (a party)
att_obs = [o for o in result.findall(NS + 'observation') if 'attested-by' in props(o)]
check(len(att_obs) == len(res['attestations']), 'attestation observations %d, attestations %d' %
      (len(att_obs), len(res['attestations'])))
for o in att_obs:
    p = props(o)
    actor = o.find(NS + 'origin/' + NS + 'actor')
    check(actor.get('type') == 'party' and actor.get('role-id') == 'attester', 'attester actor')
    party = parties.get(actor.get('actor-uuid'))
    check(party is not None and party.findtext(NS + 'name') == p['attested-by'],
          'attester party is not %s' % p['attested-by'])

# risks: one per failing check, its response and subjects
risks = result.findall(NS + 'risk')
failing = {c['id']: c for c in res['checks'] if c['counts']['fail'] > 0}
by_check = {props(r)['check']: r for r in risks if props(r).get('kind') == 'failing-check'}
check(len([r for r in risks if props(r).get('kind') == 'failing-check']) == len(failing),
      'failing-check risks %d, failing checks %d' % (len(by_check), len(failing)))
check(set(by_check) == set(failing), 'risk checks differ from failing checks')
items = {i.get('uuid') for i in result.iter(NS + 'inventory-item')}
for cid, r in by_check.items():
    check(r.findtext(NS + 'status') == 'open', 'risk %s not open' % cid)
    check(r.find(NS + 'response') is not None, 'risk %s has no response' % cid)
    subj = r.findall('.//' + NS + 'include-subject')
    check(len(subj) == failing[cid]['counts']['fail'],
          'risk %s: %d subjects for %d failures' % (cid, len(subj), failing[cid]['counts']['fail']))
    check(len(r.findall(NS + 'related-observation')) == failing[cid]['counts']['fail'],
          'risk %s: related observations' % cid)

# exceptions in force: accepted risks with the approver as a party
in_force = {e['id']: e for e in res['exceptions'] if e['in_force']}
exc_risks = {props(r)['exception-id']: r for r in risks if props(r).get('kind') == 'exception'}
check(set(exc_risks) == set(in_force), 'exception risks %s, in force %s' %
      (sorted(exc_risks), sorted(in_force)))
for eid, r in exc_risks.items():
    check(r.findtext(NS + 'status') == 'deviation-approved', 'exception %s status' % eid)
    lb = r.find('.//' + NS + 'logged-by')
    check(lb is not None and parties[lb.get('party-uuid')].findtext(NS + 'name') ==
          in_force[eid]['approver'], 'exception %s approver' % eid)
    check(len(r.findall(NS + 'related-observation')) == in_force[eid]['matched'],
          'exception %s: related observations' % eid)

# findings: one per assessed control; manual and not evaluated are not assessed
controls = [(f['id'], c) for f in res['frameworks'] for c in f['controls']]
assessed = [(f, c) for f, c in controls if c['status'] not in NOT_ASSESSED]
findings = result.findall(NS + 'finding')
check(len(findings) == len(assessed), 'findings %d, assessed controls %d' %
      (len(findings), len(assessed)))
seen = {(props(f)['framework'], props(f)['control-id']) for f in findings}
for fw, c in controls:
    if c['status'] in NOT_ASSESSED:
        check((fw, c['id']) not in seen, 'not-assessed control %s %s has a finding' % (fw, c['id']))
na_sel = [s for s in result.iter(NS + 'control-selection')
          if props(s).get('assessment-status') == 'not-assessed']
n_na = sum(len(s.findall(NS + 'include-control')) for s in na_sel)
check(n_na == len(controls) - len(assessed), 'not-assessed selections hold %d controls, want %d' %
      (n_na, len(controls) - len(assessed)))
for f in findings:
    st = f.find(NS + 'target/' + NS + 'status')
    p = props(f)
    if p['status'] == 'fail':
        check(f.find(NS + 'associated-risk') is not None, 'failing control %s without risk' %
              p['control-id'])
    if p['status'] == 'attested':
        check(st.get('state') == 'satisfied', 'attested control not satisfied')

# both figures of every framework in its assessed selection
for fw in res['frameworks']:
    sel = [s for s in result.iter(NS + 'control-selection')
           if props(s).get('framework') == fw['id'] and props(s).get('assessment-status') == 'assessed']
    if fw['score'] is None or not sel:
        continue
    p = props(sel[0])
    want = '%d of %d controls (%.1f %%)' % (fw['controls_passing'], fw['controls_scored'], fw['score'])
    check(p.get('controls-passing') == want, '%s: %s, want %s' % (fw['id'], p.get('controls-passing'), want))
    if fw['posture'] is not None:
        check(abs(float(p['posture']) - fw['posture']) < 0.05, '%s posture' % fw['id'])
    check(abs(float(p['coverage']) - fw['coverage']) < 0.05, '%s coverage' % fw['id'])

for e in errors[:20]:
    print(e)
sys.exit(1 if errors else 0)
