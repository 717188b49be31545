#!/usr/bin/env bash
# The wijksim command as a script sees it: exit codes, outputs, and byte-identical JSON for 1 and 2 threads.
# Usage: cli_test.sh WIJKSIM SOURCE_DIR
set -u
wijksim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"  # the default results store, results.db, goes here
fail=0
expect() {  # expect CODE description command...
  local code=$1 what=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$code" ]; then
    echo "FAIL: $what: exit $got, expected $code"; cat "$tmp/err"; fail=1
  else
    echo "ok: $what (exit $got)"
  fi
}
expect 0 "validate the shipped scenarios" "$wijksim" validate "$src"/scenarios/*.yaml
expect 0 "--version" "$wijksim" --version
grep -q "^wijksim [0-9]" "$tmp/out" || { echo "FAIL: --version prints no version"; fail=1; }
expect 0 "run --help" "$wijksim" run --help
expect 2 "no subcommand" "$wijksim"
expect 2 "unknown option" "$wijksim" run "$src/scenarios/pilot.yaml" --no-such-option
expect 2 "bad --format" "$wijksim" run "$src/scenarios/pilot.yaml" --format xml
expect 1 "missing scenario file" "$wijksim" run "$tmp/missing.yaml"
grep -q "missing.yaml" "$tmp/err" || { echo "FAIL: the error does not name the file"; fail=1; }
printf 'name: broken\npopulation: {households: -3}\n' >"$tmp/broken.yaml"
expect 1 "invalid scenario" "$wijksim" run "$tmp/broken.yaml"
grep -q "broken.yaml:2:.*population.households" "$tmp/err" || { echo "FAIL: no file:line and key path"; fail=1; }
expect 1 "validate a broken scenario" "$wijksim" validate "$tmp/broken.yaml"

expect 0 "compare on 1 thread" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --threads 1 --format json -o "$tmp/t1.json"
expect 0 "compare on 2 threads" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --threads 2 --format json -o "$tmp/t2.json"
cmp -s "$tmp/t1.json" "$tmp/t2.json" && echo "ok: JSON byte-identical on 1 and 2 threads" || { echo "FAIL: JSON differs between 1 and 2 threads"; fail=1; }
# The results store: the default output of run and compare; show prints the same tables; export writes CSV.
expect 0 "compare into a named store" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --format json --output "$tmp/s.db"
cp "$tmp/out" "$tmp/compare.json"
expect 0 "show the stored run" "$wijksim" show 1 --store "$tmp/s.db" --format json
cmp -s "$tmp/out" "$tmp/compare.json" && echo "ok: show prints what compare printed" || { echo "FAIL: show differs from compare"; fail=1; }
expect 0 "runs lists the run" "$wijksim" runs --store "$tmp/s.db"
grep -q "run    1 .* complete .*compare: pilot" "$tmp/out" || { echo "FAIL: runs does not list run 1 as complete"; cat "$tmp/out"; fail=1; }
expect 0 "export the run" "$wijksim" export 1 --csv "$tmp/csv" --store "$tmp/s.db"
for f in runs scenarios payers agencies draws costs weekly agency_weekly evaluation tables; do
  [ -s "$tmp/csv/$f.csv" ] || { echo "FAIL: export wrote no $f.csv"; fail=1; }
done
expect 1 "show a run the store does not have" "$wijksim" show 7 --store "$tmp/s.db"
grep -q "has no run 7" "$tmp/err" || { echo "FAIL: no message for an unknown run"; fail=1; }
expect 1 "runs of a store that does not exist" "$wijksim" runs --store "$tmp/none.db"
grep -q "there is no results store" "$tmp/err" || { echo "FAIL: no message for a missing store"; fail=1; }
[ ! -e "$tmp/none.db" ] || { echo "FAIL: listing a missing store created it"; fail=1; }
printf 'not a database, just text\n%.0s' $(seq 200) >"$tmp/text.db"
expect 1 "a file that is not a store" "$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 1 -y 1 --output "$tmp/text.db"
grep -q "not a wijksim results store" "$tmp/err" || { echo "FAIL: no message for a file that is not a store"; fail=1; }
expect 0 "the default store is results.db" "$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 1 -y 1
[ -s "$tmp/results.db" ] || { echo "FAIL: no results.db"; fail=1; }
expect 0 "--no-store writes no store" "$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 1 -y 1 --no-store --store "$tmp/never.db"
[ ! -e "$tmp/never.db" ] || { echo "FAIL: --no-store wrote a store"; fail=1; }

expect 0 "csv output" "$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 2 -y 1 --format csv
head -1 "$tmp/out" | grep -q "^scenario," || { echo "FAIL: csv has no header"; fail=1; }
expect 3 "unwritable output" "$wijksim" run "$src/scenarios/baseline-velve.yaml" -r 2 -y 1 -o "$tmp/no/such/dir/out.txt"
expect 0 "trace a household" "$wijksim" trace "$src/scenarios/pilot.yaml" --household 5 -y 1
grep -q "at the policy start: rung" "$tmp/out" || { echo "FAIL: trace prints no state at the policy start"; fail=1; }
grep -q "^Warm-up, in short" "$tmp/out" || { echo "FAIL: trace does not summarise the warm-up"; fail=1; }
! grep -q "^week *-" "$tmp/out" || { echo "FAIL: trace lists the warm-up without --warmup"; fail=1; }
! grep -q "EUR [0-9]" "$tmp/out" || { echo "FAIL: trace writes euros as EUR 1.00"; fail=1; }
expect 0 "trace --warmup lists the warm-up" "$wijksim" trace "$src/scenarios/pilot.yaml" --household 5 -y 1 --warmup
grep -q "^week -1040  " "$tmp/out" || { echo "FAIL: trace --warmup does not list week -1040"; fail=1; }
grep -q "cost € [0-9.]*,[0-9][0-9] " "$tmp/out" || { echo "FAIL: trace writes no cost in Dutch euros (€ 1.234,50)"; fail=1; }
grep -q "trust [01],[0-9][0-9]" "$tmp/out" || { echo "FAIL: trace writes trust without a decimal comma"; fail=1; }
expect 0 "trace accepts --no-store" "$wijksim" trace "$src/scenarios/pilot.yaml" --household 5 -y 1 --no-store
expect 1 "trace a household that does not exist" "$wijksim" trace "$src/scenarios/pilot.yaml" --household 999999 -y 1
expect 2 "trace needs --household or --pick" "$wijksim" trace "$src/scenarios/pilot.yaml" -y 1
expect 2 "trace takes --household or --pick, not both" "$wijksim" trace "$src/scenarios/pilot.yaml" -y 1 --household 1 --pick coached
expect 1 "trace --pick of an unknown event" "$wijksim" trace "$src/scenarios/pilot.yaml" -y 1 --pick married
grep -q "coached, bounced, benefit, evicted" "$tmp/err" || { echo "FAIL: --pick of an unknown event does not list the events"; fail=1; }
# --pick follows the first household with the event in the policy period: it has the event there, and no
# household with a lower number has (each traced on its own, an independent check of the first pass).
for event in "coached:admitted to the coach's caseload" "evicted:escalates: eviction" "bounced:(bounce)" "benefit:enters a spell"; do
  name=${event%%:*}; line=${event#*:}
  expect 0 "trace --pick $name" "$wijksim" trace "$src/scenarios/pilot.yaml" -y 1 --pick "$name"
  picked=$(sed -n 's/^household \([0-9]*\) of .*/\1/p' "$tmp/out")
  policy() { sed -n '/^Policy period/,$p' "$1"; }
  policy "$tmp/out" | grep -qF "$line" || { echo "FAIL: --pick $name: household $picked has no '$line' in the policy period"; fail=1; }
  if [ -n "$picked" ] && [ "$picked" -le 60 ]; then
    for ((h = 0; h < picked; h++)); do
      "$wijksim" trace "$src/scenarios/pilot.yaml" -y 1 --household "$h" >"$tmp/lower" 2>/dev/null
      if policy "$tmp/lower" | grep -qF "$line"; then echo "FAIL: --pick $name chose $picked, but household $h came first"; fail=1; break; fi
    done
    echo "ok: --pick $name: household $picked is the first with it"
  else
    echo "FAIL: --pick $name picked '$picked' (expected a household below 60 in the pilot)"; fail=1
  fi
done
exit $fail
