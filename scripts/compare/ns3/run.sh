#!/usr/bin/env bash
# run.sh - the issue-6 dumbbell side by side: ns-3 3.37 (dumbbell.cc, built against Debian's
# ns3/libns3-dev) and mcpsim (scenarios/bench/dumbbell-N.yaml), one table per N with goodput,
# fairness, bottleneck drops and packets, events, CPU, wall time, max RSS and the ratios.
#
#   scripts/compare/ns3/run.sh [N...]        N from {1, 10, 100} (default: all three)
#
# Both programs run under /usr/bin/time, so CPU (user + system), wall time and max RSS are
# measured the same way for both: the whole process, set-up and teardown included. ns-3's
# own figures for Simulator::Run() alone are in build/compare/ns3-dumbbell-N.txt.
# Until mcpsim can run the TCP scenarios (`mcpsim check` refuses them), only the ns-3 side
# is printed, with the reason. Not part of CI: ns-3 is large and a run takes minutes.
#
# Exit status: 0 done (goodput within 5% for every N, or mcpsim not ready); 1 a run failed
# or goodput differs by more than 5%; 2 bad arguments or ns-3 not installed.
set -euo pipefail

# mcpsim statistics the comparison reads (docs/results-schema.md: scalars(module, name)).
# The TCP integration decides the names; change them here if it chooses others.
MCPSIM_SINK_MODULES=${MCPSIM_SINK_MODULES:-'sink-*'}  # GLOB over module: the N TCP sinks
MCPSIM_RX_BYTES=${MCPSIM_RX_BYTES:-rx_bytes}          # application bytes a sink received
MCPSIM_BOTTLENECK=${MCPSIM_BOTTLENECK:-bottleneck.left}  # link "bottleneck", sent by "left"
MCPSIM_DROPS=${MCPSIM_DROPS:-queue_drops}             # drop-tail drops on that direction
MCPSIM_TX_PACKETS=${MCPSIM_TX_PACKETS:-tx_packets}    # packets sent on that direction

GOODPUT_TOLERANCE=0.05                                # issue 6: goodput agrees within 5%
NS3_MODULES=(ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications ns3-traffic-control)

cd "$(dirname "$0")/../../.."
out=build/compare
mcpsim=${MCPSIM:-build/mcpsim}
scenarios=${SCENARIO_DIR:-scenarios/bench}
mkdir -p "$out"

ns=${*:-1 10 100}
for n in $ns; do
    if [ ! -f "$scenarios/dumbbell-$n.yaml" ]; then
        echo "run.sh: no scenario $scenarios/dumbbell-$n.yaml (N is one of 1, 10, 100)" >&2
        exit 2
    fi
done

# --- build -----------------------------------------------------------------------------------
if ! pkg-config --exists "${NS3_MODULES[@]}"; then
    echo "run.sh: ns-3 not found by pkg-config (${NS3_MODULES[*]});" \
         "install it with: apt-get install ns3 libns3-dev" >&2
    exit 2
fi
ns3bin=$out/ns3-dumbbell
if [ ! -x "$ns3bin" ] || [ scripts/compare/ns3/dumbbell.cc -nt "$ns3bin" ]; then
    echo "building $ns3bin"
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    g++ -O2 -std=c++17 -o "$ns3bin" scripts/compare/ns3/dumbbell.cc \
        $(pkg-config --cflags --libs "${NS3_MODULES[@]}")
fi
if [ -z "${MCPSIM:-}" ]; then
    make -s build/mcpsim >/dev/null    # the tree's own program, rebuilt if sources changed
fi

# --- helpers ---------------------------------------------------------------------------------
# value KEY FILE: the value of a "key value" line of dumbbell's output
value() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
# calc EXPR: floating-point arithmetic (awk), "-" when an operand is missing
calc() { awk "BEGIN { print ($1) }" 2>/dev/null || echo -; }
# ratio A B: A / B with 3 decimals, "-" when either is missing or B is 0
ratio() {
    case "$1$2" in *-*|"") echo -; return ;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.3f\n", a / b }'
}
# q SQL: one value from the mcpsim results database of this N
q() { sqlite3 -batch -noheader "$db" "$1"; }
# fmt FORMAT VALUE: printf, passing "-" (missing) through
fmt() {
    # shellcheck disable=SC2059 # the format is the caller's on purpose
    if [ "$2" = - ]; then echo -; else printf "$1\n" "$2"; fi
}
row() { printf '  %-28s %14s %14s %12s\n' "$1" "$2" "$3" "$4"; }

status=0
mcpsim_ready=1
if ! check_msg=$("$mcpsim" check "$scenarios/dumbbell-1.yaml" 2>&1); then
    mcpsim_ready=0
    echo "mcpsim cannot run the TCP dumbbells yet: \`$mcpsim check $scenarios/dumbbell-1.yaml\` says"
    while IFS= read -r line; do echo "    $line"; done <<<"$check_msg"
    echo "(the bulk and tcp-sink app kinds come with the TCP integration; see"
    echo " scenarios/bench/README.md). Printing the ns-3 side only."
fi

