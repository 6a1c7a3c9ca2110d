/* tcplife_explain.c - each packet and each connection explained in words.
 *
 * Which sentence a packet gets is decided here, from its tl_result (what it
 * does in the lifecycle) and its tl_detail (its numbers, and what its
 * sender's sequence tracking saw); the words are the language's table
 * (tcplife_text_*.c).  Numbers are Wireshark's: relative seq/ack
 * (tl_stream_rel_seq) after the handshake, raw ISNs in it.
 */
#include "tcplife_explain.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tcplife_zeek.h"

/* ---- templates --------------------------------------------------------- */

/* Names with their lengths: a placeholder is matched without strlen(). */
#define TL_VAR_NAME(id, name) { name, sizeof(name) - 1 },
static const struct { const char *name; size_t len; } var_names[TL_N_VARS] = { TL_VARS(TL_VAR_NAME) };

static void out_bytes(tl_out *o, const char *s, size_t n)
{
    if (o->size == 0)
        return;
    size_t room = o->size - 1 - o->used;
    if (n > room) {
        n = room;
        /* never end inside a UTF-8 sequence */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        o->size = o->used + n + 1;   /* full: later text would not be a prefix */
    }
    memcpy(o->buf + o->used, s, n);
    o->used += n;
    o->buf[o->used] = '\0';
}

static void out_str(tl_out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

tl_out tl_out_start(char *buf, size_t size)
{
    tl_out o = { buf, size, 0 };
    if (size)
        buf[0] = '\0';
    return o;
}

void tl_out_str(tl_out *o, const char *s)
{
    out_str(o, s);
}

static int var_index(const char *name, size_t n)
{
    for (int i = 0; i < TL_N_VARS; i++)
        if (var_names[i].len == n && memcmp(var_names[i].name, name, n) == 0)
            return i;
    return -1;
}

static void expand_into(tl_out *o, const char *t, const tl_vars *vars)
{
    while (*t) {
        const char *open = strchr(t, '{');
        if (!open) {
            out_str(o, t);
            return;
        }
        out_bytes(o, t, (size_t)(open - t));
        const char *close = strchr(open, '}');
        int v = close ? var_index(open + 1, (size_t)(close - open - 1)) : -1;
        if (v >= 0 && vars && vars->v[v]) {
            if (vars->v[v] == tl_var_number) {
                char digits[24];
                out_bytes(o, digits, tl_u64_digits(vars->u32[v], digits));
            } else {
                out_str(o, vars->v[v]);
            }
            t = close + 1;
        } else {
            out_bytes(o, open, 1);   /* not a variable: keep the brace */
            t = open + 1;
        }
    }
}

const char *tl_expand(enum tl_lang lang, enum tl_msg msg, const tl_vars *vars,
                      char *buf, size_t size)
{
    tl_out o = tl_out_start(buf, size);
    expand_into(&o, tl_text(lang, msg), vars);
    return buf;
}

/* ---- values ------------------------------------------------------------ */

/* Decimal digits of v into buf (at least 21 bytes), NUL-terminated; returns
 * the length.  By hand: the tree formats a dozen numbers per packet, and
 * snprintf costs ten times more. */
size_t tl_u64_digits(uint64_t v, char *buf)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

const char tl_var_number[] = "";

void tl_vars_u32(tl_vars *vars, enum tl_var var, uint32_t value)
{
    vars->u32[var] = value;
    vars->v[var] = tl_var_number;
}

/* 2781 -> "2,781": the story's byte counts. */
void tl_vars_u64_grouped(tl_vars *vars, enum tl_var var, uint64_t value)
{
    char digits[24];
    int n = (int)tl_u64_digits(value, digits);
    char *out = vars->num[var];
    int j = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = '\0';
    vars->v[var] = out;
}

const char *tl_format_ms(int64_t ns, int decimals, char *buf, size_t size)
{
    static const int64_t unit[] = { 1000000, 100000, 10000, 1000 };
    if (decimals < 0 || decimals > 3)
        decimals = 3;
    int64_t per = unit[decimals];
    uint64_t q = (ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns) + (uint64_t)per / 2;
    uint64_t whole = q / 1000000, frac = (q % 1000000) / (uint64_t)per;
    char tmp[48], *p = tmp;
    if (ns < 0)
        *p++ = '-';
    p += tl_u64_digits(whole, p);
    if (decimals > 0) {
        *p++ = '.';
        for (int i = decimals - 1; i >= 0; i--, frac /= 10)
            p[i] = (char)('0' + frac % 10);
        p += decimals;
    }
    *p = '\0';
    tl_out o = tl_out_start(buf, size);
    out_str(&o, tmp);
    return buf;
}

void tl_vars_ms(tl_vars *vars, enum tl_var var, int64_t ns, int decimals)
{
    vars->v[var] = tl_format_ms(ns, decimals, vars->num[var], sizeof vars->num[var]);
}

/* "66.3 ms" below ten seconds, "12.4 s" above: the story's durations. */
const char *tl_format_duration(int64_t ns, char *buf, size_t size)
{
    char n[32];
    tl_out o = tl_out_start(buf, size);
    bool seconds = ns >= INT64_C(10000000000);
    out_str(&o, tl_format_ms(seconds ? ns / 1000 : ns, 1, n, sizeof n));
    out_str(&o, seconds ? " s" : " ms");
    return buf;
}

const char *tl_flags_words(uint16_t flags, char *buf, size_t size)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { TL_SYN, "SYN" }, { TL_FIN, "FIN" }, { TL_RST, "RST" }, { TL_PSH, "PSH" },
        { TL_ACK, "ACK" }, { TL_URG, "URG" }, { TL_ECE, "ECE" }, { TL_CWR, "CWR" },
    };
    tl_out o = tl_out_start(buf, size);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].bit))
            continue;
        if (o.used)
            out_str(&o, "+");
        out_str(&o, names[i].name);
    }
    return buf;
}

