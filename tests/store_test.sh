#!/usr/bin/env bash
# Nothing is lost: a PSA killed (SIGKILL inside the write of a chosen draw, before and after its commit) or
# stopped by a signal (Ctrl-C, Ctrl-C twice, Ctrl-\, SIGTERM, SIGHUP) keeps every completed draw, and --resume
# ends with output byte-identical to a run never interrupted. One live writer per run: a resume of a run
# another process is writing is refused, a removed lock file included. (store_faults_test.sh: a full disk,
# damage, odd names, two writers of one store, outputs that cannot be written.)
# Faults and pauses are injected with the test hooks WIJKSIM_TEST_KILL_IN_DRAW and
# WIJKSIM_TEST_PAUSE_AFTER_DRAW (engine/core/test_hooks.h), never by racing the clock.
# Usage: store_test.sh WIJKSIM SOURCE_DIR
. "$(dirname "$0")/store_common.sh" "$1" "$2"

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

# A store changed by hand holds a completed draw in part (its figures deleted, its parameters and weekly rows
# left; or its costs of one scenario deleted): the resume deletes the rest of that draw, says so, and
# simulates it again, to the clean run's output (outside attack 13: each resume failed on the draw's
# parameters, "UNIQUE constraint failed", exit 3, and said to resume again). 6 draws: what it checks does not
# depend on the number, and under the sanitizers 30 made this test CI's longest.
part_args=(compare short-pilot.yaml -r 1 -y 2 --draws 6 --format json --threads 2)
"$wijksim" "${part_args[@]}" --output part-clean.db >part-clean.json 2>/dev/null || say_fail "the 6-draw clean run failed"
for damage in figures costs; do
  store="part-$damage.db"
  { WIJKSIM_TEST_KILL_IN_DRAW=4:after "$wijksim" "${part_args[@]}" --output "$store" >/dev/null 2>kill.err &
    wait $!; } 2>/dev/null
  draw=$(sqlite3 -readonly "$store" "SELECT min(draw) FROM figures")
  if [ "$damage" = figures ]; then
    sqlite3 "$store" "DELETE FROM figures WHERE draw = $draw"
  else
    sqlite3 "$store" "DELETE FROM costs WHERE draw = $draw AND scenario = 1"
  fi
  "$wijksim" "${part_args[@]}" --output "$store" --resume 1 >part.json 2>part.err
  code=$?
  [ "$code" = 0 ] && grep -q "resuming run 1 .*: 3 of 6 draws done before" part.err &&
    grep -q "^note: the store held draw $draw in part only or without its seal (rows or the seal missing: changed by hand, or damaged); its rows were deleted, and it is simulated again$" part.err &&
    cmp -s part-clean.json part.json &&
    [ "$(sqlite3 -readonly "$store" "SELECT count(*) FROM figures WHERE draw = $draw")" = 2 ] &&
    echo "ok: a draw held in part ($damage deleted) is simulated again on resume: identical to the clean run" ||
    say_fail "a draw held in part ($damage deleted): exit $code, $(cat part.err)"
done

# Rows of an interrupted run changed by hand are not taken into its result: each draw is sealed as it is
# stored, and a resume refuses one whose rows differ from its seal (exit 1), changing nothing (outside attack
# 53: a figure set to 1e12, or a drawn parameter doubled; here a weekly row and a parameter, was resumed into a complete run and sealed as its
# own, exit 0). A draw without its seal (deleted by hand) is simulated again.
for damage in weekly parameter payer evaluation seal; do
  store="edit-$damage.db"
  { WIJKSIM_TEST_KILL_IN_DRAW=4:after "$wijksim" "${part_args[@]}" --output "$store" >/dev/null 2>kill.err &
    wait $!; } 2>/dev/null
  draw=$(sqlite3 -readonly "$store" "SELECT min(draw) FROM figures")
  case $damage in
    weekly) sqlite3 "$store" "UPDATE weekly SET resolved = resolved + 1 WHERE draw = $draw AND week = 3 AND scenario = 1" ;;
    parameter) sqlite3 "$store" "UPDATE draws SET value = value * 2 WHERE draw = $draw AND parameter = (SELECT min(parameter) FROM draws WHERE draw = $draw)" ;;
    # The run's own rows, beside which its draws say what they are (outside attack 54: a seed or a payer
    # changed by hand mixed two studies in one run).
    payer) sqlite3 "$store" "UPDATE payers SET label = 'Someone else' WHERE position = 0" ;;
    # A row of a table the run writes only as it completes: put in by hand, it was kept and sealed.
    evaluation) sqlite3 "$store" "INSERT INTO evaluation VALUES (1, 1, 0, 99, -1, -50000, 0.5)" ;;
    seal) sqlite3 "$store" "DELETE FROM seals WHERE table_name = 'draw $draw replication 0'" ;;
  esac
  before=$(sqlite3 -readonly "$store" "SELECT count(*), sum(resolved) FROM weekly; SELECT sum(value) FROM draws")
  "$wijksim" "${part_args[@]}" --output "$store" --resume 1 >edit.json 2>edit.err
  code=$?
  if [ "$damage" = seal ]; then
    [ "$code" = 0 ] && grep -q "^note: the store held draw $draw in part only or without its seal" edit.err &&
      cmp -s part-clean.json edit.json &&
      echo "ok: a draw without its seal is simulated again on resume: identical to the clean run" ||
      say_fail "a draw without its seal: exit $code, $(cat edit.err)"
  elif [ "$damage" = evaluation ]; then
    [ "$code" = 0 ] && cmp -s part-clean.json edit.json &&
      [ "$(sqlite3 -readonly "$store" "SELECT count(*) FROM evaluation WHERE draw = 99")" = 0 ] &&
      echo "ok: an evaluation row put in by hand is not kept by the resume's completion" ||
      say_fail "an evaluation row put in by hand: exit $code, $(cat edit.err)"
  elif [ "$damage" = payer ]; then
    [ "$code" = 1 ] && grep -q "the results store is damaged: run 1's own rows .* are other than those it began with" edit.err &&
      echo "ok: an interrupted run's payer changed by hand is refused on resume (exit 1)" ||
      say_fail "an interrupted run's payer changed by hand: exit $code, $(cat edit.err)"
  else
    [ "$code" = 1 ] &&
      grep -q "the results store is damaged: the rows of run 1's draw $draw replication 0 are other than those it stored" edit.err &&
      [ "$(sqlite3 -readonly "$store" "SELECT count(*), sum(resolved) FROM weekly; SELECT sum(value) FROM draws")" = "$before" ] &&
      [ "$(sqlite3 -readonly "$store" "SELECT status FROM runs WHERE run_id = 1")" != complete ] &&
      echo "ok: an interrupted run's $damage changed by hand is refused on resume (exit 1), nothing changed" ||
      say_fail "an interrupted run's $damage changed by hand: exit $code, $(cat edit.err)"
  fi
