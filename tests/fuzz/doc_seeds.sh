#!/bin/sh
# Writes each ```snn block of the given Markdown files to DIR as its own
# file (doc_NAME_K.snn), for the fuzzer's seeds and the replay test.
# usage: doc_seeds.sh DIR DOC.md...
set -eu
dir=$1
shift
for doc in "$@"; do
  awk -v dir="$dir" -v base="$(basename "$doc" .md)" '
    /^```snn/ { k++; out = dir "/doc_" base "_" k ".snn"; next }
    /^```/ { if (out != "") close(out); out = ""; next }
    out != "" { print > out }' "$doc"
done
