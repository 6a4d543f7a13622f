#!/bin/sh
# tests/tagger/cli.sh - `rapporteur tag` and `rapporteur tags` end to end,
# as TAP. Golden files: tests/data/tags/posts.jsonl -> posts.expected
# (stdout) and posts.stderr, tests/data/tags/list/small.yaml -> small.txt,
# small-pt-BR.txt, small.json (`tags list`); RP_REGEN=1 rewrites them
# (review the diff).
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

echo "1..42"
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

# tags list: golden files for a small fixture (list/small.yaml ->
# small.txt, small-pt-BR.txt, small.json; RP_REGEN=1 rewrites them), and
# the root tags.yaml checked against itself (its content may change).
golden() { # NAME FILE ARGS...: stdout of `tags list ARGS` equals list/FILE, exit 0
	name=$1 want=$2; shift 2
	"$rap" tags list "$@" > "$work/out" 2> "$work/err"
	rc=$?
	[ "${RP_REGEN:-}" = 1 ] && cp "$work/out" "list/$want"
	if [ $rc -eq 0 ] && [ ! -s "$work/err" ] && cmp -s "$work/out" "list/$want"; then ok "$name"
	else diff "list/$want" "$work/out" > "$work/diff"; cat "$work/err" >> "$work/diff"; notok "$name (exit $rc)" "$work/diff"; fi
}
golden "tags list: text, aligned, a line per concept" small.txt --tags list/small.yaml
golden "tags list --lang pt-BR: labels fall back to pt, then the default" small-pt-BR.txt --tags list/small.yaml --lang pt-BR
golden "tags list --format json: one document" small.json --tags list/small.yaml --format json
"$rap" tags list --tags bad/duplicates.yaml > "$work/out" 2> "$work/err"
rc=$?
head -n -1 "$work/err" > "$work/err1"
if [ $rc -eq 2 ] && [ ! -s "$work/out" ] && cmp -s "$work/err1" bad/duplicates.err; then ok "tags list: a bad file, FILE:LINE:COLUMN for each mistake, exit 2"
else notok "tags list: a bad file (exit $rc)" "$work/err"; fi
bad_usage=0
for args in "--format xml" "--ids --format json" "--lang x/y" "extra" "--tags"; do
	# shellcheck disable=SC2086
	"$rap" tags list --tags list/small.yaml $args > "$work/out" 2>> "$work/err2"
	[ $? -eq 2 ] && [ ! -s "$work/out" ] || { bad_usage=1; echo "not 2: $args" >> "$work/err2"; }
done
[ $bad_usage -eq 0 ] && ok "tags list: bad usage, exit 2" || notok "tags list: bad usage" "$work/err2"
# The root tags.yaml: the JSON agrees with the text, --ids and tags check.
"$rap" tags list --tags "$src/tags.yaml" --format json > "$work/root.json" 2>&1 &&
"$rap" tags list --tags "$src/tags.yaml" > "$work/root.txt" 2>&1 &&
"$rap" tags list --tags "$src/tags.yaml" --ids > "$work/root.ids" 2>&1 &&
"$rap" tags check "$src/tags.yaml" > "$work/root.check" 2>&1 &&
python3 - "$work/root.json" "$work/root.txt" "$work/root.ids" "$work/root.check" > "$work/out" 2>&1 <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read().splitlines()
ids = open(sys.argv[3], encoding="utf-8").read().split()
check = open(sys.argv[4], encoding="utf-8").read()
themes = doc["themes"]
sessions = [s for t in themes for s in t["sessions"]]
assert doc["event"]["id"] == "igf2012" and doc["timezone"] == "Asia/Baku", doc["event"]
assert ids == [t["id"] for t in themes], (ids, [t["id"] for t in themes])
m = re.search(r"(\d+) themes, (\d+) sessions", check)
assert (int(m.group(1)), int(m.group(2))) == (len(themes), len(sessions)), check
# text: the event, then each theme followed by its sessions, one line
# each, then the count; the id column starts at the same place on every line
want = [("event", doc["event"])] + [x for t in themes for x in [("theme", t)] + [("  session", s) for s in t["sessions"]]]
assert len(text) == len(want) + 1, (len(text), len(want))
assert text[-1] == "%d themes, %d sessions; times in Asia/Baku" % (len(themes), len(sessions)), text[-1]
col = len("  session ")
label_at = set()
for line, (kind, c) in zip(text, want):
    assert line.startswith(kind.ljust(col - 1) + " " + c["id"] + " "), (line, kind, c["id"])
    rest = line[col:]
    label_at.add(len(rest) - len(rest[len(c["id"]):].lstrip(" ")))
    assert (" " + c["label"] + "  ") in line + "  ", (line, c["label"])
    for h in c["hashtags"] + c["aliases"]:
        assert "#" + h in line, (line, h)
    assert ("room " + c["room"]) in line if "room" in c else "room " not in line, line
