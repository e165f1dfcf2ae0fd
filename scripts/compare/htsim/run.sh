#!/usr/bin/env bash
# run.sh - mcpsim's MPTCP side by side with htsim's MultipathTcpSrc (issue 11): builds the
# htsim programs of this folder against an htsim tree, runs them and mcpsim on the same
# scenario (scenarios/validation/mptcp-*.yaml) and prints one table per scenario with the
# goodput of every connection and subflow, the ratio, events, CPU seconds and the speed
# ratio.
#
#   HTSIM_DIR=/path/to/csg-htsim scripts/compare/htsim/run.sh [SCENARIO...]
#       SCENARIO from: two-path two-path-shared triangle torus (default: all four)
#
# HTSIM_DIR is a checkout of https://github.com/Broadcom/csg-htsim (its sim/ folder is
# enough); run.sh builds sim/libhtsim.a there with make if it is missing (about a minute),
# then the programs into build/compare/. Other settings (environment):
#   SEEDS     htsim seeds for LIA, averaged (default "1 2 3": htsim draws LIA's fractional
#             increases from rand(), and the runs differ by a few per cent)
#   DURATION  simulated seconds (default 120, the scenarios' duration)
#   MCPSIM    the mcpsim program (default build/mcpsim, rebuilt with make)
# The htsim "uncoupled" column (one Reno per subflow, seed 1) shows what a coupling bug
# would look like; it is not compared.
#
# Goodput: htsim counts 1500-byte wire packets delivered in order; they are converted to
# payload with the bytes an mcpsim segment of that size carries (variables below), so the
# figures compare with mcpsim's application bytes. Both run under /usr/bin/time (process
# CPU, set-up included). If `mcpsim check` refuses a scenario, its mcpsim columns say n/a
# and the reason is printed. Not part of CI.
#
# Agreement (docs/performance.md, "MPTCP against htsim"): every connection within 10 % of
# htsim's LIA mean; every subflow within 10 %, or, for a subflow that carries little, its
# share of the connection within 1 percentage point (the triangle's two-hop paths).
#
# Exit status: 0 agreement, or mcpsim not ready; 1 a run failed or a figure disagrees;
# 2 bad arguments, HTSIM_DIR missing or htsim does not build.
set -euo pipefail

# Payload of one 1500-byte packet in mcpsim (scenarios: MSS 1460, no timestamps). An MPTCP
# data segment carries a 24-byte DSS option (data ACK 4 + 64-bit mapping 14 + 4, padded;
# models-tcp.md "MSS arithmetic"), so 1436 bytes.
TCP_PAYLOAD_BYTES=${TCP_PAYLOAD_BYTES:-1460}
MPTCP_PAYLOAD_BYTES=${MPTCP_PAYLOAD_BYTES:-1436}
# mcpsim statistics read (docs/results-schema.md: scalars(module, name)).
MCPSIM_CONN_BYTES=${MCPSIM_CONN_BYTES:-rx_bytes}  # module APP-sink: bytes the sink read
# Per-subflow bytes: htsim names a subflow CONN.IFACE after its first link, and in every
# scenario that link carries that subflow only, so mcpsim's figure is the link's byte
# counter in its loaded direction (module IFACE.NODE with the larger tx_bytes: data, not
# ACKs), turned into payload as the subflow's share of the connection's sink bytes. The
# counter is taken before the bottleneck, so a subflow's packets dropped downstream count
# (triangle's two-hop subflows: about 2 % of theirs).
MCPSIM_SUBFLOW_BYTES=${MCPSIM_SUBFLOW_BYTES:-tx_bytes}
# Loss rate of a link direction: module LINK.FROM (p2p), drops / (drops + packets sent).
MCPSIM_DROPS=${MCPSIM_DROPS:-queue_drops}
MCPSIM_TX_PACKETS=${MCPSIM_TX_PACKETS:-tx_packets}
TOLERANCE=0.10
SHARE_TOLERANCE=0.01

cd "$(dirname "$0")/../../.."
here=scripts/compare/htsim
out=build/compare
mcpsim=${MCPSIM:-build/mcpsim}
seeds=${SEEDS:-1 2 3}
duration=${DURATION:-120}
mkdir -p "$out"

