#!/usr/bin/env bash
# Regenerates docs/img/report.png: the HTML report of `cph check` on a
# failing helper (cph-fake serving every hit from a file with the wrong
# bytes), screenshotted in headless Chromium (`scripts/deps.sh --with
# chromium`). Usage: scripts/screenshot.sh [BUILD_DIR]   (default build/default)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { echo "screenshot.sh: no chromium; run: scripts/deps.sh --with chromium" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Exit status 1 is the point: the report shows MUST failures.
status=0
"$build/harness/cph" check --only put/reply --only get/hit-after-put --only bodies/size-3 --html "$work/report.html" -- \
  "$build/fakes/cph-fake" --dir {dir} --script "$PWD/scenarios/fake-scripts/wrong-content.json" >/dev/null || status=$?
[[ $status -eq 1 ]] || { echo "screenshot.sh: cph check exited $status, want 1 (findings)" >&2; exit 1; }

mkdir -p docs/img
"$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1280,1600 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1
mv "$work/report.png" docs/img/report.png
echo "docs/img/report.png: $(stat -c %s docs/img/report.png) bytes"
