#!/bin/sh
# Builds tests/embed/closed_loop.c against a compiled loop.snn and runs it:
# `snnc build --keep-object` gives the object that defines snn_model, the
# program is compiled with only the runtime's public headers on its include
# path and linked with libsnnrt.a.  EXTRA: flags the runtime was built with
# that the link needs too (the sanitizers).
# usage: run.sh SNNC RUNTIME_LIB_DIR RUNTIME_HEADER_DIR [EXTRA...]
set -eu
snnc=$1
lib=$2
include=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$snnc" build "$here/loop.snn" -o "$work/loop" --keep-object
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -I "$include" -o "$work/closed_loop" \
  "$here/closed_loop.c" "$work/loop.o" "$lib/libsnnrt.a" -lcairo -lpthread -lm "$@"
"$work/closed_loop"