declare -A prog=([two-path]=two_path [two-path-shared]=two_path [triangle]=triangle [torus]=torus)
declare -A args=([two-path]="--variant disjoint" [two-path-shared]="--variant shared"
                 [triangle]="" [torus]="")
# mcpsim --set options per scenario: two-path-shared sweeps the MPTCP cc; LIA is compared.
declare -A mcsets=([two-path]="" [two-path-shared]="--set apps.mptcp.cc=lia" [triangle]=""
                   [torus]="")
scenarios=${*:-two-path two-path-shared triangle torus}
for s in $scenarios; do
    if [ -z "${prog[$s]:-}" ]; then
        echo "run.sh: unknown scenario $s (one of: two-path two-path-shared triangle torus)" >&2
        exit 2
    fi
done

# --- build htsim and the programs ---------------------------------------------------------
if [ -z "${HTSIM_DIR:-}" ] || [ ! -f "$HTSIM_DIR/sim/mtcp.h" ]; then
    echo "run.sh: set HTSIM_DIR to a checkout of https://github.com/Broadcom/csg-htsim" \
         "(expected \$HTSIM_DIR/sim/mtcp.h)" >&2
    exit 2
fi
if [ ! -f "$HTSIM_DIR/sim/libhtsim.a" ]; then
    echo "building $HTSIM_DIR/sim/libhtsim.a"
    make -s -C "$HTSIM_DIR/sim" libhtsim.a >/dev/null || { echo "run.sh: htsim did not build" >&2; exit 2; }
fi
htsim_version=$(git -C "$HTSIM_DIR" rev-parse --short HEAD 2>/dev/null ||
                head -c 12 "$HTSIM_DIR/COMMIT" 2>/dev/null || echo "(not a git checkout)")
for p in two_path triangle torus; do
    bin=$out/htsim-$p
    if [ ! -x "$bin" ] || [ "$here/$p.cc" -nt "$bin" ] || [ "$here/mptcp_net.h" -nt "$bin" ] ||
       [ "$HTSIM_DIR/sim/libhtsim.a" -nt "$bin" ]; then
        echo "building $bin"
        g++ -O2 -std=c++14 -Wall -I"$HTSIM_DIR/sim" -o "$bin" "$here/$p.cc" \
            "$HTSIM_DIR/sim/libhtsim.a" || { echo "run.sh: $p.cc did not build" >&2; exit 2; }
    fi
done
if [ -z "${MCPSIM:-}" ]; then
    make -s build/mcpsim >/dev/null
fi

# --- helpers ------------------------------------------------------------------------------
# timed OUTFILE TIMEFILE CMD...: run CMD with stdout to OUTFILE, CPU (user + system) to TIMEFILE
timed() {
    local o=$1 t=$2; shift 2
    /usr/bin/time -f '%U %S' -o "$t.raw" "$@" >"$o"
    awk '{ printf "%.3f\n", $1 + $2 }' "$t.raw" >"$t"
    rm -f "$t.raw"
}
# mean KEY NAME FILES...: mean, min and max over FILES of the "KEY NAME value" lines
mean() {
    local k=$1 n=$2; shift 2
    awk -v k="$k" -v n="$n" '$1 == k && $2 == n { s += $3; c++; if (c == 1 || $3 < lo) lo = $3;
        if (c == 1 || $3 > hi) hi = $3 } END { if (c) printf "%.6g %.6g %.6g\n", s / c, lo, hi }' "$@"
}
value() { awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3; exit }' "$3"; }
names() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
mbit() { awk -v v="$1" -v p="$2" 'BEGIN { if (v == "" || v == "-") print "-"; else printf "%.3f\n", v * p / 1500 / 1e6 }'; }
ratio() {
    case "$1$2" in *-*|*n/a*|"") echo -; return ;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.3f\n", a / b }'
}
q() { sqlite3 -batch -noheader "$db" "$1"; }
# sf_wire IFACE: bytes sent over link IFACE in its loaded direction (module IFACE.NODE)
sf_wire() { q "SELECT max(value) FROM scalars WHERE module LIKE '$1.%' AND name = '$MCPSIM_SUBFLOW_BYTES'"; }
row() { printf '  %-22s %22s %10s %10s %8s %6s\n' "$@"; }

