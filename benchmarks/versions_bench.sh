#!/usr/bin/env bash
# Old and new side by side, in one run: the same user commands timed whole with an earlier version of
# wijksim and with this one, interleaved (old, new, old, new, ...) so that both meet the same machine.
# Each version runs the scenario files of its own commit - what a user of that version typed - and, where the
# old files are still valid input, this version also runs the old files ("same input"), which isolates the
# engine's speed from what the scenarios changed.
#
# Usage: benchmarks/versions_bench.sh [OLD_REVISION] [REPEATS]
#   OLD_REVISION  a git revision of this repository (default 238aba2: the start of the round of issues
#                 11-17), built once into build/versions/<revision> (Release, the wijksim target only)
#   REPEATS       how many times each case runs per version (default 3); the table gives medians
# Needs GNU time (Debian package 'time'). See benchmarks/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old_rev=${1:-238aba2}
repeats=${2:-3}
new_bin=${WIJKSIM:-$here/build/cli/wijksim}
command -v /usr/bin/time >/dev/null || { echo "versions_bench.sh: needs GNU time (Debian package 'time')" >&2; exit 1; }
[ -x "$new_bin" ] || { echo "versions_bench.sh: no $new_bin: build first (./setup.sh)" >&2; exit 1; }

old_sha=$(git -C "$here" rev-parse --short "$old_rev^{commit}")
old_dir=$here/build/versions/$old_sha
if [ ! -x "$old_dir/build/cli/wijksim" ]; then
  echo "building $old_sha into $old_dir (once) ..." >&2
  rm -rf "$old_dir"
  mkdir -p "$(dirname "$old_dir")"
  mkdir -p "$old_dir"
  git -C "$here" archive "$old_sha" | tar -x -C "$old_dir"
  cmake -S "$old_dir" -B "$old_dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$old_dir/build" --target wijksim >/dev/null
fi
old_bin=$old_dir/build/cli/wijksim

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The cases: a name and the arguments after the binary. SRC is replaced by the scenario folder of the version.
cases=(
  "neighbourhood, 40 replications, all threads|run SRC/pilot.yaml -r 40 --no-store --format csv"
  "neighbourhood, 40 replications, 1 thread|run SRC/pilot.yaml -r 40 --threads 1 --no-store --format csv"
  "city, 4 replications, all threads|run SRC/scaleup.yaml -r 4 --no-store --format csv"
  "city, 4 replications, 1 thread|run SRC/scaleup.yaml -r 4 --threads 1 --no-store --format csv"
  "city-wide PSA, 3 scenarios x 10 draws, all threads|compare SRC/scaleup.yaml SRC/scaleup-funded.yaml --draws 10 --no-store --format csv"
)
# Whether this version still reads the old scenario files (the round added keys, and may refuse old ones).
same_input=0
if "$new_bin" validate "$old_dir/scenarios/pilot.yaml" "$old_dir/scenarios/scaleup.yaml" \
  "$old_dir/scenarios/scaleup-funded.yaml" >/dev/null 2>&1; then
  same_input=1
fi

# time_one LABEL BINARY SRC ARGS: one timed run; appends "label wall cpu kib" to $tmp/times.
time_one() {
  local label=$1 bin=$2 src=$3 args=$4
  # shellcheck disable=SC2086 # the arguments are words on purpose
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$bin" ${args//SRC/$src} >/dev/null 2>"$tmp/err" ||
    { echo "versions_bench.sh: $label failed: $(cat "$tmp/err")" >&2; exit 1; }
  read -r wall user sys kib <"$tmp/t"
  echo "$label|$wall|$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')|$kib" >>"$tmp/times"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((r = 1; r <= repeats; ++r)); do
  for c in "${cases[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    time_one "$name|old" "$old_bin" "$old_dir/scenarios" "$args"
    time_one "$name|new" "$new_bin" "$here/scenarios" "$args"
    [ $same_input -eq 1 ] && time_one "$name|new, old files" "$new_bin" "$old_dir/scenarios" "$args"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "Old: $old_sha ($(git -C "$here" log -1 --format=%cs "$old_sha")); new: $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet HEAD || echo ' with uncommitted changes'); medians of $repeats, $(nproc) cores"
echo
echo "| case | version | wall s | processor s | peak memory (MiB) | new / old (wall) |"
echo "|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  name=${c%%|*}
  old_wall=
  for v in old new "new, old files"; do
    grep -qF "$name|$v|" "$tmp/times" || continue
    wall=$(grep -F "$name|$v|" "$tmp/times" | cut -d'|' -f3 | median)
    cpu=$(grep -F "$name|$v|" "$tmp/times" | cut -d'|' -f4 | median)
    kib=$(grep -F "$name|$v|" "$tmp/times" | cut -d'|' -f5 | median)
    [ "$v" = old ] && old_wall=$wall
    ratio=$(awk -v a="$wall" -v b="$old_wall" 'BEGIN { printf "%.2f", a / b }')
    printf '| %s | %s | %.2f | %.2f | %.0f | %s |\n' "$name" "$v" "$wall" "$cpu" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" \
      "$([ "$v" = old ] && echo - || echo "$ratio")"
  done
done