static const char *role_word(enum tl_lang lang, unsigned role)
{
    return tl_text(lang, role == TL_ROLE_SERVER ? TL_W_SERVER : TL_W_CLIENT);
}

/* "MSS 1460, SACK, timestamps, window scale 6", or "no options". */
static const char *options_text(enum tl_lang lang, const tl_options *opts, char *buf, size_t size)
{
    tl_out o = tl_out_start(buf, size);
    tl_vars v;
    memset(&v, 0, sizeof v);
    char part[48];
    const char *sep = tl_text(lang, TL_W_LIST_SEP);
    if (opts->mss) {
        tl_vars_u32(&v, TL_V_N, opts->mss);
        out_str(&o, tl_expand(lang, TL_W_MSS, &v, part, sizeof part));
    }
    if (opts->sack_perm)
        out_str(&o, o.used ? sep : ""), out_str(&o, tl_text(lang, TL_W_SACK));
    if (opts->timestamps)
        out_str(&o, o.used ? sep : ""), out_str(&o, tl_text(lang, TL_W_TIMESTAMPS));
    if (opts->wscale != TL_WSCALE_ABSENT) {
        tl_vars_u32(&v, TL_V_N, opts->wscale);
        out_str(&o, o.used ? sep : "");
        out_str(&o, tl_expand(lang, TL_W_WSCALE, &v, part, sizeof part));
    }
    if (opts->tfo)
        out_str(&o, o.used ? sep : ""), out_str(&o, tl_text(lang, TL_W_TFO));
    if (!o.used)
        out_str(&o, tl_text(lang, TL_W_NO_OPTIONS));
    return buf;
}