status=0
for s in $scenarios; do
    yaml=scenarios/validation/mptcp-$s.yaml
    # --- htsim: LIA over the seeds, uncoupled once ----------------------------------------
    echo
    echo "== $s: htsim ${prog[$s]} ${args[$s]} --duration $duration (seeds: $seeds)"
    files=()
    cpus=()
    for seed in $seeds; do
        f=$out/htsim-$s-lia-$seed.txt
        # shellcheck disable=SC2086 # args holds several words on purpose
        if ! timed "$f" "$f.cpu" "$out/htsim-${prog[$s]}" ${args[$s]} --cc lia \
                --duration "$duration" --seed "$seed"; then
            echo "run.sh: htsim failed ($f)" >&2; status=1; continue 2
        fi
        files+=("$f")
        cpus+=("$(cat "$f.cpu")")
    done
    fu=$out/htsim-$s-uncoupled-1.txt
    # shellcheck disable=SC2086
    timed "$fu" "$fu.cpu" "$out/htsim-${prog[$s]}" ${args[$s]} --cc uncoupled \
        --duration "$duration" --seed 1 || { echo "run.sh: htsim failed ($fu)" >&2; status=1; continue; }
    ht_cpu=$(printf '%s\n' "${cpus[@]}" | awk '{ s += $1 } END { printf "%.3f\n", s / NR }')
    ht_events=$(awk '$1 == "events" { s += $2; c++ } END { printf "%.0f\n", s / c }' "${files[@]}")

    # --- mcpsim -------------------------------------------------------------------------------
    mc_ready=1
    # shellcheck disable=SC2086 # mcsets holds several words on purpose
    if ! msg=$("$mcpsim" check "$yaml" --set "duration=${duration}s" ${mcsets[$s]} 2>&1); then
        mc_ready=0
        echo "mcpsim cannot run $yaml yet: $(head -n 1 <<<"$msg")"
    fi
    mc_cpu=-; mc_events=-; db=$out/mcpsim-$s.db
    if [ "$mc_ready" = 1 ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        echo "== $s: mcpsim run $yaml"
        # shellcheck disable=SC2086
        if timed /dev/null "$out/mcpsim-$s.cpu" "$mcpsim" run "$yaml" --set "duration=${duration}s" \
                ${mcsets[$s]} --out "$db" --quiet; then
            mc_cpu=$(cat "$out/mcpsim-$s.cpu")
            mc_events=$(q "SELECT events FROM runs WHERE status = 'ok' LIMIT 1")
            mc_events=${mc_events:--}
        else
            echo "run.sh: mcpsim failed for $s (see $db, table runs)" >&2
            status=1; mc_ready=0
        fi
    fi

    # --- table --------------------------------------------------------------------------------
    echo
    echo "$s: goodput in Mbit/s over ${duration} s (htsim wire rate x payload/1500; LIA mean [min-max] of seeds $seeds)"
    row "connection / subflow" "htsim LIA" "uncoupled" "mcpsim" "mc/ht" "ok"
    for conn in $(names conn_bps "${files[0]}"); do
        [ "$conn" = tcp ] && pay=$TCP_PAYLOAD_BYTES || pay=$MPTCP_PAYLOAD_BYTES
        read -r cm clo chi < <(mean conn_bps "$conn" "${files[@]}")
        conn_ht=$(mbit "$cm" "$pay")
        mc=-
        if [ "$mc_ready" = 1 ]; then
            b=$(q "SELECT value FROM scalars WHERE module = '$conn-sink' AND name = '$MCPSIM_CONN_BYTES'")
            [ -n "$b" ] && mc=$(awk -v b="$b" -v d="$duration" 'BEGIN { printf "%.3f\n", b * 8 / d / 1e6 }')
        fi
        r=$(ratio "$mc" "$conn_ht"); ok=n/a
        if [ "$r" != - ]; then
            if awk -v r="$r" -v t="$TOLERANCE" 'BEGIN { exit !(r >= 1 - t && r <= 1 + t) }'; then ok=yes; else ok=NO; status=1; fi
        fi
        [ "$mc_ready" = 1 ] || mc=n/a
        row "$conn" "$conn_ht [$(mbit "$clo" "$pay")-$(mbit "$chi" "$pay")]" \
            "$(mbit "$(value conn_bps "$conn" "$fu")" "$pay")" "$mc" "$r" "$ok"
        [ "$conn" = tcp ] && continue
        sfs=$(names subflow_bps "${files[0]}" | grep "^$conn\.")
        sf_total=0
        if [ "$mc_ready" = 1 ]; then
            for sf in $sfs; do
                b=$(sf_wire "${sf#"$conn".}")
                sf_total=$(awk -v a="$sf_total" -v b="${b:-0}" 'BEGIN { print a + b }')
            done
        fi
        for sf in $sfs; do
            read -r sm slo shi < <(mean subflow_bps "$sf" "${files[@]}")
            sf_ht=$(mbit "$sm" "$pay")
            mc_sf=-
            if [ "$mc_ready" = 1 ] && [ "$mc" != - ]; then
                b=$(sf_wire "${sf#"$conn".}")
                [ -n "$b" ] && mc_sf=$(awk -v b="$b" -v t="$sf_total" -v c="$mc" \
                    'BEGIN { if (t > 0) printf "%.3f\n", c * b / t; else print "-" }')
            fi
            r=$(ratio "$mc_sf" "$sf_ht"); ok=n/a
            if [ "$r" != - ] && [ "$mc" != - ] && [ "$mc" != n/a ]; then
                if awk -v r="$r" -v t="$TOLERANCE" -v a="$mc_sf" -v b="$sf_ht" -v ca="$mc" \
                       -v cb="$conn_ht" -v st="$SHARE_TOLERANCE" 'BEGIN {
                       d = a / ca - b / cb; if (d < 0) d = -d
                       exit !((r >= 1 - t && r <= 1 + t) || d <= st) }'; then ok=yes; else ok=NO; status=1; fi
            fi
            [ "$mc_ready" = 1 ] || mc_sf=n/a
            share=$(awk -v a="$sm" -v b="$cm" 'BEGIN { printf "%.1f%%", 100 * a / b }')
            row "  ${sf#"$conn".} ($share)" "$sf_ht [$(mbit "$slo" "$pay")-$(mbit "$shi" "$pay")]" \
                "$(mbit "$(value subflow_bps "$sf" "$fu")" "$pay")" "$mc_sf" "$r" "$ok"
        done
    done
    for l in $(names link_loss_rate "${files[0]}"); do
        lr=$(mean link_loss_rate "$l" "${files[@]}" | awk '{ printf "%.5f", $1 }')
        [ "$lr" = 0.00000 ] && continue
        mc_lr=n/a
        if [ "$mc_ready" = 1 ]; then
            mc_lr=$(q "SELECT printf('%.5f', 1.0 * d.value / (d.value + t.value)) FROM scalars d, scalars t
                       WHERE d.module = '$l' AND t.module = '$l' AND d.name = '$MCPSIM_DROPS'
                       AND t.name = '$MCPSIM_TX_PACKETS' AND d.value + t.value > 0")
            mc_lr=${mc_lr:--}
        fi
        row "loss rate $l" "$lr" "$(value link_loss_rate "$l" "$fu")" "$mc_lr" "$(ratio "$mc_lr" "$lr")" ""
    done
    row "events" "$ht_events" "" "$mc_events" "$(ratio "$mc_events" "$ht_events")" ""
    row "CPU time (s)" "$ht_cpu" "" "$mc_cpu" "$(ratio "$mc_cpu" "$ht_cpu")" ""
    if [ "$mc_cpu" != - ]; then
        echo "  speed ratio (htsim CPU / mcpsim CPU): $(ratio "$ht_cpu" "$mc_cpu")"
    fi
    echo "  htsim $htsim_version; outputs in $out/htsim-$s-*.txt"
done
exit $status
