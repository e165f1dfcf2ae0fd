#!/bin/sh
# gen-lte-traces.sh - write the synthetic Mahimahi traces shipped in models/radio/traces/.
#
# A Mahimahi trace has one line per delivery opportunity of one 1500-byte packet: the time
# of the opportunity in whole milliseconds, non-decreasing; the trace repeats with a period
# equal to its last timestamp. Here a piecewise-constant rate (Mbit/s per time block) is
# turned into opportunities by accruing rate x 1 ms of bits every millisecond and emitting
# one line per full 12000 bits, the way mm-link's own generators spread a rate.
# Deterministic: no randomness, so the files are reproducible byte for byte.
#
#   scripts/gen-lte-traces.sh [DIR]      (default models/radio/traces)
set -eu
dir=${1:-models/radio/traces}
mkdir -p "$dir"

# trace FILE BLOCK_MS RATE_MBPS...: one block of BLOCK_MS milliseconds per rate.
trace() {
    file=$1; block=$2; shift 2
    echo "$@" | awk -v block="$block" '{
        acc = 0; t = 0
        for (i = 1; i <= NF; i++)
            for (k = 0; k < block; k++) {
                t++
                acc += $i * 1000            # bits per millisecond at $i Mbit/s
                while (acc >= 12000) { print t; acc -= 12000 }
            }
    }' > "$file"
}

# 12 Mbit/s: exactly one opportunity per millisecond, period 1 s.
trace "$dir/const-12mbps.trace" 1000 12
# 4 Mbit/s: one opportunity every 3 ms (an uplink).
trace "$dir/const-4mbps.trace" 3000 4
# Varying, period 8 s in 500 ms steps: a phone moving through a cell - good coverage,
# a fade to 1 Mbit/s, a 500 ms stall (no opportunity), recovery; mean 11.75 Mbit/s.
trace "$dir/varying.trace" 500 24 20 16 12 8 4 1 0 2 6 12 18 22 24 10 9
echo "wrote $dir/const-12mbps.trace $dir/const-4mbps.trace $dir/varying.trace"
