#!/usr/bin/env bash
# Nothing the user owns is destroyed by an output. `--output`, `report -o`, `compare --report` and `export
# --csv` write only regular files or new names: a device, a FIFO, a socket, a directory or a symbolic link
# is refused (exit 1) and left as it was, and so is every file the command reads (the scenario, each file of
# its `extends` chain, its comparator and the comparator's chain) and the results store itself, compared by
# file identity, not by name. Each class is tried on copies in a temporary directory.
# Usage: outputs_test.sh WIJKSIM SOURCE_DIR
set -u
# Job control, as in a terminal: a background job of a script without it starts with SIGINT and SIGQUIT
# ignored, and wijksim keeps them ignored (outside attack 29), so the Ctrl-C tests would reach nothing.
set -m
wijksim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }
cp -r "$src"/scenarios/. .
# A scenario whose comparator is not in its own extends chain, and a comparator with a parent of its own.
sed 's/^name: baseline-velve$/name: cmpbase/' baseline-velve.yaml >cmpbase.yaml
printf 'extends: cmpbase.yaml\nname: cmp\n' >cmp.yaml
printf 'extends: pilot.yaml\nname: mine\ncomparator: cmp.yaml\n' >mine.yaml
small=(-r 1 -y 1 --threads 2)
for f in pilot baseline-velve mine cmp cmpbase; do cp $f.yaml $f.orig; done
# Each case starts from the original inputs, so a case that fails cannot make the next one fail.
restore() {
  for f in pilot baseline-velve mine cmp cmpbase; do cp $f.orig $f.yaml; done
  [ -e rs.copy ] && cp rs.copy rs.db
}
"$wijksim" compare pilot.yaml "${small[@]}" --output rs.db >/dev/null 2>&1 || say_fail "the store could not be made"
cp rs.db rs.copy
rm -f rs.db-wal rs.db-shm

# expect CODE WHAT PATTERN COMMAND...: the exit code, and PATTERN (a grep -E expression) in stderr.
expect() {
  local code=$1 what=$2 pattern=$3
  shift 3
  timeout 300 "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" -ne "$code" ]; then
    say_fail "$what: exit $got, expected $code: $(head -c 600 err.txt)"
  elif ! grep -Eq -- "$pattern" err.txt; then
    say_fail "$what: the message does not say /$pattern/: $(head -c 600 err.txt)"
  else
    echo "ok: $what (exit $got)"
  fi
}
# unchanged FILE COPY WHAT: FILE still has COPY's bytes.
unchanged() { cmp -s "$1" "$2" || say_fail "$3: $1 was changed"; }
# expect_kept CODE WHAT PATTERN COMMAND...: expect, then every input must be as it was (and is restored).
expect_kept() {
  expect "$@"
  for f in pilot baseline-velve mine cmp cmpbase; do unchanged $f.yaml $f.orig "$2"; done
  [ -e rs.copy ] && unchanged rs.db rs.copy "$2"
  restore
}

# --- Things that are not regular files ------------------------------------------------------------------
mkfifo fifo
expect 1 "--output a FIFO is refused" "fifo.*(named pipe|FIFO)" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output fifo
[ -p fifo ] || say_fail "the FIFO is no longer a FIFO"

mkdir dir
expect 1 "--output a directory is refused" "dir.*directory" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output dir
[ -d dir ] || say_fail "the directory is gone"

echo "keep me" >target.txt
cp target.txt target.copy
ln -s target.txt link.txt
expect 1 "--output a symbolic link to a file is refused" "link.txt.*symbolic link" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output link.txt
[ -L link.txt ] || say_fail "the symbolic link was replaced"
unchanged target.txt target.copy "--output through a symbolic link"

python3 - <<'EOF' 2>/dev/null &
import socket, os, time
s = socket.socket(socket.AF_UNIX); s.bind("sock"); time.sleep(120)
EOF
sockpid=$!
for _ in $(seq 100); do [ -S sock ] && break; sleep 0.05; done
if [ -S sock ]; then
  expect 1 "--output a socket is refused" "sock.*socket" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output sock
  [ -S sock ] || say_fail "the socket is no longer a socket"
else
  echo "note: no socket could be made here; the socket case is not tried"
fi
kill "$sockpid" 2>/dev/null
wait "$sockpid" 2>/dev/null

# A device node: a copy of /dev/null's (character device 1,3) in this directory, so a wijksim that replaced
# it would replace only this copy. Only when that one is refused is the real /dev/null tried.
if mknod null c 1 3 2>/dev/null; then
  expect 1 "--output a device node is refused" "null.*device" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output null
  if [ -c null ]; then
    expect 1 "--output /dev/null is refused" "/dev/null.*device" \
      "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output /dev/null
    [ -c /dev/null ] || say_fail "/dev/null is no longer a device"
  else
    say_fail "the device node was replaced; /dev/null is not tried"
  fi
else
  echo "note: mknod is not permitted here; device nodes are not tried"
fi

# --- Inputs of the command ------------------------------------------------------------------------------
expect_kept 1 "--output the scenario itself is refused" "pilot.yaml.*scenario" \
  "$wijksim" run pilot.yaml "${small[@]}" --no-store --output pilot.yaml
expect_kept 1 "--output the file the scenario extends is refused" "baseline-velve.yaml.*(extends|scenario)" \
  "$wijksim" run pilot.yaml "${small[@]}" --no-store --output baseline-velve.yaml
expect_kept 1 "--output the comparator is refused" "cmp.yaml.*comparator" \
  "$wijksim" compare mine.yaml "${small[@]}" --no-store --output cmp.yaml
expect_kept 1 "--output a file the comparator extends is refused" "cmpbase.yaml.*comparator" \
  "$wijksim" compare mine.yaml "${small[@]}" --no-store --output cmpbase.yaml
cp targets/velve.yaml velve-targets.orig
expect 1 "--output a targets file the scenario reads is refused" "targets/velve.yaml.*targets file" \
  "$wijksim" run pilot.yaml "${small[@]}" --no-store --output targets/velve.yaml
unchanged targets/velve.yaml velve-targets.orig "--output a targets file"
cp sets/velve.csv velve-sets.orig
expect 1 "--output the parameter sets the scenario draws from is refused" "sets/velve.csv.*parameter sets" \
  "$wijksim" run pilot.yaml "${small[@]}" --no-store --output sets/velve.csv
unchanged sets/velve.csv velve-sets.orig "--output the parameter sets"
# calibrate reads no parameter sets and writes a scenario's own in place, keeping the earlier ones as .~1~
# (calibrate_test.sh); another scenario's calibration does not replace them.
expect 1 "calibrate --output another scenario's parameter sets is refused" \
  "sets/velve.csv.*holds the parameter sets of another scenario" \
  "$wijksim" calibrate baseline-enschede.yaml --no-store --output sets/velve.csv
