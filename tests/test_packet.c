/* test_packet.c - packet buffers and pools: byte-exact header work, bounds, virtual length,
 * clones, pool reuse, deterministic uids. Everything is compared exactly (bytes, counts):
 * there is no tolerance to choose. Out-of-bounds writes would also be caught by the
 * sanitizer run, but the tests check the API's refusal (NULL, packet unchanged) directly. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/packet.h"
#include "tests/harness.h"

static struct pkt_pool *pool_new(const struct pkt_pool_config *cfg)
{
    struct pkt_pool *pool = NULL;
    char err[200];
    CU_ASSERT_EQUAL(pkt_pool_new(cfg, &pool, err, sizeof err), 0);
    return pool;
}

/* Writes first, first+1, ... into n bytes that a push/put just returned (NULL fails). */
static void fill(uint8_t *b, size_t n, uint8_t first)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    if (!b)
        return;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(first + i);
}

static int is_filled(const uint8_t *b, size_t n, uint8_t first)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != (uint8_t)(first + i))
            return 0;
    return 1;
}

static void test_push_pull_put_trim_are_byte_exact(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *p = pkt_alloc(pool, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(pkt_len(p), 0);

    fill(pkt_put(p, 10), 10, 200);    /* real payload */
    fill(pkt_push(p, 20), 20, 100);   /* TCP header */
    fill(pkt_push(p, 20), 20, 0);     /* IPv4 header */
    CU_ASSERT_EQUAL(pkt_len(p), 50);
    uint8_t *d = pkt_data(p);
    CU_ASSERT(is_filled(d, 20, 0) && is_filled(d + 20, 20, 100) && is_filled(d + 40, 10, 200));

    uint8_t *front = pkt_pull(p, 20);
    CU_ASSERT_PTR_EQUAL(front, d + 20);
    CU_ASSERT_PTR_EQUAL(pkt_data(p), d + 20);
    CU_ASSERT(is_filled(pkt_data(p), 20, 100));
    CU_ASSERT_EQUAL(pkt_len(p), 30);

    CU_ASSERT_EQUAL(pkt_trim(p, 25), 0);
    CU_ASSERT_EQUAL(pkt_len(p), 25);
    CU_ASSERT(is_filled(pkt_data(p), 20, 100) && is_filled(pkt_data(p) + 20, 5, 200));

    /* A pushed header lands exactly in front of what is there. */
    fill(pkt_push(p, 4), 4, 50);
    CU_ASSERT(is_filled(pkt_data(p), 4, 50) && is_filled(pkt_data(p) + 4, 20, 100));
    pkt_free(p);
    pkt_pool_free(pool);
}

static void test_exhausted_room_returns_null_and_leaves_packet_unchanged(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *p = pkt_alloc(pool, 0);
    CU_ASSERT_EQUAL(pkt_headroom(p), 192);
    CU_ASSERT_EQUAL(pkt_tailroom(p), 64);

    CU_ASSERT_PTR_NULL(pkt_push(p, 193));
    CU_ASSERT_EQUAL(pkt_headroom(p), 192);
    CU_ASSERT_PTR_NOT_NULL(pkt_push(p, 192));   /* exactly the headroom fits */
    CU_ASSERT_EQUAL(pkt_headroom(p), 0);
    CU_ASSERT_PTR_NULL(pkt_push(p, 1));
    CU_ASSERT_EQUAL(pkt_len(p), 192);

    CU_ASSERT_PTR_NULL(pkt_put(p, 65));
    CU_ASSERT_PTR_NOT_NULL(pkt_put(p, 64));
    CU_ASSERT_PTR_NULL(pkt_put(p, 1));
    CU_ASSERT_EQUAL(pkt_len(p), 256);

    pkt_set_virtual(p, 1000);
    CU_ASSERT_PTR_NULL(pkt_pull(p, 257));       /* virtual bytes cannot be pulled */
    CU_ASSERT_EQUAL(pkt_len(p), 256);
    CU_ASSERT_EQUAL(pkt_trim(p, 1257), -1);
    CU_ASSERT_EQUAL(pkt_wire_len(p), 1256);
    CU_ASSERT_PTR_NOT_NULL(pkt_pull(p, 256));
    CU_ASSERT_EQUAL(pkt_len(p), 0);
    pkt_free(p);
    pkt_pool_free(pool);
}

static void test_virtual_payload_counts_on_the_wire_only(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *p = pkt_alloc(pool, 0);
    pkt_push(p, 20);
    pkt_push(p, 20);
    pkt_set_virtual(p, 1460);
    CU_ASSERT_EQUAL(pkt_len(p), 40);
    CU_ASSERT_EQUAL(pkt_virtual_len(p), 1460);
    CU_ASSERT_EQUAL(pkt_wire_len(p), 1500);

    /* Trimming drops virtual bytes first, then stored ones. */
    CU_ASSERT_EQUAL(pkt_trim(p, 1000), 0);
    CU_ASSERT_EQUAL(pkt_len(p), 40);
    CU_ASSERT_EQUAL(pkt_wire_len(p), 1000);
    CU_ASSERT_EQUAL(pkt_trim(p, 30), 0);
    CU_ASSERT_EQUAL(pkt_len(p), 30);
    CU_ASSERT_EQUAL(pkt_virtual_len(p), 0);

    /* A truncated pcap capture: 54 captured bytes of a 1514-byte frame. */
    uint8_t frame[54];
    fill(frame, sizeof frame, 7);
    struct packet *q = pkt_copy_from(pool, frame, sizeof frame, 1514 - 54);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(pkt_len(q), 54);
    CU_ASSERT_EQUAL(pkt_wire_len(q), 1514);
    CU_ASSERT(is_filled(pkt_data(q), 54, 7));
    CU_ASSERT_EQUAL(pkt_headroom(q), 192);
    pkt_free(q);
    pkt_free(p);
    pkt_pool_free(pool);
}

static void test_real_payload_selects_the_large_class_up_to_its_room(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct pkt_pool_stats st;
    struct packet *small = pkt_alloc(pool, 64);
    struct packet *large = pkt_alloc(pool, 65);
    CU_ASSERT_EQUAL(pkt_tailroom(small), 64);
    CU_ASSERT_EQUAL(pkt_tailroom(large), 1536);
    CU_ASSERT_EQUAL(pkt_headroom(large), 192);
    CU_ASSERT_PTR_NULL(pkt_alloc(pool, 1537));

    uint8_t full[1537];
    fill(full, sizeof full, 1);
    struct packet *copy = pkt_copy_from(pool, full, 1536, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    CU_ASSERT(is_filled(pkt_data(copy), 1536, 1));
    CU_ASSERT_PTR_NULL(pkt_copy_from(pool, full, 1537, 0));

    pkt_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.failures, 2);
    CU_ASSERT_EQUAL(st.allocs, 3);
    CU_ASSERT_EQUAL(st.in_use, 3);
    pkt_free(small);
    pkt_free(large);
    pkt_free(copy);
    pkt_pool_free(pool);
}

static void test_clone_is_independent_of_the_original(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *p = pkt_alloc(pool, 8);
    fill(pkt_put(p, 8), 8, 90);
    fill(pkt_push(p, 20), 20, 10);
    pkt_mark_l4(p);
    fill(pkt_push(p, 20), 20, 40);
    pkt_mark_l3(p);
    pkt_set_virtual(p, 500);
    p->flow_id = 77;
    p->created_ps = 123;
    p->cb[3] = 9;

    struct packet *c = pkt_clone(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_NOT_EQUAL(c->uid, p->uid);
    CU_ASSERT_EQUAL(c->flow_id, 77);
    CU_ASSERT_EQUAL(c->created_ps, 123);
    CU_ASSERT_EQUAL(c->cb[3], 9);
    CU_ASSERT_EQUAL(pkt_wire_len(c), pkt_wire_len(p));
    CU_ASSERT_EQUAL(memcmp(pkt_data(c), pkt_data(p), pkt_len(p)), 0);
    CU_ASSERT(is_filled(pkt_l4(c), 20, 10));    /* offsets valid in the clone's buffer */
    CU_ASSERT_PTR_EQUAL(pkt_l3(c), pkt_data(c));

    /* Writing the clone's bytes and metadata leaves the original as it was. */
    memset(pkt_data(c), 0xee, pkt_len(c));
    pkt_push(c, 8);
    pkt_set_virtual(c, 1);
    c->flow_id = 1;
    c->cb[3] = 0;
    CU_ASSERT(is_filled(pkt_cdata(p), 20, 40) && is_filled(pkt_cdata(p) + 20, 20, 10) &&
              is_filled(pkt_cdata(p) + 40, 8, 90));
    CU_ASSERT_EQUAL(pkt_len(p), 48);
    CU_ASSERT_EQUAL(pkt_virtual_len(p), 500);
    CU_ASSERT_EQUAL(p->flow_id, 77);
    CU_ASSERT_EQUAL(p->cb[3], 9);

    /* And the clone outlives the original. */
    pkt_free(p);
    CU_ASSERT_EQUAL(pkt_len(c), 56);
    pkt_free(c);
    pkt_pool_free(pool);
}

static void test_headers_offsets_survive_push_and_pull(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *p = pkt_alloc(pool, 0);
    CU_ASSERT_PTR_NULL(pkt_l3(p));
    CU_ASSERT_PTR_NULL(pkt_l4(p));
    uint8_t *tcp = pkt_push(p, 20);
    pkt_mark_l4(p);
    uint8_t *ip = pkt_push(p, 20);
    pkt_mark_l3(p);
    pkt_push(p, 40);                 /* an outer tunnel header */
    CU_ASSERT_PTR_EQUAL(pkt_l3(p), ip);
    CU_ASSERT_PTR_EQUAL(pkt_l4(p), tcp);
    pkt_pull(p, 40);
    CU_ASSERT_PTR_EQUAL(pkt_l3(p), ip);
    CU_ASSERT_PTR_EQUAL(pkt_l4(p), tcp);
    pkt_free(p);
    pkt_pool_free(pool);
}

/* A workload with up to `depth` packets in flight, freed in a scrambled order. */
static void churn(struct pkt_pool *pool, int cycles, int depth, uint32_t *state)
{
    struct packet *held[64] = { 0 };
    for (int i = 0; i < cycles; i++) {
        *state = *state * 1664525u + 1013904223u;
        int slot = (int)(*state >> 8) % depth;
        if (held[slot]) {
            pkt_free(held[slot]);
            held[slot] = NULL;
        } else {
            held[slot] = pkt_alloc(pool, (*state >> 4) % 3 == 0 ? 1400 : 0);
            CU_ASSERT_PTR_NOT_NULL_FATAL(held[slot]);
            pkt_push(held[slot], 40);
        }
    }
    for (int i = 0; i < depth; i++)
        pkt_free(held[i]);
}

static void test_pool_allocates_nothing_after_warm_up(void)
{
    struct pkt_pool_config cfg = PKT_POOL_CONFIG_DEFAULT;
    cfg.slab_packets = 8;
    struct pkt_pool *pool = pool_new(&cfg);
    struct pkt_pool_stats warm, after;
    uint32_t state = 1;

    /* Warm-up: 64 of each class in flight at once, more than churn() ever holds. */
    struct packet *held[128];
    for (int i = 0; i < 128; i++)
        held[i] = pkt_alloc(pool, i % 2 ? 1000 : 0);
    for (int i = 0; i < 128; i++)
        pkt_free(held[i]);
    pkt_pool_get_stats(pool, &warm);
    CU_ASSERT_EQUAL(warm.packets, 128);
    CU_ASSERT_EQUAL(warm.mallocs, 16);
    CU_ASSERT_EQUAL(warm.in_use, 0);
    CU_ASSERT_EQUAL(warm.in_use_bytes, 0);

    churn(pool, 200000, 64, &state);
    pkt_pool_get_stats(pool, &after);
    CU_ASSERT_EQUAL(after.mallocs, warm.mallocs);
    CU_ASSERT_EQUAL(after.bytes, warm.bytes);
    CU_ASSERT_EQUAL(after.packets, warm.packets);
    CU_ASSERT_EQUAL(after.in_use, 0);
    CU_ASSERT(after.allocs > warm.allocs + 50000);
    CU_ASSERT_EQUAL(after.peak_in_use, 128);
    pkt_pool_free(pool);
}

static void test_pool_counts_packets_and_bytes_in_use(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct pkt_pool_stats st;
    struct packet *a = pkt_alloc(pool, 0), *b = pkt_alloc(pool, 0), *c = pkt_alloc(pool, 500);
    pkt_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.in_use, 3);
    CU_ASSERT_EQUAL(st.peak_in_use, 3);
    CU_ASSERT_EQUAL(st.packets, 128);            /* one slab of 64 per class */
    CU_ASSERT(st.in_use_bytes >= 2 * (sizeof(struct packet) + 256) +
                                 sizeof(struct packet) + 192 + 1536);
    CU_ASSERT(st.bytes >= 64 * (2 * sizeof(struct packet) + 256 + 192 + 1536));
    pkt_free(b);
    pkt_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.in_use, 2);
    CU_ASSERT_EQUAL(st.peak_in_use, 3);
    pkt_free(a);
    pkt_free(c);
    CU_ASSERT(sizeof(struct packet) <= 80);       /* metadata stays compact */
    pkt_pool_free(pool);
}

