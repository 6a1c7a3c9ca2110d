/* tcplife_zeek.c - Zeek's TCP connection bookkeeping, transcribed.
 *
 * Section numbers (§) refer to docs/zeek-state.md, which names the Zeek
 * function behind each rule (TCPSessionAdapter.cc, TCP_Endpoint.cc,
 * TCP_Reassembler.cc, conn/main.zeek).  Names follow Zeek's where they help
 * a reader compare the two.
 */
#include "tcplife_zeek.h"

#include <ctype.h>
#include <string.h>

enum zk_state { ZK_INACTIVE, ZK_SYN_SENT, ZK_SYN_ACK_SENT, ZK_PARTIAL, ZK_ESTABLISHED,
                ZK_CLOSED, ZK_RESET };

/* Zeek's HIST_* masks (TCP_Endpoint.h), kept per direction in tl_zeek_ep.hist_seen. */
enum { HIST_SYN = 0x01, HIST_FIN = 0x02, HIST_RST = 0x04, HIST_FIN_RST = 0x08,
       HIST_DATA = 0x10, HIST_ACK = 0x20, HIST_MULTI_FLAG = 0x40 };

/* The log-scaled letters and their counters' index. */
enum { SCALED_C, SCALED_T, SCALED_W, SCALED_G };
static const char scaled_letter[4] = { 'C', 'T', 'W', 'G' };

#define TOO_LARGE_SEQ_DELTA 1048576

typedef struct zk_flags {
    bool syn, fin, rst, ack;
} zk_flags;

/* Zeek's is_partial, one per connection, lives in ep[0]'s spare bits. */
#define IS_PARTIAL(z) ((z)->ep[0].is_partial)

