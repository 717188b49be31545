#!/usr/bin/env bash
# Nothing is lost: a run killed (kill -9) at several points, stopped with Ctrl-C, or cut off by a full disk
# keeps every completed draw, and --resume ends with output byte-identical to a run never interrupted.
# Also: two processes writing one store, and outputs that cannot be written.
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

# kill -9 once at least $1 draws are kept, then resume; the output must equal the clean run's.
kill_and_resume() {
  local at=$1 store="kill-$1.db"
  "$wijksim" "${args[@]}" --output "$store" >/dev/null 2>&1 &
  local pid=$! done=0
  for _ in $(seq 600); do
    done=$(draws_done "$store"); done=${done:-0}
    [ "$done" -ge "$at" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  done=$(draws_done "$store")
  if [ "${done:-0}" -ge 30 ]; then
    echo "note: the run finished before kill -9 at $at draws; resuming a complete run is refused"
    return
  fi
  "$wijksim" runs --store "$store" >/dev/null || say_fail "the store killed at $at draws does not open"
  "$wijksim" "${args[@]}" --output "$store" --resume 1 >resumed.json 2>resumed.err ||
    say_fail "resuming after kill -9 at $done draws failed: $(cat resumed.err)"
  grep -q "resuming run 1 .*: $done of 30 draws done before" resumed.err ||
    say_fail "the resumed run did not start from the $done kept draws: $(cat resumed.err)"
  if cmp -s clean.json resumed.json; then
    echo "ok: kill -9 after $done draws, resumed: identical to the clean run"
  else
    say_fail "kill -9 after $done draws, resumed: output differs from the clean run"
  fi
}
kill_and_resume 1
kill_and_resume 12
kill_and_resume 25

# Ctrl-C: stops after the draw in flight, exit 130, prints the command that resumes.
"$wijksim" "${args[@]}" --output int.db >/dev/null 2>int.err &
pid=$!
for _ in $(seq 600); do d=$(draws_done int.db); [ "${d:-0}" -ge 3 ] && break; sleep 0.05; done
kill -INT $pid
wait $pid
code=$?
if [ "$code" -eq 130 ]; then
  grep -q -- "--resume 1" int.err || say_fail "Ctrl-C did not print the resume command: $(cat int.err)"
  "$wijksim" "${args[@]}" --output int.db --resume 1 >int.json 2>/dev/null || say_fail "resume after Ctrl-C failed"
  cmp -s clean.json int.json && echo "ok: Ctrl-C, resumed: identical to the clean run" ||
    say_fail "Ctrl-C, resumed: output differs from the clean run"
elif [ "$code" -eq 0 ]; then
  echo "note: the run finished before Ctrl-C reached it"
else
  say_fail "Ctrl-C: exit $code, expected 130: $(cat int.err)"
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