static const enum tl_msg phase_words[] = {
    [TL_PHASE_NONE] = TL_W_START, [TL_PHASE_HANDSHAKE] = TL_W_HANDSHAKE,
    [TL_PHASE_TRANSFER] = TL_W_TRANSFER, [TL_PHASE_TEARDOWN] = TL_W_TEARDOWN,
    [TL_PHASE_RESET] = TL_W_RESET,
};
static const enum tl_msg teardown_words[] = {
    [TL_TD_NONE] = TL_W_TD_FOUR_WAY, [TL_TD_FOUR_WAY] = TL_W_TD_FOUR_WAY,
    [TL_TD_THREE_WAY] = TL_W_TD_THREE_WAY, [TL_TD_SIMULTANEOUS] = TL_W_TD_SIMULTANEOUS,
    [TL_TD_HALF_CLOSED] = TL_W_TD_HALF_CLOSED, [TL_TD_RESET] = TL_W_TD_RESET,
};
static const enum tl_msg handshake_words[] = {
    [TL_HS_NONE] = TL_W_HS_NOT_SEEN, [TL_HS_THREE_WAY] = TL_W_HS_THREE_WAY,
    [TL_HS_SIMULTANEOUS] = TL_W_HS_SIMULTANEOUS, [TL_HS_INCOMPLETE] = TL_W_HS_INCOMPLETE,
    [TL_HS_NOT_SEEN] = TL_W_HS_NOT_SEEN,
};
static const enum tl_msg reset_words[] = {
    [TL_RK_NONE] = TL_W_RK_ABORT, [TL_RK_REFUSED] = TL_W_RK_REFUSED,
    [TL_RK_ABORT] = TL_W_RK_ABORT, [TL_RK_AFTER_CLOSE] = TL_W_RK_AFTER_CLOSE,
};

#define WORD(table, lang, v) \
    tl_text(lang, (unsigned)(v) < sizeof(table) / sizeof(table[0]) ? table[v] : table[0])

/* ---- one packet ---------------------------------------------------------- */

typedef struct explainer {
    tl_out          out;
    enum tl_lang    lang;
    const tl_stream *s;
    tl_result       r;
    const tl_detail *d;
    tl_vars         v;
    char            opts[96], flags[40];
} explainer;

static void say(explainer *e, enum tl_msg msg)
{
    if (e->out.used)
        out_str(&e->out, tl_text(e->lang, TL_W_SENTENCE_SEP));
    expand_into(&e->out, tl_text(e->lang, msg), &e->v);
}

static void fill_vars(explainer *e)
{
    const tl_detail *d = e->d;
    enum tl_side_index me = tl_side_of((enum tl_role)e->r.sender);
    enum tl_side_index peer = me == TL_SIDE_CLIENT ? TL_SIDE_SERVER : TL_SIDE_CLIENT;
    uint32_t seq = tl_stream_rel_seq(e->s, me, d->seq);
    uint32_t from = seq + ((d->flags & TL_SYN) != 0);     /* a SYN's data begins after it */
    uint32_t ack = tl_stream_rel_seq(e->s, peer, d->ack);
    tl_vars *v = &e->v;

    v->v[TL_V_WHO] = role_word(e->lang, e->r.sender);
    v->v[TL_V_PEER] = role_word(e->lang, e->r.sender == TL_ROLE_SERVER ? TL_ROLE_CLIENT
                                                                      : TL_ROLE_SERVER);
    tl_vars_u32(v, TL_V_ISN, d->seq);
    tl_vars_u32(v, TL_V_ACK_RAW, d->ack);
    /* The peer's ISN: its base once set (the SYN's own number), else what this ACK implies. */
    const tl_side *ps = &e->s->side[peer];
    tl_vars_u32(v, TL_V_PEER_ISN, ps->base_set && (ps->sent_syn || ps->sent_synack) ? ps->base_seq
                                                                                : d->ack - 1);
    tl_vars_u32(v, TL_V_SEQ, seq);
    tl_vars_u32(v, TL_V_ACK, ack);
    tl_vars_u32(v, TL_V_LAST, ack - 1);
    tl_vars_u32(v, TL_V_LEN, d->len);
    tl_vars_u32(v, TL_V_FROM, from);
    tl_vars_u32(v, TL_V_TO, from + d->len - 1);
    tl_vars_u32(v, TL_V_WIN, d->window);
    tl_vars_u32(v, TL_V_FIRST_FRAME, d->acked_first);
    tl_vars_u32(v, TL_V_LAST_FRAME, d->acked_last);
    v->v[TL_V_FLAGS] = tl_flags_words(d->flags, e->flags, sizeof e->flags);
    if (!e->flags[0])
        v->v[TL_V_FLAGS] = "none";
    v->v[TL_V_PHASE] = WORD(phase_words, e->lang, d->prior_phase);
}