static void collect_uids(uint64_t *out, int n)
{
    struct pkt_pool *pool = pool_new(NULL);
    struct packet *prev = NULL;
    for (int i = 0; i < n; i++) {
        struct packet *p = i % 3 == 2 ? pkt_clone(prev) : pkt_alloc(pool, (size_t)i % 100);
        out[i] = p->uid;
        if (i % 3 == 2) {
            pkt_free(prev);
            pkt_free(p);
            prev = NULL;
        } else {
            pkt_free(prev);
            prev = p;
        }
    }
    pkt_free(prev);
    pkt_pool_free(pool);
}

static void test_uids_are_unique_and_deterministic(void)
{
    uint64_t a[300], b[300];
    collect_uids(a, 300);
    collect_uids(b, 300);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    /* Buffers are reused (at most two in flight), uids never are: 1, 2, 3, ... */
    for (int i = 0; i < 300; i++)
        CU_ASSERT_EQUAL(a[i], (uint64_t)i + 1);
}

static sim_time_t fake_now(void *ctx) { return *(const sim_time_t *)ctx; }

static void test_pool_clock_stamps_creation_time(void)
{
    struct pkt_pool *pool = pool_new(NULL);
    sim_time_t now = 5000;
    pkt_pool_set_clock(pool, fake_now, &now);
    struct packet *p = pkt_alloc(pool, 0);
    now = 9000;
    struct packet *c = pkt_clone(p);
    struct packet *q = pkt_alloc(pool, 0);
    CU_ASSERT_EQUAL(p->created_ps, 5000);
    CU_ASSERT_EQUAL(c->created_ps, 5000);   /* a clone is the same packet, created then */
    CU_ASSERT_EQUAL(q->created_ps, 9000);
    pkt_free(p);
    pkt_free(c);
    pkt_free(q);
    pkt_pool_free(pool);
}

