/* triangle.cc - the three-link example of Wischik, Raiciu, Greenhalgh and Handley, "Design,
 * implementation and evaluation of congestion control for multipath TCP" (NSDI 2011,
 * section 2): three links of 12 Mbit/s and three two-path connections, each with a one-hop
 * path over one link and a two-hop path over the other two. The reference for
 * scenarios/validation/mptcp-triangle.yaml; see mptcp_net.h for the equivalences and
 * docs/performance.md ("MPTCP against htsim") for the figures.
 *
 * Every link then carries three paths: its own connection's one-hop path and the two-hop
 * paths of the other two. Splitting evenly gives each connection 8 Mbit/s (each path 4);
 * sending only on the one-hop paths gives 12 (the paper's argument for moving traffic
 * away from the more congested path; fully coupled control gets close to it).
 *
 * Built as three routers in a ring, each ring link loaded in one direction only:
 *   l0: r0 -> r1,  l1: r1 -> r2,  l2: r2 -> r0        (12 Mbit/s, 10 ms, 25-packet queues)
 * Connection i (ci, from host si to host di):
 *   one-hop path  si -> ri     -l(i)->   r(i+1)                      -> di
 *   two-hop path  si -> r(i+1) -l(i+1)-> r(i+2) -l(i+2)-> ri         -> di
 * so si and di are each attached to ri and r(i+1) by 1 Gbit/s, 1 ms access links
 * (si-a: si-ri, si-b: si-r(i+1), di-a: di-r(i+1), di-b: di-ri). Base RTTs 24 and 44 ms.
 * Subflows are named after their first link, as mcpsim names them by interface: ci.si-a
 * is the one-hop path, ci.si-b the two-hop one. ACKs return the same way backwards, on
 * the unloaded directions. mcpsim needs static
 * source-specific routes for this (the scenario file lists them); htsim routes by list.
 */
#include "mptcp_net.h"

#include <string>

using mcpcompare::Net;
using mcpcompare::Options;

int
main(int argc, char** argv)
{
    Options o;
    if (mcpcompare::parse_options(argc, argv, "the NSDI 2011 three-link triangle", {}, &o) != 0)
    {
        return 2;
    }
    Net net(o);
    auto n = [](const char* kind, int i) { return std::string(kind) + std::to_string(i % 3); };
    for (int i = 0; i < 3; i++)
    {
        net.link(n("l", i), n("r", i), n("r", i + 1), 12, 5, 25);
    }
    for (int i = 0; i < 3; i++)
    {
        const std::string s = n("s", i), d = n("d", i);
        net.link(s + "-a", s, n("r", i), 1000, 5, 1000);
        net.link(s + "-b", s, n("r", i + 1), 1000, 2.5, 1000);
        net.link(d + "-a", d, n("r", i + 1), 1000, 5, 1000);
        net.link(d + "-b", d, n("r", i), 1000, 2.5, 1000);
    }
    for (int i = 0; i < 3; i++)
    {
        const std::string s = n("s", i), d = n("d", i), c = n("c", i);
        MultipathTcpSrc* mp = net.connection(c);
        /* connections start 10 ms apart so that their slow starts do not coincide */
        net.subflow(c, s + "-a", s, {s + "-a", n("l", i), d + "-a"}, mp, 0.01 * i);
        net.subflow(c, s + "-b", s, {s + "-b", n("l", i + 1), n("l", i + 2), d + "-b"}, mp,
                    0.01 * i);
    }
    net.run("triangle");
    return 0;
}
