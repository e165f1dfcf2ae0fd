/* dumbbell.cc - the issue-6 dumbbell in ns-3 (3.37, Debian's ns3/libns3-dev), the reference
 * side of mcpsim's comparison (scripts/compare/ns3/run.sh, docs/performance.md).
 *
 * N senders s_i --1 Gbit/s, 1 ms-- L ==100 Mbit/s, 10 ms== R --1 Gbit/s, 1 ms-- N receivers
 * r_i. Each sender runs one BulkSendApplication (unlimited) to a PacketSink on its receiver,
 * over ns3::TcpNewReno. Sender i starts at i * spread / N (default spread 100 ms) so that the
 * N handshakes and slow starts do not all land on the same instant; mcpsim's
 * scenarios/bench/dumbbell-N.yaml use the same start times.
 *
 * Choices that make the two simulators carry the same packets (docs/performance.md):
 *  - Headers: IPv4 (20 B) + TCP (20 B) + timestamps option (10 B, padded to 12 B) + 1448 B
 *    payload = 1500 B IP packets, the MTU. ns-3's SegmentSize is the payload per segment
 *    (options come on top); mcpsim's `mss` is the advertised MSS (1460 B) and a full segment
 *    carries 12 B less with timestamps, so both send 1448 B of payload in 1500 B packets.
 *    ns-3's point-to-point device adds a 2-byte PPP header that is serialized too (1502 B
 *    on the wire); mcpsim serializes the IP packet only. That costs ns-3 0.13% of goodput.
 *  - Bottleneck buffer: no traffic-control queue disc on any device (Ipv4AddressHelper
 *    installs FqCoDel by default; it is removed), so IP hands packets straight to the
 *    PointToPointNetDevice's DropTailQueue of 100 packets. With no queue disc, the device
 *    stops its netdevice queue when 100 packets wait and the traffic-control layer drops
 *    the next packet itself ("TcDrop" trace of TrafficControlLayer), so drops are counted in
 *    both places. The packet being serialized has left the queue: 100 packets wait plus one
 *    on the wire, the same rule as mcpsim's p2p queue_packets. Access links get 1000-packet
 *    device queues so the bottleneck is the only place where packets are lost (their drops
 *    are printed as a check and must be 0).
 *  - TCP: NewReno, SACK and timestamps on, window scaling, initial window 10 segments,
 *    delayed ACKs every 2nd segment or after 40 ms, minimum RTO 200 ms, 1 ms clock, 15 RTO
 *    expiries before giving up, send and receive buffers 1 MiB (well above the 445 kB a
 *    single flow can have in flight, so cwnd, not the buffer, limits it), classic loss
 *    recovery (cwnd = ssthresh on entry, RFC 6675/6582 as mcpsim) rather than ns-3's
 *    default PRR (--prr=1 selects it). These are mcpsim's tcp defaults (`mcpsim help tcp`)
 *    except the buffers, which the scenarios set; ns-3 3.37's own defaults differ (CUBIC,
 *    PRR, 1 s minimum RTO, 200 ms delayed-ACK timer, 6 data retries, 128 KiB buffers,
 *    536 B segments) and are overridden here.
 *
 * Output: one "key value" line per figure (run.sh parses them): goodput over the run
 * (application bytes received by the sinks * 8 / duration), per flow too; bottleneck drops;
 * bottleneck data packets (L->R packets longer than any pure ACK, i.e. carrying payload);
 * the largest occupancy the bottleneck queue reached (100 shows the buffer is as intended);
 * events executed (Simulator::GetEventCount()); CPU and wall time of Simulator::Run(); max
 * RSS (getrusage). Not modelled here: anything random (the run is deterministic), queue
 * discs other than drop-tail, reverse-path congestion.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <sys/resource.h>
#include <sys/time.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <vector>

using namespace ns3;

namespace
{

/* Largest L->R packet that carries no payload: PPP (2) + IPv4 (20) + TCP with the largest
 * option space (60). Every data segment of this scenario is longer (1448 B payload, or at
 * least the tail of one), so size > this counts exactly the data packets. */
