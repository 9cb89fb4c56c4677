#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs, only those that are missing.
# Idempotent. Not root and something missing: prints the apt-get line, exits 2.
set -euo pipefail

packages=(
  cmake ninja-build make g++ clang-14 lld-14 libclang-rt-14-dev
  libboost-dev libboost-filesystem-dev libboost-system-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libssl-dev pkg-config
)
# Extra groups, asked for by name: `deps.sh --with chromium`.
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
