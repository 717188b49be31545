# The setting shared by store_test.sh and store_faults_test.sh (sourced by both, after their own header): a
# temporary directory, a small PSA and its clean run, and the waits on a paused process.
# Usage (in the sourcing script): . store_common.sh WIJKSIM SOURCE_DIR
set -u
# Job control, as in a terminal: a background job of a script without it starts with SIGINT and SIGQUIT
# ignored, and wijksim keeps them ignored (outside attack 29), so the Ctrl-C tests would reach nothing.
set -m
wijksim=$1
src=$2
tmp=$(mktemp -d)
trap 'umount "$tmp/small" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }

# A small PSA: the pilot and its baseline, 1 replication, 2 policy years, 30 draws. Their warm-up is 2 years
# instead of 20: what is tested is what a kill leaves in the store, and each draw's calibrated set (of 86
# distinct) has a warm-up of its own, which under the sanitizers made this test one of CI's longest.
# For the same reason the neighbourhood has 700 households instead of 2,800.
printf 'extends: %s\nname: short-baseline\nsimulation: {warmup_years: 2}\npopulation: {households: 700}\n' \
  "$src/scenarios/baseline-velve.yaml" >short-baseline.yaml
printf 'extends: %s\nname: short-pilot\ncomparator: short-baseline.yaml\nsimulation: {warmup_years: 2}\npopulation: {households: 700}\n' \
  "$src/scenarios/pilot.yaml" >short-pilot.yaml
args=(compare short-pilot.yaml -r 1 -y 2 --draws 30 --format json --threads 2)

"$wijksim" "${args[@]}" --output clean.db >clean.json 2>clean.err || say_fail "the clean run failed: $(cat clean.err)"

draws_done() {  # draws_done STORE: completed draws of run 1 (0 while the store or the run does not exist yet)
  "$wijksim" runs --store "$1" 2>/dev/null | sed -n 's/^ *\([0-9]*\) of [0-9]* draws done.*/\1/p' | head -1
}

# wait_paused FILE PID: waits until the process PID (run with WIJKSIM_TEST_PAUSE_AFTER_DRAW=N:FILE) has
# committed its N-th draw and waits for FILE; false when the process ended instead. The bound only turns a
# hang into a failure.
wait_paused() {
  for _ in $(seq 6000); do
    [ -e "$1.paused" ] && return 0
    kill -0 "$2" 2>/dev/null || { [ -e "$1.paused" ]; return; }
    sleep 0.02
  done
  return 1
}

# wait_text FILE TEXT PID: waits until FILE holds TEXT (the process acknowledged a signal), or PID ended.
wait_text() {
  for _ in $(seq 6000); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { grep -q -- "$2" "$1" 2>/dev/null; return; }
    sleep 0.02
  done
  return 1
}
# wait_exit PID: true when the process ends within the bound (it cannot end by itself while it is paused).
wait_exit() {
  for _ in $(seq 3000); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.02; done
  return 1
}
status_of() { "$wijksim" runs --store "$1" 2>&1 | sed -n 's/^run *1  [^ ]*  \([a-z]*\).*/\1/p'; }