done

# A seal without its rows (the draw's rows deleted by hand, or a seal put in for a draw never stored) is
# said and deleted as a draw held in part, and rows of a draw the run does not have (99 of 6) are deleted and
# said as not the run's (an outside attack: the first two resumed in silence, the last was said as a draw
# "simulated again" that was never simulated). Each resumed to the clean run's output.
for damage in rows unstored foreign; do
  store="orphan-$damage.db"
  { WIJKSIM_TEST_KILL_IN_DRAW=4:after "$wijksim" "${part_args[@]}" --output "$store" >/dev/null 2>kill.err &
    wait $!; } 2>/dev/null
  draw=$(sqlite3 -readonly "$store" "SELECT min(draw) FROM figures")
  missing=$(sqlite3 -readonly "$store" "WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM d WHERE n < 6) SELECT min(n) FROM d WHERE n NOT IN (SELECT draw FROM figures)")
  case $damage in
    rows) for t in costs weekly agency_weekly yearly figures draws; do sqlite3 "$store" "DELETE FROM $t WHERE draw = $draw"; done
      said="^note: the store held draw $draw in part only or without its seal" ;;
    unstored) sqlite3 "$store" "INSERT INTO seals SELECT run_id, 'draw $missing replication 0', digest FROM seals WHERE table_name = 'draw $draw replication 0'"
      said="^note: the store held draw $missing in part only or without its seal" ;;
    foreign) sqlite3 "$store" "INSERT INTO costs SELECT run_id, scenario, 99, replication, year, payer, category, cost_cents FROM costs WHERE draw = $draw"
      said="^note: the store held rows or seals of draw 99 replication 0, which this run does not have (draws 1 to 6 of replications 0 to 0); they were deleted$" ;;
  esac
  "$wijksim" "${part_args[@]}" --output "$store" --resume 1 >orphan.json 2>orphan.err
  code=$?
  [ "$code" = 0 ] && grep -q "$said" orphan.err && cmp -s part-clean.json orphan.json &&
    { [ "$damage" != foreign ] || ! grep -q "draw 99 in part" orphan.err; } &&
    [ "$(sqlite3 -readonly "$store" "SELECT count(*) FROM costs WHERE draw = 99")" = 0 ] &&
    echo "ok: a resume says what it found ($damage) and ends as the clean run" ||
    say_fail "a resume after $damage: exit $code, $(cat orphan.err)"
done

# A draw of two replications, one without its seal: the draw is simulated again whole (only that replication
# was discarded, and its parameters, kept for the other, failed the rewrite: "UNIQUE constraint failed", exit
# 3; outside attack 54).
rep2_args=(compare short-pilot.yaml -r 2 -y 1 --draws 3 --format json --threads 2)
"$wijksim" "${rep2_args[@]}" --output rep2-clean.db >rep2-clean.json 2>/dev/null || say_fail "the 3-draw clean run failed"
{ WIJKSIM_TEST_KILL_IN_DRAW=2:after "$wijksim" "${rep2_args[@]}" --output rep2.db >/dev/null 2>kill.err &
  wait $!; } 2>/dev/null
