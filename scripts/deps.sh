#!/usr/bin/env bash
# Installs the Debian 12 packages a make target needs, only those missing.
#   scripts/deps.sh [TARGET] [--with chromium]
# TARGET (default: all) and what it adds to the one before it:
#   run     g++, CMake, Ninja and the libraries of cph and cph-fake
#   dist    as run (tar and gzip are in every Debian)
#   test    run + GoogleTest/GoogleMock, python3 with PyYAML and curl (the docs and action tests)
#   bench   test + Google Benchmark
#   compat  run + python3
#   format  clang-format 14 only
#   asan, tsan, fuzz   test + clang 14, lld and the sanitizer runtimes
#   all     everything above
# Idempotent. Not root and something missing: prints the apt-get line, exits 2.
set -euo pipefail

run=(cmake ninja-build make g++ libboost-dev libboost-filesystem-dev libboost-system-dev
     nlohmann-json3-dev libcli11-dev libssl-dev)
test=(libgtest-dev libgmock-dev python3 python3-yaml curl)
bench=(libbenchmark-dev)
clang=(clang-14 lld-14 libclang-rt-14-dev)

target=all
if [[ $# -gt 0 && "$1" != --* ]]; then
  target=$1
  shift
fi
case "$target" in
  run|dist) packages=("${run[@]}") ;;
  test) packages=("${run[@]}" "${test[@]}") ;;
  bench) packages=("${run[@]}" "${test[@]}" "${bench[@]}") ;;
  compat) packages=("${run[@]}" python3) ;;
  format) packages=(clang-format-14) ;;
  asan|tsan|fuzz) packages=("${run[@]}" "${test[@]}" "${clang[@]}") ;;
  all) packages=("${run[@]}" "${test[@]}" "${bench[@]}" "${clang[@]}") ;;
  *) echo "deps.sh: unknown target '$target' (known: run dist test bench compat format asan tsan fuzz all)" >&2; exit 2 ;;
esac
# Extra groups, asked for by name: `deps.sh run --with chromium`.
if [[ "${1:-}" == "--with" ]]; then
  case "${2:-}" in
    chromium) packages+=(chromium) ;;
    *) echo "deps.sh: unknown group '${2:-}' (known: chromium)" >&2; exit 2 ;;
  esac
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "deps.sh: run as root:  apt-get update && $line" >&2
  exit 2
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
