#!/usr/bin/env python3
"""Mutations of a valid package archive (tests/cli/package_archive.sh).

Usage: tar_mutations.py PACKAGE.tar.gz OUTDIR

Writes OUTDIR/NAME.tar.gz for every mutation of the gzip framing, the tar
framing and the ustar headers of PACKAGE, and OUTDIR/variants.tsv with one
line per variant: NAME, then the text verify's reason must contain (empty
when any FAIL will do). Every variant differs from the pristine archive and
none is what `attest package` writes, so none may verify.
"""
import gzip
import struct
import sys
import zlib

BLOCK, RECORD = 512, 10240
src, out = sys.argv[1], sys.argv[2]
raw = open(src, "rb").read()
d = zlib.decompressobj(16 + 15)
tar = d.decompress(raw)
assert d.eof and not d.unused_data, "the pristine archive is not one gzip member"

# Members: (header offset, size); end = offset of the first zero block.
members = []
off = 0
while tar[off:off + BLOCK] != bytes(BLOCK):
    size = int(tar[off + 124:off + 136].rstrip(b"\0 "), 8)
    members.append((off, size))
    off += BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
end = off
assert len(members) > 4 and len(tar) % RECORD == 0
first_hdr = tar[:BLOCK]
mtime = first_hdr[136:148]


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def with_sum(h):
    h = bytearray(h)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def header(name, size, prefix=b"", typeflag=b"0"):
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = mtime
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[345:345 + len(prefix)] = prefix
    return with_sum(h)


def member(name, data):
    pad = (BLOCK - len(data) % BLOCK) % BLOCK
    return header(name, len(data)) + data + bytes(pad)


def record(t):
    return t + bytes((RECORD - len(t) % RECORD) % RECORD)


def archive(body):
    """A tar stream of body, then the end blocks and the record's padding."""
    return record(body + bytes(2 * BLOCK))


def name_of(i):
    h = tar[members[i][0]:members[i][0] + BLOCK]
    n, p = h[0:100].rstrip(b"\0"), h[345:500].rstrip(b"\0")
    return p + b"/" + n if p else n


def hdr_variant(i, fn):
    """The tar with member i's header changed by fn (a bytearray edit)."""
    o = members[i][0]
    h = bytearray(tar[o:o + BLOCK])
    fn(h)
    return tar[:o] + bytes(h) + tar[o + BLOCK:]


def setf(lo, hi, value, recompute=True):
    def fn(h):
        h[lo:hi] = value.ljust(hi - lo, b"\0")[:hi - lo]
        if recompute:
            h[:] = with_sum(h)
    return fn


variants = []  # (name, data, expected reason or "")


def add(name, data, expect=""):
    assert data != raw, name
    variants.append((name, data, expect))


def addt(name, t, expect=""):
    add(name, gz(t), expect)


readme = [i for i in range(len(members)) if name_of(i) == b"README.txt"][0]
evil = member(b"README.txt", b"replaced after verification\n")
body = tar[:end]

# ---- members hidden after the end of the archive ------------------------
addt("append-member-after-end-blocks", body + bytes(2 * BLOCK) + archive(evil),
     "data after the end-of-archive blocks")
addt("append-member-after-record", tar + archive(evil), "data after the end-of-archive blocks")
addt("append-member-no-end-blocks", tar + evil, "data after the end-of-archive blocks")
addt("lone-zero-block-then-member", archive(body + bytes(BLOCK) + evil), "lone zero block")
addt("lone-zero-block-then-junk", archive(body + bytes(BLOCK) + b"x" * BLOCK), "lone zero block")
addt("member-inside-record-padding", record(body + bytes(2 * BLOCK) + evil),
     "data after the end-of-archive blocks")

# ---- truncation -----------------------------------------------------------
for n in (0, 1, 2, 9, 10, 100, len(raw) // 3, len(raw) // 2, len(raw) - 9, len(raw) - 8,
          len(raw) - 5, len(raw) - 4, len(raw) - 1):
    add("truncate-gzip-at-%d" % n, raw[:n])
addt("truncate-tar-after-first-header", tar[:BLOCK], "truncated")
addt("truncate-tar-mid-header", tar[:members[3][0] + 100], "truncated")
addt("truncate-tar-mid-member", tar[:members[readme][0] + BLOCK + 10], "truncated")
addt("truncate-tar-no-end-blocks", body, "truncated")
addt("truncate-tar-one-end-block", body + bytes(BLOCK), "truncated")
addt("truncate-tar-mid-end-block", body + bytes(BLOCK + 100), "truncated")
addt("truncate-tar-mid-padding", tar[:len(tar) - 100] if len(tar) - end > 2 * BLOCK + 100 else
     tar[:end + 2 * BLOCK - 100], "")

