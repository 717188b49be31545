#!/usr/bin/env bash
# Nothing is lost under MPI either: a worker rank killed mid-run (mpirun then ends the whole job), Ctrl-C of
# mpirun (it sends every rank SIGTERM and kills them a second later), Ctrl-C of rank 0 alone and a full disk
# on rank 0 each leave a store that is not corrupt, holds whole draws only, and that --resume completes to output byte-identical to
# a run never interrupted: in one process and under mpirun after a killed rank, one way each after Ctrl-C.
# Usage: mpi_resume_test.sh WIJKSIM SOURCE_DIR MPIEXEC
set -u
wijksim=$1
src=$2
mpiexec=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 command is needed (Debian: sqlite3; setup.sh installs it)"; exit 1; }
mpi=("$mpiexec" --oversubscribe)

# A PSA of 100 draws of 4 policy years: a few seconds on one thread a rank, so there is time to stop it in
# the middle (mpirun acts on Ctrl-C a second late). The thread count is not part of what --resume checks.
args=(compare "$src/scenarios/pilot.yaml" -y 4 --draws 100 --format json)
"$wijksim" "${args[@]}" --threads 2 --output clean.db >clean.json 2>clean.err ||
  say_fail "the clean run failed: $(cat clean.err)"

draws_done() {  # draws_done STORE: completed draws of run 1
  "$wijksim" runs --store "$1" 2>/dev/null | sed -n 's/^ *\([0-9]*\) of [0-9]* draws done.*/\1/p' | head -1
}
# Every draw in the store is whole: as many runs (figures rows) as scenarios for each stored draw.
whole_draws() {
  local db=$1
  [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || { echo "integrity check failed"; return 1; }
  sqlite3 "$db" "SELECT draw, count(*) FROM figures WHERE run_id = 1 GROUP BY draw HAVING count(*) != 2" | grep -q . &&
    { echo "a draw is not whole"; return 1; }
  return 0
}
# resume WHAT STORE HOW...: resumes a copy of STORE in each way HOW (one: one process; mpi: mpirun -n 2); each
# must print what the clean run printed.
resume() {
  local what=$1 db=$2 done how
  shift 2
  done=$(draws_done "$db")
  if ! whole_draws "$db" >"$db.check"; then say_fail "$what: the store is damaged: $(cat "$db.check")"; return; fi
  for how in "$@"; do
    cp "$db" "$how.db"
    if [ "$how" = one ]; then
      "$wijksim" "${args[@]}" --threads 2 --output one.db --resume 1 >one.json 2>one.err
    else
      "${mpi[@]}" -n 2 "$wijksim" "${args[@]}" --threads 1 --output mpi.db --resume 1 >mpi.json 2>mpi.err
    fi || { say_fail "$what: resuming ($how) failed: $(cat "$how.err")"; continue; }
    grep -q "resuming run 1 .*: ${done:-?} of 100 draws done before" "$how.err" ||
      say_fail "$what: the resumed run ($how) did not start from the ${done:-?} kept draws: $(cat "$how.err")"
    if cmp -s clean.json "$how.json"; then
      echo "ok: $what after ${done:-0} of 100 draws; resumed ($how): identical to the clean run"
    else
      say_fail "$what: resumed ($how) output differs from the clean run"
    fi
  done
}

# (1) A worker rank dies (the test hook: rank 1 kills itself with SIGKILL after sending 3 units). Open MPI
# then ends the job: rank 0 is told (SIGTERM) and says how to resume, or is killed first; either way its
# store holds the draws completed, one transaction each.
WIJKSIM_TEST_KILL_RANK=1:after_units=3 "${mpi[@]}" -n 3 "$wijksim" "${args[@]}" --threads 1 --output killed.db \
  >/dev/null 2>killed.err
code=$?
done=$(draws_done killed.db)
if [ $code -eq 0 ] || [ "${done:-100}" -ge 100 ]; then
  say_fail "killing rank 1 did not end the job early: exit $code, ${done:-?} draws done: $(cat killed.err)"
else
  echo "ok: a killed worker rank ends the job (exit $code) with ${done:-0} of 100 draws kept"
  resume "a worker rank killed" killed.db one mpi
fi

# (2) Ctrl-C of mpirun, as a terminal sends it (to mpirun only: the ranks are in process groups of their
# own). mpirun sends the ranks SIGTERM a second later, and SIGKILL a second after that: rank 0 says how to
# resume and marks the run interrupted in that second.
set -m  # job control, as in a terminal: a background job of a script would otherwise ignore SIGINT
"${mpi[@]}" -n 2 "$wijksim" "${args[@]}" --threads 1 --output int.db >/dev/null 2>int.err &
pid=$!
set +m
for _ in $(seq 600); do d=$(draws_done int.db); [ "${d:-0}" -ge 3 ] && break; sleep 0.05; done
kill -INT $pid
wait $pid
code=$?
if [ "$(draws_done int.db)" = 100 ]; then
  echo "note: the run finished before Ctrl-C reached mpirun"
elif grep -q -- "--resume 1" int.err && "$wijksim" runs --store int.db | grep -q interrupted; then
  resume "Ctrl-C of mpirun (exit $code)" int.db mpi
else
  say_fail "Ctrl-C of mpirun: rank 0 did not say how to resume (exit $code): $(cat int.err)"
fi

rank0_of() {  # rank0_of MPIRUN_PID: the process of rank 0
  local p
  for p in $(pgrep -P "$1"); do
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=0" && echo "$p"
  done
}

# (3) Ctrl-C of rank 0 alone: it stops, tells the workers, marks the run interrupted; exit 130.
"${mpi[@]}" -n 3 "$wijksim" "${args[@]}" --threads 1 --output int0.db >/dev/null 2>int0.err &
pid=$!
for _ in $(seq 600); do d=$(draws_done int0.db); [ "${d:-0}" -ge 3 ] && break; sleep 0.05; done
rank0=$(rank0_of $pid)
[ -n "$rank0" ] && kill -INT "$rank0"
wait $pid
code=$?
if [ $code -eq 0 ]; then
  echo "note: the run finished before Ctrl-C reached rank 0"
elif [ $code -eq 130 ] && grep -q -- "--resume 1" int0.err && "$wijksim" runs --store int0.db | grep -q interrupted; then
  resume "Ctrl-C of rank 0 (exit 130, run marked interrupted)" int0.db one
else
  say_fail "Ctrl-C of rank 0: exit $code, expected 130: $(cat int0.err)"
fi
# (4) A failure on rank 0: its disk fills (a file-size limit put on rank 0 alone once 3 draws are stored).
# As in one process: the message, exit 3, the draws before kept; the workers end with it.
"${mpi[@]}" -n 3 "$wijksim" "${args[@]}" --threads 1 --output full.db >/dev/null 2>full.err &
pid=$!
for _ in $(seq 600); do d=$(draws_done full.db); [ "${d:-0}" -ge 3 ] && break; sleep 0.05; done
rank0=$(rank0_of $pid)
[ -n "$rank0" ] && prlimit --pid "$rank0" --fsize=$(($(stat -c %s full.db) + 200000))
wait $pid
code=$?
if [ $code -eq 0 ]; then
  echo "note: the run finished before rank 0's disk filled"
elif [ $code -eq 3 ] && grep -q "disk is full" full.err && grep -q -- "--resume 1" full.err; then
  resume "a full disk on rank 0 (exit 3)" full.db one
else
  say_fail "a full disk on rank 0: exit $code, expected 3: $(cat full.err)"
fi
exit $fail