unchanged sets/velve.csv velve-sets.orig "calibrate --output another scenario's parameter sets"
# A wijksim file of another kind is not replaced either: a calibration's sets (hours of work) under tables,
# a report, or another scenario's calibration (sweep --output, report -o and calibrate -o replaced them).
cp sets/velve.csv mine-sets.csv && cp sets/enschede.csv city-sets.csv
expect 1 "sweep --output over a calibration's sets is refused" "mine-sets.csv.*parameter sets, which only an output of that kind" \
  "$wijksim" sweep pilot.yaml --parameter coaches.fte --from 1 --to 5 --steps 2 -r 1 -y 1 --output mine-sets.csv
unchanged mine-sets.csv sets/velve.csv "sweep --output over a calibration's sets"
# (Under a name ending in .csv a report is refused by the name, exit 2; under another, by what the file holds.)
expect 2 "report -o a name ending in .csv is refused" "the report is an HTML page, and a name ending in .csv says CSV" \
  "$wijksim" report 1 --store rs.db -o mine-sets.csv
unchanged mine-sets.csv sets/velve.csv "report -o mine-sets.csv"
cp sets/velve.csv mine-sets.txt
expect 1 "report -o over a calibration's sets is refused" "mine-sets.txt.*parameter sets" \
  "$wijksim" report 1 --store rs.db -o mine-sets.txt
unchanged mine-sets.txt sets/velve.csv "report -o over a calibration's sets"
expect 1 "calibrate -o over another scenario's sets is refused" "city-sets.csv.*parameter sets of another scenario" \
  "$wijksim" calibrate baseline-velve.yaml --no-store --output city-sets.csv
unchanged city-sets.csv sets/enschede.csv "calibrate -o over another scenario's sets"
# Another scenario's sets under the same file name (a/base.yaml and b/base.yaml): told apart by the name the
# header records (they were told apart by the file name only, and replaced).
sed '2a # scenario name: city-a' sets/velve.csv > same-name-sets.csv && cp same-name-sets.csv same-name-sets.orig
expect 1 "calibrate -o over the sets of another scenario with the same file name is refused" \
  "same-name-sets.csv.*parameter sets of another scenario \\(scenarios/baseline-velve.yaml, named 'city-a'; this is baseline-velve.yaml, named 'baseline-velve'\\)" \
  "$wijksim" calibrate baseline-velve.yaml --no-store --output same-name-sets.csv
unchanged same-name-sets.csv same-name-sets.orig "calibrate -o over the sets of a scenario with the same file name"
# A variant that extends the scenario inherits its name: its file name tells its sets apart.
printf 'extends: baseline-velve.yaml\npopulation:\n  households: 2000\n' >variant.yaml
sed '2a # scenario name: baseline-velve' sets/velve.csv > named-sets.csv && cp named-sets.csv named-sets.orig
expect 1 "calibrate -o of a variant over the sets of the scenario it extends is refused" \
  "named-sets.csv.*parameter sets of another scenario.*this is variant.yaml, named 'baseline-velve'" \
  "$wijksim" calibrate variant.yaml --no-store --output named-sets.csv
unchanged named-sets.csv named-sets.orig "calibrate -o of a variant over the sets of the scenario it extends"
"$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format csv --output tables.csv >/dev/null 2>&1
cp tables.csv tables.orig
cp tables.csv tables.txt
expect 1 "report -o over wijksim's tables is refused" "tables.txt.*tables, which only an output of that kind" \
  "$wijksim" report 1 --store rs.db -o tables.txt
unchanged tables.txt tables.orig "report -o over wijksim's tables"
expect 0 "tables over tables are replaced" "" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output tables.csv
restore
# Tables saved and then written on below (a user's notes): the file is the user's now, left as it is (an
# outside attack: it was replaced, as it began as wijksim's). CSV, JSON and the HTML report each.
for f in csv json; do
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format $f --output noted.$f >/dev/null 2>&1
  printf 'my notes: compare with last year\n' >>noted.$f
  cp noted.$f noted.orig
  expect 1 "tables as $f with notes below them are not replaced" "noted.$f.*is not as wijksim wrote it" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format $f --output noted.$f
  unchanged noted.$f noted.orig "tables as $f with notes below them"
done
# Tables as text have no fixed end: they end with a seal of the lines above it, which notes anywhere break -
# below the tables, or a figure changed in a line of them - and so does a text without its seal (the first
# line alone let notes below it be replaced). The same file unchanged is replaced: below.
"$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output noted.txt >/dev/null 2>&1
tail -1 noted.txt | grep -q "^-- end of wijksim's tables; seal [0-9a-f]\{16\} " ||
  say_fail "tables as text end without their seal: $(tail -1 noted.txt)"
cp noted.txt sealed.txt
printf 'my notes: compare with last year\n' >>noted.txt
sed '3s/$/  <- ask the team/' sealed.txt >changed.txt
head -n -1 sealed.txt >unsealed.txt
for f in noted changed unsealed; do
  cp $f.txt $f.orig
  pattern="$f.txt.*is not as wijksim wrote it"
  [ $f = unsealed ] && pattern="$f.txt.*has no seal.*redirected"
  expect 1 "tables as text, $f, are not replaced" "$pattern" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output $f.txt
  unchanged $f.txt $f.orig "tables as text, $f"
done
cmp -s changed.txt sealed.txt && say_fail "the changed text is the sealed one: the test changed nothing"
expect 0 "tables as text, sealed and unchanged, are replaced" "wrote sealed.txt" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output sealed.txt --seed 7
grep -q "seed 7" sealed.txt || say_fail "the sealed tables were not replaced: $(head -1 sealed.txt)"
"$wijksim" report 1 --store rs.db -o noted.html >/dev/null 2>&1
printf '<!-- my notes -->\n' >>noted.html
cp noted.html noted.orig
expect 1 "a report with notes below it is not replaced" "noted.html.*is not as wijksim wrote it" \
  "$wijksim" report 1 --store rs.db -o noted.html
unchanged noted.html noted.orig "a report with notes below it"
restore
ln pilot.yaml hardlink.txt
expect_kept 1 "--output a hard link to the scenario is refused (same file, other name)" "hardlink.txt.*scenario" \
  "$wijksim" run pilot.yaml "${small[@]}" --no-store --output hardlink.txt
expect_kept 1 "compare --report the scenario is refused" "mine.yaml.*scenario" \
  "$wijksim" compare mine.yaml "${small[@]}" --output inputs.db --report mine.yaml

# --- The results store ----------------------------------------------------------------------------------
# A report named as a store is refused by its name (exit 2, outside attack 16); one named otherwise that is
# the store, through a link or a second name, by what it is (exit 1).
expect_kept 2 "compare --output rs.db --report rs.db is refused" "rs.db.*results store" \
  "$wijksim" compare pilot.yaml "${small[@]}" --output rs.db --report rs.db
