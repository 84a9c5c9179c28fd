#!/bin/sh
# Fuzzes the compiler from source to LLVM IR (scanner, parser, checker,
# planner, code generation, formatter round trip) with libFuzzer.
# Seeds: every model and every invalid case in the tree, the `snn` code
# blocks of the documentation, and the regression inputs of
# tests/fuzz/corpus/.  Crashes, leaks and hangs are written to the current
# folder as crash-*, leak-* and timeout-* files; replay one with
#   BUILD_DIR/tests/fuzz_replay crash-...
# Once the bug is fixed, copy the input into tests/fuzz/corpus/ under a
# name that says what it exercises: CTest (fuzz.replay.corpus) replays
# that folder in every build.
#
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
#   BUILD_DIR configured with CC=clang -DSNN_FUZZ=ON -DSNN_SANITIZE=ON
#   (Debian 12: apt-get install clang libclang-rt-14-dev)
set -eu
build=$1
seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cmake --build "$build" --target fuzz_frontend fuzz_replay
seeds=$(mktemp -d)
corpus=$(mktemp -d)
trap 'rm -rf "$seeds" "$corpus"' EXIT
n=0
for f in "$root"/examples/*.snn "$root"/stdlib/*/*.snn "$root"/tests/models/*.snn \
         "$root"/tests/repl/*.snn "$root"/tests/diagnostics/*.snn \
         "$root"/tests/diagnostics/imports/*.snn "$here"/corpus/*; do
  n=$((n + 1))
  cp "$f" "$seeds/seed$n.snn"
done
sh "$here/doc_seeds.sh" "$seeds" "$root"/docs/*.md
echo "fuzzing for $seconds s from $(ls "$seeds" | wc -l) seeds"
"$build/tests/fuzz_frontend" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 "$corpus" "$seeds"
