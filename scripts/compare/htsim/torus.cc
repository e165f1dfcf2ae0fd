/* torus.cc - five links in a ring and five two-path connections, connection i using links
 * i and i+1 (the "torus" of Wischik et al., NSDI 2011, where coupled control balances
 * congestion round the ring). The reference for scenarios/validation/mptcp-torus.yaml;
 * see mptcp_net.h for the equivalences and docs/performance.md for the figures.
 *
 * Link li goes from router xi to router yi (10 Mbit/s, 5 ms, 25-packet queue) except l0,
 * which has 5 Mbit/s: with one Reno per subflow the two connections that touch l0 get
 * less than the others; a controller that pools the ring's capacity moves traffic off l0
 * onto the neighbouring links (c4 onto l4, c0 onto l1, and so on round the ring), the
 * loss rates of the five links approach each other, and with perfect pooling every
 * connection would get 45/5 = 9 Mbit/s.
 *
 *   connection ci (host si to host di): subflow "a" si -> xi -li-> yi -> di
 *                                       subflow "b" si -> x(i+1) -l(i+1)-> y(i+1) -> di
 * Access links 1 Gbit/s, 2.5 ms (si-a, si-b, di-a, di-b), so every path has a base RTT of
 * 20 ms. Subflows are named after their first link (ci.si-a, ci.si-b), as mcpsim names
 * them by interface. mcpsim routes these by shortest path from each subflow's source
 * interface.
 */
#include "mptcp_net.h"

#include <string>

using mcpcompare::Net;
using mcpcompare::Options;

int
main(int argc, char** argv)
{
    Options o;
    if (mcpcompare::parse_options(argc, argv, "the five-link torus", {}, &o) != 0)
    {
        return 2;
    }
    Net net(o);
    auto n = [](const char* kind, int i) { return std::string(kind) + std::to_string(i % 5); };
    for (int i = 0; i < 5; i++)
    {
        net.link(n("l", i), n("x", i), n("y", i), i == 0 ? 5 : 10, 5, 25);
    }
    for (int i = 0; i < 5; i++)
    {
        const std::string s = n("s", i), d = n("d", i);
        net.link(s + "-a", s, n("x", i), 1000, 2.5, 1000);
        net.link(s + "-b", s, n("x", i + 1), 1000, 2.5, 1000);
        net.link(d + "-a", d, n("y", i), 1000, 2.5, 1000);
        net.link(d + "-b", d, n("y", i + 1), 1000, 2.5, 1000);
    }
    for (int i = 0; i < 5; i++)
    {
        const std::string s = n("s", i), d = n("d", i), c = n("c", i);
        MultipathTcpSrc* mp = net.connection(c);
        net.subflow(c, s + "-a", s, {s + "-a", n("l", i), d + "-a"}, mp, 0.01 * i);
        net.subflow(c, s + "-b", s, {s + "-b", n("l", i + 1), d + "-b"}, mp, 0.01 * i);
    }
    net.run("torus");
    return 0;
}
