#!/usr/bin/env bash
# The release tarball (`make dist`): scripts/dist.sh [BUILD_DIR] [OUT_DIR]
# (defaults build/default, build/dist). Packs what BUILD_DIR built (it builds
# nothing: `make dist` builds cph and cph-fake first) into
#   OUT_DIR/cacheprog-harness-VERSION-linux-ARCH.tar.gz (+ .sha256)
# holding one directory of that name:
#   bin/cph, bin/cph-fake          static, stripped
#   share/cacheprog-harness/scenarios/   the catalogue, its fake scripts and sample Go module
#   README.md, LICENSE, docs/
# cph finds the catalogue relative to itself (bin/../share/...), so the
# directory works wherever it is unpacked. ARCH is the binaries' (x86_64,
# arm64), read from their ELF header; VERSION is the CMake project's.
# Prints the tarball's path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/default}" && pwd)
out=${2:-$root/build/dist}
cph=$build/harness/cph
fake=$build/fakes/cph-fake
for b in "$cph" "$fake"; do
  [[ -x $b ]] || { echo "dist.sh: $b is not built (make dist builds it)" >&2; exit 2; }
done

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")
[[ -n $version ]] || { echo "dist.sh: no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt" >&2; exit 2; }
# e_machine, the 2 bytes at offset 18 of the ELF header (little-endian).
case $(od -An -t u2 -j 18 -N 2 "$cph" | tr -d ' ') in
  62) arch=x86_64 ;;
  183) arch=arm64 ;;
  *) echo "dist.sh: $cph: an ELF machine dist.sh does not name" >&2; exit 2 ;;
esac

name=cacheprog-harness-$version-linux-$arch
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "$out/.stage-XXXXXX")
trap 'rm -rf "$stage"' EXIT
dir=$stage/$name
mkdir -p "$dir/bin" "$dir/share/cacheprog-harness"
for b in "$cph" "$fake"; do
  strip -o "$dir/bin/$(basename "$b")" "$b" 2>/dev/null || cp "$b" "$dir/bin/"
done
cp -R "$root/scenarios" "$dir/share/cacheprog-harness/scenarios"
cp -R "$root/docs" "$dir/docs"
cp "$root/README.md" "$dir/"
if [[ -f $root/LICENSE ]]; then
  cp "$root/LICENSE" "$dir/"
else
  echo "dist.sh: warning: the repository has no LICENSE file to ship" >&2
fi

tarball=$out/$name.tar.gz
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$tarball.tmp" "$name"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$tarball"
