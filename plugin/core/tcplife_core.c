/* tcplife_core.c - the lifecycle rules of LIFECYCLE.md, applied one segment
 * at a time.  classify() reads the state before the segment and decides the
 * packet's phase and steps (rules 1-7, first match wins); advance() then
 * records what the segment changed.  Keeping the two apart is what makes
 * "decided on the stream's state before this packet" true by construction.
 */
#include "tcplife_core.h"

#include <string.h>

#define STEP(n) ((uint8_t)(1u << ((n) - 1)))

const char *const tl_phase_names[] = { TL_PHASES(TL_AS_NAME) };
const char *const tl_role_names[] = { TL_ROLES(TL_AS_NAME) };
const char *const tl_handshake_kind_names[] = { TL_HANDSHAKE_KINDS(TL_AS_NAME) };
const char *const tl_teardown_initiator_names[] = { TL_TEARDOWN_INITIATORS(TL_AS_NAME) };
const char *const tl_teardown_kind_names[] = { TL_TEARDOWN_KINDS(TL_AS_NAME) };
const char *const tl_reset_kind_names[] = { TL_RESET_KINDS(TL_AS_NAME) };
const char *const tl_reset_verdict_names[] = { TL_RESET_VERDICTS(TL_AS_NAME) };
const char *const tl_conn_state_names[] = { TL_CONN_STATES(TL_AS_NAME) };

const char *tl_name(const char *const names[], unsigned n, unsigned value)
{
    return value < n && names[value] ? names[value] : "?";
}