# ---- padding ----------------------------------------------------------------
for n in (1, 512, 10240):
    add("pad-gzip-with-%d-zero-bytes" % n, raw + bytes(n), "bytes follow the end of the gzip")
addt("pad-tar-with-a-zero-block", tar + bytes(BLOCK), "data after the end-of-archive blocks")
addt("pad-tar-with-a-zero-record", tar + bytes(RECORD), "data after the end-of-archive blocks")
addt("pad-tar-with-100-zero-bytes", tar + bytes(100), "data after the end-of-archive blocks")
addt("pad-tar-non-zero-last-byte", tar[:-1] + b"\x01", "data after the end-of-archive blocks")
addt("second-end-block-non-zero", tar[:end + BLOCK + 7] + b"A" + tar[end + BLOCK + 8:],
     "lone zero block")
padded = [i for i in range(len(members)) if members[i][1] % BLOCK]
o, s = members[padded[0]]
addt("member-padding-non-zero", tar[:o + BLOCK + s] + b"Z" + tar[o + BLOCK + s + 1:],
     "padding after member")

# ---- gzip framing -----------------------------------------------------------
add("second-gzip-member-empty", raw + gz(b""), "second gzip member")
add("second-gzip-member-with-member", raw + gz(archive(evil)), "second gzip member")
add("second-gzip-member-whole-copy", raw + raw, "second gzip member")
add("trailing-garbage-text", raw + b"garbage after the package\n", "bytes follow the end")
add("trailing-garbage-byte", raw + b"X", "bytes follow the end")
add("trailing-garbage-newline", raw + b"\n", "bytes follow the end")
add("trailing-gzip-magic-only", raw + b"\x1f\x8b", "second gzip member")
flg = raw[3]
add("gzip-header-extra-field", raw[:3] + bytes([flg | 4]) + raw[4:10] + b"\x04\x00ABCD" + raw[10:],
    "extra field")
add("gzip-header-comment", raw[:3] + bytes([flg | 16]) + raw[4:10] + b"hidden\0" + raw[10:],
    "comment")
