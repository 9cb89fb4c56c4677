#!/usr/bin/env bash
# `make run`: the main job on the built-in fake helper. Runs the client
# scenario catalogue (the fake misbehaves, our client must react as Go does)
# and then the helper check suite against cph-fake itself.
set -euo pipefail
build=${1:-build/default}
cph=$build/harness/cph
fake=$build/fakes/cph-fake
status=0
if "$cph" scenarios --help >/dev/null 2>&1; then
  "$cph" scenarios || status=$?
fi
if "$cph" check --help >/dev/null 2>&1; then
  "$cph" check -- "$fake" --dir {dir} || status=$?
fi
exit $status