assert len(label_at) == 1, label_at
assert all(t["hashtags"] for t in themes), "every IGF theme has a hashtag"
PY
[ $? -eq 0 ] && ok "tags list on tags.yaml: text, JSON, --ids and tags check agree" || notok "tags list on tags.yaml" "$work/out"

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
# The most used spelling of an unknown tag, so far (cli/cmd-tag.c says why).
printf '%s\n' '{"id":"c1","text":"#netneutrality #conf2012"}' '{"id":"c2","text":"#NetNeutrality #conf2012"}' \
	'{"id":"c3","text":"#netneutrality #conf2012"}' '{"id":"c4","text":"#NetNeutrality #NETNEUTRALITY"}' > "$work/case.jsonl"
"$rap" tag --in "$work/case.jsonl" --tags test.yaml 2>&1 | sed 's/.*"tags":\[\([^]]*\)\].*/\1/' > "$work/out"
printf '%s\n' '"netneutrality","Conf2012"' '"NetNeutrality","Conf2012"' '"netneutrality","Conf2012"' '"NetNeutrality"' > "$work/want"
cmp -s "$work/out" "$work/want" && ok "tag: an unknown tag shows its most used spelling so far (a tie: CamelCase)" || { diff "$work/want" "$work/out" > "$work/diff"; notok "tag: most used spelling" "$work/diff"; }

# Live discovery during import: counted once Redis stores a post, once.
redis-cli -s "$work/r.sock" flushall > /dev/null
"$rap" import --quiet --redis "$R" --tags test.yaml mine.jsonl > /dev/null 2>&1
"$rap" tags suggestions --tags test.yaml --redis "$R" > "$work/sugg1" 2>&1
grep -q "#ConfAZ looks like an alias of the event (Test Conference): 4 posts by 3 authors, 100% in the event, seen 2012-11-06 to 2012-11-08" "$work/sugg1" &&
	grep -q "#NetNeutrality belongs near .*: 3 posts by 3 authors" "$work/sugg1" &&
	grep -q "#Filtering belongs near Blocking and filtering (session ws165): 2 posts by 2 authors" "$work/sugg1" &&
	ok "import: discovers the hashtags beside the agreed ones, with counts" || notok "import: discovery" "$work/sugg1"
"$rap" import --quiet --redis "$R" --tags test.yaml mine.jsonl > /dev/null 2>&1
"$rap" tags suggestions --tags test.yaml --redis "$R" > "$work/sugg2" 2>&1
cmp -s "$work/sugg1" "$work/sugg2" && ok "import again: discovery counts unchanged" || { diff "$work/sugg1" "$work/sugg2" > "$work/diff"; notok "import again: counts unchanged" "$work/diff"; }
# tags mine: the same sums as import's discovery (store/discovery.h), so
# the same suggestions; written in one MULTI/EXEC about once a second, not
# a round trip per post (Redis's own command counts say so); and a file
# counted again counts again (it is not stored, so nothing tells a repeat).
redis-cli -s "$work/r.sock" flushall > /dev/null
"$rap" tags mine --in mine.jsonl --tags test.yaml --redis "$R" > "$work/out" 2>&1
"$rap" tags suggestions --tags test.yaml --redis "$R" > "$work/sugg3" 2>&1
if grep -qx "counted the hashtags of 13 lines" "$work/out" && cmp -s "$work/sugg1" "$work/sugg3"; then
	ok "tags mine: counts as import's discovery does"
else
	diff "$work/sugg1" "$work/sugg3" >> "$work/out"; notok "tags mine: counts as import does" "$work/out"
fi
"$rap" tags mine --in mine.jsonl --tags test.yaml --redis "$R" > "$work/out" 2>&1
"$rap" tags suggestions --tags test.yaml --redis "$R" >> "$work/out" 2>&1
grep -q "#ConfAZ looks like an alias of the event (Test Conference): 8 posts by 3 authors" "$work/out" &&
	ok "tags mine again: the file counts twice" || notok "tags mine again" "$work/out"
redis-cli -s "$work/r.sock" flushall > /dev/null
python3 - "$work/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(6000):
        tag = "#bigtag" if i % 3 == 0 else "#BigTag"
        f.write(json.dumps({"id": "many-%d" % i, "author": "a%d" % (i % 7),
                            "published": "2012-11-07T10:%02d:00Z" % (i % 60),
                            "text": "Note %d %s #conf2012" % (i, tag)}) + "\n")
