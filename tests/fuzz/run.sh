#!/bin/sh
# tests/fuzz/run.sh - run every libFuzzer target for SECONDS each.
#
#   tests/fuzz/run.sh [SECONDS]        (default 60; CI passes a short time)
#
# Builds the targets in $BUILD (default build-fuzz; set up when missing with
# clang-14, ASan+UBSan and -fno-sanitize-recover=all), replays
# the committed crash inputs in tests/fuzz/regressions/TARGET/, then fuzzes
# each target seeded from tests/data/feeds, ../shared/corpus/open when it
# is present, and the regressions. A crash does not end the run: the input
# is kept as tests/fuzz/crash-TARGET-* and fuzzing restarts on the same
# corpus until the time is used. Prints runs, exec/s and crashes per
# target; exits 1 when any target crashed or a regression input fails.
#
# Environment: BUILD, FUZZ_TARGETS (space-separated names, default all
# fuzz-* built), FUZZ_JOBS (targets run in parallel, default 1),
# FUZZ_MAX_LEN (default 16384), FUZZ_ARGS (extra libFuzzer flags).
set -u

secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD:-$src/build-fuzz}
max_len=${FUZZ_MAX_LEN:-16384}
jobs=${FUZZ_JOBS:-1}

if [ ! -f "$build/build.ninja" ]; then
	CC=${CC:-clang-14} meson setup "$build" "$src" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all \
		>"${TMPDIR:-/tmp}/rp-fuzz-setup.$$.log" 2>&1 || { cat "${TMPDIR:-/tmp}/rp-fuzz-setup.$$.log"; exit 2; }
fi

targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
	targets=$(ninja -C "$build" -t targets all 2>/dev/null |
		sed -n 's|^tests/fuzz/\(fuzz-[a-z0-9-]*\): .*|\1|p' | sort -u)
fi
[ -n "$targets" ] || { echo "run.sh: no fuzz targets in $build" >&2; exit 2; }
for t in $targets; do
	# Retry: in a shared tree another folder's half-written file may break
	# the build for a moment.
	tries=0
	until ninja -C "$build" "tests/fuzz/$t" >"${TMPDIR:-/tmp}/rp-fuzz-ninja.$$.log" 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt ${FUZZ_BUILD_TRIES:-3} ] || { cat "${TMPDIR:-/tmp}/rp-fuzz-ninja.$$.log" >&2; echo "run.sh: cannot build $t" >&2; exit 2; }
		sleep 20
	done
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target NAME: fuzz NAME for $secs, restarting after crashes; writes
# "NAME runs execs_per_s crashes regressions_failed" to $work/NAME.result.
run_target() {
	t=$1
	exe=$build/tests/fuzz/$t
	corpus=$here/corpus-$t
	regr=$here/regressions/$t
	log=$work/$t.log
	mkdir -p "$corpus"
	seeds=""
	for d in "$src/tests/data/feeds" "$src/../shared/corpus/open" "$regr"; do
		[ -d "$d" ] && seeds="$seeds $d"
	done
	dict=""
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"

	# Committed crash inputs must all pass now.
	rfail=0
	if [ -d "$regr" ] && [ -n "$(ls -A "$regr" 2>/dev/null)" ]; then
		for f in "$regr"/*; do
			if ! "$exe" -runs=1 "$f" >>"$work/$t.regressions.log" 2>&1; then
				echo "REGRESSION $t: $f" >&2
				rfail=$((rfail + 1))
			fi
		done
	fi

	runs=0 crashes=0 rate_sum=0 rate_n=0
	end=$(( $(date +%s) + secs ))
	first=1
	while :; do
		left=$(( end - $(date +%s) ))
		[ "$left" -gt 0 ] || break
		# Seed directories only on the first round; the corpus keeps the rest.
		s=""
		[ $first -eq 1 ] && s=$seeds
		first=0
		# shellcheck disable=SC2086
		"$exe" -max_total_time="$left" -max_len="$max_len" -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$here/crash-$t-" $dict ${FUZZ_ARGS:-} \
			"$corpus" $s >"$log.round" 2>&1
		st=$?
		cat "$log.round" >>"$log"
		r=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.round" | tail -1)
		e=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log.round" | tail -1)
		if [ -z "$r" ]; then
			# No final stats (a crash): take the last status line.
			r=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log.round" | tail -1)
		fi
		runs=$(( runs + ${r:-0} ))
		if [ -n "$e" ]; then rate_sum=$(( rate_sum + e )); rate_n=$(( rate_n + 1 )); fi
		if [ $st -ne 0 ]; then
			crashes=$((crashes + 1))
			a=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log.round" | tail -1)
			echo "CRASH $t: ${a:-see $log}" >&2
			grep -m3 -E 'ERROR: |runtime error|broken promise|deadly signal|timeout' "$log.round" | sed 's/^/  /' >&2
			[ $crashes -ge 50 ] && break
		fi
	done
	rate=0
	[ $rate_n -gt 0 ] && rate=$(( rate_sum / rate_n ))
	echo "$t $runs $rate $crashes $rfail" >"$work/$t.result"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for t in $targets; do
	run_target "$t" &
	n=$((n + 1))
	[ $((n % jobs)) -eq 0 ] && wait
done
wait

status=0
printf '%-16s %12s %10s %8s %12s\n' target runs exec/s crashes regressions
for t in $targets; do
	if [ ! -f "$work/$t.result" ]; then
		printf '%-16s did not finish\n' "$t"; status=1; continue
	fi
	read -r name runs rate crashes rfail <"$work/$t.result"
	printf '%-16s %12s %10s %8s %12s\n' "$name" "$runs" "$rate" "$crashes" "$rfail failed"
	[ "$crashes" -eq 0 ] && [ "$rfail" -eq 0 ] || status=1
done
[ $status -eq 0 ] || echo "crash inputs: $here/crash-*; copy each into $here/regressions/TARGET/ once understood" >&2
exit $status
