/* tcplife_core.c - the lifecycle rules of LIFECYCLE.md, applied one segment
 * at a time.  classify() reads the state before the segment and decides the
 * packet's phase and steps (rules 1-7, first match wins); advance() then
 * records what the segment changed.  Keeping the two apart is what makes
 * "decided on the stream's state before this packet" true by construction.
 */
#include "tcplife_core.h"

#include <string.h>

#define STEP(n) ((uint8_t)(1u << ((n) - 1)))

static inline tl_side *side_of(tl_stream *s, enum tl_role role)
{
    return &s->side[role - 1];
}

static inline enum tl_role peer_of(enum tl_role role)
{
    return role == TL_ROLE_CLIENT ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

void tl_stream_init(tl_stream *s)
{
    memset(s, 0, sizeof *s);
    tl_zeek_init(&s->zeek, true);
}

/* "Roles are fixed by the stream's first packet and never change." */
static void assign_roles(tl_stream *s, const tl_segment *seg)
{
    if (seg->flags & TL_SYN) {
        /* A SYN's sender is the client; a SYN-ACK's receiver is. */
        s->first_sender = (seg->flags & TL_ACK) ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
        return;
    }
    /* Otherwise the server has the lower port; equal ports: the receiver. */
    s->roles_inferred = true;
    s->first_sender = seg->srcport < seg->dstport ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

static enum tl_role sender_of(const tl_stream *s, const tl_segment *seg)
{
    enum tl_role first = (enum tl_role)s->first_sender;
    return seg->from_first ? first : peer_of(first);
}

/* "A packet acknowledges a SYN-ACK or FIN when its ACK flag is set and its
 * acknowledgment number is beyond that segment's sequence number ... A RST
 * acknowledges nothing." */
static bool acknowledges(const tl_segment *seg, uint32_t seq)
{
    return (seg->flags & (TL_ACK | TL_RST)) == TL_ACK && tl_seq_after(seg->ack, seq);
}

/* Rule 4's condition. */
static bool is_handshake_ack(const tl_side *me, const tl_side *peer, const tl_segment *seg)
{
    return peer->sent_synack && !me->acked_synack && acknowledges(seg, peer->synack_seq);
}

/* Rule 5's condition: this side's first packet acknowledging the peer's FIN. */
static bool is_first_fin_ack(const tl_side *me, const tl_side *peer, const tl_segment *seg)
{
    return peer->fin_step != 0 && !me->acked_fin && acknowledges(seg, peer->fin_seq);
}

static bool any_fin(const tl_stream *s)
{
    return s->side[0].fin_step != 0 || s->side[1].fin_step != 0;
}

/* The kind of one RST, from the stream's state before it. */
static enum tl_reset_kind reset_kind(const tl_stream *s, const tl_side *peer)
{
    if (any_fin(s))
        return TL_RK_AFTER_CLOSE;
    /* Refused: from the side that received a SYN (without ACK) before the
     * handshake completed.  A client's RST answering a SYN-ACK is an abort. */
    if (peer->sent_syn && !(s->hs_seen & STEP(3)))
        return TL_RK_REFUSED;
    return TL_RK_ABORT;
}

/* The step a FIN from `me` takes: its own FIN's step, 1 or 3. */
static uint8_t fin_step(const tl_stream *s, const tl_side *me)
{
    if (me->fin_step != 0)
        return me->fin_step;
    return any_fin(s) ? 3 : 1;
}

static tl_result classify(const tl_stream *s, enum tl_role who, const tl_segment *seg)
{
    const tl_side *me = &s->side[who - 1];
    const tl_side *peer = &s->side[peer_of(who) - 1];
    const uint16_t f = seg->flags;
    tl_result r = { .sender = (uint8_t)who };

    if (f & TL_RST) {                                           /* rule 1 */
        r.phase = TL_PHASE_RESET;
        r.ordinal = s->resets + 1;
        r.flags |= (uint8_t)(reset_kind(s, peer) << TL_R_RESET_KIND_SHIFT);
    } else if (f & TL_SYN) {                                    /* rule 2 */
        bool synack = (f & TL_ACK) != 0;
        r.phase = TL_PHASE_HANDSHAKE;
        r.steps = synack ? STEP(2) : STEP(1);
        if (synack ? me->sent_synack : me->sent_syn)
            r.flags |= TL_R_RETRANSMISSION;
    } else if (f & TL_FIN) {                                    /* rule 3 */
        r.phase = TL_PHASE_TEARDOWN;
        r.steps = STEP(fin_step(s, me));
        if (me->fin_step != 0)
            r.flags |= TL_R_RETRANSMISSION;
        if (is_first_fin_ack(me, peer, seg))
            r.steps |= STEP(peer->fin_step + 1);
    } else if (is_handshake_ack(me, peer, seg)) {               /* rule 4 */
        r.phase = TL_PHASE_HANDSHAKE;
        r.steps = STEP(3);
        if (me->sent_hs_ack)
            r.flags |= TL_R_RETRANSMISSION;
    } else if (is_first_fin_ack(me, peer, seg)) {               /* rule 5 */
        r.phase = TL_PHASE_TEARDOWN;
        r.steps = STEP(peer->fin_step + 1);
    } else if (me->acked_fin && peer->acked_fin) {              /* rule 6 */
        r.phase = TL_PHASE_TEARDOWN;
    } else {                                                    /* rule 7 */
        r.phase = TL_PHASE_TRANSFER;
        r.ordinal = s->transfers + 1;
    }

    if (me->fin_step != 0 && seg->len > 0 && tl_seq_after(seg->seq + seg->len, me->fin_seq))
        r.flags |= TL_R_DATA_AFTER_FIN;
    return r;
}

static void note_handshake_step(tl_stream *s, int step, const tl_segment *seg)
{
    if (!(s->hs_seen & STEP(step)))
        s->hs_frame[step - 1] = seg->frame;
    s->hs_seen |= STEP(step);
}

static void note_teardown_step(tl_stream *s, int step, const tl_segment *seg)
{
    if (!(s->td_seen & STEP(step)))
        s->td_frame[step - 1] = seg->frame;
    s->td_seen |= STEP(step);
}

static void advance_reset(tl_stream *s, enum tl_role who, const tl_segment *seg, tl_result r)
{
    s->resets++;
    if (s->resets == 1) {
        s->reset_kind = (uint8_t)tl_result_reset_kind(r);
        s->reset_sender = (uint8_t)who;
        s->reset_frame = seg->frame;
    }
    if ((s->side[0].fin_step != 0) != (s->side[1].fin_step != 0))
        s->rst_between_fins = true;
}

static void advance_syn(tl_stream *s, tl_side *me, tl_side *peer, const tl_segment *seg)
{
    bool synack = (seg->flags & TL_ACK) != 0;
    bool before_step3 = !(s->hs_seen & STEP(3));

    if (synack) {
        me->sent_synack = true;
        me->synack_seq = seg->seq;
        peer->acked_synack = false;  /* a new "most recent SYN-ACK" to acknowledge */
        if (before_step3) {
            s->synack_time_ns = seg->time_ns;
            s->synack_timed = true;
        }
    } else {
        me->sent_syn = true;
        if (before_step3) {
            s->syn_time_ns = seg->time_ns;
            s->syn_timed = true;
        }
    }
    if (!me->opts_seen) {
        me->opts = seg->opts;
        me->syn_data = seg->len;
        me->opts_seen = true;
    }
    note_handshake_step(s, synack ? 2 : 1, seg);
}

static void advance_ack_and_fin(tl_stream *s, tl_side *me, tl_side *peer,
                                const tl_segment *seg, tl_result r)
{
    if (peer->sent_synack && acknowledges(seg, peer->synack_seq))
        me->acked_synack = true;
    if (r.phase == TL_PHASE_HANDSHAKE) {            /* step 3 */
        if (!(s->hs_seen & STEP(3)))
            s->hs_ack_time_ns = seg->time_ns;
        me->sent_hs_ack = true;
        note_handshake_step(s, 3, seg);
    }
    if ((seg->flags & TL_FIN) && me->fin_step == 0) {
        me->fin_step = fin_step(s, me);
        me->fin_seq = seg->seq + seg->len;
        if (me->fin_step == 1)
            s->fin_time_ns = seg->time_ns;
        else
            s->second_fin_acked_first = acknowledges(seg, peer->fin_seq);
        note_teardown_step(s, me->fin_step, seg);
    }
    if (peer->fin_step != 0 && !me->acked_fin && acknowledges(seg, peer->fin_seq)) {
        me->acked_fin = true;
        note_teardown_step(s, peer->fin_step + 1, seg);
        if (peer->acked_fin)
            s->close_time_ns = seg->time_ns;
    }
    if ((r.steps & (STEP(2) | STEP(3))) == (STEP(2) | STEP(3)))
        s->steps23_together = true;
}

static void advance(tl_stream *s, enum tl_role who, const tl_segment *seg, tl_result r)
{
    tl_side *me = side_of(s, who);
    tl_side *peer = side_of(s, peer_of(who));

    me->packets++;
    me->bytes += seg->len;
    s->phase_packets[r.phase]++;
    s->last_frame = seg->frame;
    s->last_time_ns = seg->time_ns;
    if (r.phase == TL_PHASE_TRANSFER)
        s->transfers++;

    if (seg->flags & TL_RST)
        advance_reset(s, who, seg, r);          /* a RST acknowledges nothing */
    else if (seg->flags & TL_SYN)
        advance_syn(s, me, peer, seg);
    else
        advance_ack_and_fin(s, me, peer, seg, r);
}

static void update_zeek(tl_stream *s, enum tl_role who, const tl_segment *seg)
{
    tl_zeek_segment z = {
        .seq = seg->seq,
        .ack = seg->ack,
        .len = seg->len,
        .flags = seg->flags,
        .window = seg->window,
        .from_client = who == TL_ROLE_CLIENT,
        .bad_checksum = seg->bad_checksum,
        .payload_captured = !seg->payload_cut,
    };
    tl_zeek_update(&s->zeek, &z);
}

tl_result tl_stream_update(tl_stream *s, const tl_segment *seg)
{
    bool first = s->first_sender == TL_ROLE_NONE;
    if (first) {
        assign_roles(s, seg);
        tl_zeek_init(&s->zeek, s->first_sender == TL_ROLE_CLIENT);
        s->first_frame = seg->frame;
        s->first_time_ns = seg->time_ns;
    }
    enum tl_role who = sender_of(s, seg);
    tl_result r = classify(s, who, seg);
    if (first)
        r.flags |= TL_R_STREAM_START;
    update_zeek(s, who, seg);
    advance(s, who, seg, r);
    return r;
}

enum tl_handshake_kind tl_stream_handshake_kind(const tl_stream *s)
{
    if (s->side[0].sent_syn && s->side[1].sent_syn)
        return TL_HS_SIMULTANEOUS;
    if (s->hs_seen & STEP(3))
        return TL_HS_THREE_WAY;
    if (s->hs_seen & (STEP(1) | STEP(2)))
        return TL_HS_INCOMPLETE;
    return TL_HS_NOT_SEEN;
}

enum tl_teardown_kind tl_stream_teardown_kind(const tl_stream *s)
{
    bool client_fin = s->side[0].fin_step != 0, server_fin = s->side[1].fin_step != 0;

    if (!client_fin && !server_fin)
        return TL_TD_NONE;
    if (s->rst_between_fins)
        return TL_TD_RESET;
    if (!(client_fin && server_fin))
        return TL_TD_HALF_CLOSED;
    if (!s->second_fin_acked_first)
        return TL_TD_SIMULTANEOUS;
    return s->steps23_together ? TL_TD_THREE_WAY : TL_TD_FOUR_WAY;
}

enum tl_teardown_initiator tl_stream_teardown_initiator(const tl_stream *s)
{
    if (tl_stream_teardown_kind(s) == TL_TD_SIMULTANEOUS)
        return TL_TDI_BOTH;
    if (s->side[0].fin_step == 1)
        return TL_TDI_CLIENT;
    if (s->side[1].fin_step == 1)
        return TL_TDI_SERVER;
    return TL_TDI_NONE;
}

bool tl_stream_complete(const tl_stream *s)
{
    return s->hs_seen == 0x7 && s->td_seen == 0xF && s->resets == 0;
}

int tl_result_steps(tl_result r, uint8_t out[2])
{
    int n = 0;
    for (uint8_t step = 1; step <= 4 && n < 2; step++)
        if (r.steps & STEP(step))
            out[n++] = step;
    return n;
}
