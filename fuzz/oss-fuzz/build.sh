#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script. Honours CC, CXX, CFLAGS, CXXFLAGS,
# LIB_FUZZING_ENGINE and OUT as OSS-Fuzz sets them (SRC and WORK optional).
# Writes to $OUT: every fuzz target, <target>_seed_corpus.zip, <target>.dict
# and <target>.options where present, and cph-fake (fuzz_client_trace starts
# it as its peer and finds it next to itself).
# The shebang's -eu is lost when the script is run as `bash build.sh` (as
# OSS-Fuzz and the tests do): set them here, so a failed build fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
work=${WORK:-$(mktemp -d)}
build=$work/cph-oss-fuzz-build
: "${CXX:?}" "${CXXFLAGS:=}" "${LIB_FUZZING_ENGINE:?}" "${OUT:?}"

cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCPH_FUZZ=ON -DCPH_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DCPH_BUILD_TESTS=OFF -DCPH_BUILD_BENCH=OFF >/dev/null

targets=$(cd "$src/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
cmake --build "$build" -j "$(nproc)" --target $targets cph-fake

zip_dir() {  # zip_dir DIR ZIPFILE: a flat zip of the files in DIR
  if command -v zip >/dev/null; then
    (cd "$1" && zip -q -r -j "$2" .)
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w") as z:
    for root, _, files in os.walk(src):
        for f in sorted(files):
            z.write(os.path.join(root, f), f)
PY
  fi
}

mkdir -p "$OUT"
cp "$build/fakes/cph-fake" "$OUT/"
for t in $targets; do
  cp "$build/fuzz/$t" "$OUT/"
  [[ -d "$src/fuzz/corpus/$t" ]] && zip_dir "$src/fuzz/corpus/$t" "$OUT/${t}_seed_corpus.zip"
  [[ -f "$src/fuzz/$t.dict" ]] && cp "$src/fuzz/$t.dict" "$OUT/"
  [[ -f "$src/fuzz/$t.options" ]] && cp "$src/fuzz/$t.options" "$OUT/"
done
echo "oss-fuzz build: $(echo $targets | wc -w) targets in $OUT"
