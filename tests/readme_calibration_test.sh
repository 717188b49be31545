#!/usr/bin/env bash
# The README's calibration tables are what the program prints. Each table sits between a marker that names
# the command printing it,
#     <!-- calibration table: printed by `wijksim calibration scenarios/X.yaml` -->
# and `<!-- end of the calibration table -->`; this runs each command and compares. When the model, a
# scenario or a targets file changes, it fails with the difference and the command that rewrites the
# README's tables.
# Usage: readme_calibration_test.sh [--update] WIJKSIM SOURCE_DIR
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
wijksim=$1
src=$2
readme="$src/README.md"
begin='^<!-- calibration table: printed by `wijksim calibration '
end='^<!-- end of the calibration table -->'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The scenarios, in the README's order.
mapfile -t scenarios < <(sed -n 's/^<!-- calibration table: printed by `wijksim calibration \([^`]*\)`.*/\1/p' "$readme")
[ "${#scenarios[@]}" -gt 0 ] || { echo "FAIL: README.md has no calibration-table markers"; exit 1; }
[ "$(grep -c "$end" "$readme")" -eq "${#scenarios[@]}" ] || { echo "FAIL: README.md's calibration-table markers do not pair up"; exit 1; }

fail=0
for i in "${!scenarios[@]}"; do
  scenario=${scenarios[$i]}
  (cd "$src" && "$wijksim" calibration "$scenario" --format markdown) >"$tmp/printed-$i.md" 2>"$tmp/err" ||
    { echo "FAIL: wijksim calibration $scenario failed: $(cat "$tmp/err")"; exit 1; }
  # Table i: the lines starting with '|' between the i-th begin marker and the end marker after it.
  awk -v b="$begin" -v e="$end" -v want="$i" '
    $0 ~ b { k++; inside = (k - 1 == want); next }
    $0 ~ e { inside = 0 }
    inside && /^\|/' "$readme" >"$tmp/readme-$i.md"
  if [ $update -eq 0 ]; then
    if diff -u "$tmp/readme-$i.md" "$tmp/printed-$i.md" >"$tmp/diff"; then
      echo "ok: README.md's calibration table for $scenario is what wijksim calibration prints"
    else
      echo "FAIL: README.md's calibration table for $scenario differs from what the program prints (- README, + program):"
      cat "$tmp/diff"
      fail=1
    fi
  fi
done

if [ $update -eq 1 ]; then
  # Each marker as it is, then its printed table between blank lines, then the end marker.
  awk -v b="$begin" -v e="$end" -v dir="$tmp" '
    $0 ~ b { print; print ""; t = dir "/printed-" (k + 0) ".md"; k++; while ((getline l < t) > 0) print l; print ""; skip = 1; next }
    $0 ~ e { skip = 0 }
    !skip { print }' "$readme" >"$tmp/README.md" && cp "$tmp/README.md" "$readme"
  echo "README.md's calibration tables rewritten from: ${scenarios[*]/#/wijksim calibration }"
  exit 0
fi
[ $fail -eq 0 ] || echo "To rewrite the README's tables: tests/readme_calibration_test.sh --update build/cli/wijksim ."
exit $fail