expect_kept 2 "report --store rs.db -o rs.db is refused" "rs.db.*results store" \
  "$wijksim" report 1 --store rs.db -o rs.db
expect_kept 1 "report -o a scenario the stored run was made from is refused" "pilot.yaml.*run 1" \
  "$wijksim" report 1 --store rs.db -o pilot.yaml
expect_kept 1 "report -o its comparator is refused" "baseline-velve.yaml.*run 1" \
  "$wijksim" report 1 --store rs.db -o baseline-velve.yaml
expect_kept 1 "report -o a symbolic link is refused" "link.txt.*symbolic link" \
  "$wijksim" report 1 --store rs.db -o link.txt
[ -L link.txt ] || say_fail "report -o replaced the symbolic link"
unchanged target.txt target.copy "report -o through a symbolic link"
ln -s rs.db rs-link.html
expect_kept 1 "report -o a name of the store through a link is refused" "rs-link.html.*symbolic link" \
  "$wijksim" report 1 --store rs.db -o rs-link.html
ln rs.db rs-hard.html
expect_kept 1 "report -o a hard link of the store is refused" "rs-hard.html.*results store" \
  "$wijksim" report 1 --store rs.db -o rs-hard.html
"$wijksim" runs --store rs.db >runs.txt 2>&1 && grep -q "run    1 .*complete" runs.txt ||
  say_fail "the store lost its run: $(cat runs.txt)"
expect_kept 1 "run --store st.txt --output st.txt is refused" "st.txt.*results store" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store st.txt --output st.txt
[ ! -e st.txt ] || say_fail "st.txt was written: $(head -c 100 st.txt)"
expect_kept 1 "--output the store's write-ahead log is refused" "rs.db-wal.*results store" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store rs.db --output rs.db-wal
# The files SQLite and the run lock keep beside another store (not this command's): an output over
# OTHER.db-runlock, an empty file, let a second writer into a run being written; over -wal, -shm or -journal
# it made that store unreadable (outside attack 10). Each is an empty file, as a lock file is, so only its
# name can refuse it.
: >rs.db-runlock
for side in runlock wal shm journal; do
  : >"rs.db-$side"
  expect_kept 1 "sweep -o another store's -$side is refused" "rs.db-$side.*(lock file|SQLite database 'rs.db')" \
    "$wijksim" sweep pilot.yaml -r 1 -y 1 --steps 2 --parameter coaches.fte --from 1 --to 5 -o "rs.db-$side"
  [ ! -s "rs.db-$side" ] || say_fail "rs.db-$side was written: $(head -c 100 "rs.db-$side")"
  expect_kept 1 "run --no-store -o another store's -$side is refused" "rs.db-$side.*(lock file|SQLite database 'rs.db')" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store -o "rs.db-$side"
  [ ! -s "rs.db-$side" ] || say_fail "rs.db-$side was written: $(head -c 100 "rs.db-$side")"
  [ "$side" = runlock ] || rm -f "rs.db-$side"
done
# What a command that fails on a full disk leaves beside the store - the shared-memory index as SQLite's first
# connection truncates it, 3 zero bytes, and an empty log - is SQLite's: the store is read once there is
# room again (it was refused for good: outside attack 14). Three bytes of something else are still kept.
head -c 3 /dev/zero >rs.db-shm && : >rs.db-wal
"$wijksim" runs --store rs.db >runs.txt 2>&1 && grep -q "run    1 .*complete" runs.txt ||
  say_fail "a store with the 3-byte index a full disk leaves was refused: $(cat runs.txt)"
printf 'abc' >rs.db-shm
expect_kept 1 "a store with 3 bytes of a user's file under its index's name is refused" "rs.db-shm.* is not one" \
  "$wijksim" runs --store rs.db
[ "$(cat rs.db-shm)" = abc ] || say_fail "the 3-byte file under the index's name was changed"
rm -f rs.db-shm rs.db-wal
expect_kept 1 "--store a scenario is refused" "pilot.yaml.*scenario" \
  "$wijksim" run pilot.yaml "${small[@]}" --store pilot.yaml
expect_kept 1 "--store a FIFO is refused" "fifo.*(named pipe|FIFO)" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store fifo
expect_kept 1 "--store a directory is refused" "dir.*directory" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store dir

# --- Names ----------------------------------------------------------------------------------------------
long=$(printf 'a%.0s' $(seq 4000))
expect 1 "a 4,000-character output name says the name is too long" "too long" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output "$long.txt"
expect 1 "a 4,000-character store name says the name is too long" "too long" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store "$long.db"

# --- export: everything or nothing ----------------------------------------------------------------------
cp rs.db part.db
sqlite3 part.db "UPDATE runs SET status = 'interrupted' WHERE run_id = 1" || say_fail "sqlite3 failed"
expect 1 "export of an interrupted run is refused" "interrupted" \
  "$wijksim" export 1 --store part.db --csv part
[ ! -e part ] || [ -z "$(ls -A part)" ] || say_fail "export of an interrupted run wrote $(ls part)"
mkdir -p busy/tables.csv
expect 1 "export whose tables.csv is a directory is refused" "tables.csv.*directory" \
  "$wijksim" export 1 --store rs.db --csv busy
[ "$(ls -A busy)" = "tables.csv" ] || say_fail "export wrote files before refusing: $(ls busy)"
mkdir linked
ln -s ../target.txt linked/runs.csv
expect 1 "export whose runs.csv is a symbolic link is refused" "runs.csv.*symbolic link" \
  "$wijksim" export 1 --store rs.db --csv linked
[ "$(ls -A linked)" = "runs.csv" ] && [ -L linked/runs.csv ] || say_fail "export wrote into linked/: $(ls linked)"
unchanged target.txt target.copy "export through a symbolic link"
mkdir keep
echo mine >keep/notes.txt
expect 0 "export into a directory with other files keeps them" "wrote" \
  "$wijksim" export 1 --store rs.db --csv keep
[ "$(cat keep/notes.txt)" = mine ] && [ -s keep/tables.csv ] && [ -s keep/weekly.csv ] ||
  say_fail "export into keep/: $(ls keep)"
[ -z "$(ls -A keep | grep -v '\.csv$' | grep -v notes.txt)" ] || say_fail "export left a staging file: $(ls -A keep)"
expect 0 "export into a new directory" "wrote" "$wijksim" export 1 --store rs.db --csv fresh
# One file per table of the store a run may have rows in (README, "export"), and tables.csv: 17.
[ "$(ls fresh | wc -l)" -eq 17 ] || say_fail "export into fresh/ wrote $(ls fresh | wc -l) files, not 17: $(ls fresh)"
[ -z "$(ls -A . | grep -i 'tmp\|staging\|wijksim-')" ] || say_fail "a staging directory was left: $(ls -A .)"
expect 1 "export whose directory is a symbolic link is refused" "symbolic link" \
  "$wijksim" export 1 --store rs.db --csv link.txt
