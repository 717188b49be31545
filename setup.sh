#!/usr/bin/env bash
# Sets up wijksim on Debian 12: installs the Debian packages it needs, builds it, and (unless
# --no-demo is given) runs the default comparison of the shipped scenarios and writes its report.html.
set -euo pipefail
cd "$(dirname "$0")"

packages=(build-essential cmake ninja-build pkg-config
          libyaml-cpp-dev libtbb-dev libcli11-dev catch2 librandom123-dev
          libsqlite3-dev libfmt-dev nlohmann-json3-dev libboost-dev libeigen3-dev libnlopt-cxx-dev
          libopenmpi-dev openmpi-bin  # MPI: run and compare over the ranks of a job (README, "On a cluster")
          sqlite3                     # the MPI tests compare stores with it
          chromium)                   # the HTML report's browser test (README, "The report")
# Node.js and npm: the build installs the report's charting libraries with `npm ci`. Debian's only when
# they are not on PATH already (a machine may have a newer Node.js of its own).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
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
# npm ci of web/package-lock.json into build/web: Vega, Vega-Lite and vega-embed for the report, and
# playwright-core for its test (the build would do it anyway; as a step of its own a failure is plain).
cmake --build build --target wijksim_web
cmake --build build -j"$(nproc)"

if [ "${1:-}" != "--no-demo" ]; then
  ./build/cli/wijksim compare scenarios/pilot.yaml scenarios/scaleup.yaml scenarios/scaleup-funded.yaml \
    --report report.html
fi
