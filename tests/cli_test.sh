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
for f in runs scenarios payers agencies draws costs weekly agency_weekly evaluation one_way two_way thresholds evppi virtual_evaluation tables; do
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
grep -q "state:" "$tmp/out" || { echo "FAIL: trace prints no states"; fail=1; }
expect 1 "trace a household that does not exist" "$wijksim" trace "$src/scenarios/pilot.yaml" --household 999999 -y 1

# Sensitivity analysis: a tornado with bars, a two-way grid and thresholds in the terminal, the store and
# its CSV export; a misspelt parameter or a malformed threshold is bad input with the reason.
expect 0 "compare --sensitivity" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --sensitivity --grid 2 --output "$tmp/sens.db"
for title in "Which assumptions decide it" "Two-way: the preferred option" "Thresholds:" "The evaluation the city would run"; do
  grep -q "$title" "$tmp/out" || { echo "FAIL: compare --sensitivity prints no '$title'"; fail=1; }
done
grep -q "█" "$tmp/out" || { echo "FAIL: the tornado has no bars"; fail=1; }
grep -q "no parameter draws" "$tmp/out" || { echo "FAIL: no word that EVPPI needs draws"; fail=1; }
expect 0 "compare --sensitivity on 1 thread" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --sensitivity --grid 2 --draws 3 --threads 1 --format json --no-store -o "$tmp/s1.json"
expect 0 "compare --sensitivity on 2 threads" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 2 -y 1 --sensitivity --grid 2 --draws 3 --threads 2 --format json --no-store -o "$tmp/s2.json"
cmp -s "$tmp/s1.json" "$tmp/s2.json" && echo "ok: sensitivity JSON byte-identical on 1 and 2 threads" || { echo "FAIL: sensitivity JSON differs between 1 and 2 threads"; fail=1; }
expect 0 "export the sensitivity tables" "$wijksim" export 1 --csv "$tmp/sens" --store "$tmp/sens.db"
for f in one_way two_way thresholds virtual_evaluation; do
  [ "$(wc -l <"$tmp/sens/$f.csv")" -gt 1 ] || { echo "FAIL: export wrote no rows in $f.csv"; fail=1; }
done
expect 0 "the tornado's bars are not in the JSON" "$wijksim" show 1 --store "$tmp/sens.db" --format json
grep -q "█" "$tmp/out" && { echo "FAIL: terminal bars in the JSON"; fail=1; }
expect 1 "a misspelt two-way parameter" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 1 -y 1 --no-store --two-way coaches.ftee,coaches.mandate_probability
grep -q "did you mean 'coaches.fte'" "$tmp/err" || { echo "FAIL: no suggestion for a misspelt parameter"; cat "$tmp/err"; fail=1; }
expect 1 "a threshold without a target" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 1 -y 1 --no-store --threshold coaches.fte=1:9
expect 1 "an unknown outcome" "$wijksim" compare "$src/scenarios/pilot.yaml" -r 1 -y 1 --no-store --threshold coaches.fte=1:9,waiting=3
expect 0 "sweep a parameter" "$wijksim" sweep "$src/scenarios/pilot.yaml" --parameter coaches.fte --from 2 --to 8 --steps 3 -r 2 -y 1 --format csv
[ "$(grep -c '^pilot,baseline-velve,sweep,' "$tmp/out")" -gt 3 ] || { echo "FAIL: sweep printed no planning curve"; fail=1; }
expect 1 "sweep outside the parameter's range" "$wijksim" sweep "$src/scenarios/pilot.yaml" --parameter coaches.mandate_probability --from 0.5 --to 2 -r 1 -y 1
exit $fail
