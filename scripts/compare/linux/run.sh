#!/usr/bin/env bash
# run.sh - the real Linux MPTCP as the independent reference for mcpsim's MPTCP: builds the
# reference topology of ../shared/testdata/pcaps/README.md in network namespaces, runs one
# scenario at a time and writes a pcap per interface (client-wifi.pcap, client-lte.pcap,
# server-s1.pcap, server-s2.pcap, snaplen 128) into OUT/SCENARIO[-rN]/, with summary.txt
# (analyze.py's numbers: bytes and share per path, completion, handshake and outage times),
# the client's result line and both hosts' MPTCP MIB counters (nstat-*.txt).
#
#   scripts/compare/linux/run.sh [-o OUT] [-n RUNS] SCENARIO...    (as root)
#
# Scenarios (README.md beside this file says what each shows):
#   twin             4,000,000 B server->client, two subflows (wifi MP_CAPABLE, lte MP_JOIN)
#   handshake        1,000,000 B with ADD_ADDR of 10.2.2.2 and two MP_JOINs (as capture a)
#   fallback-server  MPTCP client, plain TCP server (300,000 B)
#   strip            the router strips TCP option 30 both ways (iptables TCPOPTSTRIP)
#   flagbit          the router sets MP_CAPABLE flag bit D (0x10) on the client's SYN
#   unknown-subtype  the router appends 1e 04 e0 00 (MPTCP subtype 0xe) to the client's SYN
#   outage           5,000,000 B as twin; every wifi packet dropped at the router for 2 s
#   all              every scenario above once (twin RUNS times)
# -n RUNS repeats twin (default 1); -o OUT defaults to build/compare/linux.
#
# Topology: client (wifi 10.1.1.2, lte 10.1.2.2) -- router -- server (s1 10.2.1.2,
# s2 10.2.2.2). wifi 40 Mbit/s down / 20 up, lte 10 / 5 (tbf at each sender's egress: router
# for down, client for up); +5 ms (wifi) / +25 ms (lte) one way, added in the router's FORWARD
# chain by nfq-mangle (NFQUEUE: this kernel has no netem). Checksum and segmentation offloads
# are off on every interface, so captured checksums are real and segments are MSS-sized.
# Path manager: in-kernel; client endpoint 10.1.2.2 "subflow", limits subflows 2
# add_addr_accepted 1; server endpoint 10.2.2.2 "signal" (not for twin/outage, which have
# two subflows as l-twin-r1-client-side.pcap), limits subflows 2.
#
# Needs root, iproute2, iptables, tcpdump, ethtool, tshark, python3, a C compiler and
# libnetfilter-queue-dev. Not part of CI: the captures it made are in tests/data/linux/.
# Exit status: 0 done, 1 a run failed, 2 bad arguments or missing tools.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
out=build/compare/linux
runs=1
while getopts o:n:h opt; do
    case $opt in
    o) out=$OPTARG ;;
    n) runs=$OPTARG ;;
    *) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;/^set -e/d'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "run.sh: name a scenario (or all); -h for help" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip tc iptables tcpdump ethtool tshark python3 cc; do
    command -v $t >/dev/null || { echo "run.sh: $t not installed" >&2; exit 2; }
done

P=${NS_PREFIX:-mcl}          # namespace names: $P-client, $P-router, $P-server
C=$P-client R=$P-router S=$P-server
bin=build/compare/linux-bin
mkdir -p "$bin" "$out"
cc -O2 -Wall -Wextra -o "$bin/nfq-mangle" "$here/nfq-mangle.c" -lnetfilter_queue -lnfnetlink
cc -O2 -Wall -Wextra -o "$bin/mptcp-xfer" "$here/mptcp-xfer.c"

pids=()
teardown() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
    for n in $C $R $S; do ip netns del $n 2>/dev/null || true; done
}
trap teardown EXIT

# link NS_A DEV_A NS_B DEV_B: a veth pair with offloads off on both ends
link() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    for e in "$1 $2" "$3 $4"; do
        set -- $e
        ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
        ip netns exec "$1" ip link set "$2" up
    done
}
# shape NS DEV RATE: tbf at the egress of DEV (burst 2 packets' worth, 50 ms of queue)
shape() {
    ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "$3" burst 16kb latency 50ms
}

