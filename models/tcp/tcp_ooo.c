/* tcp_ooo.c - the receiver's out-of-order data, as sequence ranges.
 *
 * Payload is virtual, so reassembly only needs to know which sequence ranges arrived: a
 * small array of disjoint [left, right) ranges, the most recently changed first, which is
 * also the order RFC 2018 section 4 wants for SACK blocks (the first block reports the
 * segment that triggered the ACK). Adding merges every overlapping or adjacent range. The
 * array is allocated on the first out-of-order segment, grows by doubling, and is freed when
 * the holes are filled, so an idle connection carries none; its bytes are accounted to the
 * connection. Cost: O(n) per change for n ranges (n is the number of holes, a handful).
 */
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_int.h"

#define OOO_INITIAL 4

static void remove_at(struct tcp_sock *c, unsigned i)
{
    memmove(&c->ooo[i], &c->ooo[i + 1], (c->n_ooo - i - 1) * sizeof c->ooo[0]);
    c->n_ooo--;
}

int tcp_ooo_add(struct tcp_sock *c, uint32_t left, uint32_t right)
{
    for (unsigned i = 0; i < c->n_ooo;) {
        struct tcp_range *r = &c->ooo[i];
        if (seq_lt(right, r->left) || seq_gt(left, r->right)) {
            i++;
            continue;
        }
        left = seq_min(left, r->left);
        right = seq_max(right, r->right);
        remove_at(c, i);
    }
    if (c->n_ooo == c->cap_ooo) {
        unsigned cap = c->cap_ooo ? 2u * c->cap_ooo : OOO_INITIAL;
        if (cap > UINT16_MAX)
            return -1;
        struct tcp_range *a = realloc(c->ooo, cap * sizeof *a);
        if (!a)
            return -1;
        tcp_mem_update(c->stack, (int64_t)((cap - c->cap_ooo) * sizeof *a));
        c->ooo = a;
        c->cap_ooo = (uint16_t)cap;
    }
    memmove(&c->ooo[1], &c->ooo[0], c->n_ooo * sizeof c->ooo[0]);
    c->ooo[0].left = left;
    c->ooo[0].right = right;
    c->n_ooo++;
    return 0;
}

bool tcp_ooo_pull(struct tcp_sock *c)
{
    bool moved = false;
    for (unsigned i = 0; i < c->n_ooo;) {
        struct tcp_range *r = &c->ooo[i];
        if (seq_leq(r->left, c->rcv_nxt)) {
            if (seq_gt(r->right, c->rcv_nxt))
                c->rcv_nxt = r->right;
            remove_at(c, i);
            moved = true;
            i = 0; /* the new rcv_nxt may reach a range already passed */
            continue;
        }
        i++;
    }
    if (c->n_ooo == 0 && c->ooo)
        tcp_ooo_free(c);
    return moved;
}

void tcp_ooo_free(struct tcp_sock *c)
{
    if (c->cap_ooo)
        tcp_mem_update(c->stack, -(int64_t)(c->cap_ooo * sizeof *c->ooo));
    free(c->ooo);
    c->ooo = NULL;
    c->n_ooo = 0;
    c->cap_ooo = 0;
}
