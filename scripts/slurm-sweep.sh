#!/bin/sh
# slurm-sweep.sh - one run of a scenario's sweep per Slurm array task.
#
# Submit with the array size the sweep has (mcpsim check --quiet prints the run count):
#
#   N=$(mcpsim check --quiet SCENARIO)
#   sbatch --array=0-$((N - 1))%50 scripts/slurm-sweep.sh SCENARIO PARTS_DIR
#
# Each task runs `mcpsim run SCENARIO --index $SLURM_ARRAY_TASK_ID` into its own database
# PARTS_DIR/part-K.db (no two tasks write the same file), skipping the work when that part
# already holds the completed run (resubmitting the whole array after a failure redoes only
# what is missing). Afterwards:  mcpsim merge OUT.db PARTS_DIR/part-*.db
# MCPSIM (default: mcpsim) is the program; set it to an absolute path on a shared file system.
#SBATCH --job-name=mcpsim-sweep
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=slurm-%A_%a.out
set -eu

if [ $# -ne 2 ] || [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "usage: sbatch --array=0-N scripts/slurm-sweep.sh SCENARIO PARTS_DIR" >&2
    exit 2
fi
scenario=$1
parts=$2
k=$SLURM_ARRAY_TASK_ID
mcpsim=${MCPSIM:-mcpsim}
mkdir -p "$parts"
part="$parts/part-$k.db"
# `sweep --index K` skips a run already complete in the part database; `run` would redo it.
exec "$mcpsim" sweep "$scenario" --index "$k" --jobs 1 --quiet --out "$part"