constexpr uint32_t kMaxControlPacketBytes = 2 + 20 + 60;

uint64_t g_bottleneck_data_packets = 0;
uint64_t g_bottleneck_packets = 0;
uint64_t g_tc_drops_left = 0;
uint32_t g_bottleneck_queue_max = 0;

void
OnBottleneckTx(Ptr<const Packet> p)
{
    g_bottleneck_packets++;
    if (p->GetSize() > kMaxControlPacketBytes)
    {
        g_bottleneck_data_packets++;
    }
}

/* The device queue's occupancy: its maximum shows the effective buffer (100 waiting). */
void
OnBottleneckQueueLength(uint32_t, uint32_t packets)
{
    if (packets > g_bottleneck_queue_max)
    {
        g_bottleneck_queue_max = packets;
    }
}

void
OnTcDropLeft(Ptr<const Packet>)
{
    g_tc_drops_left++;
}

double
CpuSeconds()
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

long
MaxRssKiB()
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* kilobytes on Linux */
}

/* A point-to-point link between a and b with no queue disc on either end, so that the
 * device's drop-tail queue is the only buffer (see the file comment). */
NetDeviceContainer
Connect(Ptr<Node> a,
        Ptr<Node> b,
        const std::string& rate,
        const std::string& delay,
        uint32_t queuePackets,
        Ipv4AddressHelper& addresses)
{
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(rate));
    p2p.SetDeviceAttribute("Mtu", UintegerValue(1500));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    p2p.SetQueue("ns3::DropTailQueue<Packet>",
                 "MaxSize",
                 QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, queuePackets)));
    NetDeviceContainer devices = p2p.Install(a, b);
    addresses.Assign(devices);
    addresses.NewNetwork();
    TrafficControlHelper().Uninstall(devices);
    return devices;
}

