#!/usr/bin/env bash
# Installs the Debian 12 packages parcelgate needs to build, run and test, when missing.
#   tools/install-deps.sh [--bench]     (--bench adds wrk for tools/bench)
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache lld pkg-config git openssl curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev rapidjson-dev libssl-dev libyaml-cpp-dev libpugixml-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-client-15 postgresql-client-common tzdata
  nginx-light
  libzint-dev libhpdf-dev libfreetype-dev libpng-dev fonts-dejavu-core
  libgtest-dev libgmock-dev zbar-tools dmtx-utils poppler-utils faketime python3 python3-jsonschema
  clang-16 libclang-rt-16-dev llvm clang-format-14
  chromium
)
if [[ "${1:-}" == "--bench" ]]; then packages+=(wrk); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
