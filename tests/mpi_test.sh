#!/usr/bin/env bash
# wijksim under MPI against one process (README, "On a cluster"): for a PSA (5 draws) and a base case (4
# replications), `mpirun --oversubscribe -n 1|2|3` with 1 or 2 threads per rank (and rank 0 only
# coordinating, once) must give byte-identical printed tables (JSON and CSV, and the stored table, CSV and
# JSON renders), store contents (every table; of `runs` all but its two timestamps) and HTML report (but for
# its timestamps). Each run is in a directory of its own with the same arguments, so even the stored
# command lines agree. A small calibration under `mpirun -n 1|2|3` must give the sets file, printed fit and
# store of one process, with every worker rank having simulated candidates; and so must one whose worker
# rank was killed, resumed.
# Usage: mpi_test.sh WIJKSIM SOURCE_DIR MPIEXEC
set -u
wijksim=$1
src=$2
mpiexec=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 command is needed (Debian: sqlite3; setup.sh installs it)"; exit 1; }

# The tables of a store as text: every row of every table, but the run's timestamps.
dump_store() {
  local db=$1 t
  sqlite3 "$db" "SELECT run_id, version, seed, command, command_line, status, replications,
                        first_replication, years, draws FROM runs ORDER BY run_id"
  for t in scenarios settings payers agencies draws costs weekly agency_weekly figures evaluation reports; do
    echo "== $t"
    sqlite3 "$db" ".dump $t"
  done
}
# A run's outputs, in its directory: the printed tables (out), the stored renders, the store's dump, the report.
collect() {
  local dir=$1 f
  for f in table csv json; do "$wijksim" show 1 --store "$dir/results.db" --format $f >"$dir/show.$f"; done
  dump_store "$dir/results.db" >"$dir/store.txt"
  (cd "$dir" && "$wijksim" report 1 -o report.html 2>/dev/null) || say_fail "$dir: no report"
  sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$dir/report.html" >"$dir/report.txt"
}
same() {  # same WHAT DIR_A DIR_B: every output of B equal to A's
  local what=$1 a=$2 b=$3 f ok=1
  for f in out show.table show.csv show.json store.txt report.txt; do
    cmp -s "$a/$f" "$b/$f" || { say_fail "$what: $f differs from one process's"; ok=0; }
  done
  [ $ok -eq 1 ] && echo "ok: $what: byte-identical to one process (tables, store, report)"
}
# run NAME LAUNCH... -- ARGS...: runs wijksim in $tmp/NAME with ARGS, launched by LAUNCH (empty: directly).
run() {
  local name=$1
  shift
  local launch=()
  while [ "$1" != "--" ]; do launch+=("$1"); shift; done
  shift
  mkdir -p "$tmp/$name"
  (cd "$tmp/$name" && "${launch[@]}" "$wijksim" "$@" --output results.db >out 2>err) ||
    { say_fail "$name: exit $?: $(cat "$tmp/$name/err")"; return 1; }
  collect "$tmp/$name"
}
mpi() { echo "$mpiexec" --oversubscribe -n "$1"; }

psa=(compare "$src/scenarios/pilot.yaml" -y 1 --draws 5 --format json)
base=(compare "$src/scenarios/pilot.yaml" -y 1 -r 4 --format csv)

# One process with the same arguments (so the same stored command line) for each thread count.
for t in 1 2; do
  run psa-t$t -- "${psa[@]}" --threads $t
  run base-t$t -- "${base[@]}" --threads $t
done
cmp -s "$tmp/psa-t1/out" "$tmp/psa-t2/out" || say_fail "one process: the PSA's JSON differs between 1 and 2 threads"
for n in 1 2 3; do
  for t in 1 2; do
    run psa-n$n-t$t $(mpi $n) -- "${psa[@]}" --threads $t && same "PSA, mpirun -n $n, $t threads a rank" "$tmp/psa-t$t" "$tmp/psa-n$n-t$t"
    run base-n$n-t$t $(mpi $n) -- "${base[@]}" --threads $t && same "base case, mpirun -n $n, $t threads a rank" "$tmp/base-t$t" "$tmp/base-n$n-t$t"
  done
done
WIJKSIM_MPI_COORDINATOR_ONLY=1 run psa-coord $(mpi 3) -- "${psa[@]}" --threads 1 &&
  same "PSA, mpirun -n 3, rank 0 only coordinating" "$tmp/psa-t1" "$tmp/psa-coord"
