#!/bin/sh
# tests/tagger/cli.sh - `rapporteur tag` and `rapporteur tags` end to end,
# as TAP. Golden files: tests/data/tags/posts.jsonl -> posts.expected
# (stdout) and posts.stderr; RP_REGEN=1 rewrites them (review the diff).
# The curation steps run against a real redis-server on a unix socket in a
# temporary directory, stopped at the end.
set -u
rap=${RAPPORTEUR:?RAPPORTEUR not set}
src=${SRCDIR:?SRCDIR not set}
data=$src/tests/data/tags
work=$(mktemp -d /tmp/rp-tagger-cli.XXXXXX)
redis_pid=
cleanup() {
	[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
export RAPPORTEUR_NOW=1352282400

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' "$2"; }
check() { # NAME COMMAND...: ok when the command succeeds
	name=$1; shift
	if "$@" > "$work/out" 2>&1; then ok "$name"; else notok "$name" "$work/out"; fi
}

echo "1..22"
cd "$data" || exit 1

# tags check
"$rap" tags check test.yaml > "$work/out" 2>&1
[ $? -eq 0 ] && ok "tags check: a good file, exit 0" || notok "tags check: a good file" "$work/out"
"$rap" tags check "$src/tags.yaml" > "$work/out" 2>&1
[ $? -eq 0 ] && ok "tags check: the default tags.yaml" || notok "tags check: the default tags.yaml" "$work/out"
"$rap" tags check bad/duplicates.yaml > /dev/null 2> "$work/err"
rc=$?
if [ $rc -eq 2 ] && cmp -s "$work/err" bad/duplicates.err; then ok "tags check: exit 2, every error"
else notok "tags check: exit 2 (got $rc), every error" "$work/err"; fi
"$rap" tags check no-such.yaml > /dev/null 2>&1
[ $? -eq 1 ] && ok "tags check: unreadable file, exit 1" || notok "tags check: unreadable file, exit 1"

# tag
"$rap" tag --in posts.jsonl --tags test.yaml > "$work/out" 2> "$work/err"
rc=$?
if [ "${RP_REGEN:-}" = 1 ]; then cp "$work/out" posts.expected; cp "$work/err" posts.stderr; fi
[ $rc -eq 2 ] && ok "tag: bad lines, exit 2 at the end" || notok "tag: exit 2 (got $rc)" "$work/err"
cmp -s "$work/out" posts.expected && ok "tag: golden output" || { diff posts.expected "$work/out" > "$work/diff"; notok "tag: golden output" "$work/diff"; }
cmp -s "$work/err" posts.stderr && ok "tag: FILE:LINE: why for each bad line" || notok "tag: bad line messages" "$work/err"
head -n 1 posts.jsonl | "$rap" tag --in - --tags test.yaml > "$work/out" 2>&1
[ $? -eq 0 ] && [ "$(wc -l < "$work/out")" -eq 1 ] && ok "tag: --in - reads stdin" || notok "tag: --in -" "$work/out"
(cd "$src" && "$rap" tag --in "$data/posts.jsonl" > "$work/out" 2>/dev/null)
grep -q '"event":"igf2012"' "$work/out" && ok "tag: --tags defaults to ./tags.yaml" || notok "tag: default --tags" "$work/out"
"$rap" tag --tags test.yaml > /dev/null 2>&1
[ $? -eq 2 ] && ok "tag: no --in is a usage error" || notok "tag: no --in"

# export round trip
"$rap" tags export --tags test.yaml --out "$work/a.yaml" && "$rap" tags export --tags "$work/a.yaml" > "$work/b.yaml" 2>&1
cmp -s "$work/a.yaml" "$work/b.yaml" && ok "tags export: loads back to the same ontology" || notok "tags export round trip" "$work/b.yaml"

# curation against a real redis-server
redis-server --port 0 --unixsocket "$work/r.sock" --save '' --appendonly no --daemonize no --dir "$work" > /dev/null &
redis_pid=$!
i=0
while [ ! -S "$work/r.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
R="unix:$work/r.sock"
id=$("$rap" tags suggest '#NetNeutrality' --client 1.2.3.4 --for privacy --tags test.yaml --redis "$R" 2> "$work/err")
[ ${#id} -eq 32 ] && ok "tags suggest: prints the suggestion id" || notok "tags suggest" "$work/err"
"$rap" tags suggestions --tags test.yaml --redis "$R" > "$work/out" 2>&1
grep -q "#NetNeutrality  for privacy" "$work/out" && ok "tags suggestions --redis: the queue" || notok "tags suggestions --redis" "$work/out"
"$rap" tags approve NetNeutrality --alias-of privacy --tags test.yaml --redis "$R" > "$work/out" 2>&1
[ $? -eq 2 ] && grep -q -- "--by" "$work/out" && ok "tags approve: --by and --reason are required" || notok "approve without who/why" "$work/out"
check "tags approve --alias-of with who and why" "$rap" tags approve NetNeutrality --alias-of privacy --by ana --reason "used with privacy" --tags test.yaml --redis "$R"
"$rap" tags export --tags test.yaml --redis "$R" > "$work/out" 2>&1
grep -q '"NetNeutrality"' "$work/out" && ok "tags export --redis: the approved alias is in tags.yaml" || notok "export --redis" "$work/out"
"$rap" tags log --tags test.yaml --redis "$R" > "$work/out" 2>&1
grep -q '"by":"ana".*"why":"used with privacy","when":1352282400' "$work/out" && ok "tags log: who, why, when" || notok "tags log" "$work/out"
"$rap" tag --in posts.jsonl --tags test.yaml --redis "$R" 2>/dev/null | head -n 1 > "$work/out"
grep -q '"themes":\["access","privacy"\]' "$work/out" && ok "tag --redis: decisions re-applied to past posts" || notok "tag --redis" "$work/out"
# import applies the decisions too (and takes options after its files):
# a post tagged only with the newly
# approved alias lands in the alias's theme.
printf '%s\n' '{"id":"imp-1","text":"Judges must review blocking orders #conf12 #NetNeutrality","published":"2012-11-07T10:00:00Z"}' > "$work/imp.jsonl"
if "$rap" import --quiet --redis "$R" "$work/imp.jsonl" --tags test.yaml > "$work/out" 2>&1 &&
	"$rap" digest privacy --redis "$R" --tags test.yaml --format json > "$work/out" 2>&1 &&
	grep -q 'Judges must review blocking orders' "$work/out"; then
	ok "import --redis: approved alias applies to new posts"
else
	notok "import --redis: approved alias applies to new posts" "$work/out"
fi
"$rap" tags check test.yaml --redis "$R" > /dev/null 2>&1
[ $? -eq 2 ] && ok "tags check: unknown option, exit 2" || notok "tags check: unknown option"
check "tags mine: counts into Redis" "$rap" tags mine --in mine.jsonl --tags test.yaml --redis "$R"
"$rap" tags suggestions --tags test.yaml --redis "$R" > "$work/out" 2>&1
grep -q "#ConfAZ looks like an alias of the event" "$work/out" && grep -q "#Filtering belongs near" "$work/out" &&
	! grep -q "#NetNeutrality belongs" "$work/out" &&
	ok "tags suggestions --redis: discovered, ranked, approved ones gone" || notok "discovered" "$work/out"
exit $fail
