#!/usr/bin/env bash
# `make fuzz-helper HELPER='CMD --dir {dir}'`: a local coverage-guided
# campaign against a live helper with fuzz/fuzz_helper.cpp (libFuzzer, fork
# mode across cores). A Go helper built with `go build -cover` steers it by
# its own coverage (docs/fuzzer.md, "Coverage-guided campaigns").
#   HELPER='...'          the helper command, {dir} its cache directory (required)
#   FUZZ_SECONDS=N        wall time (default 600)
#   FUZZ_FORKS=N          parallel helper lives (libFuzzer -fork; default: nproc)
#   FUZZ_HELPER_CORPUS=D  the corpus, kept between runs (default build/fuzz/helper-corpus)
#   FUZZ_BUILD_DIR=DIR    build directory (default build/fuzz)
#   FUZZ_JOBS=N           build parallelism (default: nproc)
# Seeds (when the corpus is empty): fuzz/corpus/fuzz_helper/ (one life per
# check-suite group and hostile kind), `cph fuzz --export-inputs` (generated
# sessions cut into lives) and every cph-fuzz-findings/*.trace.json converted.
# Findings are saved in <build>/crashes/fuzz_helper/, each printed with the
# command that replays it (`cph replay`). Exit: 0 none, 1 findings, 2 setup.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HELPER:?set HELPER to the helper command, e.g. HELPER='my-helper --dir {dir}'}"
seconds=${FUZZ_SECONDS:-600}
forks=${FUZZ_FORKS:-$(nproc)}
jobs=${FUZZ_JOBS:-$(nproc)}
build=${FUZZ_BUILD_DIR:-build/fuzz}
corpus=${FUZZ_HELPER_CORPUS:-$build/helper-corpus}
crashes=$build/crashes/fuzz_helper
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" -j "$jobs" --target fuzz_helper cph cph-fake
mkdir -p "$corpus" "$crashes"
if [[ -z "$(ls -A "$corpus")" ]]; then
  cp fuzz/corpus/fuzz_helper/* "$corpus/"
  "$build/harness/cph" fuzz --export-inputs "$corpus" --seed 1 --iterations 2000 --round-ops 640 --hostile \
    --max-body 65536 >/dev/null
  for t in cph-fuzz-findings/*.trace.json; do
    [[ -f "$t" ]] && "$build/harness/cph" replay --save-input "$corpus/trace-$(basename "$t" .trace.json)" "$t" \
      >/dev/null 2>&1 || true
  done
  echo "fuzz-helper: $(ls "$corpus" | wc -l) seed inputs in $corpus"
fi
before=$(ls "$crashes" | wc -l)
log=$build/fuzz_helper.log
echo "== fuzz_helper: ${seconds}s, $forks forks, helper: $HELPER"
set +e
CPH_FUZZ_HELPER="$HELPER" timeout --kill-after=30 $((seconds + 300)) "$build/fuzz/fuzz_helper" \
  -fork="$forks" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" \
  -timeout=120 -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" 2>"$log"
set -e
grep -E 'fuzz_helper: (helper|the helper left)' "$log" | head -n 2 || true
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
status=0
new=$(( $(ls "$crashes" | wc -l) - before ))
if (( new > 0 )); then
  status=1
  grep -E '^fuzz_helper: finding' "$log" | sort | uniq -c | sort -rn | head -n 10 || true
  ls -t "$crashes" | head -n "$new" | while read -r c; do
    echo "finding: $crashes/$c"
    echo "  replay: CPH_FUZZ_HELPER='$HELPER' $build/harness/cph replay $crashes/$c"
  done
fi
echo "fuzz-helper: corpus $(ls "$corpus" | wc -l) inputs, $new new findings (log: $log)"
exit $status
