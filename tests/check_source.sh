#!/bin/sh
# Checks one shipped model: `snnc check` accepts it, and `snnc fmt` is
# idempotent on it (formatting the formatted text changes nothing).
# usage: check_source.sh SNNC FILE
set -eu
snnc=$1
file=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$snnc" --color=never check "$file"
# Imports resolve next to the original file, so format a copy beside it.
dir=$(dirname "$file")
copy="$dir/.fmt-test-$$.snn"
trap 'rm -rf "$tmp" "$copy"' EXIT
"$snnc" fmt "$file" > "$copy"
"$snnc" fmt "$copy" > "$tmp/twice.snn"
if ! cmp -s "$copy" "$tmp/twice.snn"; then
  echo "snnc fmt is not idempotent on $file:"
  diff -u "$copy" "$tmp/twice.snn" || true
  exit 1
fi