/* What this side's first SYN or SYN-ACK offered: only the handshake says it. */
static void fill_options(explainer *e)
{
    const tl_side *side = &e->s->side[tl_side_of((enum tl_role)e->r.sender)];
    tl_options none = { .wscale = TL_WSCALE_ABSENT };
    e->v.v[TL_V_OPTS] = options_text(e->lang, side->opts_seen ? &side->opts : &none,
                                     e->opts, sizeof e->opts);
}

static bool explain_payload(explainer *e);

/* A SYN-ACK acknowledges the SYN, and any data the SYN carried (Fast Open). */
static void synack(explainer *e, bool rexmit)
{
    const tl_side *peer = &e->s->side[e->r.sender == TL_ROLE_SERVER ? TL_SIDE_CLIENT : TL_SIDE_SERVER];
    uint32_t data = peer->base_set ? e->d->ack - peer->base_seq - 1 : 0;
    if (rexmit) {
        say(e, TL_P_SYNACK_REXMIT);
    } else if (data > 0 && data == peer->syn_data) {
        tl_vars_u32(&e->v, TL_V_N, data);
        say(e, TL_P_SYNACK_DATA);
    } else {
        say(e, TL_P_SYNACK);
    }
}

static void explain_handshake(explainer *e, const tl_summary *sum)
{
    bool rexmit = (e->r.flags & TL_R_RETRANSMISSION) != 0;
    fill_options(e);
    if (e->r.steps & 1u)
        say(e, rexmit ? TL_P_SYN_REXMIT
                      : (e->d->bits & TL_D_PEER_SYN) ? TL_P_SYN_SIMULTANEOUS : TL_P_SYN);
    else if (e->r.steps & 2u)
        synack(e, rexmit);
    if ((e->r.steps & 3u) && e->d->len > 0 && !rexmit)
        say(e, TL_P_SYN_DATA);
    if (!(e->r.steps & 4u))
        return;
    if (rexmit) {
        say(e, TL_P_HS_ACK_REXMIT);
        return;
    }
    if (sum->rtt.set)
        tl_vars_ms(&e->v, TL_V_RTT, sum->rtt.ns, 3);
    say(e, sum->rtt.set ? TL_P_HS_ACK : TL_P_HS_ACK_NO_RTT);
    if (e->d->len > 0)
        explain_payload(e);
}

/* The payload, seen from its sender's sequence tracking; true if said. */
static bool explain_payload(explainer *e)
{
    enum tl_msg msg;
    switch ((enum tl_data_kind)e->d->data_kind) {
    case TL_DATA_NEW:
    case TL_DATA_UNTRACKED:
        msg = (e->d->bits & TL_D_MORE_DATA)   ? TL_P_DATA_MORE
            : (e->d->bits & TL_D_PEER_DATA) ? TL_P_DATA_REPLY : TL_P_DATA;
        break;
    case TL_DATA_REXMIT:     msg = TL_P_DATA_REXMIT; break;
    case TL_DATA_PARTIAL:    msg = TL_P_DATA_PARTIAL; break;
    case TL_DATA_AFTER_GAP:  msg = TL_P_DATA_GAP; break;
    case TL_DATA_KEEPALIVE:  say(e, TL_P_KEEPALIVE); return true;
    default:                 return false;
    }
    say(e, msg);
    if (e->d->flags & TL_PSH)
        say(e, TL_P_PSH);
    return true;
}

