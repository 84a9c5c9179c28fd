#!/bin/sh
# check_install.sh: `cmake --install` into a temporary prefix, which is then
# moved, and everything a user does with the installed tree:
#   - every installed file is where the layout says;
#   - the moved snnc (called directly and through a symbolic link) resolves
#     its stdlib and its runtime inside the moved prefix (snnc --paths);
#   - from a folder outside the source and build trees, with no SNN_*
#     variable set: snnc check and snnc run of a model importing the
#     stdlib, snnc build of it, and the native binary's spikes are those of
#     snnc run, byte for byte;
#   - a C program embedding the model, compiled and linked with nothing but
#     `pkg-config --cflags --libs snnrt` (PKG_CONFIG_PATH at the prefix),
#     counts the same spikes;
#   - the man page is valid roff (groff, warnings on) and names every
#     command and global option of `snnc --help`;
#   - with the stdlib or the runtime removed from the prefix, snnc fails
#     and names the folder it tried, instead of falling back to the build
#     tree, which still exists while CTest runs: that is what proves the
#     installed snnc never uses it.
# usage: check_install.sh CMAKE BUILD_DIR BINDIR LIBDIR INCLUDEDIR STDLIBDIR MANDIR
# (the last five relative to the prefix, as CMake's install folders are).
set -eu
cmake=$1
build=$2
bindir=$3
libdir=$4
includedir=$5
stdlibdir=$6
mandir=$7
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset SNN_STDLIB SNN_RUNTIME_DIR SNN_PATH PKG_CONFIG_LIBDIR || true

fail() {
  echo "check_install: $*" >&2
  exit 1
}

# The whole of stdin must be empty (a command's warnings, say).
expect_empty() {
  out=$(cat)
  [ -z "$out" ] || fail "$1:
$out"
}

"$cmake" --install "$build" --prefix "$work/first" > "$work/install.log" 2>&1 ||
  fail "cmake --install failed: $(cat "$work/install.log")"
mv "$work/first" "$work/moved"
prefix=$(cd "$work/moved" && pwd -P)
snnc=$prefix/$bindir/snnc

for f in "$bindir/snnc" "$libdir/libsnnrt.a" "$libdir/libsnnrt_main.a" \
         "$libdir/pkgconfig/snnrt.pc" "$includedir/snn/snnrt.h" "$includedir/snn/snnrt_sim.h" \
         "$includedir/snn/snnrt_layout.h" "$includedir/snn/snnrt_env.h" \
         "$stdlibdir/neurons/lif.snn" "$stdlibdir/synapses/static.snn" "$mandir/man1/snnc.1"; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
[ -x "$snnc" ] || fail "$snnc is not executable"
# The stdlib is installed whole, and nothing but .snn files.
(cd "$here/../../stdlib" && find . -name '*.snn' | sort) > "$work/stdlib.source"
(cd "$prefix/$stdlibdir" && find . -type f | sort) > "$work/stdlib.installed"
cmp -s "$work/stdlib.source" "$work/stdlib.installed" ||
  fail "the installed stdlib differs from stdlib/:
$(diff "$work/stdlib.source" "$work/stdlib.installed")"

# snnc --paths, run as $1, must resolve both resources inside the prefix.
check_paths() {
  "$1" --paths > "$work/paths" || fail "$1 --paths failed: $(cat "$work/paths")"
  grep -qx "stdlib   $prefix/$stdlibdir (installed)" "$work/paths" ||
    fail "the stdlib is not resolved in the prefix $prefix:
$(cat "$work/paths")"
  grep -qx "runtime  $prefix/$libdir (installed)" "$work/paths" ||
    fail "the runtime is not resolved in the prefix $prefix:
$(cat "$work/paths")"
}
check_paths "$snnc"
mkdir "$work/userbin"
ln -s "$snnc" "$work/userbin/snnc"
check_paths "$work/userbin/snnc"

