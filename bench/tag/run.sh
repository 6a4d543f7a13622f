#!/bin/sh
# bench/tag/run.sh - how fast the tagger is, and whether it stays flat as
# the ontology grows.
#
# usage: bench/tag/run.sh [BUILD_DIR] [POSTS]      (defaults: build, 200000)
#
# 1. The matcher alone (bench-match: posts parsed beforehand, CPU time of
#    matcher_match only) with ontologies of 10, 100, 1,000 and 10,000
#    concepts (5 keywords and 2 hashtags each) on the same posts of about
#    280 characters: the curve.
# 2. The whole pipeline, `rapporteur tag` (posts.jsonl parse with jansson,
#    NFKC case folding, hashtag extraction, keyword automaton, JSON output)
#    with 1,000 concepts and 5,000 keywords.
# 3. A peer on the same input in the same run: GNU grep -F -i -w with the
#    same 5,000 keywords, in the C locale (ASCII case folding only: in a
#    UTF-8 locale grep -i with 5,000 patterns is 60x slower), counting the
#    matching lines: a multi-pattern matcher with no Unicode folding, no
#    hashtags and no output per post, to put the figures in proportion.
# Figures, not pass/fail. CPU (user) time is reported beside wall time
# because a shared machine's wall time says more about its neighbours.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
n=${2:-200000}
rap=$build/cli/rapporteur
work=$(mktemp -d /tmp/rp-bench-tag.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

bm=$build/bench/tag/bench-match
if [ ! -x "$bm" ]; then
	# bench/meson.build may not include bench/tag yet: build it by hand
	# against the static libraries of the build directory.
	bm=$work/bench-match
	cc -O2 -std=c17 -D_GNU_SOURCE -I"$root" -o "$bm" "$here/bench-match.c" \
		"$build/tagger/librptagger.a" "$build/core/librpcore.a" \
		$(pkg-config --cflags --libs jansson yaml-0.1 libutf8proc libxxhash libcurl) -lm
fi

echo "# generating $n posts and ontologies of 10, 100, 1000, 10000 concepts"
python3 "$here/gen.py" posts "$n" "$work/posts.jsonl"
for c in 10 100 1000 10000; do
	python3 "$here/gen.py" ontology "$c" "$work/o$c.yaml"
done

echo "# 1. matcher_match alone (best of 3 rounds, CPU time)"
for c in 10 100 1000 10000; do
	"$bm" "$work/o$c.yaml" "$work/posts.jsonl" 3
done

echo "# 2. rapporteur tag --in posts.jsonl --tags o1000.yaml > /dev/null"
start=$(date +%s.%N)
/usr/bin/env time -f '%U %S' -o "$work/time" "$rap" tag --in "$work/posts.jsonl" \
	--tags "$work/o1000.yaml" > /dev/null
end=$(date +%s.%N)
read -r user sys < "$work/time"
wall=$(echo "$end - $start" | bc -l)
printf 'rapporteur tag: %d posts  wall %.2fs (%.0f posts/s)  user %.2fs (%.0f posts/s of CPU)\n' \
	"$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$user" "$(echo "$n / ($user + 0.0001)" | bc -l)"

echo "# 3. peer: LC_ALL=C grep -c -F -i -w -f keywords.txt posts.jsonl (same 5,000 keywords)"
python3 - "$work/o1000.yaml" > "$work/keywords.txt" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r'\s*keywords: \[(.*)\]', line)
    if m:
        for k in re.findall(r'"([^"]*)"', m.group(1)):
            print(k)
PY
start=$(date +%s.%N)
LC_ALL=C /usr/bin/env time -f '%U %S' -o "$work/time" grep -c -F -i -w -f "$work/keywords.txt" \
	"$work/posts.jsonl" > "$work/grep.out" || true
end=$(date +%s.%N)
read -r guser gsys < "$work/time"
gwall=$(echo "$end - $start" | bc -l)
printf 'grep -F -i -w:   %d lines  wall %.2fs (%.0f lines/s)  user %.2fs; %s lines matched\n' \
	"$n" "$gwall" "$(echo "$n / $gwall" | bc -l)" "$guser" "$(cat "$work/grep.out")"
printf 'ratio (CPU time): rapporteur tag takes %.2fx the time of grep\n' \
	"$(echo "($user + $sys) / ($guser + $gsys + 0.0001)" | bc -l)"