static int32_t seq_delta(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

void tl_zeek_init(tl_zeek *z, bool client_first)
{
    memset(z, 0, sizeof *z);
    for (int side = 0; side < 2; side++)   /* TCP_Reassembler starts at 1 */
        z->ep[side].reasm_last = z->ep[side].reasm_trim = 1;
    if (!client_first)
        z->history[0] = '^';    /* §4.5: the flip comes before any letter */
}

/* ---- history letters (§4.1) ------------------------------------------ */

static void append(tl_zeek *z, char code)
{
    size_t len = strlen(z->history);   /* the history is always NUL-terminated */
    if (len < TL_ZEEK_HISTORY_MAX - 1)
        z->history[len] = code;
}

static void add(tl_zeek *z, int side, char code)
{
    append(z, side == 0 ? code : (char)tolower((unsigned char)code));
}

/* Session::CheckHistory: true if the class was already seen; else adds it. */
static bool check(tl_zeek *z, int side, uint8_t mask, char code)
{
    tl_zeek_ep *e = &z->ep[side];
    if (e->hist_seen & mask)
        return true;
    e->hist_seen |= mask;
    add(z, side, code);
    return false;
}

/* Connection::ScaledHistoryEntry: at the 1st, 10th, 100th ... occurrence.
 * Zeek's threshold grows tenfold while it fits a uint32 (up to 10^9); then
 * the count restarts and the letter recurs every 10^9 occurrences.  The
 * threshold is derived, not stored: before the first 10^9 the count meets
 * it exactly at the powers of ten; after (TL_ZEEK_SCALED_LATE) it is 10^9.
 * The count stays below 2^30 (10^9 < 2^30), so it is exact in 30 bits. */
static void scaled(tl_zeek *z, int side, int which)
{
    uint32_t *c = &z->ep[side].scaled[which];
    uint32_t late = *c & TL_ZEEK_SCALED_LATE, cnt = (*c & ~TL_ZEEK_SCALED_LATE) + 1;
    bool hit = cnt == 1000000000u;

    for (uint32_t p = 1; !late && !hit && p < 1000000000u && p <= cnt; p *= 10)
        hit = cnt == p;
    if (hit)
        add(z, side, scaled_letter[which]);
    if (cnt == 1000000000u) {
        cnt = 0;
        late = TL_ZEEK_SCALED_LATE;
    }
    *c = late | cnt;
}

/* ---- sequence bookkeeping (§1.1-§1.3) --------------------------------- */

static void set_state(tl_zeek_ep *e, enum zk_state s)
{
    if (s != e->state) {
        e->prev_state = e->state;
        e->state = (uint8_t)s;
    }
}

static void rebase(tl_zeek_ep *e, uint32_t seq, uint32_t past)
{
    e->start_seq = e->ack_seq = seq;
    e->last_seq = past;
}

static void init_endpoint(tl_zeek_ep *e, zk_flags f, uint32_t seq, uint32_t past)
{
    switch (e->state) {
    case ZK_INACTIVE:
        if (f.syn)
            rebase(e, seq, past);
        else {   /* "as though we saw a SYN" */
            e->start_seq = e->ack_seq = seq - 1;
            e->last_seq = seq;
        }
        break;
    case ZK_SYN_SENT:
    case ZK_SYN_ACK_SENT:
        if (f.syn && seq != e->start_seq)
            rebase(e, seq, past);
        break;
    case ZK_ESTABLISHED:
    case ZK_PARTIAL:
        if (f.syn)
            rebase(e, seq, past);
        break;
    case ZK_RESET:
        if (f.syn && e->prev_state == ZK_INACTIVE)
            rebase(e, seq, past);
        break;
    default:
        break;
    }
}

/* get_relative_seq: sequence number relative to the side's start, 64-bit. */
static uint64_t relative(const tl_zeek_ep *e, uint32_t cur, uint32_t last, uint32_t wraps,
                         bool *underflow)
{
    int32_t d = seq_delta(cur, last);
    if (d < 0) {
        if (wraps && cur > last)
            wraps--;
    } else if (d > 0) {
        if (cur < last)
            wraps++;
    }
    if (wraps == 0) {
        d = seq_delta(cur, e->start_seq);
        if (d < 0)
            *underflow = true;
        return (uint64_t)(int64_t)d;
    }
    return ((uint64_t)wraps << 32) + cur - (uint64_t)e->start_seq;
}

static void update_ack_seq(tl_zeek_ep *e, uint32_t ack)
{
    int32_t d = seq_delta(ack, e->ack_seq);
    if (ack == 0 && d > TOO_LARGE_SEQ_DELTA)
        return;     /* a broken ack of 0 */
    if (d > 0) {
        if (ack < e->ack_seq)
            e->ack_wraps++;
        e->ack_seq = ack;
    }
}

static void bump_last(tl_zeek_ep *e, uint32_t s)
{
    if (s < e->last_seq)
        e->seq_wraps++;
    e->last_seq = s;
}

/* update_last_seq, which also decides the retransmission letter T. */
static void update_last_seq(tl_zeek *z, int side, uint32_t past, zk_flags f, uint32_t len)
{
    tl_zeek_ep *e = &z->ep[side];
    int32_t d = seq_delta(past, e->last_seq);

    if ((f.syn || f.rst) && (d > TOO_LARGE_SEQ_DELTA || d < -TOO_LARGE_SEQ_DELTA))
        return;     /* outlandish SYN/RST sequence number */
    if (f.fin && e->last_seq == e->start_seq + 1)
        bump_last(e, past);
    else if (e->state == ZK_RESET)
        return;
    else if (d > 0)
        bump_last(e, past);
    else if (len > 0)
        scaled(z, side, SCALED_T);
}

/* ---- endpoint state machine (§2) ------------------------------------- */

static void update_inactive(tl_zeek *z, int side, zk_flags f, uint32_t seq, uint32_t len)
{
    tl_zeek_ep *ep = &z->ep[side], *peer = &z->ep[1 - side];
    bool is_orig = side == 0;

    if (f.syn) {
        if (is_orig) {
            set_state(ep, f.ack ? ZK_SYN_ACK_SENT : ZK_SYN_SENT);
        } else {
            if (!f.ack && peer->state == ZK_SYN_ACK_SENT && seq == ep->start_seq) {
                /* SYN/SYN-ACK reversal: Zeek flips roles here; ours stay fixed. */
                IS_PARTIAL(z) = false;
                z->ep[0].first_packet_seen = true;
                set_state(peer, ZK_ESTABLISHED);
            }
            if (peer->state == ZK_SYN_SENT)
                set_state(peer, ZK_ESTABLISHED);
            set_state(ep, ZK_ESTABLISHED);
        }
    }
    if (f.fin)
        set_state(ep, ZK_CLOSED);
    if (f.rst)
        set_state(ep, ZK_RESET);
    if (ep->state != ZK_INACTIVE)
        return;
    if (!is_orig && len == 0 && z->ep[0].state == ZK_SYN_SENT)
        return;     /* the responder ACKs the SYN before its SYN-ACK */
    if (f.ack && peer->state == ZK_ESTABLISHED) {
        set_state(ep, ZK_ESTABLISHED);  /* saw the SYN-ACK, missed the SYN */
        IS_PARTIAL(z) = false;
        ep->first_packet_seen = true;
    } else {
        set_state(ep, ZK_PARTIAL);
    }
}

static void update_established(tl_zeek_ep *ep, tl_zeek_ep *peer, zk_flags f)
{
    if (f.syn && ep->state == ZK_PARTIAL && peer->state == ZK_INACTIVE && !f.ack)
        set_state(ep, ZK_SYN_SENT);
    if (f.fin && !f.rst) {
        set_state(ep, ZK_CLOSED);
        if (peer->state == ZK_RESET && peer->prev_state == ZK_CLOSED)
            set_state(peer, ZK_CLOSED);
    }
    if (f.rst)
        set_state(ep, ZK_RESET);
}

static void update_state_machine(tl_zeek *z, int side, zk_flags f, uint32_t seq, uint32_t len)
{
    tl_zeek_ep *ep = &z->ep[side], *peer = &z->ep[1 - side];

    switch (ep->state) {
    case ZK_INACTIVE:
        update_inactive(z, side, f, seq, len);
        break;
    case ZK_SYN_SENT:
    case ZK_SYN_ACK_SENT:
        if (f.fin)
            set_state(ep, ZK_CLOSED);
        if (f.rst)
            set_state(ep, ZK_RESET);
        break;
    case ZK_ESTABLISHED:
    case ZK_PARTIAL:
        update_established(ep, peer, f);
        break;
    case ZK_CLOSED:
        if (f.rst && peer->state != ZK_CLOSED)
            set_state(ep, ZK_RESET);
        break;
    default:    /* RESET stays RESET */
        break;
    }
}

/* ---- history classes of one packet (§4.2) ----------------------------- */

static void update_history(tl_zeek *z, int side, zk_flags f, uint64_t rel_seq, uint32_t len)
{
    tl_zeek_ep *e = &z->ep[side];
    int bits = f.syn + f.fin + f.rst;

    if (bits > 1) {
        if (f.fin && f.rst)
            check(z, side, HIST_FIN_RST, 'I');
        else
            check(z, side, HIST_MULTI_FLAG, 'Q');
    } else if (f.syn) {
        char code = f.ack ? 'H' : 'S';
        if (check(z, side, HIST_SYN, code) && rel_seq != e->hist_last_syn)
            add(z, side, code);
        e->hist_last_syn = rel_seq;
    } else if (f.fin) {
        if (check(z, side, HIST_FIN, 'F') && rel_seq + len != e->hist_last_fin)
            add(z, side, 'F');
        e->hist_last_fin = rel_seq + len;
    } else if (f.rst) {
        if (check(z, side, HIST_RST, 'R') && rel_seq != e->hist_last_rst)
            add(z, side, 'R');
        e->hist_last_rst = rel_seq;
    } else if (len) {
        check(z, side, HIST_DATA, 'D');
    } else if (f.ack) {
        check(z, side, HIST_ACK, 'A');
    }
}

/* ---- content gaps, the 'G' letter (§4.3) ------------------------------ */

static bool is_clean(const tl_zeek_ep *e)
{
    return e->state == ZK_ESTABLISHED ||
           (e->state == ZK_CLOSED && e->prev_state == ZK_ESTABLISHED);
}

static void gap(tl_zeek *z, int side)
{
    if (is_clean(&z->ep[side]) && is_clean(&z->ep[1 - side]))
        scaled(z, side, SCALED_G);
}

static uint64_t acked_rel(const tl_zeek_ep *e)
{
    return (((uint64_t)e->ack_wraps << 32) + e->ack_seq) - e->start_seq;
}

static bool no_data_acked(const tl_zeek_ep *e)
{
    uint64_t a = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
    return a == e->start_seq || a == (uint64_t)e->start_seq + 1;
}

/* Delivers blocks that now touch reasm_last. */
static void advance_blocks(tl_zeek_ep *e)
{
    bool moved = true;
    while (moved) {
        moved = false;
        for (int i = 0; i < e->nblocks; i++) {
            tl_zeek_block b = e->blocks[i];
            if (b.lo <= e->reasm_last) {
                if (b.hi > e->reasm_last)
                    e->reasm_last = b.hi;
                e->blocks[i] = e->blocks[--e->nblocks];
                moved = true;
                break;
            }
        }
    }
}

static void drop_blocks_below(tl_zeek_ep *e, uint64_t seq)
{
    for (int i = 0; i < e->nblocks;) {
        if (e->blocks[i].hi <= seq)
            e->blocks[i] = e->blocks[--e->nblocks];
        else
            i++;
    }
}

/* Adds [lo, hi) to the out-of-order blocks, merging overlaps; when the table
 * is full the nearest block absorbs it (a documented approximation). */
static void insert_block(tl_zeek_ep *e, uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < e->nblocks; i++) {
        tl_zeek_block *b = &e->blocks[i];
        if (lo <= b->hi && hi >= b->lo) {
            if (lo < b->lo) b->lo = lo;
            if (hi > b->hi) b->hi = hi;
            return;
        }
    }
    if (e->nblocks < TL_ZEEK_MAX_BLOCKS) {
        e->blocks[e->nblocks++] = (tl_zeek_block){ lo, hi };
        return;
    }
    tl_zeek_block *near = &e->blocks[0];
    for (int i = 1; i < e->nblocks; i++)
        if ((e->blocks[i].lo > lo ? e->blocks[i].lo - lo : lo - e->blocks[i].lo) <
            (near->lo > lo ? near->lo - lo : lo - near->lo))
            near = &e->blocks[i];
    if (lo < near->lo) near->lo = lo;
    if (hi > near->hi) near->hi = hi;
}