# Named with a trailing slash, the link was followed: the export went into the directory it reaches, where
# `--csv LINK` is refused (outside attack 45).
mkdir link-target && ln -s link-target dirlink
expect 1 "export whose directory is a symbolic link named with a slash is refused" "dirlink.*symbolic link" \
  "$wijksim" export 1 --store rs.db --csv dirlink/
[ -z "$(ls -A link-target)" ] || say_fail "export wrote through a link named with a slash: $(ls link-target)"

# --- Ctrl-C while an output is written: exit 130, and neither the output nor its temporary file is left --
# (the test hook WIJKSIM_TEST_PAUSE_IN_OUTPUT holds the process between writing the temporary file and
# renaming it into place)
WIJKSIM_TEST_PAUSE_IN_OUTPUT="$tmp/go-out" "$wijksim" report 1 --store rs.db -o stopped.html >/dev/null 2>stopped.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-out.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-out.paused" ]; then
  ls -A | grep -q '^\.wijksim-.*\.tmp$' || say_fail "no temporary file while the report is written: $(ls -A)"
  kill -INT $pid
  for _ in $(seq 3000); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  kill -0 $pid 2>/dev/null && { say_fail "Ctrl-C while writing did not stop the process"; touch "$tmp/go-out"; }
  wait $pid
  code=$?
  [ "$code" -eq 130 ] && [ ! -e stopped.html ] && [ -z "$(ls -A | grep '^\.wijksim-')" ] &&
    echo "ok: Ctrl-C while writing an output leaves neither the output nor a temporary file" ||
    say_fail "Ctrl-C while writing: exit $code, left: $(ls -A | grep -e stopped -e '^\.wijksim')"
else
  say_fail "the report never paused while being written: $(cat stopped.err)"
  wait $pid
fi

# --- A signal while a run's outputs are written: the complete run is in the store's file itself -----------
# (outside attack 39: it was in the log beside the file alone, '-wal', so a copy of the file held no run).
WIJKSIM_TEST_PAUSE_IN_OUTPUT="$tmp/go-fold" "$wijksim" compare pilot.yaml "${small[@]}" --store fold.db \
  -o fold.txt >/dev/null 2>fold.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-fold.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-fold.paused" ]; then
  kill -TERM $pid
  for _ in $(seq 3000); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
  kill -0 $pid 2>/dev/null && { say_fail "SIGTERM while writing did not stop the process"; touch "$tmp/go-fold"; }
  wait $pid
  code=$?
  mkdir -p alone && cp fold.db alone/fold.db
  [ "$code" -eq 130 ] && [ -e fold.db-wal ] && "$wijksim" runs --store alone/fold.db 2>&1 | grep -q "complete" &&
    echo "ok: a signal while the outputs are written leaves the complete run in the store's file itself" ||
    say_fail "SIGTERM while writing the outputs: exit $code; the store's file alone: $("$wijksim" runs --store alone/fold.db 2>&1)"
else
  say_fail "the tables never paused while being written: $(cat fold.err)"
  wait $pid
fi

# --- Two exports into one directory at once: one after the other, never mixed (outside attack 8) ----------
# The first is held (test hook) with its files staged, about to move them; the second, started then, must
# wait for it (it put all its files in place meanwhile, and the two runs' files were mixed, both exit 0).
# The second is given 2 seconds to finish if nothing holds it back: it takes a fraction of one.
mkdir -p both  # a directory that is there (a new one is moved into place whole)
WIJKSIM_TEST_PAUSE_IN_OUTPUT="$tmp/go-exp" "$wijksim" export 1 --store rs.db --csv both >/dev/null 2>exp1.err &
first=$!
for _ in $(seq 3000); do [ -e "$tmp/go-exp.paused" ] && break; kill -0 $first 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-exp.paused" ]; then
  "$wijksim" export 1 --store rs.db --csv both >/dev/null 2>exp2.err &
  second=$!
  sleep 2
  if kill -0 $second 2>/dev/null; then
    echo "ok: a second export into the directory waits while the first puts its files in place"
  else
    say_fail "a second export into the directory finished while the first was putting its files in place"
  fi
  touch "$tmp/go-exp"
  wait $first || say_fail "the first export failed: $(cat exp1.err)"
  wait $second || say_fail "the second export failed: $(cat exp2.err)"
else
  say_fail "the export never paused: $(cat exp1.err)"
  wait $first
fi

# --- A Ctrl-C while an export moves its files into an earlier export's directory (outside attack 22) --------
# Held after its first file is in place (test hook), the export of run 2 gets SIGINT: the exit waits for the
# other files, so the directory holds run 2's files only (it exited there, exit 130, "interrupted", leaving
# run 2's runs.csv beside run 1's other files), then ends as interrupted, exit 130, saying nothing else (it
# ended 0 or 130, with "wrote ..." or without, by whichever thread came first; outside attack 24).
"$wijksim" compare pilot.yaml "${small[@]}" --output two.db >/dev/null 2>&1 &&
  "$wijksim" compare pilot.yaml "${small[@]}" --seed 7 --output two.db >/dev/null 2>&1 &&
  "$wijksim" export 1 --store two.db --csv mixed >/dev/null 2>&1 || say_fail "two runs could not be made and exported"
