/* mptcp_net.h - the shared half of the htsim programs that are mcpsim's MPTCP reference
 * (two_path.cc, triangle.cc, torus.cc; scripts/compare/htsim/run.sh, docs/performance.md).
 *
 * htsim (Broadcom/csg-htsim, sim/) has no nodes or addresses: a flow's packets follow a
 * source route, a list of PacketSinks (Queue, Pipe, ..., TcpSink). This header rebuilds
 * mcpsim's vocabulary on top of it so that a program reads like the matching scenario file
 * under scenarios/validation/: named nodes, duplex point-to-point links between them, and
 * subflows given as the node they start at and the links they cross. Each direction of a link is a drop-tail
 * Queue (serialization at the link rate) followed by a Pipe (propagation delay), as
 * mcpsim's p2p link; the ACKs of a subflow come back over the reverse directions of the
 * same links, serialized there too.
 *
 * Equivalences with mcpsim chosen here (docs/performance.md, "MPTCP against htsim"):
 *  - Packets: htsim's data packet is Packet::data_packet_size() bytes on the wire, headers
 *    included, and its ACK 40 B. The programs use 1500 B, mcpsim's IP packet for a
 *    1460 B MSS; the throughputs printed are of those wire bytes (in-order bytes at the
 *    sink x 8 / time) and run.sh converts them to payload goodput.
 *  - Queues: mcpsim's `queue_packets: Q` counts waiting packets, the one being serialized
 *    excluded; htsim's Queue counts bytes and keeps the packet in service inside, so the
 *    htsim queue gets (Q + 1) x 1500 B.
 *  - TCP: htsim's TcpSrc is NewReno without SACK, ACKs every segment, initial window 10,
 *    minimum RTO 250 ms checked every 10 ms, initial RTO 3 s; htsim starts with ssthresh
 *    100 packets, set here to "infinite" as RFC 5681 (and mcpsim) do. The mcpsim scenarios
 *    switch SACK, delayed ACKs and limited transmit off and set the RTOs to match.
 *  - MPTCP: htsim's MultipathTcpSrc couples the increase of its subflows' windows
 *    (COUPLED_INC is RFC 6356 LIA, with alpha in fixed point and the fractional part of an
 *    increase drawn with rand()); it has no data sequence space, no receive window and no
 *    scheduler: each subflow sends whenever its own window allows. The mcpsim scenarios
 *    give MPTCP buffers large enough that its receive window never limits.
 * Not modelled: handshake option bytes, reordering at the data level, anything random
 * besides htsim's rand() stream (seeded with --seed).
 */
#ifndef MCPSIM_COMPARE_HTSIM_MPTCP_NET_H
#define MCPSIM_COMPARE_HTSIM_MPTCP_NET_H

#include "config.h"
#include "eventlist.h"
#include "mtcp.h"
#include "network.h"
#include "pipe.h"
#include "queue.h"
#include "tcp.h"

