#!/bin/sh
# Guards the golden diagnostics of this folder: every NAME.snn has
# NAME.expected or NAME.expected_full (not both: run.sh would ignore one),
# every expected file has its NAME.snn, and there are at least MIN cases,
# so that cases deleted or renamed by mistake do not pass unnoticed.
# usage: check_cases.sh MIN
set -u
min=$1
cd "$(dirname "$0")" || exit 2
problems=0
count=0
for case in *.snn; do
  [ -e "$case" ] || continue
  count=$((count + 1))
  name=${case%.snn}
  if [ -f "$name.expected" ] && [ -f "$name.expected_full" ]; then
    echo "$case: both $name.expected and $name.expected_full; keep one"
    problems=$((problems + 1))
  elif [ ! -f "$name.expected" ] && [ ! -f "$name.expected_full" ]; then
    echo "$case: no $name.expected or $name.expected_full"
    problems=$((problems + 1))
  fi
done
for expected in *.expected *.expected_full; do
  [ -e "$expected" ] || continue
  name=${expected%.*}
  if [ ! -f "$name.snn" ]; then
    echo "$expected: no $name.snn"
    problems=$((problems + 1))
  fi
done
if [ "$count" -lt "$min" ]; then
  echo "$count cases, fewer than the $min that tests/CMakeLists.txt expects"
  problems=$((problems + 1))
fi
[ "$problems" -eq 0 ] || exit 1
echo "$count cases, each with its expected diagnostics"