draw=$(sqlite3 -readonly rep2.db "SELECT min(draw) FROM figures")
sqlite3 rep2.db "DELETE FROM seals WHERE table_name = 'draw $draw replication 1'"
"$wijksim" "${rep2_args[@]}" --output rep2.db --resume 1 >rep2.json 2>rep2.err
code=$?
[ "$code" = 0 ] && cmp -s rep2-clean.json rep2.json &&
  echo "ok: a draw with one replication unsealed is simulated again whole: identical to the clean run" ||
  say_fail "a draw with one replication unsealed: exit $code, $(cat rep2.err)"

# Resumed under another spelling of the same file (./d/../short-pilot.yaml): the output names the scenario as
# the run began with it (it named the new spelling beside the comparator's old one), byte-identical to the
# clean run's, and `show` says the same.
mkdir -p d
spelled=("${part_args[@]}")
spelled[1]=./d/../short-pilot.yaml
{ WIJKSIM_TEST_KILL_IN_DRAW=3:after "$wijksim" "${part_args[@]}" --output spelled.db >/dev/null 2>kill.err &
  wait $!; } 2>/dev/null
"$wijksim" "${spelled[@]}" --output spelled.db --resume 1 >spelled.json 2>spelled.err
code=$?
[ "$code" = 0 ] && grep -q "resuming run 1 .*: 3 of 6 draws done before" spelled.err &&
  cmp -s part-clean.json spelled.json && ! grep -q "d/\.\./" spelled.json &&
  cmp -s <("$wijksim" show 1 --store part-clean.db --format json) <("$wijksim" show 1 --store spelled.db --format json) &&
  echo "ok: a run resumed under another spelling of its file keeps its names: identical to the clean run" ||
  say_fail "resumed under another spelling: exit $code, $(cat spelled.err)"

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
  # The same store under another name (a symbolic link to it) is the same lock.
  ln -sf live.db live-link.db
  "$wijksim" "${args[@]}" --output live-link.db --resume 1 >/dev/null 2>live-l.err
  code=$?
  [ "$code" -eq 1 ] && grep -q "run 1 .*being written by another process" live-l.err &&
    echo "ok: --resume through a symbolic link to the store is refused too (exit 1)" ||
    say_fail "--resume of a live run through a link to its store: exit $code: $(cat live-l.err)"
  # The tables, the report and the export of a run being written say so, and to wait (not to resume it).
  for cmd in "show 1" "report 1 -o $tmp/live.html" "export 1 --csv $tmp/live-csv"; do
    "$wijksim" $cmd --store live.db >/dev/null 2>live-q.err
    code=$?
    [ "$code" -eq 1 ] && grep -q "run 1 is being written by another process right now (3 of 30 draws done)" live-q.err &&
      grep -q "wait until it ends" live-q.err && ! grep -q -- "--resume" live-q.err ||
      say_fail "${cmd%% *} of a run being written: exit $code: $(cat live-q.err)"
  done
  touch "$tmp/go-a"
else
  say_fail "writer A never paused after its 3rd draw: $(cat live-a.err)"
fi
wait $pa || say_fail "writer A failed: $(cat live-a.err)"
"$wijksim" runs --store live.db >live.runs 2>&1
grep -q "run    1 .* complete " live.runs || say_fail "writer A's run is not complete: $(cat live.runs)"
cmp -s clean.json live-a.json && echo "ok: the writer completes untouched by the refused resume" ||
  say_fail "writer A's output differs from the clean run"

# The lock file removed while writer E holds run 1 (outside attack 36: a resume then ran beside the live
# writer, and failed on "UNIQUE constraint"). Resumer F takes the run through the new lock file; E, at its next
# draw, finds the run taken and stops (exit 3) without touching its status; F completes it identical to the
# clean run. A writer whose lock file was removed stops at its next write even when no process holds the new
# one: a resumer may have taken the run and completed it meanwhile (outside attack 59, below).
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-e" "$wijksim" "${args[@]}" --output gone.db >gone-e.json 2>gone-e.err &
pe=$!
if wait_paused "$tmp/go-e" $pe; then
  rm gone.db-runlock
  WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-f" "$wijksim" "${args[@]}" --output gone.db --resume 1 >gone-f.json 2>gone-f.err &
  pf=$!
  if wait_paused "$tmp/go-f" $pf; then
    touch "$tmp/go-e"
    wait $pe
    code=$?
    [ "$code" -eq 3 ] && grep -q "was removed, replaced or moved while this process wrote run 1, so another process may have taken the run" gone-e.err &&
      echo "ok: a writer whose lock file was removed, and whose run another process took, stops (exit 3)" ||
      say_fail "the writer whose run was taken through a new lock file: exit $code: $(cat gone-e.err)"
  else
    say_fail "the resumer did not take the run whose lock file was removed: $(cat gone-f.err)"
    touch "$tmp/go-e"
    wait $pe
  fi
  touch "$tmp/go-f"
  wait $pf || say_fail "the resumer failed: $(cat gone-f.err)"
  "$wijksim" runs --store gone.db >gone.runs 2>&1
  grep -q "run    1 .* complete " gone.runs && cmp -s clean.json gone-f.json &&
    echo "ok: the resumer completes the run identical to the clean run" ||
    say_fail "after the lock file was removed: $(cat gone.runs)"