static uint64_t undelivered(const tl_zeek_ep *e)
{
    uint64_t top = e->reasm_last;
    for (int i = 0; i < e->nblocks; i++)
        if (e->blocks[i].hi > top)
            top = e->blocks[i].hi;
    return top - e->reasm_last;
}

static void data_sent(tl_zeek_ep *e, uint64_t seq, uint32_t len)
{
    uint64_t acked = acked_rel(e), upper = seq + len;

    if (e->skip)
        return;
    if (seq < acked) {
        if (upper <= acked)
            return;
        seq = acked;
    }
    if (upper <= e->reasm_trim)
        return;
    if (seq < e->reasm_trim)
        seq = e->reasm_trim;
    insert_block(e, seq, upper);
    advance_blocks(e);
    if (no_data_acked(e) && undelivered(e) > 16384) {
        e->nblocks = 0;     /* tcp_max_above_hole_without_any_acks */
        e->skip = true;
    }
}

/* The lowest block starting in [from, below), or NULL. */
static tl_zeek_block *lowest_block_in(tl_zeek_ep *e, uint64_t from, uint64_t below)
{
    tl_zeek_block *best = NULL;
    for (int i = 0; i < e->nblocks; i++)
        if (e->blocks[i].lo >= from && e->blocks[i].lo < below && (!best || e->blocks[i].lo < best->lo))
            best = &e->blocks[i];
    return best;
}