WIJKSIM_TEST_PAUSE_WHILE_MOVING_EXPORT="$tmp/go-mix" "$wijksim" export 2 --store two.db --csv mixed >/dev/null 2>mix.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-mix.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-mix.paused" ]; then
  kill -INT $pid && sleep 0.5 && touch "$tmp/go-mix"
  wait $pid
  got=$?
  of_run_1=$(grep -l '^1,' mixed/*.csv | tr '\n' ' ')
  [ "$got" -eq 130 ] && ! grep -q "wrote" mix.err && [ -z "$of_run_1" ] && [ "$(grep -c '^2,' mixed/runs.csv)" -eq 1 ] &&
    echo "ok: a Ctrl-C while an export moves its files leaves one run's files (exit $got)" ||
    say_fail "a Ctrl-C while an export moved its files: exit $got, files still of run 1: $of_run_1"
  # It says that the export it finished is whole ("interrupted" alone, of a complete export; outside attack
  # 42), and leaves no file saying the directory is incomplete.
  # Its first line (to a file no empty line before it: outside attack 46).
  head -1 mix.err | grep -q "^interrupted; the export into mixed was being put in place and was finished first: it holds every file$" &&
    [ ! -e mixed/EXPORT-INCOMPLETE.txt ] && echo "ok: the interrupted export is said to be whole" ||
    say_fail "an export finished after a Ctrl-C is not said whole: $(cat mix.err); $(ls mixed | grep INCOMPLETE)"
else
  say_fail "the export never paused while moving its files: $(cat mix.err)"
  wait $pid
fi
# Killed outright between two moves (kill -9, a power cut), an export leaves files of two runs: a file in the
# directory says so (nothing did; outside attack 42), and the next export that completes removes it.
rm -f "$tmp/go-mix" "$tmp/go-mix.paused"
"$wijksim" export 1 --store two.db --csv mixed >/dev/null 2>&1 || say_fail "export 1 again into mixed"
WIJKSIM_TEST_PAUSE_WHILE_MOVING_EXPORT="$tmp/go-mix" "$wijksim" export 2 --store two.db --csv mixed >/dev/null 2>mix.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-mix.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-mix.paused" ]; then
  kill -KILL $pid
  wait $pid 2>/dev/null
  [ -n "$(grep -l '^1,' mixed/*.csv)" ] && [ -n "$(grep -l '^2,' mixed/*.csv)" ] &&
    grep -q "^wijksim stopped while it put the files of an export into this directory" mixed/EXPORT-INCOMPLETE.txt &&
    echo "ok: an export killed between two moves leaves files of two runs and EXPORT-INCOMPLETE.txt saying so" ||
    say_fail "an export killed between two moves: $(ls mixed | tr '\n' ' ')"
  "$wijksim" export 2 --store two.db --csv mixed >/dev/null 2>&1 && [ ! -e mixed/EXPORT-INCOMPLETE.txt ] &&
    [ -z "$(grep -l '^1,' mixed/*.csv)" ] && echo "ok: the next export completes and removes EXPORT-INCOMPLETE.txt" ||
    say_fail "the export after a killed one left EXPORT-INCOMPLETE.txt or files of run 1"
  # A user's file of that name is not written over.
  echo "my notes" >mixed/EXPORT-INCOMPLETE.txt
  "$wijksim" export 1 --store two.db --csv mixed >/dev/null 2>&1 && [ "$(cat mixed/EXPORT-INCOMPLETE.txt)" = "my notes" ] &&
    echo "ok: a user's EXPORT-INCOMPLETE.txt is left as it is" || say_fail "a user's EXPORT-INCOMPLETE.txt was changed"
  rm -f mixed/EXPORT-INCOMPLETE.txt
else
  say_fail "the export never paused while moving its files: $(cat mix.err)"
  kill $pid 2>/dev/null; wait $pid
fi

# --- The export's directory swapped for another while its files are written (outside attack 11) ----------
# Held with its files staged inside `swapped` (an earlier export's directory), the directory is moved away and
# a user's directory with a costs.csv of their own put in its place: refused (exit 1, the directory named),
# the user's file as it was, the staged files removed where they went. Before: exit 4, "internal error:
# basic_string::substr", and the staging directory left in the moved one.
"$wijksim" export 1 --store rs.db --csv swapped >/dev/null 2>&1
WIJKSIM_TEST_PAUSE_IN_OUTPUT="$tmp/go-swap" "$wijksim" export 1 --store rs.db --csv swapped >/dev/null 2>swap.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-swap.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-swap.paused" ]; then
  mv swapped swapped.orig && mkdir swapped && echo precious >swapped/costs.csv
  touch "$tmp/go-swap"
  wait $pid
  code=$?
  if [ "$code" -eq 1 ] && grep -q "swapped.*was moved, removed or replaced while the files were written" swap.err &&
    [ "$(cat swapped/costs.csv)" = precious ] && [ "$(ls -A swapped)" = costs.csv ] &&
    [ -z "$(ls -A swapped.orig | grep -v '\.csv$')" ]; then
    echo "ok: an export whose directory was replaced while it wrote is refused; the user's file and both directories as they were"
  else
    say_fail "export into a replaced directory: exit $code: $(cat swap.err); swapped: $(ls -A swapped); swapped.orig: $(ls -A swapped.orig | grep -v '\.csv$')"
  fi
else
  say_fail "the export never paused: $(cat swap.err)"
  wait $pid
fi

# --- A file of the user's own: never replaced, by a given name or a default one --------------------------
# The run's input named from another directory (the store keeps the path the run was given, relative to
# where it ran): refused by what the file is, not only by the stored name (before: replaced by the report).
mkdir -p elsewhere
cd elsewhere
expect 1 "report -o the run's scenario, named from another directory" "wijksim did not write it" \
  "$wijksim" report 1 --store ../rs.db -o ../pilot.yaml
cd ..
unchanged pilot.yaml pilot.orig "report -o the run's scenario from another directory"
restore
echo "my notes" >notes.txt && cp notes.txt notes.copy
expect 1 "--output a file of the user's own" "wijksim did not write it" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output notes.txt
unchanged notes.txt notes.copy "--output a file of the user's own"
echo "mine" >report-1.html && cp report-1.html report-1.copy
expect 1 "report's default name taken by a file of the user's own" "report-1.html.*wijksim did not write it" \
  "$wijksim" report 1 --store rs.db
unchanged report-1.html report-1.copy "report's default name"
mkdir -p exported && echo "mine" >exported/runs.csv && cp exported/runs.csv runs.copy
expect 1 "export into a directory with a file of the user's own under an export's name" "runs.csv.*wijksim did not write it" \
  "$wijksim" export 1 --store rs.db --csv exported
unchanged exported/runs.csv runs.copy "export over a file of the user's own"
# Files that only look like an output at their start: a CSV of the user's whose header begins 'run_id,' (an
# export's files do, and only an export may replace one, with the same header), and notes that begin with
# the word wijksim (tables begin "wijksim 0.1.0 run:").
printf 'run_id,participant,score\n1,alice,93\n' >grades.csv && cp grades.csv grades.copy
expect 1 "--output a CSV of the user's that begins 'run_id,'" "may be a file of wijksim's export or a CSV of yours" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format csv --output grades.csv
unchanged grades.csv grades.copy "--output grades.csv"
printf 'wijksim meeting notes\n' >meeting.txt && cp meeting.txt meeting.copy
expect 1 "--output notes that begin with the word wijksim" "wijksim did not write it" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output meeting.txt
unchanged meeting.txt meeting.copy "--output meeting.txt"
# A replaced output keeps its permissions (a private 600 file became the umask's 644), and a write-protected
# one (400) is not replaced: the rename needs only the directory's permission (outside attack 10).
"$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output private.txt 2>/dev/null && chmod 600 private.txt
"$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output private.txt --seed 7 2>/dev/null
[ "$(stat -c %a private.txt)" = 600 ] && grep -q "seed 7" private.txt && echo "ok: a replaced output keeps its mode" ||
  say_fail "a replaced output: mode $(stat -c %a private.txt), $(head -1 private.txt)"
# ... and, replaced by root, its owner and group: it became root's, and its owner could not read it (outside
# attack 13). (As another user a process may not give a file away: checked only where the test runs as root.)
if [ "$(id -u)" = 0 ]; then
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output owned.txt 2>/dev/null &&
    chown 65534:65534 owned.txt && chmod 640 owned.txt
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output owned.txt --seed 7 2>/dev/null
  [ "$(stat -c '%u:%g %a' owned.txt)" = "65534:65534 640" ] && grep -q "seed 7" owned.txt &&
    echo "ok: an output replaced by root keeps its owner, group and mode" ||
    say_fail "an output replaced by root: $(stat -c '%u:%g %a' owned.txt), $(head -1 owned.txt)"
fi
chmod 400 private.txt && cp private.txt private.copy
expect 1 "--output a write-protected file of wijksim's" "this file is write-protected" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output private.txt --seed 8
unchanged private.txt private.copy "--output a write-protected file"
[ "$(stat -c %a private.txt)" = 400 ] || say_fail "a write-protected output's mode changed: $(stat -c %a private.txt)"
chmod 600 private.txt
# A JSON file of the user's whose first key is "wijksim" (a configuration of their own) is not wijksim's
# tables: only the whole head the tables begin with is (it was taken for tables on its first key alone).
printf '{\n  "wijksim": {"store": "mine.db"}\n}\n' >settings.json && cp settings.json settings.copy
expect 1 "--output a JSON file of the user's whose first key is wijksim" "wijksim did not write it" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format json --output settings.json
unchanged settings.json settings.copy "--output settings.json"
mkdir -p exported3 && cp grades.csv exported3/runs.csv
expect 1 "export over a user's runs.csv whose header begins 'run_id,'" "another first line than the export writes" \
  "$wijksim" export 1 --store rs.db --csv exported3
unchanged exported3/runs.csv grades.copy "export over exported3/runs.csv"
[ "$(ls exported3)" = "runs.csv" ] || say_fail "export stopped by one file still wrote others: $(ls exported3)"
# What wijksim wrote is replaced: the same output twice, an empty file.
rm -f report-1.html && : >empty.txt
expect 0 "report to its default name" "wrote" "$wijksim" report 1 --store rs.db
expect 0 "report to its default name again (wijksim's own)" "wrote" "$wijksim" report 1 --store rs.db
expect 0 "--output an empty file" "" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output empty.txt
expect 0 "--output the same file again (wijksim's tables)" "" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output empty.txt
for f in csv json; do
  expect 0 "--format $f to a file" "" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format $f --output same.$f
  expect 0 "--format $f to the same file again" "" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --format $f --output same.$f
done
rm -rf exported2
expect 0 "export" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
expect 0 "export again into the same directory" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
# What a process killed while it wrote left behind (kill -9: a staging directory, a temporary file) is
# removed by the next write into that directory, once it is a minute old and its process is gone: never a
# live process's, never a fresh one. (PID 999999999 is beyond any pid_max: no such process.)
mkdir exported2/.wijksim-999999999-0.staging && touch exported2/.wijksim-999999999-0.staging/runs.csv
touch exported2/.wijksim-999999999-1.tmp exported2/.wijksim-999999999-2.tmp exported2/.wijksim-$$-3.tmp
touch -d '2 minutes ago' exported2/.wijksim-999999999-0.staging exported2/.wijksim-999999999-1.tmp exported2/.wijksim-$$-3.tmp
expect 0 "export into a directory with what a killed export left" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
[ ! -e exported2/.wijksim-999999999-0.staging ] && [ ! -e exported2/.wijksim-999999999-1.tmp ] ||
  say_fail "a killed process's staging directory or temporary file was left: $(ls -A exported2 | grep wijksim)"
[ -e exported2/.wijksim-999999999-2.tmp ] && [ -e exported2/.wijksim-$$-3.tmp ] ||
  say_fail "a fresh temporary file, or a live process's, was removed"
# ... but only what wijksim makes under such names: a user's directory named as a staging directory, holding a
# note, and one named as a temporary file, are kept whole (removed with their contents before: outside
# attack 14).
mkdir exported2/.wijksim-999999998-0.staging exported2/.wijksim-999999998-1.tmp
echo keep >exported2/.wijksim-999999998-0.staging/inner.txt && echo keep >exported2/.wijksim-999999998-1.tmp/inner.txt
touch -d '5 minutes ago' exported2/.wijksim-999999998-0.staging exported2/.wijksim-999999998-1.tmp
expect 0 "export beside a user's directories named as wijksim's temporaries" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
[ "$(cat exported2/.wijksim-999999998-0.staging/inner.txt exported2/.wijksim-999999998-1.tmp/inner.txt)" = "keep
keep" ] || say_fail "a user's directory named as a temporary was removed: $(ls -A exported2 | grep wijksim)"
# ... and a user's file under a temporary's name, a note, is kept; one that begins as wijksim's output (a
# killed write's tables) is removed (outside attack 40: the note was removed for its name alone).
echo precious >exported2/.wijksim-999999997-1.tmp
printf 'wijksim 0.1.0 compare: seed 1\n' >exported2/.wijksim-999999997-2.tmp
touch -d '5 minutes ago' exported2/.wijksim-999999997-1.tmp exported2/.wijksim-999999997-2.tmp
expect 0 "export beside a user's file named as wijksim's temporary" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
[ "$(cat exported2/.wijksim-999999997-1.tmp 2>&1)" = precious ] && [ ! -e exported2/.wijksim-999999997-2.tmp ] ||
  say_fail "a user's file named as a temporary was removed, or a killed write's tables kept: $(ls -A exported2 | grep wijksim)"
# ... and a staging directory that holds a CSV of the user's (mine.csv, not begun as an export's file) is kept
# whole: its files' names alone let it be removed (outside attack).
mkdir exported2/.wijksim-999999996-0.staging && echo "my own totals" >exported2/.wijksim-999999996-0.staging/mine.csv
touch -d '5 minutes ago' exported2/.wijksim-999999996-0.staging
expect 0 "export beside a staging directory's name holding a CSV of the user's" "wrote" "$wijksim" export 1 --store rs.db --csv exported2
[ "$(cat exported2/.wijksim-999999996-0.staging/mine.csv 2>&1)" = "my own totals" ] ||
  say_fail "a user's CSV in a directory named as a staging directory was removed"

# --- An export's files with the user's notes in them (outside attack: replaced in silence, where --output
# refuses tables with notes below them). Refused whole: no file of the directory is replaced.
rm -rf noted-export && "$wijksim" export 1 --store rs.db --csv noted-export >/dev/null 2>&1 ||
  say_fail "the export to be noted was not written"
cp -r noted-export noted-export.orig
for f in tables costs; do
  cp noted-export.orig/$f.csv noted-export/$f.csv
  printf 'checked by J., see mail of 3 May\n' >>noted-export/$f.csv
  cp noted-export/$f.csv noted-$f.copy
  expect 1 "an export over its $f.csv with a note below is refused" "$f.csv.*is not as wijksim wrote it" \
    "$wijksim" export 1 --store rs.db --csv noted-export
  unchanged noted-export/$f.csv noted-$f.copy "export over $f.csv with a note"
  for g in noted-export.orig/*.csv; do
    [ "$(basename $g)" = $f.csv ] || unchanged noted-export/$(basename $g) $g "export refused for $f.csv"
  done
  cp noted-export.orig/$f.csv noted-export/$f.csv
done
expect 0 "an export over its own files, unchanged, replaces them" "wrote" "$wijksim" export 1 --store rs.db --csv noted-export
# A note written below one of the files while the export stages its own (held there by a test hook): refused
# before any file is moved, the directory as it was (it was refused with 16 of its 17 files already replaced,
# and its EXPORT-INCOMPLETE.txt left behind; a review).
rm -rf staged-note && "$wijksim" export 1 --store two.db --csv staged-note >/dev/null 2>&1 && cp -r staged-note staged-note.orig
rm -f "$tmp/go-note" "$tmp/go-note.paused"
WIJKSIM_TEST_PAUSE_IN_OUTPUT="$tmp/go-note" "$wijksim" export 2 --store two.db --csv staged-note >/dev/null 2>note.err &
pid=$!
for _ in $(seq 3000); do [ -e "$tmp/go-note.paused" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
if [ -e "$tmp/go-note.paused" ]; then
  printf 'my note\n' >>staged-note/tables.csv && cp staged-note/tables.csv staged-note.tables && touch "$tmp/go-note"
  wait $pid
  got=$?
  [ "$got" -eq 1 ] && grep -q "tables.csv.*is not as wijksim wrote it" note.err ||
    say_fail "a note written while the export staged its files: exit $got: $(cat note.err)"
  unchanged staged-note/tables.csv staged-note.tables "a note written while the export staged its files"
  for g in staged-note.orig/*.csv; do
    [ "$(basename $g)" = tables.csv ] || unchanged staged-note/$(basename $g) $g "an export refused while staging"
  done
  [ ! -e staged-note/EXPORT-INCOMPLETE.txt ] || say_fail "an export refused before its moves left EXPORT-INCOMPLETE.txt"
  [ -z "$(ls -A . | grep '^\.wijksim-')" ] || say_fail "an export refused before its moves left $(ls -A . | grep '^\.wijksim-')"
else
  say_fail "the export never paused while staging: $(cat note.err)"
  wait $pid
fi

# --- An export's directory under the name of a file SQLite keeps beside another store (STORE-wal): refused as
# every other output is (it made the directory, and every command then refused that store: outside attack).
cp rs.copy other.db
for suffix in -wal -shm -journal -runlock; do
  expect 1 "export --csv other.db$suffix is refused" "other.db$suffix.*beside it" \
    "$wijksim" export 1 --store rs.db --csv other.db$suffix
  [ ! -e other.db$suffix ] || say_fail "export --csv other.db$suffix made $(ls -ld other.db$suffix)"
done
"$wijksim" runs --store other.db >/dev/null 2>&1 || say_fail "the other store is not read after the refused exports"
# The log of the store the export reads, open while it reads: said as that log, not as "a file".
expect 1 "export --csv of the store's own log is refused" "rs.db-wal.*write-ahead log" \
  "$wijksim" export 1 --store rs.db --csv rs.db-wal
restore

# --- A directory its owner write-protected (chmod 555): root writes there all the same, and replaced an
# output, made a store and exported into it (outside attack); refused, as for any other user (exit 3).
if [ "$(id -u)" = 0 ]; then
  mkdir -p ro555 && "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output ro555/t.txt 2>/dev/null
  mkdir -p ro555/exp && "$wijksim" export 1 --store rs.db --csv ro555/exp >/dev/null 2>&1
  cp ro555/t.txt ro555.t.copy && chmod 555 ro555 ro555/exp
  expect 3 "--output into a write-protected directory, as root" "ro555.*write-protected" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output ro555/t.txt --seed 7
  unchanged ro555/t.txt ro555.t.copy "--output into a write-protected directory"
  expect 3 "a new store in a write-protected directory, as root" "ro555.*write-protected" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --store ro555/new.db
  [ ! -e ro555/new.db ] || say_fail "a store was made in a write-protected directory"
  expect 3 "export into a write-protected directory, as root" "ro555/exp.*write-protected" \
    "$wijksim" export 1 --store rs.db --csv ro555/exp
  expect 3 "export to a new directory in a write-protected one, as root" "ro555.*write-protected" \
    "$wijksim" export 1 --store rs.db --csv ro555/sub
  [ ! -e ro555/sub ] || say_fail "export made a directory in a write-protected one"
  # Nothing in it changes on the way to the refusal: no probe made and removed, no stale temporary of a killed
  # command removed (both changed the directory before it was refused; a review).
  chmod 755 ro555 && : >ro555/.wijksim-999999999-1.tmp && mkdir ro555/.wijksim-999999999-2.staging &&
    touch -d '5 minutes ago' ro555/.wijksim-999999999-1.tmp ro555/.wijksim-999999999-2.staging && chmod 555 ro555
  before=$(stat -c %Y.%Z ro555)
  sleep 1.1
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output ro555/new.txt >/dev/null 2>&1
  "$wijksim" run baseline-velve.yaml "${small[@]}" --store ro555/new.db >/dev/null 2>&1
  "$wijksim" export 1 --store rs.db --csv ro555/sub >/dev/null 2>&1
  [ "$(stat -c %Y.%Z ro555)" = "$before" ] && [ -e ro555/.wijksim-999999999-1.tmp ] && [ -e ro555/.wijksim-999999999-2.staging ] ||
    say_fail "a write-protected directory changed on the way to a refusal: $(ls -A ro555)"
  chmod 755 ro555 ro555/exp
else
  echo "note: not root: a write-protected directory refuses this user by its permission (cli_test)"
fi

# Two writers with one process ID, as two containers sharing a volume (each container's first process is 1):
# the other writer's temporaries, being written now, are in the directory under PID 1's first names. This
# process, PID 1 in a PID namespace of its own, writes beside them and leaves them alone (it took the same
# names and failed: "File exists"; outside attack 21).
if [ "$(id -u)" -eq 0 ] && unshare --pid --fork true 2>/dev/null; then
  mkdir -p container && for n in 0 1 2 3; do echo other >container/.wijksim-1-$n.tmp; done
  mkdir container/.wijksim-1-0.staging container/.wijksim-1-1.staging
  expect 0 "--output beside another container's PID 1 temporaries" "" \
    unshare --pid --fork "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output container/tab.txt
  expect 0 "export beside another container's PID 1 staging directories" "wrote" \
    unshare --pid --fork "$wijksim" export 1 --store rs.db --csv container/csv
  [ "$(cat container/.wijksim-1-[0-3].tmp | sort -u)" = other ] && [ -d container/.wijksim-1-1.staging ] ||
    say_fail "another writer's temporaries were touched: $(ls -A container)"
else
  echo "skipped: two writers with one process ID (needs root and unshare)"
fi

# --- A user's file put in an output's place while the simulation runs ---------------------------------------
# The run pauses after its first draw (test hook); a file of the user's appears at --output meanwhile. It is
# kept, and the message says the simulation completed and where (it said "nothing was simulated").
rm -f late.db late.db-* late.txt go-late go-late.paused
WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-late" "$wijksim" compare pilot.yaml -r 1 -y 1 --draws 2 --threads 2 \
  --store late.db --output late.txt >/dev/null 2>late.err &
pid=$!
for _ in $(seq 1 600); do [ -e go-late.paused ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if [ -e go-late.paused ]; then
  echo "my notes" >late.txt
  touch go-late  # the release
  wait $pid
  code=$?
  if [ $code -eq 1 ] && [ "$(cat late.txt)" = "my notes" ] && grep -q "the simulation itself completed: run 1 is complete in late.db" late.err &&
    ! grep -q "nothing was simulated" late.err; then
    echo "ok: a user's file put at --output during the run is kept, and the message says the run is complete (exit 1)"
  else
    say_fail "a user's file at --output during the run: exit $code, late.txt: $(head -c 100 late.txt): $(cat late.err)"
  fi
else
  wait $pid
  say_fail "the run never paused after its first draw: $(cat late.err)"
fi

# The outputs' directory renamed while the run goes on: the tables and the report cannot be written (exit 3),
# and the message says the run is complete in the store and how to get both, where it only named the
# directory and the command, inviting a new simulation (outside attack 10).
rm -rf od od.moved gone.db gone.db-* gone.err go-gone go-gone.paused && mkdir od
WIJKSIM_TEST_PAUSE_AFTER_DRAW="1:$tmp/go-gone" "$wijksim" compare pilot.yaml -r 1 -y 1 --draws 2 --threads 2 \
  --store gone.db --output od/t.txt --report od/r.html >/dev/null 2>gone.err &
pid=$!
for _ in $(seq 1 600); do [ -e go-gone.paused ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if [ -e go-gone.paused ]; then
  mv od od.moved
  touch go-gone
  wait $pid
  code=$?
  if [ $code -eq 3 ] && grep -q "the directory 'od' does not exist; run 1 is complete in gone.db" gone.err &&
    grep -q "wijksim report 1 --store gone.db -o FILE" gone.err && [ -z "$(ls -A od.moved)" ]; then
    echo "ok: outputs whose directory went away during the run: the message says the run is complete (exit 3)"
  else
    say_fail "outputs whose directory went away: exit $code, left [$(ls -A od.moved)]: $(cat gone.err)"
  fi
else
  wait $pid
  say_fail "the run never paused after its first draw: $(cat gone.err)"
fi

# --- Conflicting options are usage errors (exit 2) ------------------------------------------------------
expect 2 "--output and --report naming one file" "same file" \
  "$wijksim" compare pilot.yaml "${small[@]}" --store c.db --output same.html --report same.html
expect 2 "--no-store with --output z.db" "no-store" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output z.db
[ ! -e z.db ] || say_fail "--no-store --output z.db wrote z.db"
expect 2 "--no-store with --resume" "no-store" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --resume 1
expect 2 "--output a.db with --store b.db" "two results stores" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --output a.db --store b.db
expect 2 "--store ''" "store" "$wijksim" run baseline-velve.yaml "${small[@]}" --store ''
expect 2 "--output ''" "output" "$wijksim" run baseline-velve.yaml "${small[@]}" --output ''
expect 2 "runs --store ''" "store" "$wijksim" runs --store ''
# '-' is standard output to many programs: refused rather than written as a file named '-'.
expect 2 "--output -" "--output -: '-' is not standard output here" "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output -
expect 2 "report -o -" "--output -: '-' is not standard output here" "$wijksim" report 1 --store rs.db -o -
expect 2 "export --csv -" "--csv -: '-' is not standard output here" "$wijksim" export 1 --store rs.db --csv -
[ ! -e ./- ] || say_fail "--output -, report -o - or export --csv - wrote a file or directory named '-'"
# A name that begins with '-' is an option's value left out: refused (`-o --` wrote a file named '--').
expect 2 "--output --" "--output --: a name that begins with '-' reads as an option.*\\./--" \
  "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store -o --
expect 2 "--store -x.db" "--store -x.db: a name that begins with '-'" "$wijksim" run baseline-velve.yaml "${small[@]}" --store -x.db
[ ! -e ./-- ] && [ ! -e ./-x.db ] || say_fail "-o -- or --store -x.db wrote a file of that name"
# A directory that takes no new files (/proc) is said as such, not as a directory that does not exist.
if [ -d /proc ] && ! touch /proc/wijksim-probe 2>/dev/null; then
  expect 3 "--output in /proc" "the directory '/proc' takes no new files" \
    "$wijksim" run baseline-velve.yaml "${small[@]}" --no-store --output /proc/x.txt
fi
# An empty file name in a scenario names no file: refused (it was taken as ~, no file).
printf 'extends: pilot.yaml\nname: empty-names\ntargets: ""\ncomparator: ""\n' >empty-names.yaml
expect 1 "a scenario's empty targets and comparator names" "empty-names.yaml:3:10: error: targets: an empty name" \
  "$wijksim" validate empty-names.yaml
grep -q "empty-names.yaml:4:13: error: comparator: an empty name" err.txt || say_fail "the empty comparator is not named: $(cat err.txt)"
# A directory that takes no files though access() says it is writable (/proc, for root): refused before
# anything is simulated or stored (exit 3), where the run was simulated and stored first (outside attack 19).
expect 3 "an output in /proc" "cannot write '/proc/wijksim-x.txt': the directory '/proc' (takes no new files|is not writable)" \
  "$wijksim" run pilot.yaml -r 1 -y 1 --store proc.db -o /proc/wijksim-x.txt
[ ! -e proc.db ] || say_fail "an output in /proc: the run was simulated and stored before the output was refused"
# Another user's file in a directory with the sticky bit (as /tmp): only its owner may rename over it, so it
# is refused before anything runs (it failed after the simulation, said as "not writable"; attack 21). Needs
# root to act as another user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  mkdir -p sticky && chmod 1777 sticky && chmod o+rx . && cp tables.txt sticky/tab.txt 2>/dev/null ||
    "$wijksim" run pilot.yaml -r 1 -y 1 --no-store -o sticky/tab.txt 2>/dev/null
  chmod 666 sticky/tab.txt
  expect 3 "another user's file in a sticky directory" "it belongs to another user, in a directory with the sticky bit" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$wijksim" run pilot.yaml -r 1 -y 1 --store "$PWD/sticky/nobody.db" -o "$PWD/sticky/tab.txt"
  [ ! -e sticky/nobody.db ] || say_fail "the sticky directory's output was refused only after the run was stored"
else
  echo "skipped: another user's file in a sticky directory (needs root and setpriv)"
fi
exit $fail
