#!/usr/bin/env bash
# Nothing is lost: a run killed (SIGKILL inside the write of a chosen draw, before and after its commit),
# stopped with Ctrl-C, or cut off by a full disk keeps every completed draw, and --resume ends with output
# byte-identical to a run never interrupted. One live writer per run: a resume of a run another process is
# writing is refused. Also: two processes writing one store, and outputs that cannot be written.
# Faults and pauses are injected with the test hooks WIJKSIM_TEST_KILL_IN_DRAW and
# WIJKSIM_TEST_PAUSE_AFTER_DRAW (engine/store/test_hooks.h), never by racing the clock.
# Usage: store_test.sh WIJKSIM SOURCE_DIR
set -u
wijksim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }

# A small PSA: the pilot and its baseline, 1 replication, 2 policy years, 30 draws.
args=(compare "$src/scenarios/pilot.yaml" -r 1 -y 2 --draws 30 --format json --threads 2)

"$wijksim" "${args[@]}" --output clean.db >clean.json 2>clean.err || say_fail "the clean run failed: $(cat clean.err)"

draws_done() {  # draws_done STORE: completed draws of run 1 (0 while the store or the run does not exist yet)
  "$wijksim" runs --store "$1" 2>/dev/null | sed -n 's/^ *\([0-9]*\) of [0-9]* draws done.*/\1/p' | head -1
}

# A fault injected inside the write of draw N (test hook WIJKSIM_TEST_KILL_IN_DRAW=N:before|after: the store
# kills its own process with SIGKILL just before or just after that draw's commit), then resumed: the process
# must really have died (exit 137), the store must hold exactly N-1 (before) or N (after) draws, and the
# resumed run's output must equal the clean run's. Nothing here depends on timing.
kill_in_draw() {
  local n=$1 when=$2 store="kill-$1-$2.db"
  # As a job waited for, so the shell's "Killed" notice goes to the group's stderr, not to the test's output.
  { WIJKSIM_TEST_KILL_IN_DRAW="$n:$when" "$wijksim" "${args[@]}" --output "$store" >/dev/null 2>kill.err &
    wait $!; } 2>/dev/null
  local code=$?
  if [ "$code" -ne 137 ]; then
    say_fail "the fault in draw $n ($when the commit) did not kill the process: exit $code, $(head -c 300 kill.err)"
    return
  fi
  local expected=$n
  [ "$when" = before ] && expected=$((n - 1))
  local done
  done=$(draws_done "$store")
  [ "${done:-x}" = "$expected" ] ||
    say_fail "killed in draw $n $when the commit: the store holds ${done:-no} draws, expected exactly $expected"
  "$wijksim" "${args[@]}" --output "$store" --resume 1 >resumed.json 2>resumed.err ||
    say_fail "resuming after the kill in draw $n ($when) failed: $(cat resumed.err)"
  grep -q "resuming run 1 .*: $expected of 30 draws done before" resumed.err ||
    say_fail "the resumed run did not start from the $expected kept draws: $(cat resumed.err)"
  if cmp -s clean.json resumed.json; then
    echo "ok: killed in draw $n $when the commit ($expected kept), resumed: identical to the clean run"
  else
    say_fail "killed in draw $n $when the commit, resumed: output differs from the clean run"
  fi
}
kill_in_draw 1 before
kill_in_draw 1 after
kill_in_draw 12 before
kill_in_draw 25 after
kill_in_draw 30 before

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

# One live writer per run. Writer A pauses after its 3rd draw (test hook WIJKSIM_TEST_PAUSE_AFTER_DRAW) while
# holding run 1; resuming run 1 meanwhile is refused (exit 1) and changes nothing; A then completes, as
# "complete", with the clean run's output.
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-a" "$wijksim" "${args[@]}" --output live.db >live-a.json 2>live-a.err &
pa=$!
if wait_paused "$tmp/go-a" $pa; then
  "$wijksim" runs --store live.db >live.runs 2>&1
  grep -q "run    1 .* running " live.runs && grep -q " 3 of 30 draws done" live.runs ||
    say_fail "the live run is not listed as running with 3 draws: $(cat live.runs)"
  "$wijksim" "${args[@]}" --output live.db --resume 1 >/dev/null 2>live-r.err
  code=$?
  [ "$code" -eq 1 ] && grep -q "run 1 .*being written by another process" live-r.err &&
    echo "ok: --resume of a run another process is writing is refused (exit 1)" ||
    say_fail "--resume of a live run: exit $code: $(cat live-r.err)"
  touch "$tmp/go-a"
else
  say_fail "writer A never paused after its 3rd draw: $(cat live-a.err)"
fi
wait $pa || say_fail "writer A failed: $(cat live-a.err)"
"$wijksim" runs --store live.db >live.runs 2>&1
grep -q "run    1 .* complete " live.runs || say_fail "writer A's run is not complete: $(cat live.runs)"
cmp -s clean.json live-a.json && echo "ok: the writer completes untouched by the refused resume" ||
  say_fail "writer A's output differs from the clean run"

# Two resumers at once of a run nobody writes (its writer was killed after 5 draws): exactly one proceeds,
# the other is refused before it does anything. Both pause after their first draw should they get that far;
# whichever ends first must be the refused one, and the other must be paused holding the run.
{ WIJKSIM_TEST_KILL_IN_DRAW=5:after "$wijksim" "${args[@]}" --output two.db >/dev/null 2>&1 & wait $!; } 2>/dev/null
WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-b" "$wijksim" "${args[@]}" --output two.db --resume 1 >two-b.json 2>two-b.err &
pb=$!
WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-c" "$wijksim" "${args[@]}" --output two.db --resume 1 >two-c.json 2>two-c.err &
pc=$!
refused=""
for _ in $(seq 6000); do
  if ! kill -0 $pb 2>/dev/null; then refused=b; break; fi
  if ! kill -0 $pc 2>/dev/null; then refused=c; break; fi
  sleep 0.02
