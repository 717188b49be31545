#!/usr/bin/env bash
# Runs the engine and the numpy reference on the same work (one replication of a scenario's baseline, warm-up
# included, one thread each) and prints the household-weeks per second of each and their ratio.
#
#   benchmarks/numpy_reference/compare.sh [SCENARIO] [REPEATS] [REPLICATIONS]
#
# SCENARIO defaults to scenarios/baseline-enschede.yaml, REPEATS to 3 (the medians are compared),
# REPLICATIONS (replications a run, in turn on one thread) to 1; a small scenario needs several for the
# engine's time to be more than its start-up and the timer's 10 ms resolution. Each run
# is timed whole (reading the scenario, the initial population, the warm-up, the policy years and the
# figures) by /usr/bin/time; the runs take turns, never two at once. Environment: WIJKSIM (the engine's
# binary, default build/cli/wijksim), PYTHON (a python with numpy and PyYAML, default /usr/bin/python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scenario=$(realpath "${1:-$root/scenarios/baseline-enschede.yaml}")
repeats=${2:-3}
replications=${3:-1}
wijksim=${WIJKSIM:-$root/build/cli/wijksim}
python=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree

[ -x "$wijksim" ] || { echo "no engine at $wijksim (set WIJKSIM)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 1; }

# The work of one replication: households x weeks simulated, warm-up included.
read -r households weeks < <(cd "$here" && "$python" -c '
import sys
from scenario import Scenario
s = Scenario(sys.argv[1])
print(s.households, 52 * (s.warmup_years + s.years))' "$scenario")
household_weeks=$((households * weeks * replications))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall-clock seconds of a command, from /usr/bin/time -v's "Elapsed (wall clock)" line (h:mm:ss or m:ss).
wall_seconds() {
  /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time" || { cat "$tmp/time" >&2; exit 1; }
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
}

median() { sort -g | awk '{ x[NR] = $1 } END { print (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2 }'; }

echo "scenario: $scenario ($replications replication(s) x $households households x $weeks weeks = $household_weeks household-weeks a run)"
echo "load before: $(uptime)"
: >"$tmp/engine"
: >"$tmp/numpy"
for ((i = 1; i <= repeats; i++)); do
  e=$(wall_seconds "$wijksim" run "$scenario" --replications "$replications" --threads 1 --no-store)
  n=$(wall_seconds "$python" "$here/wijksim_numpy.py" "$scenario" --replications "$replications" --quiet)
  echo "run $i: engine $e s, numpy $n s"
  echo "$e" >>"$tmp/engine"
  echo "$n" >>"$tmp/numpy"
done
echo "load after: $(uptime)"

engine=$(median <"$tmp/engine")
numpy=$(median <"$tmp/numpy")
awk -v hw="$household_weeks" -v e="$engine" -v n="$numpy" 'BEGIN {
  printf "engine (1 thread): median %.2f s, %.3g household-weeks/s\n", e, hw / e
  printf "numpy reference:   median %.2f s, %.3g household-weeks/s\n", n, hw / n
  printf "engine / numpy: %.1f times\n", n / e
}'
