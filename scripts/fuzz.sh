#!/usr/bin/env bash
# `make fuzz`: builds every libFuzzer target with the `fuzz` preset (clang,
# ASan + UBSan) and runs each for FUZZ_SECONDS (default 60) on its corpus.
# New inputs are merged into fuzz/corpus/<target>/; crashes are saved in
# build/fuzz/crashes/<target>/ with a one-line reproduction command.
# FUZZ_TARGETS="fuzz_base64 ..." narrows the set.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
cmake --preset fuzz >/dev/null
targets=${FUZZ_TARGETS:-$(cd fuzz && ls fuzz_*.cpp 2>/dev/null | sed 's/\.cpp$//')}
if [[ -z "$targets" ]]; then echo "fuzz.sh: no fuzz targets in fuzz/" >&2; exit 2; fi
cmake --build --preset fuzz -j "$(nproc)" --target $targets
status=0
for t in $targets; do
  corpus=fuzz/corpus/$t
  crashes=build/fuzz/crashes/$t
  fresh=build/fuzz/new-corpus/$t
  mkdir -p "$corpus" "$crashes" "$fresh"
  args=(-max_total_time="$seconds" -artifact_prefix="$crashes/" -print_final_stats=1)
  [[ -f fuzz/$t.dict ]] && args+=(-dict="fuzz/$t.dict")
  echo "== $t: ${seconds}s"
  if ! build/fuzz/fuzz/$t "${args[@]}" "$fresh" "$corpus" 2>build/fuzz/$t.log; then
    status=1
    tail -n 40 build/fuzz/$t.log >&2
    for c in "$crashes"/*; do
      [[ -e "$c" ]] && echo "crash: reproduce with: build/fuzz/fuzz/$t $c"
    done
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' build/fuzz/$t.log || true
  # Keep only inputs that add coverage: merge the fresh ones into the corpus.
  build/fuzz/fuzz/$t -merge=1 "$corpus" "$fresh" >/dev/null 2>&1 || true
  rm -rf "$fresh"
done
exit $status
