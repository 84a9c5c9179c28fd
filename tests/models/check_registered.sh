#!/bin/sh
# Fails when a model test script of this folder is not registered in CTest:
# lists models/check_*.py and compares with the scripts that
# tests/CMakeLists.txt registered with snn_model_test (the arguments).
# usage: check_registered.sh MODELS_DIR SCRIPT...
set -u
dir=$1
shift
missing=""
for path in "$dir"/check_*.py; do
  [ -e "$path" ] || continue
  script=$(basename "$path")
  found=no
  for registered in "$@"; do
    [ "$registered" = "$script" ] && found=yes
  done
  [ "$found" = yes ] || missing="$missing $script"
done
gone=""
for registered in "$@"; do
  [ -f "$dir/$registered" ] || gone="$gone $registered"
done
[ -z "$missing" ] || echo "not registered with snn_model_test in tests/CMakeLists.txt:$missing"
[ -z "$gone" ] || echo "registered in tests/CMakeLists.txt but not in $dir:$gone"
[ -z "$missing$gone" ] || exit 1
echo "all $(ls "$dir"/check_*.py | wc -l) model test scripts are registered"
