#!/bin/sh
# tests/feeds/agreement.sh - agreement of `rapporteur parse` with the feed
# oracle (feedparser) on the shared corpus, as one TAP case: ok when it is
# at least 97%. Skipped when ../shared/tools or python3 is not there.
set -u
SRCDIR="${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
RAPPORTEUR="${RAPPORTEUR:-$SRCDIR/build/cli/rapporteur}"
TOOLS="$SRCDIR/../shared/tools"
MIN="${FEED_AGREEMENT_MIN:-97}"
echo "1..1"
if [ ! -x "$TOOLS/feed_agreement.sh" ] || [ ! -d "$TOOLS/../corpus/open" ]; then
	echo "ok 1 - feed agreement # SKIP no ../shared/tools or corpus"
	exit 0
fi
if [ ! -x /usr/bin/python3 ] && ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 - feed agreement # SKIP python3 not available"
	exit 0
fi
out="$("$TOOLS/feed_agreement.sh" --min "$MIN" "$RAPPORTEUR" 2>&1)"
rc=$?
figure="$(printf '%s\n' "$out" | tail -n 1)"
printf '%s\n' "$out" | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	echo "ok 1 - feed agreement: $figure (min $MIN%)"
else
	echo "not ok 1 - feed agreement: $figure (min $MIN%, exit $rc)"
	exit 1
fi
