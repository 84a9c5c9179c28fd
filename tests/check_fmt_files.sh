#!/bin/sh
# snnc fmt and the files it writes: -i rewrites the target of a symbolic
# link (the link stays a link) and keeps the file's permissions; a write
# error on standard output (a full disk) is reported with a non-zero exit;
# --check says which file is not canonical.
# usage: check_fmt_files.sh SNNC
set -u
snnc=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
printf 'param a = 1\nrun   1 ms\n' > "$dir/model.snn"
chmod 640 "$dir/model.snn"
ln -s model.snn "$dir/link.snn"
"$snnc" fmt --check "$dir/model.snn" 2> "$dir/err" && fail "--check passed a file that is not canonical"
grep -q "not in canonical form" "$dir/err" || fail "--check said: $(cat "$dir/err")"
"$snnc" fmt -i "$dir/link.snn" || fail "fmt -i failed"
[ -L "$dir/link.snn" ] || fail "fmt -i replaced the symbolic link by a file"
grep -q '^run 1 ms$' "$dir/model.snn" || fail "the link's target was not formatted: $(cat "$dir/model.snn")"
[ "$(stat -c %a "$dir/model.snn")" = 640 ] || fail "permissions became $(stat -c %a "$dir/model.snn")"
"$snnc" fmt --check "$dir/model.snn" || fail "the formatted file is not canonical"
if [ -w /dev/full ]; then
  "$snnc" fmt "$dir/model.snn" > /dev/full 2> "$dir/err" && fail "fmt > /dev/full exited 0"
  grep -q "cannot write" "$dir/err" || fail "fmt > /dev/full said: $(cat "$dir/err")"
fi
echo ok
