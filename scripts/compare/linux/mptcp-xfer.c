/* mptcp-xfer.c - the application of the kernel reference runs: one bulk transfer from server
 * to client over an MPTCP (IPPROTO_MPTCP, 262) or plain TCP socket.
 *
 *   mptcp-xfer server [--tcp] [--port P] [--sndbuf B] BYTES
 *                                                accept one connection, send BYTES, shut
 *                                                down the write side, wait for the peer's
 *                                                close, exit
 *   mptcp-xfer client [--tcp] [--port P] ADDR    connect, read to EOF, close; prints
 *                                                "bytes N connect_s C complete_s T"
 *
 * The server closes first (DATA_FIN from the server, then the client's), as a download does.
 * complete_s runs from connect() to the EOF: the transfer's completion time at the client.
 * --sndbuf fixes the server's send buffer (no autotuning), so that the last write, and so the
 * shutdown, come near the end of a short transfer: Linux refuses an MP_JOIN whose third ACK
 * arrives after the server has shut down (MPJoinRejected, MP_TCPRST reason 3), which cuts
 * the 25 ms lte join out of a 1 MB transfer whose data all fit the autotuned buffer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_server(int proto, int port, int sndbuf, long long bytes)
{
    int ls = socket(AF_INET, SOCK_STREAM, proto);
    if (ls < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4) < 0) {
        perror("bind/listen");
        return 1;
    }
    int s = accept(ls, NULL, NULL);
    if (s < 0) {
        perror("accept");
        return 1;
    }
    if (sndbuf > 0 && setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) < 0)
        perror("SO_SNDBUF");
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    long long left = bytes;
    while (left > 0) {
        ssize_t n = write(s, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf);
        if (n <= 0) {
            perror("write");
            return 1;
        }
        left -= n;
    }
    shutdown(s, SHUT_WR);
    while (read(s, buf, sizeof buf) > 0)
        ;
    close(s);
    close(ls);
    return 0;
}

static int run_client(int proto, int port, const char *addr)
{
    int s = socket(AF_INET, SOCK_STREAM, proto);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
        fprintf(stderr, "mptcp-xfer: bad address %s\n", addr);
        return 2;
    }
    double t0 = now_s();
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        return 1;
    }
    double t1 = now_s();
    static char buf[65536];
    long long got = 0;
    ssize_t n;
    while ((n = read(s, buf, sizeof buf)) > 0)
        got += n;
    double t2 = now_s();
    close(s);
    printf("bytes %lld connect_s %.6f complete_s %.6f\n", got, t1 - t0, t2 - t0);
    return n < 0;
}

int main(int argc, char **argv)
{
    int proto = IPPROTO_MPTCP, port = 5201, sndbuf = 0, i = 2;
    if (argc < 3)
        goto usage;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--tcp"))
            proto = IPPROTO_TCP;
        else if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--sndbuf") && i + 1 < argc)
            sndbuf = atoi(argv[++i]);
        else
            goto usage;
    }
    if (i != argc - 1)
        goto usage;
    if (!strcmp(argv[1], "server"))
        return run_server(proto, port, sndbuf, atoll(argv[i]));
    if (!strcmp(argv[1], "client"))
        return run_client(proto, port, argv[i]);
usage:
    fprintf(stderr, "usage: mptcp-xfer server [--tcp] [--port P] [--sndbuf B] BYTES\n"
                    "       mptcp-xfer client [--tcp] [--port P] ADDR\n");
    return 2;
}