#include <getopt.h>
#include <sys/resource.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mcpcompare
{

constexpr int kPacketBytes = 1500;    /* htsim data packet = mcpsim's IP packet (MSS 1460) */

/* A drop-tail Queue that also counts arrivals, so that a loss rate can be printed. */
class CountingQueue : public Queue
{
  public:
    CountingQueue(linkspeed_bps rate, mem_b bytes, EventList& ev)
        : Queue(rate, bytes, ev, nullptr)
    {
    }
    void receivePacket(Packet& pkt) override
    {
        if (pkt.size() == kPacketBytes)
        {
            _data_arrivals++;
        }
        Queue::receivePacket(pkt);
    }
    uint64_t data_arrivals() const { return _data_arrivals; }

  private:
    uint64_t _data_arrivals = 0;
};

/* One direction of a link: transmitted by `from`, as mcpsim's statistics module LINK.FROM. */
struct Hop
{
    std::string name; /* "link.from" */
    std::unique_ptr<CountingQueue> queue;
    std::unique_ptr<Pipe> pipe;
};

struct Subflow
{
    std::string connection;
    std::string name;
    TcpSrc* src;
    TcpSink* sink;
    Route out;
    Route back;
    uint64_t bytes_at_warmup = 0;
};

/* Congestion controls of htsim's MultipathTcpSrc that the programs offer; "tcp" would be
 * meaningless for a connection with two subflows, so it is not one of them. */
struct CcName
{
    const char* name;
    char htsim_type;
    const char* what;
};
constexpr CcName kCcNames[] = {
    {"lia", COUPLED_INC, "RFC 6356 linked increases (htsim COUPLED_INC)"},
    {"uncoupled", UNCOUPLED, "one Reno per subflow (htsim UNCOUPLED)"},
    {"coupled", FULLY_COUPLED, "fully coupled, NSDI 2011 COUPLED (htsim FULLY_COUPLED)"},
};

struct Options
{
    const CcName* cc = &kCcNames[0];
    double duration_s = 60;
    double warmup_s = 10;
    unsigned seed = 1;
    std::string variant;
};

/* Parses the options every program takes (--cc, --duration, --warmup, --seed and, when
 * `variants` is not empty, --variant). Returns 0, or prints usage and returns 2. */
inline int
parse_options(int argc, char** argv, const char* what, const std::vector<std::string>& variants,
              Options* o)
{
    static const struct option longopts[] = {
        {"cc", required_argument, nullptr, 'c'},
        {"duration", required_argument, nullptr, 'd'},
        {"warmup", required_argument, nullptr, 'w'},
        {"seed", required_argument, nullptr, 's'},
        {"variant", required_argument, nullptr, 'v'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    if (!variants.empty())
    {
        o->variant = variants[0];
    }
    bool bad = false;
    int c;
    while (!bad && (c = getopt_long(argc, argv, "", longopts, nullptr)) != -1)
    {
        char* end = nullptr;
        switch (c)
        {
        case 'c':
            o->cc = nullptr;
            for (const CcName& n : kCcNames)
            {
                if (std::strcmp(optarg, n.name) == 0)
                {
                    o->cc = &n;
                }
            }
            bad = o->cc == nullptr;
            break;
        case 'd':
            o->duration_s = std::strtod(optarg, &end);
            bad = *end != '\0' || o->duration_s <= 0;
            break;
        case 'w':
            o->warmup_s = std::strtod(optarg, &end);
            bad = *end != '\0' || o->warmup_s < 0;
            break;
        case 's':
            o->seed = (unsigned)std::strtoul(optarg, &end, 10);
            bad = *end != '\0';
            break;
        case 'v':
            o->variant = optarg;
            bad = true;
            for (const std::string& v : variants)
            {
                bad = bad && v != optarg;
            }
            break;
        default:
            bad = true;
        }
    }
    if (bad || optind != argc || o->warmup_s >= o->duration_s)
    {
        std::fprintf(stderr, "%s: %s\nusage: %s [--cc lia|uncoupled|coupled] [--duration S]"
                             " [--warmup S] [--seed N]",
                     argv[0], what, argv[0]);
        for (size_t i = 0; i < variants.size(); i++)
        {
            std::fprintf(stderr, "%s%s", i ? "|" : " [--variant ", variants[i].c_str());
        }
        std::fprintf(stderr, "%s\n  (warmup < duration; defaults: lia, 60 s, 10 s, seed 1)\n",
                     variants.empty() ? "" : "]");
        return 2;
    }
    return 0;
}

/* The network of one run: links by name (each with its two directions), subflows in order. */
class Net
{
  public:
    explicit Net(const Options& o)
        : _o(o), _rtx(timeFromMs(10), _ev)
    {
        Packet::set_packet_size(kPacketBytes);
        _ev.setEndtime(timeFromSec(o.duration_s));
        std::srand(o.seed);
    }

    /* A duplex p2p link `name` between nodes a and b, as mcpsim's p2p with `rate`,
     * `delay` and `queue_packets` (both directions alike). */
    void link(const std::string& name, const std::string& a, const std::string& b,
              double rate_mbps, double delay_ms, unsigned queue_packets)
    {
        Link& k = _links[name];
        k.a = a;
        k.b = b;
        make_hop(&k.ab, name + "." + a, rate_mbps, delay_ms, queue_packets);
        make_hop(&k.ba, name + "." + b, rate_mbps, delay_ms, queue_packets);
        _order.push_back(name);
    }

    /* A subflow that starts at node `from` and crosses `links` in order (its receiver is
     * at the far end of the last); ACKs return over the same links the other way. With
     * mp == nullptr it is a plain TCP connection. */
    void subflow(const std::string& connection, const std::string& name, const std::string& from,
                 const std::vector<std::string>& links, MultipathTcpSrc* mp, double start_s = 0)
    {
        auto* s = new Subflow();
        s->connection = connection;
        s->name = name;
        s->src = new TcpSrc(nullptr, nullptr, _ev);
        s->sink = new TcpSink();
        s->src->setName(connection + "." + name);
        s->sink->setName(connection + "." + name + ".sink");
        s->src->set_ssthresh(0xffffffffu); /* RFC 5681 3.1: initially arbitrarily high */
        std::vector<Hop*> back;
        std::string at = from;
        for (const std::string& l : links)
        {
            Link& k = link_named(l);
            const bool forward = at == k.a;
            if (!forward && at != k.b)
            {
                std::fprintf(stderr, "mptcp_net: subflow %s.%s: link %s does not touch %s\n",
                             connection.c_str(), name.c_str(), l.c_str(), at.c_str());
                std::exit(1);
            }
            Hop& out = forward ? k.ab : k.ba;
            s->out.push_back(out.queue.get());
            s->out.push_back(out.pipe.get());
            back.insert(back.begin(), forward ? &k.ba : &k.ab);
            at = forward ? k.b : k.a;
        }
        s->out.push_back(s->sink);
        for (Hop* h : back)
        {
            s->back.push_back(h->queue.get());
            s->back.push_back(h->pipe.get());
        }
        s->back.push_back(s->src);
        _rtx.registerTcp(*s->src);
        if (mp != nullptr)
        {
            mp->addSubflow(s->src);
        }
        s->src->connect(s->out, s->back, *s->sink, timeFromSec(start_s));
        _subflows.emplace_back(s);
    }

    MultipathTcpSrc* connection(const std::string& name)
    {
        auto* mp = new MultipathTcpSrc(_o.cc->htsim_type, _ev, nullptr);
        mp->setName(name);
        return mp;
    }

    /* Runs to the end, sampling every sink at the warm-up time, then prints the results
     * (see print()). */
    void run(const char* scenario)
    {
        Warmup w(*this);
        const double cpu0 = cpu_seconds();
        uint64_t events = 0;
        while (_ev.doNextEvent())
        {
            events++;
        }
        print(scenario, events, cpu_seconds() - cpu0);
    }

  private:
    class Warmup : public EventSource
    {
      public:
        explicit Warmup(Net& n)
            : EventSource(n._ev, "warmup"), _n(n)
        {
            _n._ev.sourceIsPending(*this, timeFromSec(_n._o.warmup_s));
        }
        void doNextEvent() override
        {
            for (auto& s : _n._subflows)
            {
                s->bytes_at_warmup = s->sink->_cumulative_ack;
            }
        }

      private:
        Net& _n;
    };

    static double cpu_seconds()
    {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    }

    struct Link
    {
        std::string a, b;
        Hop ab, ba;
    };

    void make_hop(Hop* h, const std::string& name, double rate_mbps, double delay_ms,
                  unsigned queue_packets)
    {
        h->name = name;
        h->queue.reset(new CountingQueue(speedFromMbps(rate_mbps),
                                         memFromPkt(queue_packets + 1.0), _ev));
        h->queue->setName(name);
        h->pipe.reset(new Pipe(timeFromMs(delay_ms), _ev));
    }

    Link& link_named(const std::string& name)
    {
        auto it = _links.find(name);
        if (it == _links.end())
        {
            std::fprintf(stderr, "mptcp_net: no link %s\n", name.c_str());
            std::exit(1);
        }
        return it->second;
    }

    /* "key value" lines, read by run.sh: rates in bit/s of 1500-byte wire packets,
     * delivered in order; "steady" ones count from the warm-up time to the end. */
    void print(const char* scenario, uint64_t events, double cpu_s)
    {
        const double run_s = _o.duration_s;
        const double steady_s = _o.duration_s - _o.warmup_s;
        std::printf("simulator htsim\n");
        std::printf("scenario %s\n", scenario);
        std::printf("cc %s\n", _o.cc->name);
        std::printf("seed %u\n", _o.seed);
        std::printf("duration_s %.3f\n", run_s);
        std::printf("warmup_s %.3f\n", _o.warmup_s);
        std::printf("packet_bytes %d\n", kPacketBytes);
        std::map<std::string, std::pair<uint64_t, uint64_t>> conns;
        std::vector<std::string> conn_order;
        for (auto& s : _subflows)
        {
            const uint64_t total = s->sink->_cumulative_ack;
            const uint64_t steady = total - s->bytes_at_warmup;
            std::printf("subflow_bps %s.%s %.1f\n", s->connection.c_str(), s->name.c_str(),
                        total * 8.0 / run_s);
            std::printf("subflow_steady_bps %s.%s %.1f\n", s->connection.c_str(),
                        s->name.c_str(), steady * 8.0 / steady_s);
            std::printf("subflow_rtt_ms %s.%s %.3f\n", s->connection.c_str(), s->name.c_str(),
                        timeAsMs(s->src->_rtt));
            std::printf("subflow_drops %s.%s %u\n", s->connection.c_str(), s->name.c_str(),
                        s->src->_drops);
            if (conns.find(s->connection) == conns.end())
            {
                conn_order.push_back(s->connection);
            }
            conns[s->connection].first += total;
            conns[s->connection].second += steady;
        }
        for (const std::string& c : conn_order)
        {
            std::printf("conn_bps %s %.1f\n", c.c_str(), conns[c].first * 8.0 / run_s);
            std::printf("conn_steady_bps %s %.1f\n", c.c_str(), conns[c].second * 8.0 / steady_s);
        }
        for (const std::string& l : _order)
        {
            for (const Hop* h : {&_links[l].ab, &_links[l].ba})
            {
                if (h->queue->data_arrivals() == 0)
                {
                    continue;
                }
                std::printf("link_drops %s %d\n", h->name.c_str(), h->queue->num_drops());
                std::printf("link_loss_rate %s %.6f\n", h->name.c_str(),
                            (double)h->queue->num_drops() / (double)h->queue->data_arrivals());
            }
        }
        std::printf("events %" PRIu64 "\n", events);
        std::printf("cpu_s %.3f\n", cpu_s);
    }

    const Options& _o;
    EventList _ev;
    TcpRtxTimerScanner _rtx;
    std::map<std::string, Link> _links;
    std::vector<std::string> _order; /* link names in creation order */
    std::vector<std::unique_ptr<Subflow>> _subflows;
};

} // namespace mcpcompare

#endif