/* `side`'s data acknowledged up to relative seq by the other side. */
static void ack_received(tl_zeek *z, int side, uint64_t seq)
{
    tl_zeek_ep *e = &z->ep[side];

    if (e->fin_seen && seq >= e->fin_seq)
        seq = e->fin_seq - 1;   /* an ACK of the FIN is no gap */
    if (seq <= e->reasm_trim)
        return;
    if (seq > e->reasm_last && !(seq <= 2 && IS_PARTIAL(z))) {
        if (!e->skip) {
            tl_zeek_block *b;
            while ((b = lowest_block_in(e, e->reasm_last, seq)) != NULL) {
                gap(z, side);
                e->reasm_last = b->lo;
                advance_blocks(e);
            }
            if (seq > e->reasm_last)
                gap(z, side);
        }
        if (seq > e->reasm_last)
            e->reasm_last = seq;
    }
    drop_blocks_below(e, seq);
    e->reasm_trim = seq;
    advance_blocks(e);
}

/* ---- one packet (§1) --------------------------------------------------- */

static void set_partial_status(tl_zeek *z, int side, zk_flags f)
{
    if (side == 0) {
        if (!z->ep[0].first_packet_seen)
            IS_PARTIAL(z) = !f.syn || f.ack;
    } else if (!z->ep[1].first_packet_seen && !IS_PARTIAL(z)) {
        IS_PARTIAL(z) = !f.syn;
    }
}

static uint64_t relative_ack(tl_zeek_ep *peer, zk_flags f, uint32_t ack)
{
    bool underflow = false;
    uint64_t rel;

    if (peer->state == ZK_INACTIVE) {   /* init_peer */
        peer->start_seq = peer->ack_seq = peer->last_seq = ack - 1;
        return 1;
    }
    rel = relative(peer, ack, peer->ack_seq, peer->ack_wraps, &underflow);
    if (underflow)
        return 0;
    if (!f.rst)
        update_ack_seq(peer, ack);      /* RST acks are not trusted */
    return rel;
}

