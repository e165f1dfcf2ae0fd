#!/bin/sh
# parallel-sweep.sh - run a scenario's sweep with GNU parallel, on this machine or over ssh
# on several (parallel -S), then merge the per-run databases into one.
#
#   scripts/parallel-sweep.sh SCENARIO OUT.db [PARTS_DIR] [-- PARALLEL_OPTIONS...]
#
# Re-running the same command resumes: parallel's --joblog/--resume skips commands that
# already ran, and merge keeps runs OUT.db already holds. Extra options after -- go to
# parallel (e.g. -j 16, -S host1,host2 --sshdelay 0.1 with a shared file system).
# MCPSIM (default: mcpsim) is the program to run. docs/sweeps.md explains the steps.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 SCENARIO OUT.db [PARTS_DIR] [-- PARALLEL_OPTIONS...]" >&2
    exit 2
fi
scenario=$1
out=$2
shift 2
parts=${out%.db}.parts
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    parts=$1
    shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
mcpsim=${MCPSIM:-mcpsim}

mkdir -p "$parts"
# Validate first: a scenario error stops here with file:line:column, before any job starts.
"$mcpsim" check --quiet "$scenario" >/dev/null
"$mcpsim" sweep "$scenario" --list --parts "$parts" --program "$mcpsim" > "$parts/commands"
parallel --will-cite --joblog "$parts/joblog" --resume --halt never "$@" < "$parts/commands" || {
    echo "$0: some runs failed (see $parts/joblog); their part databases record why" >&2
}
set -- "$parts"/part-*.db
if [ -e "$1" ]; then
    "$mcpsim" merge "$out" "$@"
fi