# The ranks really shared the work: rank 0 says how.
grep -q "spread over 3 MPI ranks: 4 units" "$tmp/base-n3-t1/err" || say_fail "the base case was not spread over 3 ranks: $(cat "$tmp/base-n3-t1/err")"
# One unit is one, not "1 units" (an outside attack).
(cd "$tmp" && $(mpi 2) "$wijksim" run "$src/scenarios/pilot.yaml" -y 1 -r 1 --no-store >/dev/null 2>"$tmp/one-unit.err")
grep -q "spread over 2 MPI ranks: 1 unit, " "$tmp/one-unit.err" || say_fail "one unit: $(cat "$tmp/one-unit.err")"
# Workers print nothing: rank 0's lines only, once each.
[ "$(grep -c '^stored as run' "$tmp/psa-n3-t1/err")" -eq 1 ] || say_fail "more than one rank printed: $(cat "$tmp/psa-n3-t1/err")"

# calibrate: rank 0 runs IMIS and keeps the store; each batch's candidates are simulated on every rank. The
# sets file, the printed fit and the store (but for the run's timestamps) must be byte-identical to one
# process. A tiny calibration as in calibrate_test.sh: about 180 candidates, a second or two a run.
mkdir -p "$tmp/cal"
cat >"$tmp/cal/targets.yaml" <<'EOF'
population: a tiny test population
targets:
  with_problem: {label: households with at least one problem, measure: share.with_problem, value: 0.49, n: 168, unit: share of households, source: test}
  bounced: {label: sent from pillar to post, measure: share.bounced, value: 0.47, n: 49, unit: share of households with help, source: test}
free:
  domains.*.incidence_per_year: {dist: uniform, min: 0.005, max: 0.05}
  fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}