static void test_pool_rejects_bad_configurations_with_a_reason(void)
{
    struct pkt_pool *pool = NULL;
    char err[200];
    struct pkt_pool_config c = PKT_POOL_CONFIG_DEFAULT;
    c.large_room_bytes = 32;
    CU_ASSERT_EQUAL(pkt_pool_new(&c, &pool, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "small class room 64 bytes exceeds"));
    c = (struct pkt_pool_config)PKT_POOL_CONFIG_DEFAULT;
    c.large_room_bytes = 65535;
    CU_ASSERT_EQUAL(pkt_pool_new(&c, &pool, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "exceeds the largest buffer, 65535 bytes"));
    c = (struct pkt_pool_config)PKT_POOL_CONFIG_DEFAULT;
    c.slab_packets = 0;
    CU_ASSERT_EQUAL(pkt_pool_new(&c, &pool, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 packets per slab"));
    CU_ASSERT_PTR_NULL(pool);
}

/* A double free would corrupt the free list (the packet handed out twice); it must stop the
 * program instead. Run in a child process, whose assertion message is discarded. */
static void test_double_free_aborts_instead_of_corrupting_the_pool(void)
{
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        struct pkt_pool *pool = pool_new(NULL);
        struct packet *p = pkt_alloc(pool, 0);
        pkt_free(p);
        pkt_free(p);
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

SUITE(packet, NULL, NULL,
      TEST(test_push_pull_put_trim_are_byte_exact),
      TEST(test_exhausted_room_returns_null_and_leaves_packet_unchanged),
      TEST(test_virtual_payload_counts_on_the_wire_only),
      TEST(test_real_payload_selects_the_large_class_up_to_its_room),
      TEST(test_clone_is_independent_of_the_original),
      TEST(test_headers_offsets_survive_push_and_pull),
      TEST(test_pool_allocates_nothing_after_warm_up),
      TEST(test_pool_counts_packets_and_bytes_in_use),
      TEST(test_uids_are_unique_and_deterministic),
      TEST(test_pool_clock_stamps_creation_time),
      TEST(test_pool_rejects_bad_configurations_with_a_reason),
      TEST(test_double_free_aborts_instead_of_corrupting_the_pool))
