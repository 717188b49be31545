#!/usr/bin/env bash
# Sets up wijksim on Debian 12: installs the Debian packages it needs, builds it, and (unless
# --no-demo is given) runs the default comparison of the shipped scenarios.
set -euo pipefail
cd "$(dirname "$0")"

packages=(build-essential cmake ninja-build pkg-config
          libyaml-cpp-dev libtbb-dev libcli11-dev catch2 librandom123-dev
          libsqlite3-dev libfmt-dev nlohmann-json3-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

if [ "${1:-}" != "--no-demo" ]; then
  ./build/cli/wijksim compare scenarios/pilot.yaml scenarios/scaleup.yaml scenarios/scaleup-funded.yaml
fi
