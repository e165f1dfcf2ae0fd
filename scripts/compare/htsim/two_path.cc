/* two_path.cc - one MPTCP connection with two subflows in htsim, the reference for
 * scenarios/validation/mptcp-two-path.yaml (--variant disjoint) and
 * mptcp-two-path-shared.yaml (--variant shared); see mptcp_net.h for the equivalences
 * and docs/performance.md ("MPTCP against htsim") for the figures.
 *
 * disjoint: the kernel twin's two paths (shared/testdata/pcaps, l-twin-*): a client with a
 *   "wifi" and an "lte" link to one router, the router to the server. One-way delays 4 + 1
 *   and 24 + 1 ms, so base RTTs of 10 and 50 ms; 50-packet drop-tail queues (above both
 *   bandwidth-delay products, 33 and 42 packets), so each subflow alone can fill its link.
 *   RFC 6356 goal 1: the connection gets at least what TCP gets on the best path (40 Mbit/s
 *   of wire rate here); with no competing traffic both links fill: 40 + 10.
 *
 *       client ==wifi 40 Mbit/s, 4 ms, q 50== router --core 1 Gbit/s, 1 ms-- server
 *              ==lte  10 Mbit/s, 24 ms, q 50==
 *
 * shared: both subflows and one plain TCP connection (from `other`) cross one bottleneck;
 *   every path has the same base RTT (24 ms). RFC 6356 goal 2 (do no harm): the MPTCP
 *   connection takes about one TCP share, 10 of the 20 Mbit/s; uncoupled Reno takes two
 *   shares of three, 13.3.
 *
 *       client ==wifi, lte 100 Mbit/s, 1 ms== r1 ==bottleneck 20 Mbit/s, 10 ms, q 50== r2 --edge-- server
 *       other  --access 100 Mbit/s, 1 ms----/                                      100 Mbit/s, 1 ms
 */
#include "mptcp_net.h"

using mcpcompare::Net;
using mcpcompare::Options;

int
main(int argc, char** argv)
{
    Options o;
    if (mcpcompare::parse_options(argc, argv, "one two-subflow MPTCP connection",
                                  {"disjoint", "shared"}, &o) != 0)
    {
        return 2;
    }
    Net net(o);
    MultipathTcpSrc* mptcp = net.connection("mptcp");
    if (o.variant == "disjoint")
    {
        net.link("wifi", "client", "router", 40, 4, 50);
        net.link("lte", "client", "router", 10, 24, 50);
        net.link("core", "router", "server", 1000, 1, 1000);
        net.subflow("mptcp", "wifi", "client", {"wifi", "core"}, mptcp);
        net.subflow("mptcp", "lte", "client", {"lte", "core"}, mptcp);
        net.run("two-path-disjoint");
    }
    else
    {
        net.link("wifi", "client", "r1", 100, 1, 1000);
        net.link("lte", "client", "r1", 100, 1, 1000);
        net.link("access", "other", "r1", 100, 1, 1000);
        net.link("bottleneck", "r1", "r2", 20, 10, 50);
        net.link("edge", "r2", "server", 100, 1, 1000);
        net.subflow("mptcp", "wifi", "client", {"wifi", "bottleneck", "edge"}, mptcp);
        net.subflow("mptcp", "lte", "client", {"lte", "bottleneck", "edge"}, mptcp);
        net.subflow("tcp", "access", "other", {"access", "bottleneck", "edge"}, nullptr);
        net.run("two-path-shared");
    }
    return 0;
}