/* The acknowledgment; "also" after a payload sentence, where an ACK that
 * acknowledges nothing new goes without saying. */
static void explain_ack(explainer *e, bool also)
{
    const tl_detail *d = e->d;
    switch ((enum tl_ack_kind)d->ack_kind) {
    case TL_ACKK_NEW:
        if (d->acked_first == 0)
            say(e, also ? TL_P_ALSO_ACK_BYTES : TL_P_ACK_BYTES);
        else if (d->acked_first == d->acked_last)
            say(e, also ? TL_P_ALSO_ACK_FRAMES1 : TL_P_ACK_FRAMES1);
        else
            say(e, also ? TL_P_ALSO_ACK_FRAMES : TL_P_ACK_FRAMES);
        break;
    case TL_ACKK_DUP:           say(e, TL_P_DUP_ACK); break;
    case TL_ACKK_WINDOW_UPDATE: say(e, TL_P_WINDOW_UPDATE); break;
    case TL_ACKK_SAME:          if (!also) say(e, TL_P_ACK_SAME); break;
    default:                    break;
    }
}

static void explain_transfer(explainer *e)
{
    const tl_detail *d = e->d;
    explain_ack(e, explain_payload(e));
    if (d->bits & TL_D_ZERO_WINDOW)
        say(e, TL_P_ZERO_WINDOW);
    if ((e->r.flags & TL_R_DATA_AFTER_FIN) && d->data_kind != TL_DATA_KEEPALIVE)
        say(e, TL_P_DATA_AFTER_FIN);
    else if ((d->bits & (TL_D_PEER_FIN | TL_D_OWN_FIN)) == TL_D_PEER_FIN && d->len > 0)
        say(e, TL_P_HALF_OPEN);
    if (e->r.flags & TL_R_CHALLENGE_ACK)
        say(e, TL_P_CHALLENGE_ACK);
}

static void explain_fin(explainer *e)
{
    uint8_t steps = e->r.steps;
    if (e->r.flags & TL_R_RETRANSMISSION)
        say(e, TL_P_FIN_REXMIT);
    else if (steps & 1u)
        say(e, TL_P_FIN1);
    else if (steps & 2u)
        tl_vars_u32(&e->v, TL_V_FIRST_FRAME, e->s->td_frame[0]), say(e, TL_P_ACK_AND_FIN);
    else
        say(e, (e->d->bits & TL_D_ACKS_FIN) ? TL_P_FIN3 : TL_P_FIN_SIMULTANEOUS);
    if (e->d->len > 0 && e->d->data_kind != TL_DATA_REXMIT)
        say(e, TL_P_FIN_DATA);
}

/* The ACK of the FIN of teardown step fin_step + 1 (0: the first FIN, 2:
 * the second): it closes one direction, or the last open one.  Which
 * depends on whether this side's own FIN was acknowledged before. */
static void ack_of_fin(explainer *e, const tl_summary *sum, int fin_step, enum tl_msg usual)
{
    uint16_t bits = e->d->bits;
    bool own_fin = (bits & TL_D_OWN_FIN) != 0, last = own_fin && (bits & TL_D_OWN_FIN_ACKED);
    tl_vars_u32(&e->v, TL_V_FIRST_FRAME, e->s->td_frame[fin_step]);
    e->v.v[TL_V_KIND] = WORD(teardown_words, e->lang, sum->td_kind);
    tl_vars_ms(&e->v, TL_V_DUR, sum->td_duration.set ? sum->td_duration.ns : 0, 3);
    if (usual == TL_P_ACK_FIN3)
        say(e, last ? TL_P_ACK_FIN3 : TL_P_ACK_FIN_ONE_WAY);
    else
        say(e, last ? TL_P_ACK_FIN_LAST : own_fin ? TL_P_ACK_FIN_ONE_WAY : TL_P_ACK_FIN1);
}

