#!/bin/sh
# compare-scalars.sh - do two builds of mcpsim give the same scalars on the same scenarios?
#
#   [JOBS=2] scripts/compare-scalars.sh OLD_MCPSIM NEW_MCPSIM [SCENARIO.yaml ...]
#
# Runs every scenario (default: scenarios/*.yaml scenarios/bench/*.yaml) with both programs
# (`mcpsim sweep FILE --out DB`: every run of a sweep, the one run otherwise), dumps each
# database's scalars as run_id|module|name|unit|value sorted, and diffs the dumps. Prints
# one line per scenario (identical, or the diff) and exits 1 when any differs or fails. For
# refactorings that must not change results (not part of CI: the dumbbell scenarios take a
# while).
set -u
[ $# -ge 2 ] || { echo "usage: $0 OLD_MCPSIM NEW_MCPSIM [SCENARIO.yaml ...]" >&2; exit 2; }
old=$1; new=$2; shift 2
[ $# -gt 0 ] || set -- scenarios/*.yaml scenarios/bench/*.yaml
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
q='SELECT run_id, module, name, unit, value FROM scalars ORDER BY 1, 2, 3, rowid;'
status=0
for f in "$@"; do
    n=$(printf '%s' "$f" | tr '/' '_')
    for side in old new; do
        eval bin=\$$side
        "$bin" sweep "$f" --jobs "${JOBS:-2}" --out "$tmp/$n.$side.db" >"$tmp/$n.$side.log" 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "$f: $side run failed (exit $rc):"; tail -5 "$tmp/$n.$side.log"
            status=1
            continue 2
        fi
        sqlite3 "$tmp/$n.$side.db" "$q" >"$tmp/$n.$side.txt"
    done
    rows=$(wc -l <"$tmp/$n.old.txt")
    if diff "$tmp/$n.old.txt" "$tmp/$n.new.txt" >"$tmp/$n.diff"; then
        echo "$f: identical ($rows scalars)"
    else
        echo "$f: DIFFERENT ($rows scalars before, $(wc -l <"$tmp/$n.new.txt") after):"
        head -20 "$tmp/$n.diff"
        status=1
    fi
done
exit $status