static inline tl_side *side_of(tl_stream *s, enum tl_role role)
{
    return &s->side[tl_side_of(role)];
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
    return seg->from_first_sender ? first : peer_of(first);
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

/* ---- reset verdicts (LIFECYCLE.md "Reset verdicts") ------------------------
 * What the receiving TCP would do with a RST, judged from the per-side
 * sequence tracking before it (track_sequence); only where the tracking is
 * sure, else the RST is accepted as every RST used to be. */

/* Whether a stream has had an accepted RST. */
static bool reset_accepted(const tl_stream *s)
{
    return tl_stream_resets(s) > s->resets_rejected;
}

/* The receiver is in SYN-SENT: it sent a SYN, and the peer neither a SYN nor
 * a SYN-ACK (either would have moved it on, RFC 9293 §3.10.7.3). */
static bool in_syn_sent(const tl_side *rcv, const tl_side *snd)
{
    return rcv->sent_syn && !rcv->sent_synack && !snd->sent_syn && !snd->sent_synack;
}

/* Sure of SYN-SENT: the receiver's SYNs were captured, all with one ISN
 * (seq_sure), and it has sent nothing with ACK (which a TCP still in
 * SYN-SENT does not send). */
static bool syn_sent_sure(const tl_side *rcv)
{
    return rcv->seq_sure && !rcv->ack_seen;
}

/* This side's ISN, while it has sent nothing beyond its SYN or SYN-ACK. */
static uint32_t isn_of(const tl_side *side)
{
    return side->snd_nxt - 1 - side->syn_data;
}

/* RFC 9293 §3.10.7.3 (SYN-SENT): a RST is acceptable only when its ACK
 * acknowledges the SYN, SND.UNA < SEG.ACK =< SND.NXT: beyond the ISN and not
 * beyond the SYN and its Fast Open payload (without payload: ISN + 1). */
static bool rst_answers_syn(const tl_side *rcv, const tl_segment *seg)
{
    return (seg->flags & TL_ACK) && tl_seq_after(seg->ack, isn_of(rcv)) &&
           !tl_seq_after(seg->ack, rcv->snd_nxt);
}

/* Sure of a synchronized (or SYN-RECEIVED) receiver: the sender's sequence
 * numbers were tracked from its SYN or SYN-ACK without gap, and the
 * receiver's latest segment told its acknowledgment and window. */
static bool window_sure(const tl_side *rcv, const tl_side *snd)
{
    return snd->seq_sure && rcv->ack_seen && rcv->edge_known;
}

/* RFC 5961 §3.2 (RFC 9293 §3.10.7.4, "first check sequence number" and
 * "second check the RST bit") against what the capture allows: the
 * receiver's RCV.NXT lies between its latest acknowledgment (lo) and the
 * sender's next sequence number (hi), and its window ends at the right edge
 * it advertised.  Any seq in [lo, hi] may be exactly RCV.NXT: accepted. */
static enum tl_reset_why judge_in_window(const tl_side *rcv, const tl_side *snd, uint32_t seq)
{
    uint32_t lo = rcv->rcv_ack;
    uint32_t d = seq - lo, span = snd->snd_nxt - lo, window = rcv->rcv_edge - lo;

    if (d <= span)
        return TL_RW_ACCEPTED;
    /* After acknowledging the sender's FIN, Linux also accepts RCV.NXT - 1,
     * the FIN's own number (tcp_reset_check): not sure enough to reject. */
    if (snd->fin_step != 0 && rcv->acked_fin && seq == snd->fin_seq)
        return TL_RW_ACCEPTED;
    if (d < window)
        return TL_RW_CHALLENGED;
    return TL_RW_OUTSIDE_WINDOW;
}

/* The verdict on one RST from `snd` to `rcv`, from the state before it. */
static enum tl_reset_why reset_why(const tl_stream *s, const tl_side *snd, const tl_side *rcv,
                                   const tl_segment *seg)
{
    /* After an accepted RST the receiving TCP has no connection left, and
     * after both FINs were acknowledged it may have none (CLOSED) or be in
     * TIME-WAIT: later RSTs are not judged. */
    if (reset_accepted(s) || (snd->acked_fin && rcv->acked_fin))
        return TL_RW_ACCEPTED;
    if (in_syn_sent(rcv, snd))
        return syn_sent_sure(rcv) && !rst_answers_syn(rcv, seg) ? TL_RW_NOT_SYN_ANSWER
                                                                : TL_RW_ACCEPTED;
    if (!window_sure(rcv, snd))
        return TL_RW_ACCEPTED;
    return judge_in_window(rcv, snd, seg->seq);
}

/* RFC 5961 §3.2: the challenge ACK, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>: the
 * challenged receiver's next packet, a bare ACK whose ack may be RCV.NXT. */
static bool is_challenge_ack(const tl_stream *s, enum tl_role who, const tl_side *me,
                             const tl_side *peer, const tl_segment *seg)
{
    bool from_receiver = s->challenge_pending &&
                         s->challenge_by_server == (who == TL_ROLE_SERVER);
    return from_receiver && seg->len == 0 &&
           (seg->flags & (TL_SYN | TL_FIN | TL_RST | TL_ACK)) == TL_ACK &&
           seg->ack - me->rcv_ack <= peer->snd_nxt - me->rcv_ack;
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
    const tl_side *me = &s->side[tl_side_of(who)];
    const tl_side *peer = &s->side[tl_side_of(peer_of(who))];
    const uint16_t f = seg->flags;
    tl_result r = { .sender = (uint8_t)who };

    if (f & TL_RST) {                                           /* rule 1 */
        enum tl_reset_why why = reset_why(s, me, peer, seg);
        r.phase = TL_PHASE_RESET;
        r.ordinal = tl_stream_resets(s) + 1;
        if (why == TL_RW_ACCEPTED)
            r.flags |= (uint8_t)(reset_kind(s, peer) << TL_R_RESET_KIND_SHIFT);
        else
            r.flags |= (uint8_t)(TL_R_RESET_REJECTED | why << TL_R_RESET_KIND_SHIFT);
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
        r.ordinal = tl_stream_transfers(s) + 1;
        if (is_challenge_ack(s, who, me, peer, seg))
            r.flags |= TL_R_CHALLENGE_ACK;
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

/* A RST the receiver would not act on changes nothing but the counts. */
static void advance_reset(tl_stream *s, enum tl_role who, const tl_segment *seg, tl_result r)
{
    if (tl_result_reset_why(r) != TL_RW_ACCEPTED) {
        s->resets_rejected++;
        if (tl_result_reset_why(r) == TL_RW_CHALLENGED) {
            s->challenge_pending = true;
            s->challenge_by_server = who == TL_ROLE_CLIENT;  /* the receiver answers */
        }
        return;
    }
    if (tl_stream_resets(s) - s->resets_rejected == 1) {
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
            s->hs_ns[1] = seg->time_ns;
            s->synack_timed = true;
        }
    } else {
        me->sent_syn = true;
        if (before_step3) {
            s->hs_ns[0] = seg->time_ns;
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

/* a - b, exact: int64 arithmetic modulo 2^64, as the subtraction it replaces
 * (times from Wireshark are within +-146 years of 1970: the difference of
 * two of them fits an int64). */
static int64_t ns_diff(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* Handshake step 3's time t: the SYN and SYN-ACK times are frozen from now
 * on, so hs_ns[] changes from those times to t minus each (tl_stream). */
static void hs_ack_time(tl_stream *s, int64_t t)
{
    s->hs_ns[0] = ns_diff(t, s->hs_ns[0]);
    s->hs_ns[1] = ns_diff(t, s->hs_ns[1]);
}

static void advance_ack_and_fin(tl_stream *s, tl_side *me, tl_side *peer,
                                const tl_segment *seg, tl_result r)
{
    if (peer->sent_synack && acknowledges(seg, peer->synack_seq))
        me->acked_synack = true;
    if (r.phase == TL_PHASE_HANDSHAKE) {            /* step 3 */
        if (!(s->hs_seen & STEP(3)))
            hs_ack_time(s, seg->time_ns);
        me->sent_hs_ack = true;
        note_handshake_step(s, 3, seg);
    }
    if ((seg->flags & TL_FIN) && me->fin_step == 0) {
        me->fin_step = fin_step(s, me);
        me->fin_seq = seg->seq + seg->len;
        if (me->fin_step == 1)
            s->td_ns = seg->time_ns;            /* the first FIN's time */
        else
            s->second_fin_acked_first = acknowledges(seg, peer->fin_seq);
        note_teardown_step(s, me->fin_step, seg);
    }
    if (peer->fin_step != 0 && !me->acked_fin && acknowledges(seg, peer->fin_seq)) {
        me->acked_fin = true;
        note_teardown_step(s, peer->fin_step + 1, seg);
        if (peer->acked_fin)                    /* closed: the teardown's duration */
            s->td_ns = ns_diff(seg->time_ns, s->td_ns);
    }
    if ((r.steps & (STEP(2) | STEP(3))) == (STEP(2) | STEP(3)))
        s->steps23_together = true;
}

/* The sequence state a RST is judged against (reset_why): what this side
 * sent, and what it acknowledged and advertised.  A window is scaled by its
 * sender's own shift (RFC 7323 §2.2, at most 14) when both sides offered
 * the option; never in a SYN; unknown while a side's SYN or SYN-ACK is
 * missing. */
static void track_sequence(tl_stream *s, tl_side *me, tl_side *peer, const tl_segment *seg)
{
    const uint16_t f = seg->flags;
    uint32_t end = seg->seq + seg->len + ((f & TL_SYN) != 0) + ((f & TL_FIN) != 0);

    if (!me->seq_tracked) {
        me->seq_tracked = true;
        me->seq_sure = (f & TL_SYN) != 0;
        me->snd_nxt = end;
    } else if (f & TL_SYN) {
        /* A repeated SYN or SYN-ACK, sent before anything beyond it, with
         * the same ISN and no further end; otherwise we are not sure. */
        if (seg->seq != isn_of(me) || tl_seq_after(end, me->snd_nxt))
            me->seq_sure = false;
    } else if (tl_seq_after(seg->seq, me->snd_nxt)) {
        me->seq_sure = false;       /* a jump: something this side sent was not captured */
        me->snd_nxt = end;
    } else if (tl_seq_after(end, me->snd_nxt)) {
        me->snd_nxt = end;
    }
    if (!(f & TL_ACK))
        return;
    if (peer->seq_tracked && tl_seq_after(seg->ack, peer->snd_nxt))
        peer->seq_sure = false;     /* acknowledges what the capture did not show */
    bool both = s->side[0].opts_seen && s->side[1].opts_seen;
    unsigned shift = 0;
    if (!(f & TL_SYN) && both && me->opts.wscale != TL_WSCALE_ABSENT &&
        peer->opts.wscale != TL_WSCALE_ABSENT)
        shift = me->opts.wscale > 14 ? 14 : me->opts.wscale;
    me->rcv_ack = seg->ack;
    me->rcv_edge = seg->ack + ((uint32_t)seg->window << shift);
    me->ack_seen = true;
    me->edge_known = (f & TL_SYN) || both;
}

/* A side's first frame with payload.  data_ns holds the time of the one
 * side's first data frame while the other has none, then the server's minus
 * the client's (tl_stream).  A frame numbered 0 leaves data_frame[] unset,
 * and its time was never read: it is not kept. */
static void note_first_data(tl_stream *s, enum tl_side_index side, const tl_segment *seg)
{
    s->data_frame[side] = seg->frame;
    if (seg->frame == 0)
        return;
    if (s->data_frame[1 - side] == 0)
        s->data_ns = seg->time_ns;
    else if (side == TL_SIDE_SERVER)
        s->data_ns = ns_diff(seg->time_ns, s->data_ns);
    else
        s->data_ns = ns_diff(s->data_ns, seg->time_ns);
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

    enum tl_side_index side = tl_side_of(who);
    if (seg->len > 0 && !(seg->flags & TL_RST) && s->data_frame[side] == 0)
        note_first_data(s, side, seg);
    if (s->challenge_pending && s->challenge_by_server == (who == TL_ROLE_SERVER))
        s->challenge_pending = false;           /* its one chance to be the challenge ACK */
    if (!(seg->flags & TL_RST))
        track_sequence(s, me, peer, seg);
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

/* ---- what a packet's explanation needs (tl_detail) ------------------------ */

/* Wireshark's relative numbers (packet-tcp.c): a side's base is its SYN's
 * sequence number, else one below the first sequence number it sent, else
 * one below the first acknowledgment number the peer sent it.  Set once,
 * except that a SYN always sets it (as Wireshark does, checked on
 * linux-rst-synsent: a RST before the SYN-ACK). */
static void track_bases(tl_side *me, tl_side *peer, const tl_segment *seg)
{
    if (!me->base_set || (seg->flags & TL_SYN)) {
        me->base_seq = (seg->flags & TL_SYN) ? seg->seq : seg->seq - 1;
        me->base_set = true;
    }
    if (!peer->base_set && (seg->flags & TL_ACK)) {
        peer->base_seq = seg->ack - 1;
        peer->base_set = true;
    }
}

uint32_t tl_stream_rel_seq(const tl_stream *s, enum tl_side_index side, uint32_t raw)
{
    const tl_side *d = &s->side[side];
    return d->base_set ? raw - d->base_seq : raw;
}

static enum tl_data_kind data_kind(const tl_side *me, const tl_segment *seg)
{
    const uint16_t f = seg->flags;
    if (me->seq_tracked && !(f & (TL_SYN | TL_FIN | TL_RST)) && seg->len <= 1 &&
        seg->seq == me->snd_nxt - 1)
        return TL_DATA_KEEPALIVE;
    if (seg->len == 0)
        return TL_DATA_NONE;
    if (!me->seq_tracked || (f & TL_SYN))
        return TL_DATA_UNTRACKED;
    uint32_t end = seg->seq + seg->len;
    if (!tl_seq_after(end, me->snd_nxt))
        return TL_DATA_REXMIT;
    if (tl_seq_after(me->snd_nxt, seg->seq))
        return TL_DATA_PARTIAL;
    return seg->seq == me->snd_nxt ? TL_DATA_NEW : TL_DATA_AFTER_GAP;
}

static enum tl_ack_kind ack_kind(const tl_side *me, const tl_side *peer, const tl_segment *seg)
{
    const uint16_t f = seg->flags;
    if ((f & (TL_ACK | TL_SYN | TL_RST)) != TL_ACK)
        return TL_ACKK_NONE;
    if (!me->ack_seen && !peer->base_set)
        return TL_ACKK_SAME;    /* mid-stream: this ACK sets the peer's base, acknowledging nothing we saw */
    if (!me->ack_seen || seg->ack != me->rcv_ack)
        return TL_ACKK_NEW;
    bool bare = seg->len == 0 && !(f & TL_FIN);
    if (bare && seg->window != me->last_window)
        return TL_ACKK_WINDOW_UPDATE;
    if (bare && peer->seq_tracked && tl_seq_after(peer->snd_nxt, seg->ack))
        return TL_ACKK_DUP;
    return TL_ACKK_SAME;
}

/* Whether ack covers every payload byte the side sent (its FIN may be left). */
static bool covers_payload(const tl_side *side, uint32_t ack)
{
    return side->seq_tracked && (!tl_seq_after(side->snd_nxt, ack) ||
                                 (side->fin_step && ack == side->fin_seq));
}

/* The detail of seg, from the state before it. */
static tl_detail detail_of(const tl_stream *s, enum tl_role who, const tl_segment *seg)
{
    const tl_side *me = &s->side[tl_side_of(who)];
    const tl_side *peer = &s->side[tl_side_of(peer_of(who))];
    tl_detail d = {
        .seq = seg->seq, .ack = seg->ack, .len = seg->len,
        .flags = seg->flags, .window = seg->window,
        .data_kind = (uint8_t)data_kind(me, seg),
        .ack_kind = (uint8_t)ack_kind(me, peer, seg),
    };
    if (seg->window == 0 && !(seg->flags & (TL_SYN | TL_RST)))
        d.bits |= TL_D_ZERO_WINDOW;
    if (peer->fin_step && acknowledges(seg, peer->fin_seq))
        d.bits |= TL_D_ACKS_FIN;
    d.bits |= (peer->sent_syn || peer->sent_synack ? TL_D_PEER_SYN : 0) |
              (peer->fin_step ? TL_D_PEER_FIN : 0) | (me->fin_step ? TL_D_OWN_FIN : 0) |
              (me->acked_fin && peer->acked_fin ? TL_D_CLOSED : 0) |
              (s->data_frame[tl_side_of(who)] ? TL_D_MORE_DATA : 0) |
              (s->data_frame[tl_side_of(peer_of(who))] ? TL_D_PEER_DATA : 0) |
              (peer->acked_fin ? TL_D_OWN_FIN_ACKED : 0);
    d.prior_phase = (uint8_t)(s->td_seen ? TL_PHASE_TEARDOWN
                              : tl_stream_transfers(s) ? TL_PHASE_TRANSFER
                              : s->hs_seen ? TL_PHASE_HANDSHAKE : TL_PHASE_NONE);
    /* Name the frames only when this ACK covers all the peer sent. */
    if (d.ack_kind == TL_ACKK_NEW && peer->una_frame && covers_payload(peer, seg->ack)) {
        d.acked_first = peer->una_frame;
        d.acked_last = peer->last_data_frame;
    }
    return d;
}

/* The bookkeeping behind detail_of, after the packet: which of this side's
 * frames await acknowledgment, and the window it last advertised. */
static void track_detail(tl_side *me, tl_side *peer, const tl_segment *seg, bool new_data)
{
    track_bases(me, peer, seg);
    if (seg->flags & TL_RST)
        return;
    if (seg->len > 0) {
        if (me->una_frame == 0)
            me->una_frame = seg->frame;
        if (new_data)           /* the frame that carries the highest byte so far */
            me->last_data_frame = seg->frame;
    }
    if (seg->flags & TL_ACK) {
        me->last_window = seg->window;
        if (peer->una_frame && covers_payload(peer, seg->ack))
            peer->una_frame = 0;
    }
}

tl_result tl_stream_update(tl_stream *s, const tl_segment *seg)
{
    return tl_stream_update_detail(s, seg, NULL);
}

tl_result tl_stream_update_detail(tl_stream *s, const tl_segment *seg, tl_detail *d)
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
    if (d)
        *d = detail_of(s, who, seg);
    const tl_side *me = side_of(s, who);
    bool new_data = !me->seq_tracked || tl_seq_after(seg->seq + seg->len, me->snd_nxt);
    update_zeek(s, who, seg);
    advance(s, who, seg, r);
    track_detail(side_of(s, who), side_of(s, peer_of(who)), seg, new_data);
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
    bool client_fin = s->side[TL_SIDE_CLIENT].fin_step != 0;
    bool server_fin = s->side[TL_SIDE_SERVER].fin_step != 0;

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
    if (s->side[TL_SIDE_CLIENT].fin_step == 1)
        return TL_TDI_CLIENT;
    if (s->side[TL_SIDE_SERVER].fin_step == 1)
        return TL_TDI_SERVER;
    return TL_TDI_NONE;
}

bool tl_stream_complete(const tl_stream *s)
{
    return s->hs_seen == 0x7 && s->td_seen == 0xF && !reset_accepted(s);
}

int tl_result_steps(tl_result r, uint8_t out[2])
{
    int n = 0;
    for (uint8_t step = 1; step <= 4 && n < 2; step++)
        if (r.steps & STEP(step))
            out[n++] = step;
    return n;
}

/* ---- the stream summary -------------------------------------------------- */

static tl_maybe_u32 maybe_u32(bool set, uint32_t value)
{
    tl_maybe_u32 m = { set ? value : 0, set };
    return m;
}

static tl_maybe_ns maybe_ns(bool set, int64_t ns)
{
    tl_maybe_ns m = { set ? ns : 0, set };
    return m;
}

static tl_maybe_bool maybe_bool(bool set, bool value)
{
    tl_maybe_bool m = { set && value, set };
    return m;
}

static void summarize_side(const tl_stream *s, enum tl_side_index i, tl_side_summary *out)
{
    const tl_side *side = &s->side[i];
    const tl_options *o = &side->opts;
    bool seen = side->opts_seen;

    out->bytes = side->bytes;
    out->packets = side->packets;
    out->mss = maybe_u32(seen && o->mss != 0, o->mss);
    out->wscale = maybe_u32(seen && o->wscale != TL_WSCALE_ABSENT, o->wscale);
    out->syn_data = maybe_u32(seen, side->syn_data);
    out->sack_perm = maybe_bool(seen, o->sack_perm);
    out->timestamps = maybe_bool(seen, o->timestamps);
    out->tfo = maybe_bool(seen, o->tfo);
    out->first_data_frame = maybe_u32(s->data_frame[i] != 0, s->data_frame[i]);
}

/* Time to first byte: absent unless both sides sent payload and the server's
 * first came after the client's (a server that speaks first has none). */
static tl_maybe_ns ttfb(const tl_stream *s)
{
    uint32_t c = s->data_frame[TL_SIDE_CLIENT], v = s->data_frame[TL_SIDE_SERVER];
    return maybe_ns(c != 0 && v > c, s->data_ns);   /* both set: the difference (note_first_data) */
}

/* RTTs exist once step 3 is seen, and not for a simultaneous open. */
static void summarize_handshake(const tl_stream *s, tl_summary *out)
{
    bool three_way = out->hs_kind == TL_HS_THREE_WAY;
    bool syn = three_way && s->syn_timed, synack = three_way && s->synack_timed;

    /* Three-way implies step 3: hs_ns[] holds step 3's time minus the SYN's
     * and minus the SYN-ACK's (hs_ack_time); their difference is the SYN-ACK's
     * minus the SYN's, exactly (modulo 2^64, as the subtraction was). */
    out->rtt = maybe_ns(syn, s->hs_ns[0]);
    out->server_rtt = maybe_ns(syn && synack, ns_diff(s->hs_ns[0], s->hs_ns[1]));
    out->client_rtt = maybe_ns(synack, s->hs_ns[1]);
    for (int i = 0; i < 3; i++)
        out->hs_frame[i] = maybe_u32((s->hs_seen & STEP(i + 1)) != 0, s->hs_frame[i]);
}

/* Scaling, SACK and timestamps are in effect only when both sides offered them. */
static void summarize_options(const tl_stream *s, tl_summary *out)
{
    const tl_side *c = &s->side[TL_SIDE_CLIENT], *v = &s->side[TL_SIDE_SERVER];
    bool both = c->opts_seen && v->opts_seen;

    out->has_options = c->opts_seen || v->opts_seen;
    out->wscale_on = maybe_bool(both, c->opts.wscale != TL_WSCALE_ABSENT &&
                                      v->opts.wscale != TL_WSCALE_ABSENT);
    out->sack_on = maybe_bool(both, c->opts.sack_perm && v->opts.sack_perm);
    out->ts_on = maybe_bool(both, c->opts.timestamps && v->opts.timestamps);
}

static void summarize_teardown(const tl_stream *s, tl_summary *out)
{
    enum tl_teardown_initiator who = tl_stream_teardown_initiator(s);
    bool closed = s->side[0].acked_fin && s->side[1].acked_fin;

    out->td_initiator = maybe_u32(who != TL_TDI_NONE, who);
    out->td_kind = (uint8_t)tl_stream_teardown_kind(s);
    out->td_duration = maybe_ns(closed, s->td_ns);  /* closed: the difference (advance_ack_and_fin) */
    for (int i = 0; i < 4; i++)
        out->td_frame[i] = maybe_u32((s->td_seen & STEP(i + 1)) != 0, s->td_frame[i]);
}

void tl_stream_summarize(const tl_stream *s, tl_summary *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 2; i++)
        summarize_side(s, (enum tl_side_index)i, &out->side[i]);
    memcpy(out->history, tl_zeek_history(&s->zeek), sizeof out->history);
    out->conn_state = (uint8_t)tl_zeek_conn_state(&s->zeek);
    out->roles_inferred = s->roles_inferred;
    out->complete = tl_stream_complete(s);
    out->hs_kind = (uint8_t)tl_stream_handshake_kind(s);
    summarize_handshake(s, out);
    summarize_options(s, out);
    summarize_teardown(s, out);
    out->has_reset = tl_stream_resets(s) != 0;
    out->reset_kind = maybe_u32(reset_accepted(s), s->reset_kind);
    out->reset_sender = maybe_u32(reset_accepted(s), s->reset_sender);
    out->reset_frame = maybe_u32(reset_accepted(s), s->reset_frame);
    out->resets = tl_stream_resets(s);
    out->resets_ignored = s->resets_rejected;
    for (int p = TL_PHASE_HANDSHAKE; p <= TL_PHASE_RESET; p++)
        out->phase_packets[p - 1] = s->phase_packets[p];
    out->packets = s->side[0].packets + s->side[1].packets;
    out->first_frame = s->first_frame;
    out->last_frame = s->last_frame;
    out->duration_ns = ns_diff(s->last_time_ns, s->first_time_ns);
    out->ttfb = ttfb(s);
}

/* ---- expert information ----------------------------------------------------
 * The one place that decides which packets carry which expert item; every
 * render mode and docs/LIFECYCLE.md "Expert information" follow it. */
unsigned tl_result_experts(tl_result r, const tl_stream *s)
{
    bool rexmit = (r.flags & TL_R_RETRANSMISSION) != 0;
    unsigned e = 0;

    if (tl_result_reset_verdict(r) == TL_RV_IGNORED)
        e |= TL_EXPERT_RESET_IGNORED;
    else if (tl_result_reset_verdict(r) == TL_RV_CHALLENGED)
        e |= TL_EXPERT_RESET_CHALLENGED;
    else if (r.phase == TL_PHASE_RESET && tl_result_reset_kind(r) == TL_RK_REFUSED)
        e |= TL_EXPERT_REFUSED;
    else if (r.phase == TL_PHASE_RESET && tl_result_reset_kind(r) == TL_RK_ABORT)
        e |= TL_EXPERT_ABORTED;
    if (rexmit && r.phase == TL_PHASE_HANDSHAKE && (r.steps & STEP(1)))
        e |= TL_EXPERT_SYN_REXMIT;
    else if (rexmit && r.phase == TL_PHASE_HANDSHAKE && (r.steps & STEP(2)))
        e |= TL_EXPERT_SYNACK_REXMIT;
    if (rexmit && r.phase == TL_PHASE_TEARDOWN)
        e |= TL_EXPERT_FIN_REXMIT;
    if ((r.flags & TL_R_DATA_AFTER_FIN))
        e |= TL_EXPERT_DATA_AFTER_FIN;
    if ((r.flags & TL_R_STREAM_START) && s->roles_inferred)
        e |= TL_EXPERT_MIDSTREAM;
    return e;
}