uint64_t
DeviceQueueDrops(Ptr<NetDevice> d)
{
    return DynamicCast<PointToPointNetDevice>(d)->GetQueue()->GetTotalDroppedPackets();
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t n = 1;
    double durationS = 60.0;
    double spreadMs = 100.0;
    uint32_t bufferBytes = 1 << 20;
    bool sack = true;
    bool prr = false;
    bool perFlow = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("n", "number of sender/receiver pairs", n);
    cmd.AddValue("duration", "simulated seconds", durationS);
    cmd.AddValue("spread", "sender i starts at i*spread/n milliseconds", spreadMs);
    cmd.AddValue("buffer", "TCP send and receive buffer, bytes", bufferBytes);
    cmd.AddValue("sack", "SACK option and SACK-based recovery", sack);
    cmd.AddValue("prr", "PRR loss recovery (ns-3's default) instead of classic", prr);
    cmd.AddValue("perflow", "print one goodput line per flow", perFlow);
    cmd.Parse(argc, argv);
    if (n < 1 || durationS <= 0 || spreadMs < 0)
    {
        std::fprintf(stderr, "dumbbell: expected --n >= 1, --duration > 0, --spread >= 0\n");
        return 2;
    }

    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
    Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
                       TypeIdValue(prr ? TcpPrrRecovery::GetTypeId()
                                       : TcpClassicRecovery::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(15));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(bufferBytes));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(MilliSeconds(1)));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(sack));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));

    Ptr<Node> left = CreateObject<Node>();
    Ptr<Node> right = CreateObject<Node>();
    NodeContainer senders;
    NodeContainer receivers;
    senders.Create(n);
    receivers.Create(n);

    InternetStackHelper stack;
    stack.Install(left);
    stack.Install(right);
    stack.Install(senders);
    stack.Install(receivers);

    Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
    NetDeviceContainer bottleneck = Connect(left, right, "100Mbps", "10ms", 100, addresses);
    std::vector<NetDeviceContainer> access;
    std::vector<Ipv4Address> receiverAddress;
    for (uint32_t i = 0; i < n; i++)
    {
        access.push_back(Connect(senders.Get(i), left, "1Gbps", "1ms", 1000, addresses));
    }
    for (uint32_t i = 0; i < n; i++)
    {
        NetDeviceContainer d = Connect(right, receivers.Get(i), "1Gbps", "1ms", 1000, addresses);
        access.push_back(d);
        receiverAddress.push_back(
            receivers.Get(i)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal());
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    bottleneck.Get(0)->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&OnBottleneckTx));
    DynamicCast<PointToPointNetDevice>(bottleneck.Get(0))
        ->GetQueue()
        ->TraceConnectWithoutContext("PacketsInQueue", MakeCallback(&OnBottleneckQueueLength));
    if (!left->GetObject<TrafficControlLayer>()->TraceConnectWithoutContext(
            "TcDrop",
            MakeCallback(&OnTcDropLeft)))
    {
        std::fprintf(stderr, "dumbbell: TrafficControlLayer has no Drop trace source\n");
        return 1;
    }

    const uint16_t port = 5000;
    std::vector<Ptr<PacketSink>> sinks;
    for (uint32_t i = 0; i < n; i++)
    {
        PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                    InetSocketAddress(Ipv4Address::GetAny(), port));
        ApplicationContainer app = sinkHelper.Install(receivers.Get(i));
        app.Start(Seconds(0));
        sinks.push_back(DynamicCast<PacketSink>(app.Get(0)));

        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(receiverAddress[i], port));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        bulk.SetAttribute("SendSize", UintegerValue(1448));
        ApplicationContainer src = bulk.Install(senders.Get(i));
        src.Start(MilliSeconds(spreadMs * i / n));
    }

    Simulator::Stop(Seconds(durationS));
    const double cpu0 = CpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    Simulator::Run();
    const double wallS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const double cpuS = CpuSeconds() - cpu0;
    const uint64_t events = Simulator::GetEventCount();

    uint64_t totalRx = 0;
    std::vector<uint64_t> rx;
    for (const auto& s : sinks)
    {
        rx.push_back(s->GetTotalRx());
        totalRx += rx.back();
    }
    uint64_t accessDrops = 0;
    for (const auto& d : access)
    {
        accessDrops += DeviceQueueDrops(d.Get(0)) + DeviceQueueDrops(d.Get(1));
    }
    const uint64_t deviceDrops = DeviceQueueDrops(bottleneck.Get(0));

    std::printf("simulator ns-3 %s\n", "3.37");
    std::printf("n %" PRIu32 "\n", n);
    std::printf("duration_s %.6f\n", durationS);
    std::printf("goodput_bps %.1f\n", (double)totalRx * 8.0 / durationS);
    std::printf("rx_bytes %" PRIu64 "\n", totalRx);
    if (perFlow)
    {
        for (uint32_t i = 0; i < n; i++)
        {
            std::printf("flow_goodput_bps %" PRIu32 " %.1f\n", i, (double)rx[i] * 8.0 / durationS);
        }
    }
    std::printf("bottleneck_drops %" PRIu64 "\n", deviceDrops + g_tc_drops_left);
    std::printf("bottleneck_drops_device_queue %" PRIu64 "\n", deviceDrops);
    std::printf("bottleneck_drops_tc_layer %" PRIu64 "\n", g_tc_drops_left);
    std::printf("bottleneck_data_packets %" PRIu64 "\n", g_bottleneck_data_packets);
    std::printf("bottleneck_packets %" PRIu64 "\n", g_bottleneck_packets);
    std::printf("bottleneck_queue_max_packets %" PRIu32 "\n", g_bottleneck_queue_max);
    std::printf("access_drops %" PRIu64 "\n", accessDrops);
    std::printf("events %" PRIu64 "\n", events);
    std::printf("cpu_s %.3f\n", cpuS);
    std::printf("wall_s %.3f\n", wallS);
    std::printf("max_rss_kib %ld\n", MaxRssKiB());

    Simulator::Destroy();
    return 0;
}
