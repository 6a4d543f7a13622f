#!/usr/bin/env bash
# examples/demo.sh - the engine on the bundled IGF 2012 example, end to end:
# parse each feed, list the default ontology (tags.yaml), tag the posts
# with it, import them into a managed redis-server, and print the digest
# of every theme. No network is used. Usage: demo.sh PATH/TO/rapporteur
set -euo pipefail
RAP=${1:?usage: demo.sh PATH/TO/rapporteur}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
TAGS="$ROOT/tags.yaml"
# A fresh data directory per demo run, so the managed redis-server starts
# empty and the demo shows the same digest every time.
export RAPPORTEUR_DATA="${RAPPORTEUR_DATA:-$(mktemp -d /tmp/rapporteur-demo.XXXXXX)}"

echo "== 1. parse: the bundled feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1)"
for f in "$HERE"/igf2012/*; do
  n=$("$RAP" parse "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format"], len(d["entries"]), "entries, bozo", d["bozo"])')
  echo "   $(basename "$f"): $n"
done

echo "== 2. check the ontology and list its themes and sessions: $TAGS"
"$RAP" tags check "$TAGS"
"$RAP" tags list --tags "$TAGS"

echo "== 3. import (parse + tag + dedupe + cluster into Redis, data in $RAPPORTEUR_DATA)"
"$RAP" import --tags "$TAGS" "$HERE"/igf2012/*

echo "== 4. digest of every theme (theme ids from \`rapporteur tags list --ids\`)"
# An assignment, so that set -e stops the demo when the list fails.
themes=$("$RAP" tags list --ids --tags "$TAGS")
for theme in $themes; do
  echo
  "$RAP" digest "$theme" --tags "$TAGS" --format md
done