static void explain_teardown(explainer *e, const tl_summary *sum)
{
    uint8_t steps = e->r.steps;
    bool fin = (e->d->flags & TL_FIN) != 0;
    if (fin)
        explain_fin(e);
    else if (e->d->bits & TL_D_CLOSED)
        say(e, TL_P_AFTER_CLOSE);
    else if (e->d->len > 0)
        explain_payload(e);
    if ((steps & 2u) && !(fin && !(e->r.flags & TL_R_RETRANSMISSION)))
        ack_of_fin(e, sum, 0, TL_P_ACK_FIN1);
    if (steps & 8u)
        ack_of_fin(e, sum, 2, TL_P_ACK_FIN3);
}

static void explain_reset(explainer *e)
{
    switch (tl_result_reset_why(e->r)) {
    case TL_RW_CHALLENGED:     say(e, TL_P_RST_CHALLENGED); return;
    case TL_RW_OUTSIDE_WINDOW: say(e, TL_P_RST_OUTSIDE); return;
    case TL_RW_NOT_SYN_ANSWER: say(e, TL_P_RST_NOT_SYN_ANSWER); return;
    default:                   break;
    }
    switch (tl_result_reset_kind(e->r)) {
    case TL_RK_REFUSED:     say(e, TL_P_RST_REFUSED); break;
    case TL_RK_AFTER_CLOSE: say(e, TL_P_RST_AFTER_CLOSE); break;
    default:                say(e, TL_P_RST_ABORT); break;
    }
}

const char *tl_explain_packet(const tl_stream *s, tl_result r, const tl_detail *d,
                              enum tl_lang lang, char *buf, size_t size)
{
    explainer e = { .out = { buf, size, 0 }, .lang = lang, .s = s, .r = r, .d = d };
    tl_summary sum;

    if (size)
        buf[0] = '\0';
    /* The summary is for the handshake's RTT and the teardown's kind and
     * time: other packets skip it. */
    if (r.phase == TL_PHASE_HANDSHAKE || r.phase == TL_PHASE_TEARDOWN)
        tl_stream_summarize(s, &sum);
    fill_vars(&e);
    if ((r.flags & TL_R_STREAM_START) && s->roles_inferred)
        say(&e, TL_P_MIDSTREAM);
    switch ((enum tl_phase)r.phase) {
    case TL_PHASE_HANDSHAKE: explain_handshake(&e, &sum); break;
    case TL_PHASE_TRANSFER:  explain_transfer(&e); break;
    case TL_PHASE_TEARDOWN:  explain_teardown(&e, &sum); break;
    case TL_PHASE_RESET:     explain_reset(&e); break;
    default:                 break;
    }
    if (e.out.used == 0)      /* no flag the lifecycle reads, no data: still say what it is */
        say(&e, TL_P_BARE);
    return buf;
}

/* ---- one stream ---------------------------------------------------------- */

typedef struct storyteller {
    tl_out       out;
    int          parts;    /* told so far: separators go between parts */
    enum tl_lang lang;
    tl_vars      v;
    char         hs[64], td[64], dur[32];
} storyteller;

static void tell(storyteller *t, enum tl_msg msg)
{
    if (t->parts++)
        out_str(&t->out, tl_text(t->lang, TL_W_SEP));
    expand_into(&t->out, tl_text(t->lang, msg), &t->v);
}

