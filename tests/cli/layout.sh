#!/bin/sh
# The rules of doc/design.md hold in the tree: every src/ module includes
# only the modules the design's table allows (read from doc/design.md
# itself, so the page and the code cannot drift apart), every module is in
# the table, nothing outside src/cli prints or exits, attest_ names only the
# public API, and the C sources keep .clang-format's layout.
. "$top_srcdir/tests/cli/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "python3 not installed: run install-deps.sh"; exit 1; }

case_begin "src/ modules include only what doc/design.md allows"
python3 - "$top_srcdir" >"$WORK/edges.out" 2>&1 <<'PY' || fail "$(head -20 "$WORK/edges.out")"
import os, re, sys
top = sys.argv[1]
allowed = {}
for line in open(os.path.join(top, "doc/design.md"), encoding="utf-8"):
    m = re.match(r"\| `(\w+)` \|[^|]*\| ([^|]*) \|$", line.strip())
    if m:
        deps = m.group(2).strip()
        allowed[m.group(1)] = ({"*"} if deps.startswith("every module")
                               else set() if deps.startswith("nothing")
                               else {d.strip() for d in deps.split(",")})
if len(allowed) < 7:
    sys.exit(f"doc/design.md: the module table has {len(allowed)} rows")
src = os.path.join(top, "src")
mods = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
bad = [f"src/{m}: not in doc/design.md's module table" for m in mods if m not in allowed]
inc = re.compile(r'^\s*#\s*include\s+"(?:\.\./)*([a-z_]+)/')
edges = 0
for m in mods:
    for root, _, files in os.walk(os.path.join(src, m)):
        for f in files:
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                g = inc.match(line)
                if not g or g.group(1) == m:
                    continue
                dep = g.group(1)
                if dep not in mods:
                    continue
                edges += 1
                if "*" not in allowed.get(m, set()) and dep not in allowed.get(m, set()):
                    bad.append(f"{os.path.relpath(path, top)}:{n}: {m} includes {dep}")
print(f"# {len(mods)} modules, {edges} include lines across modules checked")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
cat "$WORK/edges.out"
case_end

case_begin "nothing outside src/cli prints or exits"
python3 - "$top_srcdir" >"$WORK/print.out" 2>&1 <<'PY' || fail "$(head -20 "$WORK/print.out")"
import os, re, sys
top = sys.argv[1]
# Comments and string literals removed, then calls that print or end the
# process, and the standard streams.
strip = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
banned = re.compile(r'\b(printf|vprintf|puts|putchar|perror|exit|_exit|_Exit|abort|'
                    r'stdout|stderr)\b(?!\.)')
bad, files = [], 0
for root, _, names in os.walk(os.path.join(top, "src")):
    if os.path.relpath(root, top).startswith("src/cli"):
        continue
    for f in names:
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(root, f)
        text = open(path, encoding="utf-8", errors="replace").read()
        files += 1
        code = strip.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        code = re.sub(r"format\s*\(\s*printf", "format(", code)  # attributes
        for n, line in enumerate(code.split("\n"), 1):
            for hit in banned.finditer(line):
                bad.append(f"{os.path.relpath(path, top)}:{n}: {hit.group(1)}")
print(f"# {files} library files checked")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
cat "$WORK/print.out"
case_end

case_begin "attest_ names only what src/attest.h declares"
# The public API is src/attest.h; everything else the library defines
# carries its module's prefix (core_, aws_, inventory_, eval_, store_, ...).
lib="$(dirname "$ATTEST")/.libs/libattest.a"
[ -f "$lib" ] || fail "no $lib: build first"
command -v nm >/dev/null 2>&1 || fail "nm not installed: run install-deps.sh (binutils)"
nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[TDRB]$/ && $3 ~ /^attest_/ { print $3 }' |
	sort -u >"$WORK/public.txt"
[ -s "$WORK/public.txt" ] || fail "no attest_ symbol in $lib"
undeclared=0
while read -r sym; do
	grep -qE "\b$sym\b *\(|\b$sym\b *;|\b$sym\b *\[" "$top_srcdir/src/attest.h" ||
		{ echo "not declared in src/attest.h: $sym"; undeclared=$((undeclared + 1)); }
done <"$WORK/public.txt"
echo "# $(wc -l <"$WORK/public.txt") attest_ symbols, $undeclared not in src/attest.h"
[ "$undeclared" -eq 0 ] || fail "$undeclared attest_ symbols are not public API"
case_end

case_begin "the C sources are formatted as .clang-format says"
# Formatting differs between clang-format releases: the tree is kept in the
# layout of the one Debian 12 ships (14), which install-deps.sh installs.
if ! command -v clang-format >/dev/null 2>&1; then
	fail "clang-format not installed: run install-deps.sh"
elif ! clang-format --version | grep -q "version 14\."; then
	if [ "${CI:-}" = true ]; then
		fail "clang-format $(clang-format --version): the tree is formatted with version 14"
	else
		echo "# skipped: $(clang-format --version) is not version 14, whose layout the tree keeps"
	fi
else
	# One clang-format for every file (one per file spent more time starting
	# than formatting); it names each file that differs, and goes on.
	(cd "$top_srcdir" && find src tests/unit tests/fuzz tests/bench -name '*.[ch]' \
		! -name model_gen.c | sort) >"$WORK/cf.files"
	n=$(wc -l <"$WORK/cf.files")
	(cd "$top_srcdir" && xargs clang-format --dry-run --Werror <"$WORK/cf.files") >"$WORK/cf.out" 2>&1
	cf=$?
	sed -n 's/^\([^ :]*\.[ch]\):[0-9]*:[0-9]*: error: .*/\1/p' "$WORK/cf.out" | sort -u >"$WORK/cf.bad"
	bad=$(wc -l <"$WORK/cf.bad")
	while read -r f; do
		echo "not formatted: $f"
		grep -m 5 -A 2 "^$f:" "$WORK/cf.out"
	done <"$WORK/cf.bad"
	[ "$cf" = 0 ] || [ "$bad" -gt 0 ] || fail "clang-format failed: $(head -5 "$WORK/cf.out")"
	echo "# $n C files checked, $bad not formatted"
	[ "$n" -gt 100 ] || fail "only $n C files found"
	[ "$bad" -eq 0 ] || fail "$bad files differ from clang-format's layout (run clang-format -i on them)"
fi
case_end

finish
