#!/bin/sh
# Scripted REPL sessions: runs `snnc repl MODEL < NAME.snnrepl` in a fresh
# folder and compares standard output with NAME.expected, standard error
# with NAME.expected_err when it exists, and the exit status with the one
# the script's "# exit:" line gives (default 0).  "# model:" names the model,
# relative to this folder.
# usage: run.sh SNNC NAME
set -u
snnc=$1
name=$2
here=$(cd "$(dirname "$0")" && pwd)
script="$here/$name.snnrepl"
model=$(sed -n 's/^# model: *//p' "$script")
want_status=$(sed -n 's/^# exit: *//p' "$script")
[ -n "$want_status" ] || want_status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
HOME="$work" "$snnc" --color=never repl ${model:+"$here/$model"} < "$script" > out 2> err
status=$?
fail=0
if [ "$status" -ne "$want_status" ]; then
  echo "exit status $status, expected $want_status"; cat err; fail=1
fi
if ! diff -u "$here/$name.expected" out; then fail=1; fi
if [ -f "$here/$name.expected_err" ]; then
  sed "s|$here/||g" err > err.rel
  if ! diff -u "$here/$name.expected_err" err.rel; then fail=1; fi
fi
exit $fail