else
  say_fail "writer E never paused after its 3rd draw: $(cat gone-e.err)"
fi
# Outside attack 59: writer G paused, its lock file removed, and resumer H completes the run before G goes on.
# G took the lock again on H's new lock file, wrote its next draw over H's (UNIQUE constraint, exit 3) and
# marked the complete run failed, which every command then refused. Now G writes nothing and leaves the
# status: the run stays complete, as H left it, and shows H's figures.
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-g" "$wijksim" "${args[@]}" --output taken.db >taken-g.json 2>taken-g.err &
pg=$!
if wait_paused "$tmp/go-g" $pg; then
  rm taken.db-runlock
  "$wijksim" "${args[@]}" --output taken.db --resume 1 >taken-h.json 2>taken-h.err || say_fail "resumer H failed: $(cat taken-h.err)"
  touch "$tmp/go-g"
  wait $pg
  code=$?
  "$wijksim" runs --store taken.db >taken.runs 2>&1
  "$wijksim" show 1 --store taken.db --format json >taken-show.json 2>taken-show.err
  [ "$code" -eq 3 ] && grep -q "this one writes it no more and leaves its status as it is" taken-g.err &&
    ! grep -q "To continue" taken-g.err && grep -q "run    1 .* complete " taken.runs &&
    cmp -s clean.json taken-h.json && cmp -s clean.json taken-show.json &&
    echo "ok: a writer whose run was completed by another process meanwhile stops (exit 3) and leaves it complete" ||
    say_fail "the writer whose run another process completed: exit $code: $(cat taken-g.err) / $(cat taken.runs) / $(cat taken-show.err)"
else
  say_fail "writer G never paused after its 3rd draw: $(cat taken-g.err)"
  touch "$tmp/go-g"
  wait $pg
fi
# Outside attack 60: the lock file moved away while writer J waits, resumer K takes the run through a new one,
# and the old file is moved back: the name led to J's file again, J wrote over K's draws and marked K's run
# failed. A file renamed since it was locked (its status-change time) is not the lock any more: J stops
# (exit 3) and leaves the run as it is; so does K, whose lock file the move back replaced; --resume then
# completes the run identical to the clean run.
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-j" "$wijksim" "${args[@]}" --output back.db >back-j.json 2>back-j.err &
pj=$!
if wait_paused "$tmp/go-j" $pj; then
  mv back.db-runlock lock-away
  WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-k" "$wijksim" "${args[@]}" --output back.db --resume 1 >back-k.json 2>back-k.err &
  pk=$!
  if wait_paused "$tmp/go-k" $pk; then
    mv lock-away back.db-runlock
    touch "$tmp/go-j"
    wait $pj
    code=$?
    "$wijksim" runs --store back.db >back.runs 2>&1
    [ "$code" -eq 3 ] && grep -q "was removed, replaced or moved while this process wrote run 1" back-j.err &&
      grep -q "run    1 .* running " back.runs ||
      say_fail "the writer whose lock file was moved away and back: exit $code: $(cat back-j.err) / $(cat back.runs)"
    # A second process's SIGTERM, twice, to a writer whose lock is lost leaves K's run as it is (it was marked
    # interrupted while K wrote it, with a --resume that was then refused).
    WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-l" "$wijksim" "${args[@]}" --output back.db >back-l.json 2>back-l.err &
    pl=$!
    if wait_paused "$tmp/go-l" $pl; then
      rm back.db-runlock
      kill -TERM $pl; sleep 0.3; kill -TERM $pl
      wait $pl
      lcode=$?
      "$wijksim" runs --store back.db >back2.runs 2>&1
      [ "$lcode" -eq 130 ] && grep -q "is left as it is: its lock file was removed, replaced or moved" back-l.err &&
        grep -q "run    2 .* running " back2.runs ||
        say_fail "SIGTERM twice to a writer whose lock file was removed: exit $lcode: $(cat back-l.err) / $(cat back2.runs)"
    else
      say_fail "writer L never paused after its 1st draw: $(cat back-l.err)"
      touch "$tmp/go-l"
      wait $pl
    fi
  else
    say_fail "resumer K did not take the run whose lock file was moved away: $(cat back-k.err)"
    touch "$tmp/go-j"
    wait $pj
  fi
  touch "$tmp/go-k"
  wait $pk
  kcode=$?
  [ "$kcode" -eq 3 ] && grep -q "was removed, replaced or moved while this process wrote run 1" back-k.err ||
    say_fail "resumer K, whose lock file was replaced by the one moved back: exit $kcode: $(cat back-k.err)"
  "$wijksim" "${args[@]}" --output back.db --resume 1 >back-m.json 2>back-m.err || say_fail "the last resume failed: $(cat back-m.err)"
  "$wijksim" runs --store back.db >back.runs 2>&1
  grep -q "run    1 .* complete " back.runs && cmp -s clean.json back-m.json &&
    echo "ok: a writer whose lock file was moved away and back stops (exit 3), and signalled leaves the run as it is" ||
    say_fail "after the lock file was moved away and back: $(cat back.runs)"