for n in $ns; do
    # --- ns-3 ---------------------------------------------------------------------------------
    nsout=$out/ns3-dumbbell-$n.txt
    echo
    echo "N = $n: running ns-3 ($ns3bin --n=$n)"
    if ! /usr/bin/time -f '%U %S %e %M' -o "$out/ns3-dumbbell-$n.time" \
            "$ns3bin" --n="$n" >"$nsout"; then
        echo "run.sh: ns-3 failed for N = $n (output in $nsout)" >&2
        status=1
        continue
    fi
    read -r u s e m <"$out/ns3-dumbbell-$n.time"
    ns_cpu=$(calc "$u + $s"); ns_wall=$e; ns_rss=$(calc "$m / 1024")
    ns_goodput=$(calc "$(value goodput_bps "$nsout") / 1e6")
    ns_jain=$(awk '$1 == "flow_goodput_bps" { s += $3; ss += $3 * $3; k++ }
                   END { if (ss > 0) printf "%.4f\n", s * s / (k * ss); else print "-" }' "$nsout")
    ns_drops=$(value bottleneck_drops "$nsout")
    ns_pkts=$(value bottleneck_packets "$nsout")
    ns_events=$(value events "$nsout")

    # --- mcpsim -------------------------------------------------------------------------------
    mc_goodput=-; mc_jain=-; mc_drops=-; mc_pkts=-; mc_events=-; mc_cpu=-; mc_wall=-; mc_rss=-
    if [ "$mcpsim_ready" = 1 ]; then
        db=$out/mcpsim-dumbbell-$n.db
        rm -f "$db" "$db-wal" "$db-shm"
        echo "N = $n: running mcpsim ($mcpsim run $scenarios/dumbbell-$n.yaml)"
        if /usr/bin/time -f '%U %S %e %M' -o "$out/mcpsim-dumbbell-$n.time" \
                "$mcpsim" run "$scenarios/dumbbell-$n.yaml" --out "$db" --quiet; then
            read -r u s e m <"$out/mcpsim-dumbbell-$n.time"
            mc_cpu=$(calc "$u + $s"); mc_wall=$e; mc_rss=$(calc "$m / 1024")
            duration_s=$(q "SELECT sim_time_ps * 1e-12 FROM runs WHERE status = 'ok' LIMIT 1")
            duration_s=${duration_s:-60}
            sinks="FROM scalars WHERE module GLOB '$MCPSIM_SINK_MODULES' AND name = '$MCPSIM_RX_BYTES'"
            mc_goodput=$(q "SELECT sum(value) * 8 / $duration_s / 1e6 $sinks")
            mc_jain=$(q "SELECT printf('%.4f', sum(value) * sum(value) / (count(*) * sum(value * value))) $sinks")
            bn="FROM scalars WHERE module = '$MCPSIM_BOTTLENECK'"
            mc_drops=$(q "SELECT CAST(value AS INTEGER) $bn AND name = '$MCPSIM_DROPS'")
            mc_pkts=$(q "SELECT CAST(value AS INTEGER) $bn AND name = '$MCPSIM_TX_PACKETS'")
            mc_events=$(q "SELECT events FROM runs WHERE status = 'ok' LIMIT 1")
            mc_jain=${mc_jain:--}
            mc_events=${mc_events:--}
            for v in mc_goodput mc_drops mc_pkts; do
                if [ -z "$(eval echo "\$$v")" ]; then
                    echo "run.sh: $db lacks a statistic for $v (metric names at the top of run.sh)" >&2
                    eval "$v=-"
                    status=1
                fi
            done
        else
            echo "run.sh: mcpsim failed for N = $n (see $db, table runs)" >&2
            status=1
        fi
    fi

    # --- table --------------------------------------------------------------------------------
    echo
    echo "dumbbell N = $n (60 s simulated; process CPU/wall/RSS via /usr/bin/time)"
    row "" "ns-3 3.37" "mcpsim" "mcpsim/ns-3"
    row "goodput (Mbit/s)" "$(fmt %.3f "$ns_goodput")" "$(fmt %.3f "$mc_goodput")" \
        "$(ratio "$mc_goodput" "$ns_goodput")"
    row "Jain fairness index" "$ns_jain" "$mc_jain" "$(ratio "$mc_jain" "$ns_jain")"
    row "bottleneck drops" "$ns_drops" "$mc_drops" "$(ratio "$mc_drops" "$ns_drops")"
    row "bottleneck packets (L->R)" "$ns_pkts" "$mc_pkts" "$(ratio "$mc_pkts" "$ns_pkts")"
    row "events" "$ns_events" "$mc_events" "$(ratio "$mc_events" "$ns_events")"
    row "CPU time (s)" "$(fmt %.2f "$ns_cpu")" "$(fmt %.2f "$mc_cpu")" "$(ratio "$mc_cpu" "$ns_cpu")"
    row "wall time (s)" "$(fmt %.2f "$ns_wall")" "$(fmt %.2f "$mc_wall")" \
        "$(ratio "$mc_wall" "$ns_wall")"
    row "max RSS (MiB)" "$(fmt %.1f "$ns_rss")" "$(fmt %.1f "$mc_rss")" "$(ratio "$mc_rss" "$ns_rss")"
    if [ "$mc_goodput" != - ]; then
        g=$(ratio "$mc_goodput" "$ns_goodput")
        if awk -v g="$g" -v t="$GOODPUT_TOLERANCE" 'BEGIN { exit !(g >= 1 - t && g <= 1 + t) }'; then
            echo "  goodput agrees within 5%"
        else
            echo "  GOODPUT DIFFERS by more than 5% (mcpsim/ns-3 = $g)"
            status=1
        fi
        echo "  speed-up (ns-3 CPU / mcpsim CPU): $(ratio "$ns_cpu" "$mc_cpu") (issue 6 target: 40)"
    fi
done
exit $status