done
if [ -z "$refused" ]; then
  say_fail "neither of two resumers was refused"
  touch "$tmp/go-b" "$tmp/go-c"
  wait $pb $pc
else
  if [ $refused = b ]; then loser=$pb winner=$pc other=c; else loser=$pc winner=$pb other=b; fi
  wait $loser
  code=$?
  [ "$code" -eq 1 ] && grep -q "being written by another process" two-$refused.err ||
    say_fail "the resumer that ended first was not refused: exit $code: $(cat two-$refused.err)"
  wait_paused "$tmp/go-$other" $winner || say_fail "the other resumer did not proceed: $(cat two-$other.err)"
  touch "$tmp/go-$other"
  wait $winner || say_fail "the resumer that proceeded failed: $(cat two-$other.err)"
  cmp -s clean.json two-$other.json &&
    echo "ok: two resumers at once: one refused (exit 1), the other completes identical to the clean run" ||
    say_fail "two resumers: the one that proceeded differs from the clean run"
fi

# A full disk, simulated with a file-size limit: a clear message and exit 3; the store still opens and
# holds the draws completed before; resumed without the limit, the result is identical.
(ulimit -f 1200; exec "$wijksim" "${args[@]}" --output full.db >/dev/null 2>full.err)
code=$?
if [ "$code" -eq 3 ] && grep -q "disk is full" full.err; then
  echo "ok: a full disk gives exit 3 and says so"
else
  say_fail "a full disk: exit $code, message: $(cat full.err)"
fi
"$wijksim" runs --store full.db >full.runs 2>&1 || say_fail "the store cut off by a full disk does not open: $(cat full.runs)"
grep -q "failed" full.runs || say_fail "the run cut off by a full disk is not marked failed: $(cat full.runs)"
"$wijksim" "${args[@]}" --output full.db --resume 1 >full.json 2>full.err || say_fail "resume after a full disk failed: $(cat full.err)"
cmp -s clean.json full.json && echo "ok: full disk, resumed: identical to the clean run" ||
  say_fail "full disk, resumed: output differs from the clean run"

# Out of memory (a 10-million-household run under a small address-space limit): a clear message, exit 3, and
# the run it began is marked failed, not left "running" for ever.
printf 'extends: %s\nname: huge\npopulation:\n  households: 10000000\nsimulation:\n  warmup_years: 0\n' \
  "$src/scenarios/baseline-velve.yaml" >huge.yaml
(ulimit -v 800000; exec "$wijksim" run huge.yaml -r 1 -y 1 --threads 1 --store oom.db >/dev/null 2>oom.err)
code=$?
if [ "$code" -eq 0 ]; then
  echo "note: 10 million households fitted in 800 MB here; the out-of-memory case is not tried"
else
  [ "$code" -eq 3 ] && grep -q "out of memory" oom.err || say_fail "out of memory: exit $code: $(cat oom.err)"
  "$wijksim" runs --store oom.db >oom.runs 2>&1
  grep -q "run    1 .* failed " oom.runs && echo "ok: out of memory: exit 3, the run is marked failed" ||
    say_fail "out of memory left the run: $(cat oom.runs)"
fi

# Resuming with other options is refused, with the reason, before anything runs.
"$wijksim" compare "$src/scenarios/pilot.yaml" -r 1 -y 2 --draws 31 --output full.db --resume 1 >/dev/null 2>other.err
code=$?
[ "$code" -eq 1 ] && grep -q "cannot be resumed.*it has 30 draws" other.err && echo "ok: resuming with other options is refused" ||
  say_fail "resuming with other options: exit $code: $(cat other.err)"

# Two processes writing one store at once: both runs complete, each shows what it printed.
"$wijksim" "${args[@]}" --output shared.db >a.json 2>a.err &
pa=$!
"$wijksim" compare "$src/scenarios/pilot.yaml" -r 1 -y 2 --draws 20 --seed 7 --format json --threads 2 \
  --output shared.db >b.json 2>b.err &
pb=$!
wait $pa || say_fail "writer A failed: $(cat a.err)"
wait $pb || say_fail "writer B failed: $(cat b.err)"
ra=$(sed -n 's/stored as run \([0-9]*\) .*/\1/p' a.err)
rb=$(sed -n 's/stored as run \([0-9]*\) .*/\1/p' b.err)
"$wijksim" show "${ra:-0}" --store shared.db --format json >a.shown 2>/dev/null
"$wijksim" show "${rb:-0}" --store shared.db --format json >b.shown 2>/dev/null
cmp -s a.json a.shown && cmp -s b.json b.shown && cmp -s a.json clean.json &&
  echo "ok: two processes wrote one store; both runs are whole" || say_fail "two writers: a run is not whole"

# Outputs that cannot be written: a clear message, exit 3, nothing half-written.
"$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 1 -y 1 --output /proc/wijksim.db >/dev/null 2>ro.err
code=$?
[ "$code" -eq 3 ] && grep -q "not writable" ro.err && echo "ok: a store that cannot be created" ||
  say_fail "a store that cannot be created: exit $code: $(cat ro.err)"
"$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 1 -y 1 --output "$tmp/no/dir/out.db" >/dev/null 2>nodir.err
code=$?
[ "$code" -eq 3 ] && grep -q "not writable" nodir.err && echo "ok: a store in a missing directory" ||
  say_fail "a store in a missing directory: exit $code: $(cat nodir.err)"
exit $fail