else
  say_fail "writer J never paused after its 3rd draw: $(cat back-j.err)"
  touch "$tmp/go-j"
  wait $pj
fi
# Without a second process, the writer whose lock file was removed stops all the same (it cannot tell), its run
# left running and nobody's; --resume completes it identical to the clean run.
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-i" "$wijksim" "${args[@]}" --output alone.db >alone.json 2>alone.err &
pi=$!
if wait_paused "$tmp/go-i" $pi; then
  rm alone.db-runlock
  touch "$tmp/go-i"
  wait $pi
  code=$?
  "$wijksim" runs --store alone.db >alone.runs 2>&1
  "$wijksim" "${args[@]}" --output alone.db --resume 1 >alone-resumed.json 2>alone-resumed.err
  [ "$code" -eq 3 ] && grep -q "run    1 .* running " alone.runs && grep -q "no process is writing it any more" alone.runs &&
    cmp -s clean.json alone-resumed.json &&
    echo "ok: a writer whose lock file was removed stops (exit 3), and --resume completes its run" ||
    say_fail "a writer whose lock file was removed: exit $code: $(cat alone.err) / $(cat alone.runs) / $(cat alone-resumed.err)"
else
  say_fail "writer I never paused after its 3rd draw: $(cat alone.err)"
  touch "$tmp/go-i"
  wait $pi
fi

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
  [ -s clean.json ] && cmp -s clean.json two-$other.json &&
    echo "ok: two resumers at once: one refused (exit 1), the other completes identical to the clean run" ||
    say_fail "two resumers: the one that proceeded differs from the clean run"
fi

# stop_at_draw3 SIGNAL NAME: the PSA, kept in NAME.db, pauses after its 3rd draw (test hook), gets SIGNAL
# there and must say it stops; released, it stops after the draws in flight. Sets `code` to its exit status.
stop_at_draw3() {
  local sig=$1 name=$2 pid
  WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-$name" "$wijksim" "${args[@]}" --output "$name.db" >/dev/null 2>"$name.err" &
  pid=$!
  if wait_paused "$tmp/go-$name" $pid; then
    kill -"$sig" $pid
    wait_text "$name.err" "stopping after" $pid || say_fail "SIG$sig was not acknowledged: $(cat "$name.err")"
    touch "$tmp/go-$name"
  else
    say_fail "the SIG$sig run never paused after its 3rd draw: $(cat "$name.err")"
  fi
  wait $pid
  code=$?
}

# Ctrl-C during a PSA: the process pauses after its 3rd draw (test hook), gets SIGINT there and says it stops;
# released, it stops after the draws in flight, which are kept: exit 130, status "interrupted", the command
# that resumes it printed; resumed, the output equals the clean run's.
stop_at_draw3 INT int
kept=$(draws_done int.db)
if [ "$code" -eq 130 ] && [ "$(status_of int.db)" = interrupted ] && [ "${kept:-0}" -ge 3 ]; then
  grep -q -- "--resume 1" int.err || say_fail "Ctrl-C did not print the resume command: $(cat int.err)"
  "$wijksim" "${args[@]}" --output int.db --resume 1 >int.json 2>int.err2 || say_fail "resume after Ctrl-C failed: $(cat int.err2)"
  cmp -s clean.json int.json && echo "ok: Ctrl-C after draw 3 keeps $kept draws (exit 130, interrupted); resumed: identical" ||
    say_fail "Ctrl-C, resumed: output differs from the clean run"
else
  say_fail "Ctrl-C: exit $code, status $(status_of int.db), $kept draws kept: $(cat int.err)"
fi

# Ctrl-C twice once the run's completion is committed (test hook: paused there, before the outputs): the run
# is complete, and that is what is said; it said "To continue: ... --resume 1", which --resume refuses for a
# complete run (outside attack 17).
WIJKSIM_TEST_PAUSE_AFTER_COMPLETING="$tmp/go-done" "$wijksim" "${args[@]}" --output done.db >/dev/null 2>done.err &
pid=$!
if wait_paused "$tmp/go-done" $pid; then
  kill -INT $pid
  wait_text done.err "stopping after" $pid || say_fail "Ctrl-C after completing was not acknowledged: $(cat done.err)"
  kill -INT $pid
  wait $pid
  code=$?
  if [ "$code" -eq 130 ] && [ "$(status_of done.db)" = complete ] &&
    grep -q '^stopped at once: run 1 of done\.db is complete (`wijksim show 1 --store done\.db` prints it)$' done.err &&
    ! grep -q -- "--resume" done.err; then
    echo "ok: Ctrl-C twice after the run's completion says it is complete, not how to resume it"
  else
    say_fail "Ctrl-C twice after completing: exit $code, status $(status_of done.db): $(cat done.err)"
  fi
else
  say_fail "the run never paused after completing: $(cat done.err)"
  kill $pid 2>/dev/null
fi

