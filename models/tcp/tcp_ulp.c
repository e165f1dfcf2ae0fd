/* tcp_ulp.c - attaching an upper-layer hook (tcp_ulp.h) to a connection, and the pieces of
 * the hook that several tcp_*.c files share: the option writer that gives the ULP precedence
 * over SACK blocks, and the CLOSED event.
 *
 * The call sites themselves stay where TCP does the work (tcp_output.c builds segments,
 * tcp_input.c accepts them, tcp_ack.c and tcp_timer.c raise events, tcp_listen.c runs the
 * listener hook), each behind one `c->ulp` NULL test, so plain TCP pays nothing more.
 */
#include <string.h>

#include "models/tcp/tcp_int.h"

void tcp_sock_set_ulp(struct tcp_sock *s, const struct tcp_ulp_ops *ops, void *ctx)
{
    /* The MSS carries the ULP's deduction (tcp_ulp_mss_cut); moving from one ULP (or none)
     * to another moves it by the difference. cwnd, in bytes, is left as it is. */
    int32_t old = (int32_t)tcp_ulp_mss_cut(s);
    s->ulp = ops;
    s->ulp_ctx = ops ? ctx : NULL;
    int32_t delta = old - (int32_t)tcp_ulp_mss_cut(s);
    if (delta) {
        s->mss = (uint16_t)((int32_t)s->mss + delta);
        s->rcv_mss = (uint16_t)((int32_t)s->rcv_mss + delta);
        s->cc.mss = s->mss;
    }
}

void *tcp_sock_ulp_ctx(const struct tcp_sock *s) { return s->ulp_ctx; }

int tcp_sock_send_ack(struct tcp_sock *s)
{
    if (s->state < TCP_ESTABLISHED)
        return SOCK_ERR_STATE;
    tcp_send_ack(s);
    return 0;
}

bool tcp_ulp_closed(struct tcp_sock *c)
{
    const struct tcp_ulp_ops *ops = c->ulp;
    void *ctx = c->ulp_ctx;
    c->ulp = NULL;
    c->ulp_ctx = NULL;
    if (ops && ops->event)
        ops->event(c, ctx, TCP_ULP_EV_CLOSED);
    return !(c->flags & TF_FREE_LATER);
}

void tcp_ulp_write_options(struct tcp_sock *c, struct tcp_hdr *h, uint32_t len)
{
    uint8_t mark = h->optlen, nmark = h->nopts;
    if (c->ulp->write_options)
        c->ulp->write_options(c, c->ulp_ctx, h, len);
    if (!((c->flags & TF_SACK_OK) && c->n_ooo && (h->flags & TCP_FLAG_ACK)))
        return;
    /* The ULP's options take precedence over SACK blocks, which get the space left, as in
     * Linux's tcp_established_options ("a MPTCP connection would be forced to fall back to
     * regular TCP if a required multipath option is missing"); on the wire the SACK blocks
     * come first, in Linux's tcp_options_write order. */
    size_t room = tcp_opt_space_free(h);
    size_t ulp_len = (size_t)(h->optlen - mark);
    if (ulp_len == 0) {
        tcp_add_sack_blocks(c, h, room);
        return;
    }
    uint8_t saved[TCP_MAX_OPT_LEN];
    memcpy(saved, h->opt + mark, ulp_len);
    h->optlen = mark;
    h->nopts = nmark;
    tcp_add_sack_blocks(c, h, room);
    memcpy(h->opt + h->optlen, saved, ulp_len);
    h->optlen = (uint8_t)(h->optlen + ulp_len);
    tcp_opts_parse(h);
}