calibration: {replications: 2, years: 1, initial: 60, per_round: 30, rounds: 4, sets: 40, mode_search: 20}
EOF
cat >"$tmp/cal/tiny.yaml" <<EOF
extends: $src/scenarios/baseline-velve.yaml
name: tiny
targets: targets.yaml
population: {households: 400}
simulation: {warmup_years: 4}
EOF
cal=(calibrate "$tmp/cal/tiny.yaml" --threads 1)
dump_calibration() {
  local db=$1 t
  sqlite3 "$db" "SELECT run_id, version, seed, command, command_line, status, replications,
                        first_replication, years, draws FROM runs ORDER BY run_id"
  for t in scenarios settings calibrations candidates reports; do
    echo "== $t"
    sqlite3 "$db" ".dump $t"
  done
}
run_calibrate() {  # run_calibrate NAME LAUNCH...: as run, for calibrate (its sets file and store)
  local name=$1 dir=$tmp/$1
  shift
  mkdir -p "$dir"
  (cd "$dir" && WIJKSIM_MPI_STATS=1 "$@" "$wijksim" "${cal[@]}" --store results.db -o sets.csv >out 2>err) ||
    { say_fail "$name: exit $?: $(cat "$dir/err")"; return 1; }
  dump_calibration "$dir/results.db" >"$dir/store.txt"
}
started=$SECONDS
if run_calibrate cal-one; then
  [ "$(grep -c "INSERT INTO candidates" "$tmp/cal-one/store.txt")" -gt 100 ] ||
    say_fail "the one-process calibration stored too few candidates: $(cat "$tmp/cal-one/err")"
  for n in 1 2 3; do
    run_calibrate cal-n$n $(mpi $n) || continue
    ok=1
    for f in out sets.csv store.txt; do
      cmp -s "$tmp/cal-one/$f" "$tmp/cal-n$n/$f" || { say_fail "calibrate, mpirun -n $n: $f differs from one process's"; ok=0; }
    done
    # The candidates were really spread: rank 0 says how many each rank simulated, and every worker did some.
    for r in $(seq 1 $((n - 1))); do
      grep -Eq "^rank $r: [1-9][0-9]* candidates" "$tmp/cal-n$n/err" ||
        { say_fail "calibrate, mpirun -n $n: rank $r simulated no candidate: $(cat "$tmp/cal-n$n/err")"; ok=0; }
    done
    [ "$(grep -c '^stored as run' "$tmp/cal-n$n/err")" -eq 1 ] || { say_fail "calibrate, mpirun -n $n: more than one rank printed"; ok=0; }
    spread=$(grep -o 'spread over [0-9]* MPI ranks: [0-9]* candidates' "$tmp/cal-n$n/err")
    [ $ok -eq 1 ] && echo "ok: calibrate, mpirun -n $n: sets file, output and store byte-identical to one process${spread:+; $spread}"
  done
  # A worker rank killed (the test hook, which counts per batch: rank 1 sends 3 candidates of the first batch,
  # then SIGKILLs itself)
  # ends the job; the store keeps what rank 0 received, and --resume under mpirun ends as one process did.
  mkdir -p "$tmp/cal-kill"
  (cd "$tmp/cal-kill" && WIJKSIM_TEST_KILL_RANK=1:after_units=3 $(mpi 3) "$wijksim" "${cal[@]}" --store results.db -o sets.csv >out 2>err)
  code=$?
  kept=$(cd "$tmp/cal-kill" && "$wijksim" runs --store results.db 2>/dev/null | sed -n 's/^ *\([0-9]*\) candidates evaluated.*/\1/p')
  if [ $code -eq 0 ] || [ -e "$tmp/cal-kill/sets.csv" ]; then
    say_fail "calibrate: killing rank 1 did not end the job: exit $code: $(cat "$tmp/cal-kill/err")"
  elif ! (cd "$tmp/cal-kill" && $(mpi 2) "$wijksim" "${cal[@]}" --store results.db -o sets.csv --resume 1 >out 2>err); then
    say_fail "calibrate: resuming after a killed rank failed: $(cat "$tmp/cal-kill/err")"
  else
    dump_calibration "$tmp/cal-kill/results.db" >"$tmp/cal-kill/store.txt"
    if grep -q "resuming run 1 of results.db: ${kept:-?} candidates evaluated before" "$tmp/cal-kill/err" &&
      cmp -s "$tmp/cal-one/out" "$tmp/cal-kill/out" && cmp -s "$tmp/cal-one/sets.csv" "$tmp/cal-kill/sets.csv" &&
      cmp -s "$tmp/cal-one/store.txt" "$tmp/cal-kill/store.txt"; then
      echo "ok: calibrate: a worker rank killed after ${kept:-?} candidates kept (exit $code); resumed under mpirun -n 2: the sets file, output and store of one process"
    else
      say_fail "calibrate: resumed after a killed rank, the output differs from one process's: $(cat "$tmp/cal-kill/err")"
    fi
  fi
  # A candidate that fails on a worker rank (the test hook: rank 1's 4th candidate of a batch fails as a
  # simulation that throws does) ends the job with rank 0 saying which rank and why, exit 3, the run marked
  # failed with what was received kept, the command that resumes it printed with the launcher's words in front (`mpiexec --oversubscribe -n 3`);
  # --resume under mpirun ends as one process did.
  mkdir -p "$tmp/cal-fail"
  (cd "$tmp/cal-fail" && WIJKSIM_TEST_FAIL_RANK=1:after_units=3 $(mpi 3) "$wijksim" "${cal[@]}" --store results.db -o sets.csv >out 2>err)
  code=$?
  status=$(cd "$tmp/cal-fail" && "$wijksim" runs --store results.db 2>/dev/null | sed -n 's/^run *1  [^ ]*  \([a-z]*\).*/\1/p')
  if [ $code -ne 3 ] || [ -e "$tmp/cal-fail/sets.csv" ] || [ "$status" != failed ] ||
    ! grep -q "^error: rank 1: unit [0-9]* failed on rank 1 (test hook" "$tmp/cal-fail/err" ||
    ! grep -qF -- "  $(mpi 3) $wijksim ${cal[*]} --store results.db -o sets.csv --resume 1" "$tmp/cal-fail/err"; then
    say_fail "calibrate: a candidate failing on rank 1: exit $code, status ${status:-?}: $(cat "$tmp/cal-fail/err")"
  elif ! (cd "$tmp/cal-fail" && $(mpi 2) "$wijksim" "${cal[@]}" --store results.db -o sets.csv --resume 1 >out 2>err); then
    say_fail "calibrate: resuming after a candidate failed on a worker: $(cat "$tmp/cal-fail/err")"
  else
    dump_calibration "$tmp/cal-fail/results.db" >"$tmp/cal-fail/store.txt"
    if cmp -s "$tmp/cal-one/out" "$tmp/cal-fail/out" && cmp -s "$tmp/cal-one/sets.csv" "$tmp/cal-fail/sets.csv" &&
      cmp -s "$tmp/cal-one/store.txt" "$tmp/cal-fail/store.txt"; then
      echo "ok: calibrate: a candidate failing on rank 1 is named by rank 0 (exit 3, run failed); resumed under mpirun -n 2: the sets file, output and store of one process"
    else
      say_fail "calibrate: resumed after a candidate failed on a worker, the output differs from one process's"
    fi
  fi
fi
  # Started as two app contexts of one command ("A : B"): the launcher's words would resume the last one
  # only (pasted, it simulated the run again as a new one; outside attack 35), so the command says
  # `mpirun -n 3` instead, which any launch resumes.
  mkdir -p "$tmp/cal-mpmd"
  (cd "$tmp/cal-mpmd" && WIJKSIM_TEST_FAIL_RANK=1:after_units=3 "$mpiexec" --oversubscribe -n 2 "$wijksim" "${cal[@]}" \
    --store results.db -o sets.csv : -n 1 "$wijksim" "${cal[@]}" --store results.db -o sets.csv >out 2>err)
  if grep -qF -- "  mpirun -n 3 $wijksim ${cal[*]} --store results.db -o sets.csv --resume 1" "$tmp/cal-mpmd/err"; then
    echo "ok: calibrate started as two app contexts: the resume command is mpirun -n 3 with the one command"
  else
    say_fail "calibrate started as two app contexts, the resume command: $(grep -- '--resume' "$tmp/cal-mpmd/err")"
  fi
