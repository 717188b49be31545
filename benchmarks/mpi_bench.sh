#!/usr/bin/env bash
# The MPI row of benchmarks/README.md: the city-wide PSA (3 scenarios x 10 draws x 1 replication, 77,160
# households, 20 warm-up + 5 policy years) in one process of 2 threads against `mpirun -n 2` of 1 thread
# each (rank 0 simulating too, and rank 0 only coordinating), without and with the results store. Each
# configuration 3 times, interleaved, so a disturbance of the machine hits all alike; prints every time,
# and rank 0's account of the communication (WIJKSIM_MPI_STATS=1).
# Usage: benchmarks/mpi_bench.sh [WIJKSIM] (default build/cli/wijksim); about 2 minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
wijksim=$(realpath "${1:-build/cli/wijksim}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
psa=(compare scenarios/scaleup.yaml scenarios/scaleup-funded.yaml --draws 10 --format json)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 WIJKSIM_MPI_STATS=1
mpi=(mpirun --oversubscribe --bind-to none -n 2)

configs=("1 process, 2 threads" "mpirun -n 2, 1 thread each" "mpirun -n 2, rank 0 only coordinates, 2 threads on rank 1"
         "1 process, 2 threads, with the store" "mpirun -n 2, 1 thread each, with the store")
run_config() {  # run_config INDEX REPEAT: prints "wall-seconds processor-seconds" (every process of the run)
  local i=$1 k=$2 out="$tmp/c$1-$2"
  local timed=(/usr/bin/time -f "%e %U %S" -o "$out.time")
  case $i in
    0) "${timed[@]}" "$wijksim" "${psa[@]}" --threads 2 --no-store ;;
    1) "${timed[@]}" "${mpi[@]}" "$wijksim" "${psa[@]}" --threads 1 --no-store ;;
    2) WIJKSIM_MPI_COORDINATOR_ONLY=1 "${timed[@]}" "${mpi[@]}" "$wijksim" "${psa[@]}" --threads 2 --no-store ;;
    3) "${timed[@]}" "$wijksim" "${psa[@]}" --threads 2 --output "$tmp/s$k.db" ;;
    4) "${timed[@]}" "${mpi[@]}" "$wijksim" "${psa[@]}" --threads 1 --output "$tmp/m$k.db" ;;
  esac >"$out.json" 2>"$out.err"
  awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$out.time"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A t
for k in 1 2 3; do
  for i in 0 1 2 3 4; do t[$i,$k]=$(run_config $i $k); done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 0 1 2 3 4; do
  echo "${configs[$i]}: wall and processor seconds of each repeat: ${t[$i,1]} | ${t[$i,2]} | ${t[$i,3]}"
  cmp -s "$tmp/c0-1.json" "$tmp/c$i-1.json" || echo "  OUTPUT DIFFERS from one process"
  grep -h -E "^(rank|spread)" "$tmp/c$i-2.err" | sed 's/^/  /' || true
done