PY
redis-cli -s "$work/r.sock" config resetstat > /dev/null
"$rap" tags mine --in "$work/many.jsonl" --tags test.yaml --redis "$R" > "$work/out" 2>&1; rc=$?
redis-cli -s "$work/r.sock" info commandstats | tr -d '\r' > "$work/stats"
execs=$(sed -n 's/^cmdstat_exec:calls=\([0-9]*\),.*/\1/p' "$work/stats")
zincr=$(sed -n 's/^cmdstat_zincrby:calls=\([0-9]*\),.*/\1/p' "$work/stats")
"$rap" tags suggestions --tags test.yaml --redis "$R" >> "$work/out" 2>&1
if [ $rc -eq 0 ] && [ "${execs:-0}" -ge 1 ] && [ "$execs" -le 20 ] && [ "$zincr" = "$execs" ] &&
	grep -q "#BigTag .*: 6000 posts by 7 authors, 100% in the event, seen 2012-11-07 to 2012-11-07" "$work/out"; then
	ok "tags mine: 6000 posts in $execs MULTI/EXEC, counts exact"
else
	{ echo "rc=$rc exec=$execs zincrby=$zincr"; cat "$work/stats"; } >> "$work/out"; notok "tags mine: batched" "$work/out"
fi
# A write Redis refuses (a key of the wrong type) is reported, exit 1.
redis-cli -s "$work/r.sock" flushall > /dev/null
redis-cli -s "$work/r.sock" set 'rap:{conf}:cur:used' x > /dev/null
"$rap" tags mine --in mine.jsonl --tags test.yaml --redis "$R" > "$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "WRONGTYPE" "$work/out" && ! grep -q "counted" "$work/out" &&
	ok "tags mine: a write Redis refuses is reported, exit 1" || notok "tags mine: refused write (exit $rc)" "$work/out"

# Re-applying decisions to past posts: tags retag.
redis-cli -s "$work/r.sock" flushall > /dev/null
printf '%s\n' '{"id":"rt-1","author":"ana","text":"Courts and #NetNeutrality rules in Baku #conf2012","published":"2012-11-07T10:00:00Z"}' \
	'{"id":"rt-2","author":"bob","text":"Why #netneutrality matters for everyone #conf2012","published":"2012-11-07T11:00:00Z"}' \
	'{"id":"rt-3","author":"cy","text":"Hello from the hall #conf2012 #ws165","published":"2012-11-07T12:00:00Z","tags":["TeamX"]}' > "$work/rt.jsonl"
"$rap" import --quiet --redis "$R" --tags test.yaml "$work/rt.jsonl" > /dev/null 2>&1
"$rap" digest privacy --redis "$R" --tags test.yaml --format json > "$work/before" 2>&1
"$rap" tags approve NetNeutrality --alias-of privacy --by ana --reason "used with privacy" --tags test.yaml --redis "$R" > /dev/null 2>&1
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1
"$rap" digest privacy --redis "$R" --tags test.yaml --format json > "$work/after" 2>&1
if ! grep -q "Courts and" "$work/before" && grep -q "retag: 3 posts read, 2 changed" "$work/out" &&
	grep -q '"posts": 2' "$work/after" && grep -q "Courts and #NetNeutrality" "$work/after"; then
	ok "tags retag: past posts move into the approved alias's theme; digest shows them"
else
	cat "$work/before" "$work/after" >> "$work/out"; notok "tags retag: alias" "$work/out"
fi
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1
grep -q "retag: 3 posts read, 0 changed, 0 stories" "$work/out" && ok "tags retag again: nothing changes" || notok "tags retag: idempotent" "$work/out"
"$rap" tags approve TeamX --alias-of stock --by ana --reason "team tag" --tags test.yaml --redis "$R" > /dev/null 2>&1
"$rap" tags block ws165 --by ana --reason "spam" --tags test.yaml --redis "$R" > /dev/null 2>&1
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1
"$rap" digest stock --redis "$R" --tags test.yaml --format json >> "$work/out" 2>&1
n_access=$(redis-cli -s "$work/r.sock" hget 'rap:{conf}:n' th:access)
n_ws=$(redis-cli -s "$work/r.sock" zcard 'rap:{conf}:se:ws165:s')
if grep -q "1 changed" "$work/out" && grep -q "Hello from the hall" "$work/out" && [ "$n_access" = 0 ] && [ "$n_ws" = 0 ]; then
	ok "tags retag: structured tags kept at import count; a blocked tag's session loses the post"