# Ctrl-C once after the run's completion is committed, before its outputs (paused there): it was announced
# ("stopping after ...") and then not acted on, the outputs written and exit 0 without a word of why. The run
# is complete and ends as it would have, saying so (outside attack 29).
WIJKSIM_TEST_PAUSE_AFTER_COMPLETING="$tmp/go-done1" "$wijksim" "${args[@]}" --output done1.db >done1.json 2>done1.err &
pid=$!
if wait_paused "$tmp/go-done1" $pid; then
  kill -INT $pid
  wait_text done1.err "stopping after" $pid || say_fail "Ctrl-C after completing was not acknowledged: $(cat done1.err)"
  touch "$tmp/go-done1"
  wait $pid
  code=$?
  if [ "$code" -eq 0 ] && cmp -s clean.json done1.json && grep -q "all are done, and the run is complete$" done1.err; then
    echo "ok: Ctrl-C once after the run's completion: the run ends complete, identical, and says why"
  else
    say_fail "Ctrl-C once after completing: exit $code, output $(cmp -s clean.json done1.json && echo identical || echo differs): $(cat done1.err)"
  fi
else
  say_fail "the run never paused after completing: $(cat done1.err)"
  kill $pid 2>/dev/null
fi

# A signal once every output is written and said (test hook: paused there, just before the command returns;
# under mpirun, the ranks' shutdown): it said "interrupted while writing the outputs" after "wrote" and
# "stored" had said them all, and exited 130 (outside attack 42). A first signal is passed over and the
# command ends as it would have; a second ends it at once, exit 0, silently: nothing is left to stop.
for signals in 1 2; do
  rm -f "$tmp/go-written$signals" "$tmp/go-written$signals.paused"
  WIJKSIM_TEST_PAUSE_AFTER_OUTPUTS="$tmp/go-written$signals" "$wijksim" "${args[@]}" --store written$signals.db -o written$signals.json >/dev/null 2>written$signals.err &
  pid=$!
  if wait_paused "$tmp/go-written$signals" $pid; then
    kill -TERM $pid
    if [ "$signals" = 2 ]; then sleep 0.2; kill -TERM $pid; else sleep 0.2; touch "$tmp/go-written$signals"; fi
    wait $pid
    code=$?
    if [ "$code" -eq 0 ] && cmp -s clean.json written$signals.json && [ "$(status_of written$signals.db)" = complete ] &&
      ! grep -q -i "interrupted\|stopping\|stopped" written$signals.err; then
      echo "ok: $signals signal(s) after every output is written: exit 0, nothing said of an interruption"
    else
      say_fail "$signals signal(s) after every output is written: exit $code: $(cat written$signals.err)"
    fi
  else
    say_fail "the run never paused after its outputs: $(cat written$signals.err)"
    kill $pid 2>/dev/null
  fi
done

# A signal while the tables are printed to a pipe its reader does not yet read (the writer blocked once the
# pipe's 64 KiB are full; the JSON tables are larger): it ends the command at once, and says that what was
# printed is incomplete (outside attack: a file stdout went to was cut short, and the message said only that
# an output not said as written was not written).
rm -f "$tmp/go-print" "$tmp/go-print.paused" "$tmp/go-read"
{ WIJKSIM_TEST_PAUSE_AFTER_COMPLETING="$tmp/go-print" "$wijksim" "${args[@]}" --store print.db 2>print.err &
  echo $! >print.pid; wait; } | { while [ ! -e "$tmp/go-read" ]; do sleep 0.05; done; cat >print.json; } &
reader=$!
for _ in $(seq 600); do [ -s print.pid ] && break; sleep 0.05; done
pid=$(cat print.pid)
if wait_paused "$tmp/go-print" "$pid"; then
  touch "$tmp/go-print"
  # Blocked in its write (pipe_write, anon_pipe_write by kernel): the pipe holds 64 KiB of the tables.
  for _ in $(seq 200); do grep -q pipe_write "/proc/$pid/wchan" 2>/dev/null && break; sleep 0.05; done
  blocked=$(cat "/proc/$pid/wchan" 2>/dev/null)
  kill -TERM "$pid"
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  touch "$tmp/go-read"
  wait $reader
  if [[ "$blocked" == *pipe_write ]] && grep -q "interrupted while writing the outputs.*; what was printed on standard output is incomplete" print.err &&
    [ "$(wc -c <print.json)" -lt "$(wc -c <clean.json)" ] && [ "$(status_of print.db)" = complete ]; then
    echo "ok: a signal while the tables are printed says that what was printed is incomplete ($(wc -c <print.json) of $(wc -c <clean.json) bytes)"
  else
    say_fail "a signal while printing the tables (blocked in '$blocked'): $(wc -c <print.json) bytes, $(cat print.err)"
  fi
else
  say_fail "the run never paused after completing: $(cat print.err)"
  kill "$pid" 2>/dev/null
  touch "$tmp/go-read"
fi

