#!/bin/sh
# tests/feeds/parse-release.sh - `rapporteur parse FILE` lets go of the
# mapped file behind the parse (cli/cmd-parse.c, on_progress); `parse -`
# reads stdin into a buffer and lets go of nothing. Both must print the
# same (stdout, stderr with the path as `-`, exit status) for documents
# of several MiB, so that the releases span many steps: plain RSS and
# Atom (the UTF-8 check, then the fast path), after a BOM, declined late
# by the fast path in the last item (read again by libxml2 from the
# start, over released pages), with a DOCTYPE (libxml2 alone), and not
# UTF-8 (decoded into a copy after the check). The documents are made
# here with bench/parse/genfeed.py, deterministic, and not kept. Memory
# figures are bench/parse's, not asserted here. TAP.
# env: RAPPORTEUR (the binary), SRCDIR (source root).
set -u
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
RAPPORTEUR="${RAPPORTEUR:-$SRCDIR/build/cli/rapporteur}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3 || true)"
GEN="$SRCDIR/bench/parse/genfeed.py"
cases="rss atom bom late doctype latin1"
set -- $cases
echo "1..$#"
if [ -z "$PY" ] || [ ! -f "$GEN" ]; then
	i=0
	for c in $cases; do
		i=$((i + 1))
		echo "ok $i - $c # SKIP no python3 or bench/parse/genfeed.py"
	done
	exit 0
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# splice NAME HOW MARK TEXT: $TMP/NAME.xml, $TMP/rss.xml with the bytes
# TEXT put just before its first (HOW index) or last (HOW rindex) MARK.
splice() {
	"$PY" - "$TMP/rss.xml" "$TMP/$1.xml" "$2" "$3" "$4" <<'EOF'
import os, sys
src, dst, how, mark, text = sys.argv[1:]
d = open(src, "rb").read()
i = getattr(d, how)(os.fsencode(mark))
open(dst, "wb").write(d[:i] + os.fsencode(text) + d[i:])
EOF
}

# make_doc NAME: $TMP/NAME.xml
make_doc() {
	f="$TMP/$1.xml"
	case "$1" in
	rss) "$PY" "$GEN" rss 4000 3 "$f" ;;
	atom) "$PY" "$GEN" atom 3000 3 "$f" ;;
	bom) printf '\357\273\277' >"$f" && cat "$TMP/rss.xml" >>"$f" ;;
	late) splice late rindex '</item>' '<x>&nbsp;</x>' ;;
	doctype) splice doctype index '<rss' '<!DOCTYPE rss [<!ENTITY e "x">]>
' ;;
	latin1) splice latin1 rindex '</title>' "$(printf ' caf\351')" ;;
	esac
}

i=0
fail=0
for c in $cases; do
	i=$((i + 1))
	f="$TMP/$c.xml"
	if ! make_doc "$c" || [ ! -s "$f" ]; then
		echo "not ok $i - $c: could not make the document"
		fail=1
		continue
	fi
	"$RAPPORTEUR" parse "$f" >"$TMP/file.out" 2>"$TMP/file.err"
	st_file=$?
	"$RAPPORTEUR" parse - <"$f" >"$TMP/stdin.out" 2>"$TMP/stdin.err"
	st_stdin=$?
	sed "s|$f|-|g" "$TMP/file.err" >"$TMP/file.err.norm"
	size=$(wc -c <"$f")
	if [ $st_file -eq $st_stdin ] && cmp -s "$TMP/file.out" "$TMP/stdin.out" &&
	   cmp -s "$TMP/file.err.norm" "$TMP/stdin.err" && [ -s "$TMP/file.out" ]; then
		echo "ok $i - $c ($size bytes): parse FILE gives what parse - < FILE gives"
	else
		echo "not ok $i - $c ($size bytes): parse FILE (exit $st_file) differs from parse - (exit $st_stdin)"
		cmp "$TMP/file.out" "$TMP/stdin.out" | sed 's/^/# /'
		diff "$TMP/file.err.norm" "$TMP/stdin.err" | head -5 | sed 's/^/# /'
		fail=1
	fi
done
exit $fail
