#!/usr/bin/env bash
# `make fuzz`: builds every libFuzzer target with the `fuzz` preset (clang,
# ASan + UBSan) and runs each for FUZZ_SECONDS (default 60) on its corpus,
# one target at a time, with its dictionary and the max_len/timeout of its
# fuzz/<target>.options.
# New inputs are merged into fuzz/corpus/<target>/ (only those adding
# coverage); crashes are saved in <build>/crashes/<target>/ and printed with
# a one-line reproduction command. A table of exec/s ends the run.
#   FUZZ_TARGETS="fuzz_base64 ..."  narrows the set
#   FUZZ_JOBS=N                     build parallelism (default: nproc)
#   FUZZ_BUILD_DIR=DIR              build directory (default: build/fuzz)
# Exit status: 0 when no target crashed, 1 otherwise, 2 on a setup error.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
build=${FUZZ_BUILD_DIR:-build/fuzz}
cmake --preset fuzz -B "$build" >/dev/null
targets=${FUZZ_TARGETS:-$(cd fuzz && ls fuzz_*.cpp 2>/dev/null | sed 's/\.cpp$//')}
if [[ -z "$targets" ]]; then echo "fuzz.sh: no fuzz targets in fuzz/" >&2; exit 2; fi
cmake --build "$build" -j "$jobs" --target $targets

# option NAME TARGET: the value of `NAME = value` in fuzz/<target>.options.
option() {
  [[ -f fuzz/$2.options ]] || return 0
  sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p" "fuzz/$2.options" | head -n 1
}

status=0
summary=()
for t in $targets; do
  corpus=fuzz/corpus/$t
  crashes=$build/crashes/$t
  fresh=$build/new-corpus/$t
  log=$build/$t.log
  rm -rf "$fresh"
  mkdir -p "$corpus" "$crashes" "$fresh"
  args=(-max_total_time="$seconds" -artifact_prefix="$crashes/" -print_final_stats=1)
  [[ -f fuzz/$t.dict ]] && args+=(-dict="fuzz/$t.dict")
  max_len=$(option max_len "$t"); [[ -n "$max_len" ]] && args+=(-max_len="$max_len")
  timeout=$(option timeout "$t"); [[ -n "$timeout" ]] && args+=(-timeout="$timeout")
  echo "== $t: ${seconds}s"
  before=$(ls "$crashes" | wc -l)
  result=ok
  # A hard stop well past the fuzzer's own limit, so nothing hangs `make fuzz`.
  if ! timeout --kill-after=10 $((seconds + 120)) "$build/fuzz/$t" "${args[@]}" "$fresh" "$corpus" 2>"$log"; then
    status=1
    result=CRASH
    grep -E 'fuzz property broken|ERROR: |SUMMARY: ' "$log" | head -n 5 >&2 || true
    ls -t "$crashes" | head -n $(( $(ls "$crashes" | wc -l) - before )) | while read -r c; do
      echo "crash: reproduce with: $build/fuzz/$t $crashes/$c   (or build/default/fuzz/$t $crashes/$c)"
      echo "       keep it as a regression: cp $crashes/$c fuzz/regressions/$t/<short-name>"
    done || true
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" || true
  execs=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")
  runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log")
  # Coverage at the end: libFuzzer's last status line ("cov: N ft: M").
  cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p')
  # Keep only inputs that add coverage: merge the fresh ones into the corpus.
  added=0
  if [[ -n "$(ls -A "$fresh")" ]]; then
    n0=$(ls "$corpus" | wc -l)
    merge_args=(-merge=1)
    [[ -n "$max_len" ]] && merge_args+=(-max_len="$max_len")
    timeout --kill-after=10 600 "$build/fuzz/$t" "${merge_args[@]}" "$corpus" "$fresh" >"$log.merge" 2>&1 || true
    added=$(( $(ls "$corpus" | wc -l) - n0 ))
  fi
  rm -rf "$fresh"
  summary+=("$(printf '%-24s %-6s %10s runs %8s exec/s %6s new corpus files  %s' "$t" "$result" "${runs:-?}" "${execs:-?}" "$added" "${cov:-cov ?}")")
done
echo "== summary (${seconds}s per target, ASan + UBSan)"
printf '%s\n' "${summary[@]}"
exit $status