# The same for a sweep and a calibration, whose outputs_written() no test reached (a review of earlier notes):
# two signals once the table is written end it at once, exit 0, silently.
rm -f "$tmp/go-sweep" "$tmp/go-sweep.paused"
WIJKSIM_TEST_PAUSE_AFTER_OUTPUTS="$tmp/go-sweep" "$wijksim" sweep short-pilot.yaml --parameter coaches.fte --from 2 --to 4 --steps 2 -r 1 -y 1 --threads 2 -o sweep.txt >/dev/null 2>sweep.err &
pid=$!
if wait_paused "$tmp/go-sweep" $pid; then
  kill -TERM $pid; sleep 0.2; kill -TERM $pid
  wait $pid
  code=$?
  if [ "$code" -eq 0 ] && grep -q "Planning curve" sweep.txt && ! grep -q -i "interrupted\|stopping\|stopped" sweep.err; then
    echo "ok: 2 signals after a sweep's table is written: exit 0, nothing said of an interruption"
  else
    say_fail "2 signals after a sweep's table is written: exit $code: $(cat sweep.err)"
  fi
else
  say_fail "the sweep never paused after its outputs: $(cat sweep.err)"
  kill $pid 2>/dev/null
fi

# Ctrl-C once after the last draw is kept: nothing is left to stop, the run completes (exit 0, identical to
# the clean run) and says why the Ctrl-C changed nothing (it was acknowledged, then the tables came as if
# ignored; outside attack 17).
last=$(sed -n 's/.*--draws \([0-9]*\).*/\1/p' <<<"${args[*]}")
WIJKSIM_TEST_PAUSE_AFTER_DRAW="$last:$tmp/go-last" "$wijksim" "${args[@]}" --output last.db >last.json 2>last.err &
pid=$!
if wait_paused "$tmp/go-last" $pid; then
  kill -INT $pid
  wait_text last.err "stopping after" $pid || say_fail "Ctrl-C after the last draw was not acknowledged: $(cat last.err)"
  touch "$tmp/go-last"
  wait $pid
  code=$?
  if [ "$code" -eq 0 ] && [ "$(status_of last.db)" = complete ] && cmp -s clean.json last.json &&
    grep -q "^every one of the draws had begun when interrupted: all are done, and the run is complete$" last.err; then
    echo "ok: Ctrl-C after the last draw: the run completes (exit 0, identical) and says why"
  else
    say_fail "Ctrl-C after the last draw ($last): exit $code, status $(status_of last.db): $(cat last.err)"
  fi
else
  say_fail "the run never paused after its last draw ($last): $(cat last.err)"
  kill $pid 2>/dev/null
fi

# A closed terminal (SIGHUP, an ssh session dropped) during a PSA stops it as Ctrl-C does: the draws kept,
# exit 130, status "interrupted" (before: killed by the signal, the run left "running"). Started under nohup
# (SIGHUP ignored), the same signal is ignored and the run completes as the clean one.
stop_at_draw3 HUP hup
if [ "$code" -eq 130 ] && [ "$(status_of hup.db)" = interrupted ] && [ "$(draws_done hup.db)" -ge 3 ]; then
  echo "ok: SIGHUP after draw 3 stops the PSA as Ctrl-C does (exit 130, interrupted, $(draws_done hup.db) draws kept)"
  # Said as what came, not as a Ctrl-C at the keyboard.
  grep -q "^the terminal hung up (SIGHUP): stopping after" hup.err && ! grep -q "Ctrl-C again" hup.err ||
    say_fail "SIGHUP is said as a Ctrl-C: $(cat hup.err)"
else
  say_fail "SIGHUP: exit $code, status $(status_of hup.db), $(draws_done hup.db) draws: $(cat hup.err)"