void tl_zeek_update(tl_zeek *z, const tl_zeek_segment *seg)
{
    int side = seg->from_client ? 0 : 1;
    tl_zeek_ep *ep = &z->ep[side], *peer = &z->ep[1 - side];
    zk_flags f = { (seg->flags & TL_SYN) != 0, (seg->flags & TL_FIN) != 0,
                   (seg->flags & TL_RST) != 0, (seg->flags & TL_ACK) != 0 };

    if (seg->bad_checksum) {    /* noted, then dropped before any other analysis */
        scaled(z, side, SCALED_C);
        return;
    }
    set_partial_status(z, side, f);

    uint32_t seg_len = seg->len + f.syn + f.fin - (f.rst ? seg->len : 0);
    uint32_t past = seg->seq + seg_len;
    init_endpoint(ep, f, seg->seq, past);
    bool underflow = false;
    uint64_t rel_seq = relative(ep, seg->seq, ep->last_seq, ep->seq_wraps, &underflow);

    update_history(z, side, f, rel_seq, seg->len);
    if (seg->window == 0 && !f.rst && peer->state != ZK_CLOSED && ep->state != ZK_RESET)
        scaled(z, side, SCALED_W);
    if (f.fin) {
        ep->fin_seen = true;
        ep->fin_seq = rel_seq + seg_len;
    }
    uint64_t rel_ack = f.ack ? relative_ack(peer, f, seg->ack) : 0;

    update_last_seq(z, side, past, f, seg->len);
    update_state_machine(z, side, f, seg->seq, seg->len);
    if (f.ack)
        ack_received(z, 1 - side, rel_ack);
    if (seg->len > 0 && seg->payload_captured && !f.rst && !underflow)
        data_sent(ep, f.syn ? rel_seq + 1 : rel_seq, seg->len);
    ep->first_packet_seen = true;
}

/* ---- conn_state (§3) --------------------------------------------------- */

/* TCP_Endpoint::Size(), needed only for REJ. */
static uint64_t ep_size(const tl_zeek_ep *e, const tl_zeek_ep *peer)
{
    if (e->prev_state == ZK_SYN_SENT && e->state == ZK_RESET && peer->state == ZK_INACTIVE &&
        !no_data_acked(e))
        return 0;
    uint64_t last = ((uint64_t)e->seq_wraps << 32) + e->last_seq;
    uint64_t ackd = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
    uint64_t size = (last > ackd ? last : ackd) - e->start_seq;
    if (size)
        size--;     /* the SYN's octet */
    if (e->fin_seen && size)
        size--;     /* the FIN's octet */
    return size;
}

/* The history matches /^\^?S[^HAFGIQ]*R.*$/: after the S, an R comes before
 * any of H A F G I Q. */
static bool history_is_syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

enum tl_conn_state tl_zeek_conn_state(const tl_zeek *z)
{
    const tl_zeek_ep *o = &z->ep[0], *r = &z->ep[1];
    bool o_inactive = o->state == ZK_INACTIVE || o->state == ZK_PARTIAL;
    bool r_inactive = r->state == ZK_INACTIVE || r->state == ZK_PARTIAL;

    if (r->state == ZK_RESET) {
        if (o->state == ZK_SYN_SENT || o->state == ZK_SYN_ACK_SENT ||
            (o->state == ZK_RESET && ep_size(o, r) == 0 && ep_size(r, o) == 0))
            return TL_CS_REJ;
        return o_inactive ? TL_CS_RSTRH : TL_CS_RSTR;
    }
    if (o->state == ZK_RESET) {
        if (r_inactive)
            return history_is_syn_then_rst(z->history) ? TL_CS_RSTOS0 : TL_CS_OTH;
        return TL_CS_RSTO;
    }
    if (r->state == ZK_CLOSED && o->state == ZK_CLOSED)
        return TL_CS_SF;
    if (o->state == ZK_CLOSED)
        return r_inactive ? TL_CS_SH : TL_CS_S2;
    if (r->state == ZK_CLOSED)
        return o_inactive ? TL_CS_SHR : TL_CS_S3;
    if (o->state == ZK_SYN_SENT && r->state == ZK_INACTIVE)
        return TL_CS_S0;
    if (o->state == ZK_ESTABLISHED && r->state == ZK_ESTABLISHED)
        return TL_CS_S1;
    return TL_CS_OTH;
}

const char *tl_zeek_history(const tl_zeek *z)
{
    return z->history;
}