add("gzip-crc-flipped", raw[:-8] + bytes([raw[-8] ^ 1]) + raw[-7:], "not a valid gzip")
add("gzip-isize-flipped", raw[:-4] + bytes([raw[-4] ^ 1]) + raw[-3:], "not a valid gzip")
add("gzip-deflate-byte-flipped", raw[:len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 0x55]) +
    raw[len(raw) // 2 + 1:])
add("gzip-bad-magic", b"\x1f\x8c" + raw[2:])
add("gzip-bad-method", raw[:2] + b"\x07" + raw[3:])
add("not-gzip-plain-tar", tar)

# ---- header variants (checksum recomputed unless said) ---------------------
for i in sorted({1, len(members) // 2, len(members) - 1}):
    addt("gnu-magic-member-%d" % i, hdr_variant(i, setf(257, 265, b"ustar  \0")), "GNU tar header")


def gnu_prefix(h):
    # GNU tar ignores the prefix: it would extract "report.json" at the top.
    n = bytes(h[0:100]).rstrip(b"\0")
    if b"/" in n:
        p, n = n.split(b"/", 1)
        h[0:100] = n.ljust(100, b"\0")
        h[345:500] = p.ljust(155, b"\0")
    h[257:265] = b"ustar  \0"
    h[:] = with_sum(h)


nested = [i for i in range(len(members)) if b"/" in name_of(i)][0]
addt("gnu-magic-with-prefix", hdr_variant(nested, gnu_prefix), "GNU tar header")
for label, value in (("version-spaces", b"ustar\0  "), ("version-nul", b"ustar\0\0\0"),
                     ("magic-upper", b"USTAR\000"), ("magic-v7-none", b""),
                     ("magic-no-nul", b"ustarX00")):
    addt("header-%s" % label, hdr_variant(readme, setf(257, 265, value)), "POSIX ustar")
addt("checksum-name-byte-changed", hdr_variant(readme, setf(0, 1, b"r", False)),
     "bad header checksum")
addt("checksum-field-digit-changed",
     hdr_variant(readme, lambda h: h.__setitem__(150, h[150] ^ 1)), "bad header checksum")
addt("checksum-field-not-octal", hdr_variant(readme, setf(148, 156, b"0000x0\0 ", False)),
     "bad header checksum")
for t in b"\0" b"1" b"2" b"3" b"4" b"5" b"6" b"7" b"x" b"g" b"L" b"K" b"S" b"V" b"A":
    addt("typeflag-%s" % ("nul" if t == 0 else chr(t)),
         hdr_variant(readme, setf(156, 157, bytes([t]))), "refusing")
rs = members[readme][1]
for label, value in (("digit-8", b"0000000000%c\0" % b"8"[0]), ("leading-space", b" %010o\0" % rs),
                     ("plus-sign", b"+%010o\0" % rs), ("base-256", b"\x80" + bytes(10) +
                     bytes([rs & 255])), ("no-terminator", b"%012o" % rs),
                     ("trailing-space", b"%011o " % rs), ("empty", b""),
                     ("letters", b"0000000001a\0")):
    addt("size-%s" % label, hdr_variant(readme, setf(124, 136, value)), "refusing")
addt("size-one-larger", hdr_variant(readme, setf(124, 136, b"%011o\0" % (rs + 1))))
addt("size-one-smaller", hdr_variant(readme, setf(124, 136, b"%011o\0" % (rs - 1))))
for label, name, prefix in (("dotdot", b"../README.txt", b""), ("abs", b"/tmp/README.txt", b""),
                            ("dot", b"./README.txt", b""), ("empty-component", b"a//README.txt", b""),
                            ("inner-dotdot", b"reports/../README.txt", b""),
                            ("trailing-slash", b"README.txt/", b""), ("escape", b"README\x1b.txt", b""),
                            ("backslash", b"..\\README.txt", b""), ("empty", b"", b""),
                            ("prefix-dotdot", b"README.txt", b".."),
                            ("prefix-abs", b"README.txt", b"/tmp")):
    addt("name-%s" % label, hdr_variant(readme, lambda h, n=name, p=prefix: (
        h.__setitem__(slice(0, 100), n.ljust(100, b"\0")),
        h.__setitem__(slice(345, 500), p.ljust(155, b"\0")),
        h.__setitem__(slice(0, BLOCK), with_sum(h)))), "refusing")
addt("name-bytes-after-nul", hdr_variant(readme, setf(0, 100, b"README.txt\0hidden")), "name field")


def split_prefix(h):
    n = bytes(h[0:100]).rstrip(b"\0")
    p, n = n.split(b"/", 1)
    h[0:100] = n.ljust(100, b"\0")
    h[345:500] = p.ljust(155, b"\0")
    h[:] = with_sum(h)


addt("name-non-canonical-prefix-split", hdr_variant(nested, split_prefix), "field differs")
for label, lo, hi, value in (("mode-0755", 100, 108, b"0000755\0"), ("mode-setuid", 100, 108, b"0004644\0"),
                             ("uid-1000", 108, 116, b"0001750\0"), ("gid-1000", 116, 124, b"0001750\0"),
                             ("uname-root", 265, 297, b"root"), ("gname-root", 297, 329, b"root"),
                             ("linkname-set", 157, 257, b"/etc/passwd"),
                             ("devmajor-zero-digits", 329, 337, b"0000000\0"),
                             ("devminor-set", 337, 345, b"0000001\0"), ("pad-field-set", 500, 512, b"hidden"),
                             ("mode-spaces", 100, 108, b" 000644 ")):
    addt("field-%s" % label, hdr_variant(readme, setf(lo, hi, value)), "refusing")
addt("field-mtime-one-member", hdr_variant(readme, setf(136, 148, b"%011o\0" % (int(mtime[:11], 8) + 1))),
     "another time")

# ---- members: order, duplicates, content --------------------------------------
o1, s1 = members[1]
o2, s2 = members[2]
n1 = BLOCK + (s1 + BLOCK - 1) // BLOCK * BLOCK
n2 = BLOCK + (s2 + BLOCK - 1) // BLOCK * BLOCK
addt("members-swapped", tar[:o1] + tar[o2:o2 + n2] + tar[o1:o1 + n1] + tar[o2 + n2:], "order")
ro = members[readme][0]
rn = BLOCK + (rs + BLOCK - 1) // BLOCK * BLOCK
addt("member-duplicated", archive(body[:ro + rn] + body[ro:ro + rn] + body[ro + rn:]), "more than once")
addt("member-removed", archive(body[:ro] + body[ro + rn:]), "missing")
addt("member-content-changed", tar[:ro + BLOCK] + bytes([tar[ro + BLOCK] ^ 0x20]) + tar[ro + BLOCK + 1:],
     "changed")
addt("member-added-extra-file", archive(body + member(b"zzz-extra.txt", b"extra\n")), "added")

names = set()
with open(out + "/variants.tsv", "w") as f:
    for name, data, expect in variants:
        assert name not in names, name
        names.add(name)
        open("%s/%s.tar.gz" % (out, name), "wb").write(data)
        f.write("%s\t%s\n" % (name, expect))
print(len(variants))
