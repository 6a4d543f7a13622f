#!/bin/sh
# tests/feeds/golden.sh - golden cases for `rapporteur parse` (TAP).
#
# Every input in tests/data/feeds (NAME.xml, .rss, .rdf, .atom, .json,
# .html, or a directory) is one case:
#   NAME.expected.json  the exact output, compared as JSON values
#   NAME.err            the command must fail and print this text on stderr
# usage: golden.sh [--regen]   (--regen rewrites every NAME.expected.json
# from the current output; review that diff like code)
# env: RAPPORTEUR (the binary), SRCDIR (source root).
set -u
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
RAPPORTEUR="${RAPPORTEUR:-$SRCDIR/build/cli/rapporteur}"
DATA="$SRCDIR/tests/data/feeds"
REGEN=0
[ "${1:-}" = "--regen" ] && REGEN=1
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3 || true)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# JSON equality: python3 when present, else byte equality of the files.
same_json() {
	if [ -n "$PY" ]; then
		"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1],encoding="utf-8")); b=json.load(open(sys.argv[2],encoding="utf-8")); sys.exit(0 if a==b else 1)' "$1" "$2" 2>/dev/null
	else
		cmp -s "$1" "$2"
	fi
}
pretty() {
	if [ -n "$PY" ]; then
		"$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1],encoding="utf-8")),ensure_ascii=False,indent=2))' "$1"
	else
		cat "$1"
	fi
}

cases=""
for f in "$DATA"/*; do
	base="$(basename "$f")"
	case "$base" in
	*.expected.json|*.err|*.md) continue ;;
	esac
	name="${base%.*}"
	if [ -d "$f" ] && [ ! -f "$DATA/$name.err" ]; then
		continue
	fi
	cases="$cases $base"
done
n=0
for c in $cases; do n=$((n + 1)); done
echo "1..$((n + 1))"

i=0
fail=0
for base in $cases; do
	i=$((i + 1))
	f="$DATA/$base"
	name="${base%.*}"
	out="$TMP/out.json"
	errout="$TMP/err.txt"
	"$RAPPORTEUR" parse "$f" >"$out" 2>"$errout"
	rc=$?
	if [ -f "$DATA/$name.err" ]; then
		want="$(cat "$DATA/$name.err")"
		if [ $rc -ne 0 ] && grep -qF -- "$want" "$errout"; then
			echo "ok $i - $name (error: $want)"
		else
			echo "not ok $i - $name: expected failure with \"$want\", got exit $rc"
			sed 's/^/# /' "$errout"
			fail=1
		fi
		continue
	fi
	exp="$DATA/$name.expected.json"
	if [ $REGEN = 1 ]; then
		if [ $rc -eq 0 ]; then
			pretty "$out" >"$exp"
			echo "ok $i - $name # regenerated"
		else
			echo "not ok $i - $name: exit $rc"
			fail=1
		fi
		continue
	fi
	if [ $rc -ne 0 ]; then
		echo "not ok $i - $name: exit $rc"
		sed 's/^/# /' "$errout"
		fail=1
	elif [ ! -f "$exp" ]; then
		echo "not ok $i - $name: no $name.expected.json (run golden.sh --regen and review)"
		fail=1
	elif same_json "$exp" "$out"; then
		echo "ok $i - $name"
	else
		echo "not ok $i - $name"
		pretty "$out" >"$TMP/actual.json"
		diff -u "$exp" "$TMP/actual.json" | sed 's/^/# /' | head -60
		fail=1
	fi
done

# A document past RP_FEED_MAX_BYTES (64 MiB) is refused with a clear error;
# a file by its size, before any of it is read (its whole size is named,
# not the limit + 1 bytes that reading up to the limit would have seen).
i=$((i + 1))
big="$TMP/too-big.xml"
if truncate -s 100000000 "$big" 2>/dev/null; then
	"$RAPPORTEUR" parse "$big" >/dev/null 2>"$TMP/err.txt"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "document is 100000000 bytes, more than the limit" "$TMP/err.txt"; then
		echo "ok $i - too-big (exit $rc: $(cat "$TMP/err.txt"))"
	else
		echo "not ok $i - too-big: exit $rc"
		sed 's/^/# /' "$TMP/err.txt"
		fail=1
	fi
else
	echo "ok $i - too-big # SKIP truncate not available"
fi
exit $fail