/* "three-way, RTT 28.8 ms": a kind and, when known, a time. */
static const char *kind_and_time(storyteller *t, enum tl_msg kind, const char *label,
                                 tl_maybe_ns time, char *buf, size_t size)
{
    char ms[32];
    tl_out o = tl_out_start(buf, size);
    out_str(&o, tl_text(t->lang, kind));
    if (time.set) {
        out_str(&o, tl_text(t->lang, TL_W_LIST_SEP));
        out_str(&o, label);
        out_str(&o, tl_format_ms(time.ns, 1, ms, sizeof ms));
        out_str(&o, " ms");
    }
    return buf;
}

static void tell_opening(storyteller *t, const tl_summary *sum)
{
    enum tl_msg kind = handshake_words[sum->hs_kind < sizeof handshake_words /
                                       sizeof handshake_words[0] ? sum->hs_kind : 0];
    t->v.v[TL_V_HS] = kind_and_time(t, kind, "RTT ", sum->rtt, t->hs, sizeof t->hs);
    switch ((enum tl_handshake_kind)sum->hs_kind) {
    case TL_HS_THREE_WAY:    tell(t, TL_S_OPENED); break;
    case TL_HS_SIMULTANEOUS: tell(t, TL_S_OPENED_SIMULTANEOUS); break;
    case TL_HS_INCOMPLETE:   tell(t, TL_S_OPEN_INCOMPLETE); break;
    default:                 tell(t, TL_S_OPEN_NOT_SEEN); break;
    }
}

static void tell_ending(storyteller *t, const tl_summary *sum)
{
    bool said = false;
    if (sum->td_initiator.set) {
        enum tl_msg kind = teardown_words[sum->td_kind < sizeof teardown_words /
                                          sizeof teardown_words[0] ? sum->td_kind : 0];
        t->v.v[TL_V_TD] = kind_and_time(t, kind, "", sum->td_duration, t->td, sizeof t->td);
        t->v.v[TL_V_WHO] = role_word(t->lang, sum->td_initiator.value == TL_TDI_SERVER
                                                  ? TL_ROLE_SERVER : TL_ROLE_CLIENT);
        if (sum->td_kind == TL_TD_HALF_CLOSED)
            tell(t, TL_S_HALF_CLOSED);
        else
            tell(t, sum->td_initiator.value == TL_TDI_BOTH ? TL_S_CLOSED_BOTH : TL_S_CLOSED);
        said = true;
    }
    if (sum->reset_kind.set) {
        t->v.v[TL_V_WHO] = role_word(t->lang, sum->reset_sender.value);
        t->v.v[TL_V_KIND] = WORD(reset_words, t->lang, sum->reset_kind.value);
        tell(t, TL_S_RESET);
        said = true;
    }
    if (!said)
        tell(t, TL_S_OPEN_AT_END);
}

const char *tl_explain_story(const tl_stream *s, const tl_summary *sum, const char *client,
                             const char *server, enum tl_lang lang, char *buf, size_t size)
{
    storyteller t = { .out = { buf, size, 0 }, .lang = lang };
    (void)s;
    if (size)
        buf[0] = '\0';
    /* Zeek's conn_state is a code, the same in every language. */
    out_str(&t.out, TL_NAME(tl_conn_state_names, sum->conn_state));
    out_str(&t.out, ": ");
    t.v.v[TL_V_CLIENT] = client;
    t.v.v[TL_V_SERVER] = server;
    tell_opening(&t, sum);
    tl_vars_u64_grouped(&t.v, TL_V_SENT, sum->side[TL_SIDE_CLIENT].bytes);
    tl_vars_u64_grouped(&t.v, TL_V_RECEIVED, sum->side[TL_SIDE_SERVER].bytes);
    tell(&t, TL_S_BYTES);
    tell_ending(&t, sum);
    tl_vars_u32(&t.v, TL_V_PACKETS, sum->packets);
    t.v.v[TL_V_DUR] = tl_format_duration(sum->duration_ns, t.dur, sizeof t.dur);
    tell(&t, sum->packets == 1 ? TL_S_PACKET : TL_S_PACKETS);
    return buf;
}