echo "(calibrate under MPI: $((SECONDS - started)) s)"

# Every rank must plan the same study: a worker whose files differ is named, nothing runs, the store is untouched.
mkdir -p "$tmp/differ"
cat >"$tmp/differ/wrapper.sh" <<EOF
#!/usr/bin/env bash
# Rank 1 reads another seed, as if its copy of the files differed.
if [ "\${OMPI_COMM_WORLD_RANK:-0}" = 1 ]; then exec "$wijksim" "\$@" --seed 7; else exec "$wijksim" "\$@"; fi
EOF
chmod +x "$tmp/differ/wrapper.sh"
(cd "$tmp/differ" && $(mpi 2) ./wrapper.sh "${psa[@]}" --threads 1 --output results.db >out 2>err)
code=$?
if [ $code -ne 0 ] && grep -q "rank 1 of this job did not plan the study rank 0 did" "$tmp/differ/err" && [ ! -e "$tmp/differ/results.db" ]; then
  echo "ok: a rank that planned another study is named, and nothing runs"
else
  say_fail "a rank that planned another study: exit $code: $(cat "$tmp/differ/err")"
fi
# The same for calibrate: a rank whose files differ is named, nothing is simulated, no sets file is written.
(cd "$tmp/differ" && $(mpi 2) ./wrapper.sh "${cal[@]}" --store cal.db -o sets.csv >out 2>err)
code=$?
if [ $code -ne 0 ] && grep -q "rank 1 of this job did not plan the calibration rank 0 did" "$tmp/differ/err" && [ ! -e "$tmp/differ/sets.csv" ]; then
  echo "ok: calibrate: a rank that planned another calibration is named, and nothing runs"
else
  say_fail "calibrate: a rank that planned another calibration: exit $code: $(cat "$tmp/differ/err")"
fi
# Ranks given different commands (mpirun's "A : B"): refused at once, exit 2. A rank running a command that
# does not use MPI ended while rank 0 waited for it for ever (outside attack 10).
(cd "$tmp/differ" && timeout 120 $mpiexec --oversubscribe -n 1 "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --no-store \
  : -n 1 "$wijksim" validate "$src/scenarios/pilot.yaml" >out 2>err)
code=$?
if [ $code -ne 124 ] && [ $code -ne 0 ] && grep -q "ranks of this MPI job were not given the same command" "$tmp/differ/err"; then
  echo "ok: ranks given different commands are refused at once (exit $code)"
else
  say_fail "ranks given different commands: exit $code (124: it hung): $(head -c 600 "$tmp/differ/err")"
fi
# A rank whose options fail to parse (or ask for help) while the others' parse: refused at once, exit 2; it
# ended while the others waited for it for ever (outside attack 38). Either rank the odd one.
for order in worker coordinator; do
  if [ $order = worker ]; then first=(); second=(--threads 0); else first=(--threads 0); second=(); fi
  (cd "$tmp/differ" && timeout 120 $mpiexec --oversubscribe -n 1 "$wijksim" run "$src/scenarios/pilot.yaml" -r 2 -y 1 --no-store "${first[@]}" \
    : -n 1 "$wijksim" run "$src/scenarios/pilot.yaml" -r 2 -y 1 --no-store "${second[@]}" >out 2>err)
  code=$?
  if [ $order = coordinator ]; then said="--threads"; else said="another rank of this MPI job could not read its command line"; fi
  if [ $code -eq 2 ] && grep -q -- "$said" "$tmp/differ/err"; then
    echo "ok: a $order whose options do not parse ends the job at once (exit 2)"
  else
    say_fail "a $order whose options do not parse: exit $code (124: it hung): $(head -c 600 "$tmp/differ/err")"
  fi
done
# Bad input: rank 0 says it once, exit 1, the workers end quietly.
(cd "$tmp/differ" && $(mpi 3) "$wijksim" run "$tmp/missing.yaml" >out 2>err)
code=$?
if [ $code -eq 1 ] && [ "$(grep -c 'missing.yaml' "$tmp/differ/err")" -eq 1 ]; then
  echo "ok: bad input under mpirun: one message, exit 1"
else
  say_fail "bad input under mpirun: exit $code: $(cat "$tmp/differ/err")"
fi
exit $fail
