#!/usr/bin/env bash
# How time and memory grow with the population: the Velve baseline (one neighbourhood's rates) at 2,800,
# 77,160 (Enschede), 1 million and 8 million households (the Netherlands), one replication of 20 warm-up and
# 1 policy year on all threads, `wijksim run --no-store`. Peak memory is the process's maximum resident set
# (GNU time's %M). Usage: benchmarks/scale_bench.sh [WIJKSIM] [SIZES...]   (README.md in this folder)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
wijksim=${1:-$here/build/cli/wijksim}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2800 77160 1000000 8000000)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian package 'time')" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| households | household-weeks | wall seconds | household-weeks/s | peak memory (MiB) | bytes per household |\n'
printf '|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  # The neighbourhood's rates on n households, without its calibrated sets (a base case draws none).
  printf 'extends: %s/scenarios/baseline-velve.yaml\nname: scale-%s\nparameter_sets: ~\npopulation:\n  households: %s\n' \
    "$here" "$n" "$n" >"$tmp/s.yaml"
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$wijksim" run "$tmp/s.yaml" -r 1 -y 1 --no-store --format csv >/dev/null
  read -r wall kib <"$tmp/time"
  weeks=$(( (20 + 1) * 52 + 1 ))
  awk -v n="$n" -v w="$weeks" -v s="$wall" -v k="$kib" 'BEGIN {
    hw = n * w; printf "| %d | %.3g | %.2f | %.3g | %.0f | %.0f |\n", n, hw, s, hw / s, k / 1024, k * 1024 / n }'
done
