#!/bin/bash -eu
# ClusterFuzzLite build: the helper with Go coverage, and cacheprog-harness's
# fuzz_helper target, both into $OUT. fuzz_helper reads the helper command
# from $OUT/fuzz_helper.helper ({here}: $OUT at run time; {dir}: each life's
# fresh cache directory), since the engine passes no environment.
HELPER_PACKAGE=.                # the helper's main package
HELPER_ARGS='--dir {dir}'       # its arguments

# The helper, built with coverage: each life writes its counters to the
# GOCOVERDIR fuzz_helper gives it, and they steer libFuzzer.
(cd "$SRC/helper" && CGO_ENABLED=0 go build -cover -covermode=count -o "$OUT/helper" "$HELPER_PACKAGE")
# A helper in C or C++ instead: clang's trace-pc-guard and the harness's
# runtime, which counts the helper's edges into the segment fuzz_helper names
# (docs/fuzzer.md, "Helpers in C or C++"). Not with $CFLAGS/$CXXFLAGS: their
# fuzzer instrumentation needs libFuzzer's runtime in the helper.
#   clang -O2 -c "$SRC/cacheprog-harness/fuzz/cph_sancov_runtime.c" -o "$WORK/cph_sancov_runtime.o"
#   clang++ -O1 -fsanitize-coverage=trace-pc-guard "$SRC"/helper/*.cpp "$WORK/cph_sancov_runtime.o" -o "$OUT/helper"

# The target. The distribution's Boost.Filesystem is built for libstdc++, so
# the harness builds without the -stdlib=libc++ of OSS-Fuzz's flags (libFuzzer
# keeps its own private C++ library either way).
export CXXFLAGS="${CXXFLAGS//-stdlib=libc++/}"
build=$WORK/cph-build
cmake -S "$SRC/cacheprog-harness" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCPH_FUZZ=ON -DCPH_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DCPH_BUILD_TESTS=OFF -DCPH_BUILD_BENCH=OFF
cmake --build "$build" -j "$(nproc)" --target fuzz_helper
cp "$build/fuzz/fuzz_helper" "$OUT/"
cp "$SRC/cacheprog-harness/fuzz/fuzz_helper.options" "$OUT/"
(cd "$SRC/cacheprog-harness/fuzz/corpus/fuzz_helper" && zip -q -r -j "$OUT/fuzz_helper_seed_corpus.zip" .)
echo "{here}/helper $HELPER_ARGS" > "$OUT/fuzz_helper.helper"