else
	echo "th:access=$n_access se:ws165:s=$n_ws" >> "$work/out"; notok "tags retag: structured tags, block" "$work/out"
fi
"$rap" tags retag --tags no-such.yaml --redis "$R" > "$work/out" 2>&1
[ $? -eq 1 ] && ok "tags retag: an unreadable ontology, exit 1" || notok "tags retag: bad --tags" "$work/out"
# An event written in the key layout before packed posts (store/layout.h):
# refused with what to do, nothing rewritten.
redis-cli -s "$work/r.sock" flushall > /dev/null
redis-cli -s "$work/r.sock" zadd 'rap:{conf}:posts' 1 0123456789abcdef > /dev/null
redis-cli -s "$work/r.sock" hset 'rap:{conf}:p:0123456789abcdef' i old t 1 th access > /dev/null
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "key layout 1" "$work/out" && grep -q "import the posts again" "$work/out" &&
	[ "$(redis-cli -s "$work/r.sock" hget 'rap:{conf}:p:0123456789abcdef' th)" = access ] &&
	ok "tags retag: an event in an older key layout is refused (exit $rc)" ||
	notok "tags retag: older layout (exit $rc)" "$work/out"
# Layout 2, the one before a post became one string: its post hashes
# (values packed in field v) are refused the same way, and left as they are.
redis-cli -s "$work/r.sock" flushall > /dev/null
redis-cli -s "$work/r.sock" set 'rap:{conf}:layout' 2 > /dev/null
redis-cli -s "$work/r.sock" zadd 'rap:{conf}:posts' 1 0123456789abcdef > /dev/null
redis-cli -s "$work/r.sock" hset 'rap:{conf}:p:0123456789abcdef' t 1 v '0:2:id0:0:0:0:0:0:0:0:6:access0:' > /dev/null
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "key layout 2" "$work/out" && grep -q "import the posts again" "$work/out" &&
	[ "$(redis-cli -s "$work/r.sock" hget 'rap:{conf}:p:0123456789abcdef' t)" = 1 ] &&
	ok "tags retag: an event in key layout 2 (post hashes) is refused (exit $rc)" ||
	notok "tags retag: layout 2 (exit $rc)" "$work/out"
# tags retag beside a running import: each page is atomic and checked, so
# once both are done (and a last retag takes what the import tagged with
# the decisions it had loaded), counts, T and the story zsets all agree.
redis-cli -s "$work/r.sock" flushall > /dev/null
python3 - "$work/big.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        tag = ["#NetNeutrality", "#netneutrality", "#ws165", "#selfie"][i % 4]
        f.write(json.dumps({"id": "big-%d" % i, "author": "a%d" % (i % 97),
                            "published": "2012-11-07T%02d:%02d:00Z" % (8 + i // 3600 % 10, i // 60 % 60),
                            "text": "Post %d about %s #conf2012" % (i // 3, tag)}) + "\n")
PY
"$rap" import --quiet --redis "$R" --tags test.yaml "$work/big.jsonl" > "$work/imp.out" 2>&1 &
imp=$!
# approve once the import has loaded the decisions and stored some posts
i=0
while [ "$(redis-cli -s "$work/r.sock" zcard 'rap:{conf}:posts')" -lt 2000 ] && [ $i -lt 400 ]; do
	sleep 0.01; i=$((i + 1))
done
"$rap" tags approve NetNeutrality --alias-of privacy --by ana --reason "used with privacy" --tags test.yaml --redis "$R" > /dev/null 2>&1
"$rap" tags retag --tags test.yaml --redis "$R" > "$work/out" 2>&1; r1=$?
"$rap" tags retag --tags test.yaml --redis "$R" >> "$work/out" 2>&1; r2=$?
wait $imp; ri=$?
"$rap" tags retag --tags test.yaml --redis "$R" >> "$work/out" 2>&1; r3=$?
redis-cli -s "$work/r.sock" --eval "$src/tests/tagger/consistency.lua" , 'rap:{conf}:' 2>&1 | grep -v '^$' > "$work/check"
n_priv=$(redis-cli -s "$work/r.sock" hget 'rap:{conf}:n' th:privacy)
if [ $r1$r2$r3$ri = 0000 ] && [ ! -s "$work/check" ] && [ "$n_priv" = 10000 ]; then
	ok "tags retag during an import: every post moved, counts and story indexes agree"
else
	cat "$work/imp.out" "$work/check" >> "$work/out"; echo "th:privacy=$n_priv rc=$r1$r2$r3$ri" >> "$work/out"
	notok "tags retag during an import" "$work/out"
fi
exit $fail
