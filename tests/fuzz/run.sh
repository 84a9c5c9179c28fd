#!/bin/sh
# Fuzzes the front end (scanner, parser, checker, planner) with libFuzzer.
# Seeds: every model and every invalid case in the tree, and the `snn` code
# blocks of the documentation.  Crashes, leaks and hangs are written to the
# current folder as crash-*, leak-* and timeout-* files.
#
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
#   BUILD_DIR configured with CC=clang -DSNN_FUZZ=ON -DSNN_SANITIZE=ON
set -eu
build=$1
seconds=${2:-600}
root=$(cd "$(dirname "$0")/../.." && pwd)
cmake --build "$build" --target fuzz_frontend
seeds=$(mktemp -d)
corpus=$(mktemp -d)
trap 'rm -rf "$seeds" "$corpus"' EXIT
n=0
for f in "$root"/examples/*.snn "$root"/stdlib/*/*.snn "$root"/tests/models/*.snn \
         "$root"/tests/repl/*.snn "$root"/tests/diagnostics/*.snn \
         "$root"/tests/diagnostics/imports/*.snn; do
  n=$((n + 1))
  cp "$f" "$seeds/seed$n.snn"
done
# The documentation's examples, one file per ```snn block.
for doc in "$root"/docs/*.md; do
  awk -v dir="$seeds" -v base="$(basename "$doc" .md)" '
    /^```snn/ { k++; out = dir "/doc_" base "_" k ".snn"; next }
    /^```/ { out = ""; next }
    out != "" { print > out }' "$doc"
done
echo "fuzzing for $seconds s from $(ls "$seeds" | wc -l) seeds"
"$build/tests/fuzz_frontend" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 "$corpus" "$seeds"
