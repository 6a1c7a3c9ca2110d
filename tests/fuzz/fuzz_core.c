/* fuzz_core.c - libFuzzer harness over the pure core (plugin/core).
 *
 * Bytes are decoded into TCP segments (format in fuzz_core.h) for up to four
 * streams at once and fed through tl_stream_update() in order.  After every
 * segment the harness checks the contract's invariants (docs/LIFECYCLE.md,
 * tcplife_core.h) and aborts at the first broken one:
 *
 *   - exactly one phase, 1..4; the sender is client or server and follows
 *     from_first and the roles fixed by the stream's first segment;
 *   - steps in range for the phase: handshake exactly one of 1, 2, 3;
 *     teardown one of {1} {2} {3} {4} {2,3} {1,4} or none; transfer and
 *     reset none; tl_result_steps() agrees;
 *   - the rule order: RST -> reset, else SYN -> handshake 1 (2 with ACK),
 *     else FIN -> teardown with the FIN's step 1 or 3, else without ACK only
 *     transfer or "after close";
 *   - retransmission only on handshake and teardown, and exactly when the
 *     side repeats its SYN / SYN-ACK / FIN;
 *   - ordinal set iff transfer or reset, and equal to the count so far + 1;
 *     a verdict on RSTs only; reset kinds 1..3 on accepted RSTs only; a
 *     challenge ACK only on a transfer packet;
 *   - flags other than SYN, ACK, FIN, RST change nothing (the same segment
 *     with PSH/URG/ECE/CWR/NS/reserved cleared gives the same result and the
 *     same state, byte for byte);
 *   - labels (long and short) fit TL_LABEL_MAX, start with their phase, and
 *     truncate safely into smaller buffers;
 *   - conn_state is one of Zeek's 13 strings; history is NUL-terminated
 *     within TL_ZEEK_HISTORY_MAX, uses Zeek's letters, and only grows;
 *   - per-stream bookkeeping: counters add up, steps seen never unset,
 *     roles never change, summary kinds in range;
 *   - replay: a fresh stream fed the same first segments (up to
 *     FUZZ_REPLAY_MAX) reaches the same state, byte for byte.  The plugin
 *     keeps short streams as their segments and rebuilds them so
 *     (tcplife_stream.h): the core must read nothing but its arguments.
 *
 * ASan and UBSan catch the rest.  Built with clang's -fsanitize=fuzzer when
 * available, and always with fuzz_driver.c (a main() that replays files and
 * mutates them for a bounded time) so gcc-only builds run it too.
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_core.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplife_core.h"
#include "tcplife_explain.h"
#include "tcplife_label.h"

#define FAIL(...)                                                     \
    do {                                                              \
        fprintf(stderr, "fuzz_core: invariant broken at segment %zu: ", fz_index); \
        fprintf(stderr, __VA_ARGS__);                                 \
        fputc('\n', stderr);                                          \
        abort();                                                      \
    } while (0)
#define CHECK(cond, ...)            \
    do {                            \
        if (!(cond))                \
            FAIL(__VA_ARGS__);      \
    } while (0)

static size_t fz_index;   /* the segment being checked, for messages */

#define FUZZ_REPLAY_MAX 4

typedef struct slot {
    tl_stream s;
    bool      started;
    uint32_t  next_seq[2];     /* [1] from_first direction, [0] the other */
    int64_t   time_ns;
    uint32_t  fed, transfers, resets;
    uint64_t  bytes[2];        /* by role - 1 */
    uint32_t  packets[2];
    tl_segment kept[FUZZ_REPLAY_MAX];  /* its first segments, for the replay check */
} slot;

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *const phase_words[] = { NULL, "Handshake", "Transfer", "Teardown", "Reset" };
static const char *const short_words[] = { NULL, "[Handshake", "[Transfer", "[Teardown", "[Reset" };

