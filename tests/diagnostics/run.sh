#!/bin/sh
# Golden diagnostics: runs `snnc check NAME.snn` in this folder and compares
# its diagnostics with NAME.expected (the lines "file:line:col: level: ...")
# or, when NAME.expected_full exists, the whole output byte for byte.  The
# check must fail (exit status 1).  The stdlib folder is shown as <stdlib>.
# usage: run.sh SNNC NAME
set -u
snnc=$1
name=$2
cd "$(dirname "$0")" || exit 2
stdlib=$(cd ../../stdlib && pwd)
out=$(mktemp)
trap 'rm -f "$out" "$out.got"' EXIT
"$snnc" --color=never check "$name.snn" > "$out" 2>&1
status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit status 1, got $status"
  cat "$out"
  exit 1
fi
sed "s|$stdlib|<stdlib>|g" "$out" > "$out.got"
if [ -f "$name.expected_full" ]; then
  expected="$name.expected_full"
  cp "$out.got" "$out"
else
  expected="$name.expected"
  grep -E '^[^ ].*:[0-9]+:[0-9]+: (error|warning|note): ' "$out.got" > "$out"
fi
if ! diff -u "$expected" "$out"; then
  echo "diagnostics differ from $expected (above: - expected, + actual)"
  exit 1
fi