# topology SIGNAL(yes/no) SPEC1 SPEC2: namespaces, addresses, routes, shaping, PM endpoints;
# SPEC1/SPEC2 are the nfq-mangle specs of the wifi and lte delay queues (1 and 2).
topology() {
    teardown
    for n in $C $R $S; do ip netns add $n; ip netns exec $n ip link set lo up; done
    link $C wifi $R r-wifi
    link $C lte $R r-lte
    link $S s1 $R r-s1
    link $S s2 $R r-s2
    ip -n $C addr add 10.1.1.2/24 dev wifi
    ip -n $C addr add 10.1.2.2/24 dev lte
    ip -n $R addr add 10.1.1.1/24 dev r-wifi
    ip -n $R addr add 10.1.2.1/24 dev r-lte
    ip -n $R addr add 10.2.1.1/24 dev r-s1
    ip -n $R addr add 10.2.2.1/24 dev r-s2
    ip -n $S addr add 10.2.1.2/24 dev s1
    ip -n $S addr add 10.2.2.2/24 dev s2
    ip -n $C route add default via 10.1.1.1 dev wifi
    ip -n $C rule add from 10.1.2.2 table 2
    ip -n $C route add default via 10.1.2.1 dev lte table 2
    ip -n $S route add default via 10.2.1.1 dev s1
    ip -n $S rule add from 10.2.2.2 table 2
    ip -n $S route add default via 10.2.2.1 dev s2 table 2
    ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
    for n in $C $R $S; do
        ip netns exec $n sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    done
    shape $R r-wifi 40mbit
    shape $C wifi 20mbit
    shape $R r-lte 10mbit
    shape $C lte 5mbit
    ip -n $C mptcp limits set subflows 2 add_addr_accepted 1
    ip -n $C mptcp endpoint add 10.1.2.2 dev lte subflow
    ip -n $S mptcp limits set subflows 2 add_addr_accepted 0
    [ "$1" = yes ] && ip -n $S mptcp endpoint add 10.2.2.2 dev s2 signal
    for d in r-wifi:1 r-lte:2; do
        ip netns exec $R iptables -A FORWARD -i ${d%:*} -j NFQUEUE --queue-num ${d#*:}
        ip netns exec $R iptables -A FORWARD -o ${d%:*} -j NFQUEUE --queue-num ${d#*:}
    done
    ip netns exec $R "$bin/nfq-mangle" "$2" "$3" 2>"$dir/nfq.log" &
    pids+=($!)
    sleep 0.3
}

# capture: tcpdump on the client's and the server's interfaces, snaplen 128
capture() {
    local e
    for e in "$C wifi client-wifi" "$C lte client-lte" "$S s1 server-s1" "$S s2 server-s2"; do
        set -- $e
        ip netns exec "$1" tcpdump -i "$2" -s 128 -U -n --immediate-mode -B 16384 -w "$dir/$3.pcap" tcp 2>"$dir/$3.log" &
        pids+=($!)
    done
    for e in client-wifi client-lte server-s1 server-s2; do
        for _ in $(seq 50); do grep -q listening "$dir/$e.log" 2>/dev/null && break; sleep 0.1; done
    done
}

# transfer BYTES [SERVER OPTIONS]: one download; the client's line goes to result.txt
transfer() {
    local bytes=$1
    shift
    ip netns exec $S "$bin/mptcp-xfer" server "$@" "$bytes" &
    local srv=$!
    sleep 0.2
    ip netns exec $C "$bin/mptcp-xfer" client 10.2.1.2 | tee "$dir/result.txt"
    wait $srv
    sleep 0.3   # the last FIN/ACKs cross the delay line
}

finish() {
    sleep 1     # tcpdump drains its buffer before it is stopped
    for n in client:$C server:$S; do   # the MPTCP MIB counters (non-zero ones)
        ip netns exec ${n#*:} nstat -as 2>/dev/null | awk '/^MPTcp/ {print $1, $2}' \
            >"$dir/nstat-${n%%:*}.txt" || true
    done
    teardown
    local args=()
    [ -f "$dir/outage-start" ] && args=(--outage "$(cat "$dir/outage-start")" "$(cat "$dir/outage-end")")
    {
        echo "kernel $(uname -r) date $(date -u +%Y-%m-%dT%H:%MZ)"
        cat "$dir/result.txt"
        python3 "$here/analyze.py" "${args[@]}" "$dir/client-wifi.pcap" "$dir/client-lte.pcap"
        cat "$dir/nfq.log"
    } >"$dir/summary.txt"
    echo "== $(basename "$dir")"; cat "$dir/summary.txt"
}

scenario() {
    local name=$1 run=${2:-}
    dir=$out/$name$run
    rm -rf "$dir" && mkdir -p "$dir"
    local wifi=1:5000 lte=2:25000
    case $name in
    twin)            topology no  $wifi $lte ;;
    outage)          topology no  $wifi $lte ;;
    flagbit)         topology yes $wifi:or=0x10 $lte ;;
    unknown-subtype) topology yes $wifi:append=1e04e000 $lte ;;
    *)               topology yes $wifi $lte ;;
    esac
    [ $name = strip ] && ip netns exec $R iptables -t mangle -A FORWARD -p tcp \
        -j TCPOPTSTRIP --strip-options 30
    capture
    case $name in
    twin)            transfer 4000000 ;;
    handshake)       transfer 1000000 --sndbuf 131072 ;;
    fallback-server) transfer 300000 --tcp ;;
    strip|flagbit) transfer 300000 ;;
    unknown-subtype) transfer 1000000 --sndbuf 131072 ;;
    outage)
        ( sleep 0.5   # 0.3 s into the transfer (the server starts 0.2 s before the client)
          for d in -i -o; do ip netns exec $R iptables -I FORWARD 1 $d r-wifi -j DROP; done
          date +%s.%N >"$dir/outage-start"
          sleep 2
          for d in -i -o; do ip netns exec $R iptables -D FORWARD $d r-wifi -j DROP; done
          date +%s.%N >"$dir/outage-end" ) &
        local cut=$!
        transfer 5000000
        wait $cut
        ;;
    *) echo "run.sh: unknown scenario $name" >&2; exit 2 ;;
    esac
    finish
}

for s in "$@"; do
    case $s in
    all)
        for r in $(seq "$runs"); do scenario twin -r$r; done
        for n in handshake fallback-server strip flagbit unknown-subtype outage; do scenario $n; done
        ;;
    twin) for r in $(seq "$runs"); do scenario twin -r$r; done ;;
    *) scenario "$s" ;;
    esac
done