static enum tl_role peer_of(enum tl_role r)
{
    return r == TL_ROLE_CLIENT ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

/* One formatter into buffers of several sizes: never writes past the size,
 * always NUL-terminates, and each result is a prefix of the full label. */
typedef const char *(*label_fn)(tl_result, char *, size_t);

static void check_label(label_fn fn, tl_result r, const char *word, const char *what)
{
    char full[256];
    memset(full, 'x', sizeof full);
    fn(r, full, sizeof full);
    size_t len = strnlen(full, sizeof full);
    CHECK(len < sizeof full, "%s label not NUL-terminated", what);
    CHECK(len < TL_LABEL_MAX, "%s label \"%s\" does not fit TL_LABEL_MAX (%d)", what, full,
          TL_LABEL_MAX);
    CHECK(strncmp(full, word, strlen(word)) == 0, "%s label \"%s\" does not start with \"%s\"",
          what, full, word);

    const size_t sizes[] = { 0, 1, 7, len, len + 1 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char buf[TL_LABEL_MAX + 8];
        size_t n = sizes[i];
        memset(buf, '#', sizeof buf);
        const char *ret = fn(r, buf, n);
        CHECK(ret == buf, "%s label returned another buffer", what);
        for (size_t k = n; k < sizeof buf; k++)
            CHECK(buf[k] == '#', "%s label wrote byte %zu of a %zu-byte buffer", what, k, n);
        if (n == 0)
            continue;
        size_t got = strnlen(buf, n);
        CHECK(got < n, "%s label not NUL-terminated in %zu bytes", what, n);
        CHECK(got == (len < n - 1 ? len : n - 1) && memcmp(buf, full, got) == 0,
              "%s label in %zu bytes is \"%s\", not a prefix of \"%s\"", what, n, buf, full);
    }
}

static void check_history(const char *h, const char *before)
{
    const char *end = memchr(h, '\0', TL_ZEEK_HISTORY_MAX);
    CHECK(end != NULL, "history not NUL-terminated within TL_ZEEK_HISTORY_MAX");
    for (const char *c = h; *c; c++) {
        if (*c == '^')
            CHECK(c == h, "history \"%s\": '^' not first", h);
        else
            CHECK(strchr("SHADFRCGIQTWshadfrcgiqtw", *c) != NULL,
                  "history \"%s\" has letter '%c'", h, *c);
    }
    CHECK(strncmp(h, before, strlen(before)) == 0, "history \"%s\" dropped letters of \"%s\"",
          h, before);
}

static void check_steps(tl_result r)
{
    uint8_t out[2] = { 0, 0 };
    int n = tl_result_steps(r, out);
    int bits = __builtin_popcount(r.steps);

    CHECK((r.steps & ~0x0Fu) == 0, "steps 0x%x beyond 4", r.steps);
    CHECK(n == bits && n <= 2, "tl_result_steps gave %d for steps 0x%x", n, r.steps);
    if (n == 2)
        CHECK(out[0] < out[1], "steps not ascending");
    for (int i = 0; i < n; i++)
        CHECK(r.steps & (1u << (out[i] - 1)), "tl_result_steps gave step %u not in 0x%x",
              out[i], r.steps);

    switch (r.phase) {
    case TL_PHASE_HANDSHAKE:
        CHECK(r.steps == 1 || r.steps == 2 || r.steps == 4, "handshake steps 0x%x", r.steps);
        break;
    case TL_PHASE_TEARDOWN:
        CHECK(r.steps == 0 || r.steps == 1 || r.steps == 2 || r.steps == 4 || r.steps == 8 ||
              r.steps == 0x6 || r.steps == 0x9, "teardown steps 0x%x", r.steps);
        break;
    default:
        CHECK(r.steps == 0, "phase %u with steps 0x%x", r.phase, r.steps);
        break;
    }
}

/* The contract's rule order, on the flags and the state before. */
static void check_rules(const tl_stream *before, const tl_segment *seg, tl_result r)
{
    const uint16_t f = seg->flags;
    const tl_side *me = &before->side[r.sender - 1];
    bool any_fin = before->side[0].fin_step || before->side[1].fin_step;
    bool rexmit = (r.flags & TL_R_RETRANSMISSION) != 0;
    enum tl_reset_kind kind = tl_result_reset_kind(r);
    enum tl_reset_verdict verdict = tl_result_reset_verdict(r);

    if (f & TL_RST) {
        CHECK(r.phase == TL_PHASE_RESET, "RST not a reset (phase %u)", r.phase);
        CHECK(verdict >= TL_RV_ACCEPTED && verdict <= TL_RV_IGNORED, "RST verdict %d", verdict);
        if (verdict == TL_RV_ACCEPTED) {
            CHECK(kind >= TL_RK_REFUSED && kind <= TL_RK_AFTER_CLOSE, "RST with reset kind %d", kind);
            CHECK((kind == TL_RK_AFTER_CLOSE) == any_fin, "RST kind %d with%s FIN before", kind,
                  any_fin ? "" : "out");
        } else {
            CHECK(kind == TL_RK_NONE, "reset kind %d on a RST not accepted", kind);
            CHECK(tl_stream_resets(before) == before->resets_rejected, "RST judged after an accepted one");
        }
    } else {
        CHECK(kind == TL_RK_NONE && verdict == TL_RV_NONE, "reset kind %d / verdict %d on a non-RST",
              kind, verdict);
    }
    if (r.flags & TL_R_CHALLENGE_ACK)
        CHECK(r.phase == TL_PHASE_TRANSFER && seg->len == 0 && (f & TL_ACK),
              "challenge ACK in phase %u", r.phase);
    if (!(f & TL_RST) && (f & TL_SYN)) {
        bool synack = (f & TL_ACK) != 0;
        CHECK(r.phase == TL_PHASE_HANDSHAKE && r.steps == (synack ? 2 : 1),
              "SYN%s: phase %u steps 0x%x", synack ? "-ACK" : "", r.phase, r.steps);
        CHECK(rexmit == (synack ? me->sent_synack : me->sent_syn),
              "SYN retransmission flag %d wrong", rexmit);
    }
    if (!(f & (TL_RST | TL_SYN)) && (f & TL_FIN)) {
        CHECK(r.phase == TL_PHASE_TEARDOWN && (r.steps & 0x5) != 0 && (r.steps & 0x5) != 0x5,
              "FIN: phase %u steps 0x%x", r.phase, r.steps);
        CHECK(rexmit == (me->fin_step != 0), "FIN retransmission flag %d wrong", rexmit);
        if (me->fin_step)
            CHECK(r.steps & (1u << (me->fin_step - 1)), "repeated FIN changed its step");
    }
    if (!(f & (TL_RST | TL_SYN | TL_FIN))) {
        CHECK(r.phase == TL_PHASE_HANDSHAKE || r.phase == TL_PHASE_TEARDOWN ||
              r.phase == TL_PHASE_TRANSFER, "plain segment in phase %u", r.phase);
        if (r.phase == TL_PHASE_HANDSHAKE)
            CHECK(r.steps == 4, "plain segment as handshake step 0x%x", r.steps);
        if (r.phase == TL_PHASE_TEARDOWN)
            CHECK(r.steps == 0 || r.steps == 2 || r.steps == 8, "plain segment teardown 0x%x",
                  r.steps);
        if (!(f & TL_ACK))   /* acknowledges nothing: rules 4 and 5 cannot match */
            CHECK(r.phase == TL_PHASE_TRANSFER || (r.phase == TL_PHASE_TEARDOWN && r.steps == 0),
                  "segment without ACK in phase %u steps 0x%x", r.phase, r.steps);
    }
    if (rexmit)
        CHECK(r.phase == TL_PHASE_HANDSHAKE || r.phase == TL_PHASE_TEARDOWN,
              "retransmission flag in phase %u", r.phase);
    if (r.flags & TL_R_DATA_AFTER_FIN)
        CHECK(me->fin_step != 0 && seg->len > 0, "data after FIN without FIN or data");
}

static void check_stream(const slot *sl, const tl_stream *before, tl_result r, bool first)
{
    const tl_stream *s = &sl->s;

    /* Roles are fixed by the first segment. */
    CHECK(s->first_sender == TL_ROLE_CLIENT || s->first_sender == TL_ROLE_SERVER,
          "first_sender %u", s->first_sender);
    if (!first) {
        CHECK(s->first_sender == before->first_sender, "roles changed");
        CHECK(s->roles_inferred == before->roles_inferred, "roles_inferred changed");
        CHECK((before->hs_seen & ~s->hs_seen) == 0 && (before->td_seen & ~s->td_seen) == 0,
              "a step seen was forgotten");
        for (int i = 0; i < 2; i++)
            CHECK(before->side[i].fin_step == 0 || before->side[i].fin_step == s->side[i].fin_step,
                  "a FIN's step changed");
    }
    CHECK((s->hs_seen & ~0x7u) == 0 && (s->td_seen & ~0xFu) == 0, "steps seen out of range");
    for (int i = 0; i < 3; i++)
        CHECK((s->hs_frame[i] != 0) == ((s->hs_seen >> i) & 1), "handshake frame link %d", i + 1);
    for (int i = 0; i < 4; i++)
        CHECK((s->td_frame[i] != 0) == ((s->td_seen >> i) & 1), "teardown frame link %d", i + 1);
    for (int i = 0; i < 2; i++)
        CHECK(s->side[i].fin_step == 0 || s->side[i].fin_step == 1 || s->side[i].fin_step == 3,
              "fin_step %u", s->side[i].fin_step);

    /* Counters. */
    uint32_t phases = 0;
    for (int p = 0; p < 5; p++)
        phases += s->phase_packets[p];
    CHECK(s->phase_packets[TL_PHASE_NONE] == 0, "packets without phase");
    CHECK(phases == sl->fed && s->side[0].packets + s->side[1].packets == sl->fed,
          "packet counts do not add up");
    CHECK(tl_stream_transfers(s) == sl->transfers,
          "transfer count");
    CHECK(tl_stream_resets(s) == sl->resets, "reset count");
    for (int i = 0; i < 2; i++)
        CHECK(s->side[i].bytes == sl->bytes[i] && s->side[i].packets == sl->packets[i],
              "per-side totals");
    CHECK(s->resets_rejected <= tl_stream_resets(s), "more RSTs rejected than seen");
    CHECK((s->reset_kind != 0) == (tl_stream_resets(s) != s->resets_rejected),
          "stream reset kind without an accepted RST");
    CHECK(s->reset_kind <= TL_RK_AFTER_CLOSE, "stream reset kind %u", s->reset_kind);
    CHECK(tl_stream_resets(s) == s->resets_rejected || s->reset_sender == TL_ROLE_CLIENT || s->reset_sender == TL_ROLE_SERVER,
          "reset sender %u", s->reset_sender);

    /* Summaries. */
    enum tl_handshake_kind hk = tl_stream_handshake_kind(s);
    enum tl_teardown_kind tk = tl_stream_teardown_kind(s);
    enum tl_teardown_initiator ti = tl_stream_teardown_initiator(s);
    bool any_fin = s->side[0].fin_step || s->side[1].fin_step;
    CHECK(hk >= TL_HS_THREE_WAY && hk <= TL_HS_NOT_SEEN, "handshake kind %d", hk);
    CHECK(tk >= TL_TD_NONE && tk <= TL_TD_RESET, "teardown kind %d", tk);
    CHECK(ti >= TL_TDI_NONE && ti <= TL_TDI_BOTH, "teardown initiator %d", ti);
    CHECK((tk == TL_TD_NONE) == !any_fin && (ti == TL_TDI_NONE) == !any_fin,
          "teardown kind %d / initiator %d vs FINs", tk, ti);
    if (tl_stream_complete(s))
        CHECK(tl_stream_resets(s) == s->resets_rejected && s->hs_seen == 0x7 && s->td_seen == 0xF,
              "complete but not whole");

    /* Zeek. */
    enum tl_conn_state cs = tl_zeek_conn_state(&s->zeek);
    CHECK((unsigned)cs < TL_N_CONN_STATES, "conn_state %d", (int)cs);
    check_history(tl_zeek_history(&s->zeek), first ? "" : tl_zeek_history(&before->zeek));
    if (first)
        CHECK((r.flags & TL_R_STREAM_START) != 0, "first segment without STREAM_START");
    else
        CHECK((r.flags & TL_R_STREAM_START) == 0, "STREAM_START on a later segment");
}

static void check_result(const slot *sl, const tl_stream *before, const tl_segment *seg,
                         tl_result r, bool first)
{
    CHECK(r.phase >= TL_PHASE_HANDSHAKE && r.phase <= TL_PHASE_RESET, "phase %u", r.phase);
    enum tl_role first_sender = (enum tl_role)sl->s.first_sender;
    enum tl_role want = seg->from_first_sender ? first_sender : peer_of(first_sender);
    CHECK(r.sender == want, "sender %u, expected %u", r.sender, want);
    CHECK((r.flags & TL_R_CALLER) == 0, "the caller's result flag 0x%x set", r.flags);
    check_steps(r);
    if (r.phase == TL_PHASE_TRANSFER)
        CHECK(r.ordinal == tl_stream_transfers(before) + 1, "transfer ordinal %u after %u", r.ordinal,
              tl_stream_transfers(before));
    else if (r.phase == TL_PHASE_RESET)
        CHECK(r.ordinal == tl_stream_resets(before) + 1, "reset ordinal %u after %u", r.ordinal,
              tl_stream_resets(before));
    else
        CHECK(r.ordinal == 0, "ordinal %u in phase %u", r.ordinal, r.phase);
    check_rules(before, seg, r);
    check_label(tl_label, r, phase_words[r.phase], "long");
    check_label(tl_short_label, r, short_words[r.phase], "short");
    check_stream(sl, before, r, first);
}

/* Every packet and stream can be explained, in every language, into any
 * buffer: the text always ends inside it, and a tiny buffer gets a prefix. */
static void check_explain(const tl_stream *s, tl_result r, const tl_detail *d)
{
    char full[TL_EXPLAIN_MAX], small[7];
    tl_summary sum;
    tl_stream_summarize(s, &sum);
    for (int lang = 0; lang < TL_N_LANGS; lang++) {
        tl_explain_packet(s, r, d, (enum tl_lang)lang, full, sizeof full);
        CHECK(strlen(full) > 0 && strlen(full) < sizeof full, "explanation of %zu bytes",
              strlen(full));
        CHECK(strchr(full, '{') == NULL, "an unfilled placeholder: %s", full);
        tl_explain_packet(s, r, d, (enum tl_lang)lang, small, sizeof small);
        CHECK(strncmp(small, full, strlen(small)) == 0, "a cut explanation is not a prefix");
        tl_explain_story(s, &sum, "a:1", "b:2", (enum tl_lang)lang, full, sizeof full);
        CHECK(strlen(full) < sizeof full && strchr(full, '{') == NULL, "story: %s", full);
    }
}

static void decode(const uint8_t *p, slot *sl, tl_segment *seg)
{
    uint8_t ctl = p[0];
    bool from_first = !sl->started || (ctl & FUZZ_CTL_FROM_FIRST);
    uint16_t flags = rd16(p + 1);
    uint32_t seq = rd32(p + 3), ack = rd32(p + 7);
    uint8_t opt = p[22];

    if (ctl & FUZZ_CTL_SEQ_REL)
        seq += sl->next_seq[from_first];
    if (ctl & FUZZ_CTL_ACK_REL)
        ack += sl->next_seq[!from_first];
    sl->time_ns += (int8_t)p[21] * 1000000LL;

    memset(seg, 0, sizeof *seg);
    seg->time_ns = sl->time_ns;
    seg->seq = seq;
    seg->ack = ack;
    seg->len = rd32(p + 11);
    seg->flags = flags;
    seg->window = rd16(p + 15);
    seg->srcport = rd16(p + 17);
    seg->dstport = rd16(p + 19);
    seg->from_first_sender = from_first;
    seg->bad_checksum = (ctl & FUZZ_CTL_BAD_CHECKSUM) != 0;
    seg->payload_cut = (ctl & FUZZ_CTL_PAYLOAD_CUT) != 0;
    seg->opts.sack_perm = opt & 1;
    seg->opts.timestamps = (opt >> 1) & 1;
    seg->opts.tfo = (opt >> 2) & 1;
    seg->opts.wscale = (opt >> 3) == 31 ? TL_WSCALE_ABSENT : (uint8_t)(opt >> 3);
    seg->opts.mss = rd16(p + 23);
    sl->next_seq[from_first] = seq + seg->len + ((flags & TL_SYN) != 0) + ((flags & TL_FIN) != 0);
}

/* The stream's first segments replayed into a fresh one give its state. */
static void check_replay(slot *sl, const tl_segment *seg)
{
    static tl_stream replayed;

    if (sl->fed > FUZZ_REPLAY_MAX)
        return;
    sl->kept[sl->fed - 1] = *seg;
    tl_stream_init(&replayed);
    for (uint32_t i = 0; i < sl->fed; i++)
        tl_stream_update(&replayed, &sl->kept[i]);
    CHECK(memcmp(&replayed, &sl->s, sizeof replayed) == 0,
          "replaying the stream's first %u segments gave another state", sl->fed);
}

size_t fuzz_core_run(const uint8_t *data, size_t size)
{
    static slot slots[FUZZ_SLOTS];
    static tl_stream before, shadow;
    uint32_t frame = 0;
    size_t n = size / FUZZ_RECORD_SIZE;

    memset(slots, 0, sizeof slots);
    for (fz_index = 0; fz_index < n; fz_index++) {
        const uint8_t *p = data + fz_index * FUZZ_RECORD_SIZE;
        slot *sl = &slots[p[0] & FUZZ_CTL_SLOT];
        if (!sl->started || (p[0] & FUZZ_CTL_NEW_STREAM)) {
            memset(sl, 0, sizeof *sl);
            tl_stream_init(&sl->s);
        }
        bool first = !sl->started;
        tl_segment seg;
        decode(p, sl, &seg);
        seg.frame = ++frame;

        memcpy(&before, &sl->s, sizeof before);
        memcpy(&shadow, &sl->s, sizeof shadow);
        tl_detail d;
        tl_result r = tl_stream_update_detail(&sl->s, &seg, &d);
        sl->started = true;
        check_explain(&sl->s, r, &d);

        /* Only SYN, ACK, FIN and RST matter: the same segment without the
         * others must give the same verdict and the same state. */
        tl_segment bare = seg;
        bare.flags &= TL_SYN | TL_ACK | TL_FIN | TL_RST;
        tl_result rb = tl_stream_update(&shadow, &bare);
        CHECK(memcmp(&r, &rb, sizeof r) == 0,
              "flags 0x%x and 0x%x (PSH/URG/ECE/CWR/NS cleared) classified differently",
              seg.flags, bare.flags);
        CHECK(memcmp(&shadow, &sl->s, sizeof shadow) == 0,
              "flags 0x%x and 0x%x (PSH/URG/ECE/CWR/NS cleared) left different states",
              seg.flags, bare.flags);

        sl->fed++;
        if (r.phase == TL_PHASE_TRANSFER)
            sl->transfers++;
        if (r.phase == TL_PHASE_RESET)
            sl->resets++;
        if (r.sender == TL_ROLE_CLIENT || r.sender == TL_ROLE_SERVER) {
            sl->bytes[r.sender - 1] += seg.len;
            sl->packets[r.sender - 1]++;
        }
        check_result(sl, &before, &seg, r, first);
        check_replay(sl, &seg);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_core_run(data, size);
    return 0;
}