fi
(trap '' HUP; WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-nohup" exec "$wijksim" "${args[@]}" --output nohup.db >nohup.json 2>nohup.err) &
pid=$!
if wait_paused "$tmp/go-nohup" $pid; then
  kill -HUP $pid
  sleep 0.5
  kill -0 $pid 2>/dev/null || say_fail "under nohup, SIGHUP ended the process"
  touch "$tmp/go-nohup"
else
  say_fail "the nohup run never paused after its 3rd draw: $(cat nohup.err)"
fi
wait $pid
code=$?
if [ "$code" -eq 0 ] && cmp -s clean.json nohup.json; then
  echo "ok: under nohup SIGHUP is ignored: the PSA completes, identical to the clean run"
else
  say_fail "under nohup: exit $code, output $(cmp -s clean.json nohup.json && echo identical || echo differs): $(cat nohup.err)"
fi
# A background job of a script without job control is started with SIGINT and SIGQUIT ignored, so that a
# Ctrl-C meant for the script's foreground leaves it alone: they stay ignored and the PSA completes as the
# clean one (it stopped, exit 130; outside attack 29).
set +m
WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-bg" "$wijksim" "${args[@]}" --output bg.db >bg.json 2>bg.err &
pid=$!
set -m
if wait_paused "$tmp/go-bg" $pid; then
  grep -q "^SigIgn:.*[2367abef]$" /proc/$pid/status || say_fail "the background job does not ignore SIGINT"
  kill -INT $pid && kill -QUIT $pid
  sleep 0.5
  kill -0 $pid 2>/dev/null || say_fail "SIGINT or SIGQUIT ignored at the start ended the process"
  touch "$tmp/go-bg"
else
  say_fail "the background run never paused after its 3rd draw: $(cat bg.err)"
fi
wait $pid
code=$?
if [ "$code" -eq 0 ] && cmp -s clean.json bg.json && ! grep -q "stopping\|stopped" bg.err; then
  echo "ok: SIGINT and SIGQUIT ignored at the start stay ignored: the PSA completes, identical to the clean run"
else
  say_fail "SIGINT and SIGQUIT ignored at the start: exit $code: $(cat bg.err)"
fi

# stop_at_once NAME WHAT SIGNAL...: a PSA paused after draw 3 (never released) gets the signals, the last of
# which must stop it at once: exit 130, status "interrupted" (before: killed by the signal, the run left
# "running"), exactly the 3 committed draws kept, the resume command printed; resumed, identical.
stop_at_once() {
  local name=$1 what=$2
  shift 2
  WIJKSIM_TEST_PAUSE_AFTER_DRAW="3:$tmp/go-$name" "$wijksim" "${args[@]}" --output $name.db >/dev/null 2>$name.err &
  pid=$!
  if wait_paused "$tmp/go-$name" $pid; then
    while [ $# -gt 1 ]; do  # each signal but the last is acknowledged first
      kill -"$1" $pid
      wait_text $name.err "stopping after" $pid || say_fail "$what: SIG$1 was not acknowledged: $(cat $name.err)"
      shift
    done
    kill -"$1" $pid
    wait_exit $pid || { say_fail "$what did not stop the process"; touch "$tmp/go-$name"; }
  else
    say_fail "$what: the run never paused: $(cat $name.err)"
  fi
  wait $pid
  code=$?
  if [ "$code" -eq 130 ] && [ "$(status_of $name.db)" = interrupted ] && [ "$(draws_done $name.db)" = 3 ]; then
    grep -q -- "--resume 1" $name.err || say_fail "$what did not print the resume command: $(cat $name.err)"
    "$wijksim" "${args[@]}" --output $name.db --resume 1 >$name.json 2>/dev/null || say_fail "resume after $what failed"
    cmp -s clean.json $name.json && echo "ok: $what stops at once (exit 130, interrupted, 3 draws); resumed: identical" ||
      say_fail "$what, resumed: output differs from the clean run"
  else
    say_fail "$what: exit $code, status $(status_of $name.db), $(draws_done $name.db) draws: $(cat $name.err)"
  fi
}
stop_at_once twice "Ctrl-C twice" INT INT
# Ctrl-\ (SIGQUIT) asks to quit now: at once, as a second Ctrl-C.
stop_at_once quit "Ctrl-\\ (SIGQUIT)" QUIT

# A resume that names other scenarios is refused as such: the run's scenarios and this command's, by name and
# file, not "scenario 'short-pilot' has changed since", which sent a user looking for edits never made
# (outside attack 65). clean.db's run is complete; the refusal says both, and the store does not change.
printf 'extends: %s\nname: other-baseline\nsimulation: {warmup_years: 2}\npopulation: {households: 700}\n' \
  "$src/scenarios/baseline-velve.yaml" >other-baseline.yaml
printf 'extends: %s\nname: other-pilot\ncomparator: other-baseline.yaml\nsimulation: {warmup_years: 2}\npopulation: {households: 700}\n' \
  "$src/scenarios/pilot.yaml" >other-pilot.yaml
# refused_resume WHAT SCENARIO SAID: a resume of clean.db's run by `compare SCENARIO` is refused (exit 1), says
# SAID and not "changed since", and leaves the store as it was.
refused_resume() {
  cp clean.db refused.db
  "$wijksim" compare "$2" -r 1 -y 2 --draws 30 --format json --output refused.db --resume 1 >/dev/null 2>refused.err
  local code=$?
  if [ $code -eq 1 ] && grep -qF "$3" refused.err && ! grep -q "changed since" refused.err && cmp -s clean.db refused.db; then
    echo "ok: a resume naming $1 is refused as such, the store unchanged"
  else
    say_fail "a resume naming $1: exit $code: $(cat refused.err)"
  fi
}
refused_resume "other scenarios" other-pilot.yaml \
  "its scenario 1 is 'short-pilot' (short-pilot.yaml), this command's 'other-pilot' (other-pilot.yaml); its scenario 2 is 'short-baseline' (short-baseline.yaml), this command's 'other-baseline' (other-baseline.yaml)"
# The same with a scenario of the run's name in another file (a review: its name alone was compared).
mkdir -p elsewhere
sed 's/population: {households: 700}/population: {households: 700}\ncoaches: {fte: 4}/' short-pilot.yaml >elsewhere/short-pilot.yaml
cp short-baseline.yaml elsewhere/
refused_resume "a scenario of the run's name in another file" elsewhere/short-pilot.yaml \
  "its scenario 1 is 'short-pilot' (short-pilot.yaml), this command's 'short-pilot' (elsewhere/short-pilot.yaml)"

exit $fail