# A user's folder, away from the source and build trees.
mkdir "$work/user"
cp "$here/model.snn" "$here/embed.c" "$work/user/"
cd "$work/user"
PATH=$work/userbin:$PATH
export PATH
snnc check model.snn || fail "snnc check of a model importing the stdlib failed"
snnc run model.snn --quiet --out run || fail "snnc run failed"
[ -s run/summary.json ] || fail "snnc run wrote no summary.json"
spikes=$(sed -n '/"name": "Cells"/,/}/s/.*"spikes": \([0-9]*\).*/\1/p' run/summary.json)
{ [ -n "$spikes" ] && [ "$spikes" -gt 0 ]; } || fail "no spikes in Cells: $(cat run/summary.json)"

snnc build model.snn -o model --keep-object || fail "snnc build failed"
./model --quiet --out native || fail "the native binary failed"
for f in Cells_spikes_t.npy Cells_spikes_i.npy; do
  cmp -s "run/$f" "native/$f" || fail "$f differs between snnc run and the native binary"
done

# Embedding, with the installed runtime found through pkg-config only.
PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs snnrt) || fail "pkg-config does not know snnrt"
case "$flags" in
  *"$prefix/"*) ;;
  *) fail "pkg-config's flags do not point into the prefix $prefix: $flags" ;;
esac
# shellcheck disable=SC2086 # the flags are words
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o embed embed.c model.o $flags ||
  fail "embed.c does not build with: $flags"
counted=$(./embed) || fail "the embedding program failed"
[ "$counted" = "$spikes" ] || fail "the embedding program counted $counted spikes, snnc run $spikes"

# The man page: valid roff, and every command and global option of
# `snnc --help` in it (rendered on long lines, without hyphenation).
man=$prefix/$mandir/man1/snnc.1
groff -man -ww -z "$man" 2>&1 | expect_empty "groff warns about snnc.1"
groff -man -Tascii -rLL=250n -rHY=0 -P-cbou "$man" > "$work/man.txt" 2> "$work/man.err" ||
  fail "groff cannot render snnc.1: $(cat "$work/man.err")"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES "EXIT STATUS" \
               EXAMPLES; do
  grep -qx "$section" "$work/man.txt" || fail "snnc.1 has no $section section"
done
snnc --help > "$work/help"
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$work/help")
options=$(sed -n '/^Options:/,/^$/p' "$work/help" | grep -o -- '--[a-z-]*' | sort -u)
[ "$(echo "$commands" | wc -w)" -ge 8 ] || fail "cannot read the commands of snnc --help"
for c in $commands; do
  grep -q "^       $c\( \|$\)" "$work/man.txt" || fail "snnc.1 does not describe the command $c"
done
for o in $options; do
  grep -q -- "^       \(-[a-zA-Z], \)\?$o\b" "$work/man.txt" || fail "snnc.1 does not describe $o"
done

# Resources missing from the prefix: an error naming the folder tried, not
# a silent fall back to the build tree.
rm -r "${prefix:?}/$stdlibdir"
if snnc check model.snn 2> "$work/err"; then fail "snnc check passed without its stdlib"; fi
grep -q "the stdlib was not found (tried $prefix/$stdlibdir)" "$work/err" ||
  fail "no clear error without the stdlib: $(cat "$work/err")"
if snnc --paths > "$work/paths"; then fail "snnc --paths succeeded without the stdlib"; fi
rm "$prefix/$libdir/libsnnrt.a"
cat > plain.snn <<'EOF'
neuron Leak {
    state v : mV = 0 mV
    dv/dt = -v / (10 ms)
}
population P = Leak[1]
run 1 ms
EOF
if snnc build plain.snn -o plain 2> "$work/err"; then
  fail "snnc build passed without its runtime"
fi
grep -q "tried $prefix/$libdir;" "$work/err" ||
  fail "no clear error without the runtime: $(cat "$work/err")"
echo "check_install: installed to a prefix, moved it, and used it: ok"
