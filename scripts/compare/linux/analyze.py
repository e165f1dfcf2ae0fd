#!/usr/bin/env python3
"""analyze.py - the numbers the MPTCP validation needs, from the client-side captures of a
kernel run (or of l-twin-r1-client-side.pcap), through tshark.

    analyze.py [--outage START_EPOCH END_EPOCH] CLIENT.pcap...

Prints: server->client payload bytes and share per client address (wifi 10.1.1.2, lte
10.1.2.2); completion time (first SYN to the server's DATA_FIN); per-subflow handshake times
(SYN -> SYN/ACK, and the ADD_ADDR after the first SYN); and, with --outage, the bytes before,
during and after the outage per address and the longest data-level stall: the longest time in
which the in-order data sequence number the client has received did not advance (DSS
mappings, each segment placed at DSN + its subflow offset into the mapping).
"""
import subprocess
import sys

FIELDS = ["frame.time_epoch", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "tcp.flags",
          "tcp.len", "tcp.options.mptcp.subtype", "tcp.options.mptcp.rawdataseqno",
          "tcp.options.mptcp.datalvllen", "tcp.options.mptcp.datafin.flag", "tcp.seq",
          "tcp.options.mptcp.subflowseqno"]


def rows(paths):
    out = []
    for p in paths:
        cmd = ["tshark", "-r", p, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in FIELDS:
            cmd += ["-e", f]
        text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        for line in text.splitlines():
            v = line.split("\t")
            if len(v) < len(FIELDS) or not v[1]:
                continue
            out.append(v)
    out.sort(key=lambda v: float(v[0]))
    return out


def main(argv):
    outage = None
    if len(argv) > 3 and argv[1] == "--outage":
        outage = (float(argv[2]), float(argv[3]))
        argv = argv[3:]
    pkts = rows(argv[1:])
    if not pkts:
        print("no packets")
        return 1
    t0 = None
    by_addr, phases, last_before, first_after = {}, {}, {}, {}
    hs = {}
    first_syn = None
    data_fin = None
    addaddr = None
    segs = []  # (time, dsn, len) of server->client mappings
    for v in pkts:
        t = float(v[0])
        src, dst, flags, tlen = v[1], v[2], int(v[5], 16), int(v[6] or 0)
        subs = v[7].split(",") if v[7] else []
        key = (src, v[3], dst, v[4]) if flags & 0x12 == 0x02 else None
        if flags & 0x12 == 0x02:
            first_syn = first_syn or t
            t0 = t0 or t
            hs.setdefault(key, [t, None])
        if flags & 0x12 == 0x12:
            k = (dst, v[4], src, v[3])
            if k in hs and hs[k][1] is None:
                hs[k][1] = t
        down = src.startswith("10.2.")
        if "3" in subs and down and addaddr is None:
            addaddr = t
        if down and tlen:
            by_addr[dst] = by_addr.get(dst, 0) + tlen
            if outage:
                if t < outage[0]:
                    last_before[dst] = t
                elif t >= outage[1] and dst not in first_after:
                    first_after[dst] = t
                ph = "before" if t < outage[0] else "during" if t < outage[1] else "after"
                phases[(dst, ph)] = phases.get((dst, ph), 0) + tlen
        if down and "1" in v[10].split(",") and data_fin is None:
            data_fin = t
        if down and tlen and v[8] and v[12]:
            # a mapping may cover several segments: this one starts at its subflow offset
            dsn, ssn = int(v[8].split(",")[0]), int(v[12].split(",")[0])
            segs.append((t, dsn + int(v[11]) - ssn, tlen))
    total = sum(by_addr.values()) or 1
    for a in sorted(by_addr):
        print(f"bytes_to {a} {by_addr[a]} share {100.0 * by_addr[a] / total:.1f}%")
    if data_fin:
        print(f"first_data_fin_s {data_fin - first_syn:.6f} (first DSS with F from the server)")
    for k, (ts, tsa) in sorted(hs.items(), key=lambda kv: kv[1][0]):
        rtt = f"{(tsa - ts) * 1e3:.2f} ms" if tsa else "none"
        print(f"syn {k[0]}:{k[1]} > {k[2]}:{k[3]} at {1e3 * (ts - t0):.2f} ms, SYN->SYN/ACK {rtt}")
    if addaddr:
        print(f"add_addr at {1e3 * (addaddr - t0):.2f} ms")
    if outage:
        print(f"outage {outage[0] - t0:.3f}-{outage[1] - t0:.3f} s after the first SYN")
        for a in sorted(by_addr):
            print(f"outage_bytes {a} " + " ".join(
                f"{ph} {phases.get((a, ph), 0)}" for ph in ("before", "during", "after")))
            if a in last_before and a in first_after:
                print(f"outage_data {a} last before {last_before[a] - t0:.3f} s, first after "
                      f"{first_after[a] - t0:.3f} s ({first_after[a] - outage[1]:.3f} s after "
                      f"the link came back)")
    if segs:
        # in-order data-level progress at the client
        base = min(d for _, d, _ in segs)
        have, nxt, last_adv, stall, stall_at = [], base, segs[0][0], 0.0, 0.0
        for t, d, dl in segs:
            have.append((d, d + dl))
            have.sort()
            moved = False
            while have and have[0][0] <= nxt:
                nxt = max(nxt, have.pop(0)[1])
                moved = True
            if moved:
                if t - last_adv > stall:
                    stall, stall_at = t - last_adv, last_adv - t0
                last_adv = t
        print(f"completion_s {last_adv - first_syn:.6f} (first SYN to the last in-order data)")
        print(f"longest_data_stall_ms {1e3 * stall:.1f} starting {stall_at:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
