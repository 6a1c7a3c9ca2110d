/* test_core.c - the lifecycle rules of LIFECYCLE.md, one test per rule and edge.
 *
 * Every expected value is the contract applied by hand to the segments fed;
 * comments name the rule that decides it.
 */
#include <glib.h>

#include "segments.h"

#define H TL_PHASE_HANDSHAKE
#define X TL_PHASE_TRANSFER
#define T TL_PHASE_TEARDOWN
#define R TL_PHASE_RESET
#define C TL_ROLE_CLIENT
#define V TL_ROLE_SERVER

/* Checks phase, sender and the label, which spells steps and retransmission. */
static void expect(tl_result r, int phase, int sender, const char *label)
{
    g_assert_cmpint(r.phase, ==, phase);
    g_assert_cmpint(r.sender, ==, sender);
    g_assert_cmpstr(trace_label(r), ==, label);
}

/* A normal open: client ISN 1000, server ISN 5000. */
static void open_connection(trace *t)
{
    expect(trace_feed(t, 'c', "S", 1000, 0, 0), H, C, "Handshake 1/3 (SYN)");
    expect(trace_feed(t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK)");
}

/* The contract's seed table, raw numbers from seed-trace.txt. */
static void test_seed_trace(void)
{
    trace t;
    trace_init(&t);
    t.client_port = 60592;
    const uint32_t c = 4130871516u, s = 528643112u;
    expect(trace_feed(&t, 'c', "S", c, 0, 0), H, C, "Handshake 1/3 (SYN)");
    expect(trace_feed(&t, 's', "S.", s, c + 1, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 'c', ".", c + 1, s + 1, 0), H, C, "Handshake 3/3 (ACK)");
    expect(trace_feed(&t, 'c', "P.", c + 1, s + 1, 172), X, C, "Transfer #1");
    expect(trace_feed(&t, 's', ".", s + 1, c + 173, 0), X, V, "Transfer #2");
    expect(trace_feed(&t, 's', ".", s + 1, c + 173, 1460), X, V, "Transfer #3");
    expect(trace_feed(&t, 'c', ".", c + 173, s + 1461, 0), X, C, "Transfer #4");
    expect(trace_feed(&t, 's', "P.", s + 1461, c + 173, 1321), X, V, "Transfer #5");
    expect(trace_feed(&t, 'c', ".", c + 173, s + 2782, 0), X, C, "Transfer #6");
    expect(trace_feed(&t, 'c', "F.", c + 173, s + 2782, 0), T, C, "Teardown 1/4 (FIN from client)");
    expect(trace_feed(&t, 's', ".", s + 2782, c + 174, 0), T, V, "Teardown 2/4 (ACK)");
    expect(trace_feed(&t, 's', "FP.", s + 2782, c + 174, 0), T, V, "Teardown 3/4 (FIN from server)");
    expect(trace_feed(&t, 'c', ".", c + 174, s + 2783, 0), T, C, "Teardown 4/4 (ACK)");

    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_THREE_WAY);
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_FOUR_WAY);
    g_assert_cmpint(tl_stream_teardown_initiator(&t.s), ==, TL_TDI_CLIENT);
    g_assert_true(tl_stream_complete(&t.s));
    g_assert_false(t.s.roles_inferred);
    /* Handshake RTT: frame 1 to frame 3, 2 ms apart in this trace. */
    tl_summary sum;
    tl_stream_summarize(&t.s, &sum);
    g_assert_true(sum.rtt.set);
    g_assert_cmpint(sum.rtt.ns, ==, 2000000);
    g_assert_cmpuint(t.s.side[0].bytes, ==, 172);
    g_assert_cmpuint(t.s.side[1].bytes, ==, 2781);
    g_assert_cmpuint(t.s.phase_packets[TL_PHASE_TRANSFER], ==, 6);
    g_assert_cmpuint(t.s.td_frame[0], ==, 10);
    g_assert_cmpuint(t.s.td_frame[3], ==, 13);
}

/* Rule 1: a RST is a reset whatever else it carries; kinds per RST. */
static void test_rule1_refused(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    tl_result r = trace_feed(&t, 's', "R.", 0, 1001, 0);
    expect(r, R, V, "Reset (connection refused)");
    g_assert_cmpint(tl_result_reset_kind(r), ==, TL_RK_REFUSED);
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_REFUSED);
    g_assert_cmpint(t.s.reset_sender, ==, TL_ROLE_SERVER);
    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_INCOMPLETE);
    g_assert_false(tl_stream_complete(&t.s));
}

static void test_rule1_scan_abort(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    /* The client received a SYN-ACK, not a SYN: its RST is an abort. */
    expect(trace_feed(&t, 'c', "R", 1001, 0, 0), R, C, "Reset (connection aborted)");
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_ABORT);
}

static void test_rule1_server_rst_after_synack_is_refused(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    /* The server received the SYN and step 3 was not seen yet. */
    expect(trace_feed(&t, 's', "R", 5001, 0, 0), R, V, "Reset (connection refused)");
}

static void test_rule1_after_close_and_ordinals(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    expect(trace_feed(&t, 's', "R.", 5001, 1002, 0), R, V, "Reset (after close)");
    expect(trace_feed(&t, 's', "R", 5001, 0, 0), R, V, "Reset #2 (after close)");
    g_assert_cmpint(tl_stream_resets(&t.s), ==, 2);
    /* One FIN, then a RST before the second FIN. */
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_RESET);
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_AFTER_CLOSE);
}

static void test_rule1_abort_established(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "P.", 1001, 5001, 10);
    expect(trace_feed(&t, 'c', "R.", 1011, 5001, 0), R, C, "Reset (connection aborted)");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_NONE);
    g_assert_cmpint(tl_stream_teardown_initiator(&t.s), ==, TL_TDI_NONE);
}

/* Rule 1 before rule 2 and 3: odd flag combinations. */
static void test_rule1_beats_syn_and_fin(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    g_assert_cmpint(trace_feed(&t, 's', "SR.", 5000, 1001, 0).phase, ==, R);
    g_assert_cmpint(trace_feed(&t, 's', "FR.", 5000, 1001, 0).phase, ==, R);
}

/* Rule 2: SYN and SYN-ACK; repeats are retransmissions of the same step. */
static void test_rule2_retransmissions(void)
{
    trace t;
    trace_init(&t);
    expect(trace_feed(&t, 'c', "S", 1000, 0, 0), H, C, "Handshake 1/3 (SYN)");
    expect(trace_feed(&t, 'c', "S", 1000, 0, 0), H, C, "Handshake 1/3 (SYN, retransmission)");
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK, retransmission)");
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK)");
    /* RTT from the last SYN (frame 2) to step 3 (frame 5). */
    tl_summary sum;
    tl_stream_summarize(&t.s, &sum);
    g_assert_true(sum.rtt.set);
    g_assert_cmpint(sum.rtt.ns, ==, 3000000);
    g_assert_cmpint(t.s.hs_frame[0], ==, 1);
}

static void test_rule2_syn_fin_is_handshake(void)
{
    trace t;
    trace_init(&t);
    expect(trace_feed(&t, 'c', "SF", 1000, 0, 0), H, C, "Handshake 1/3 (SYN)");
}

/* Rule 4: only the first non-SYN packet acking the latest SYN-ACK. */
static void test_rule4_handshake_ack(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), X, C, "Transfer #1");
}

static void test_rule4_ack_of_repeated_synack(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    /* The handshake ACK was lost: the server repeats its SYN-ACK, the client
     * acknowledges the new most recent SYN-ACK again: step 3, repeated. */
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK, retransmission)");
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK, retransmission)");
    expect(trace_feed(&t, 'c', "P.", 1001, 5001, 5), X, C, "Transfer #1");
}

static void test_rule4_ack_that_does_not_ack(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    /* ack == the SYN-ACK's own seq is not "beyond" it. */
    expect(trace_feed(&t, 'c', ".", 1001, 5000, 0), X, C, "Transfer #1");
    /* And a packet without the ACK flag acknowledges nothing. */
    expect(trace_feed(&t, 'c', "P", 1001, 5001, 3), X, C, "Transfer #2");
    expect(trace_feed(&t, 'c', ".", 1004, 5001, 0), H, C, "Handshake 3/3 (ACK)");
}

/* Rule 3 with rule 5 folded in: a FIN that first-acks the peer's FIN. */
static void test_rule3_three_way_close(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    expect(trace_feed(&t, 'c', "F.", 1001, 5001, 0), T, C, "Teardown 1/4 (FIN from client)");
    tl_result r = trace_feed(&t, 's', "F.", 5001, 1002, 0);
    expect(r, T, V, "Teardown 2+3/4 (ACK+FIN)");
    uint8_t steps[2];
    g_assert_cmpint(tl_result_steps(r, steps), ==, 2);
    g_assert_cmpint(steps[0], ==, 2);
    g_assert_cmpint(steps[1], ==, 3);
    expect(trace_feed(&t, 'c', ".", 1002, 5002, 0), T, C, "Teardown 4/4 (ACK)");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_THREE_WAY);
    g_assert_true(tl_stream_complete(&t.s));
}

static void test_rule3_simultaneous_close(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    expect(trace_feed(&t, 'c', "F.", 1001, 5001, 0), T, C, "Teardown 1/4 (FIN from client)");
    /* Sent before the client's FIN arrived: acks only up to 1001. */
    expect(trace_feed(&t, 's', "F.", 5001, 1001, 0), T, V, "Teardown 3/4 (FIN from server)");
    expect(trace_feed(&t, 'c', ".", 1002, 5002, 0), T, C, "Teardown 4/4 (ACK)");
    expect(trace_feed(&t, 's', ".", 5002, 1002, 0), T, V, "Teardown 2/4 (ACK)");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_SIMULTANEOUS);
    g_assert_cmpint(tl_stream_teardown_initiator(&t.s), ==, TL_TDI_BOTH);
    g_assert_true(tl_stream_complete(&t.s));
}

static void test_rule3_fin_retransmissions(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    expect(trace_feed(&t, 'c', "F.", 1001, 5001, 0), T, C, "Teardown 1/4 (FIN from client, retransmission)");
    /* Simultaneous close, then the client repeats its FIN, now acking the
     * server's FIN for the first time: steps 1 and 4. */
    trace_feed(&t, 's', "F.", 5001, 1001, 0);
    expect(trace_feed(&t, 'c', "F.", 1001, 5002, 0), T, C, "Teardown 1+4/4 (FIN+ACK, retransmission)");
}

static void test_rule3_repeated_fin_carrying_step2(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    trace_feed(&t, 's', "F.", 5001, 1001, 0);          /* 3, crossing */
    /* The server repeats its FIN, now acking the client's: steps 2 and 3. */
    expect(trace_feed(&t, 's', "F.", 5001, 1002, 0), T, V, "Teardown 2+3/4 (ACK+FIN, retransmission)");
}

/* Rule 5 and 6: the first ACK of each FIN, then "after close". */
static void test_rule6_after_close(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    trace_feed(&t, 's', ".", 5001, 1002, 0);
    trace_feed(&t, 's', "F.", 5001, 1002, 0);
    trace_feed(&t, 'c', ".", 1002, 5002, 0);
    tl_result r = trace_feed(&t, 'c', ".", 1002, 5002, 0);
    expect(r, T, C, "Teardown (after close)");
    g_assert_cmpint(r.steps, ==, 0);
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_FOUR_WAY);
    /* A late RST keeps the close's kind. */
    expect(trace_feed(&t, 's', "R", 5002, 0, 0), R, V, "Reset (after close)");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_FOUR_WAY);
    g_assert_false(tl_stream_complete(&t.s));
}

/* Rule 7 in a half-closed connection, and data after one's own FIN. */
static void test_rule7_half_close(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    expect(trace_feed(&t, 's', ".", 5001, 1002, 0), T, V, "Teardown 2/4 (ACK)");
    expect(trace_feed(&t, 's', "P.", 5001, 1002, 100), X, V, "Transfer #1");
    /* Not a first FIN ack: the server has sent no FIN. */
    expect(trace_feed(&t, 'c', ".", 1002, 5101, 0), X, C, "Transfer #2");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_HALF_CLOSED);
    tl_result r = trace_feed(&t, 'c', "P.", 1002, 5101, 7);
    g_assert_true(r.flags & TL_R_DATA_AFTER_FIN);
    /* A repeated FIN carrying the same data is not "data after FIN". */
    r = trace_feed(&t, 'c', "F.", 1001, 5101, 0);
    g_assert_false(r.flags & TL_R_DATA_AFTER_FIN);
}

static void test_simultaneous_open(void)
{
    trace t;
    trace_init(&t);
    expect(trace_feed(&t, 'c', "S", 1000, 0, 0), H, C, "Handshake 1/3 (SYN)");
    expect(trace_feed(&t, 's', "S", 5000, 0, 0), H, V, "Handshake 1/3 (SYN)");
    expect(trace_feed(&t, 'c', "S.", 1000, 5001, 0), H, C, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK)");
    expect(trace_feed(&t, 's', ".", 5001, 1001, 0), H, V, "Handshake 3/3 (ACK)");
    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_SIMULTANEOUS);
}

/* Roles: first packet SYN-ACK, or no SYN at all. */
static void test_roles(void)
{
    trace t;
    trace_init(&t);
    /* The first segment is a SYN-ACK from port 80: its receiver is the client. */
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK)");
    g_assert_false(t.s.roles_inferred);
    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_THREE_WAY);

    /* Mid-stream, first sender on the lower port: it is the server. */
    trace_init(&t);
    tl_result r = trace_feed(&t, 's', "P.", 5000, 1000, 10);
    g_assert_cmpint(r.sender, ==, TL_ROLE_SERVER);
    g_assert_true(r.flags & TL_R_STREAM_START);
    g_assert_true(t.s.roles_inferred);
    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_NOT_SEEN);

    /* Equal ports: the receiver of the first packet is the server. */
    trace_init(&t);
    t.client_port = t.server_port = 5060;
    g_assert_cmpint(trace_feed(&t, 's', ".", 5000, 1000, 0).sender, ==, TL_ROLE_CLIENT);
}

/* Acknowledgment comparisons are modulo 2^32. */
static void test_sequence_wrap(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 0xFFFFFFF0u, 0, 0);
    trace_feed(&t, 's', "S.", 0xFFFFFFFFu, 0xFFFFFFF1u, 0);
    expect(trace_feed(&t, 'c', ".", 0xFFFFFFF1u, 0, 0), H, C, "Handshake 3/3 (ACK)");
    trace_feed(&t, 'c', "P.", 0xFFFFFFF1u, 0, 14);        /* ends at 0xFFFFFFFF */
    expect(trace_feed(&t, 'c', "F.", 0xFFFFFFFFu, 0, 0), T, C, "Teardown 1/4 (FIN from client)");
    /* The FIN sits at 0xFFFFFFFF: ack 0 is beyond it. */
    expect(trace_feed(&t, 's', ".", 0, 0, 0), T, V, "Teardown 2/4 (ACK)");
}

/* ---- reset verdicts (LIFECYCLE.md "Reset verdicts") ----------------------- */

#define ACCEPTED TL_RV_ACCEPTED
#define CHALLENGED TL_RV_CHALLENGED
#define IGNORED TL_RV_IGNORED

/* A RST's verdict and label, and that it leaves the stream's reset facts
 * alone unless accepted. */
static void expect_rst(trace *t, tl_result r, int sender, int verdict, const char *label)
{
    expect(r, R, sender, label);
    g_assert_cmpint(tl_result_reset_verdict(r), ==, verdict);
    if (verdict != ACCEPTED) {
        g_assert_cmpint(tl_result_reset_kind(r), ==, TL_RK_NONE);
        g_assert_cmpuint(tl_result_experts(r, &t->s), ==,
                         verdict == IGNORED ? TL_EXPERT_RESET_IGNORED : TL_EXPERT_RESET_CHALLENGED);
    }
}

/* One segment with a given window and window scale option. */
static tl_result feed_window(trace *t, char dir, const char *flags, uint32_t seq, uint32_t ack,
                             uint32_t len, uint16_t window, uint8_t wscale)
{
    tl_segment seg = trace_segment(t, dir, flags, seq, ack, len);
    seg.window = window;
    seg.opts.wscale = wscale;
    return tl_stream_update(&t->s, &seg);
}

/* RFC 9293 §3.10.7.3: in SYN-SENT only a RST acknowledging the SYN counts. */
static void test_verdict_syn_sent(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    /* ack 2001 is not ISN + 1; no ACK flag at all; ack = ISN, not beyond it. */
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 2001, 0), V, IGNORED,
               "Reset (ignored: not an answer to the SYN)");
    expect_rst(&t, trace_feed(&t, 's', "R", 0, 1001, 0), V, IGNORED,
               "Reset #2 (ignored: not an answer to the SYN)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1000, 0), V, IGNORED,
               "Reset #3 (ignored: not an answer to the SYN)");
    /* The handshake goes on: the client never left SYN-SENT. */
    expect(trace_feed(&t, 's', "S.", 5000, 1001, 0), H, V, "Handshake 2/3 (SYN-ACK)");
    expect(trace_feed(&t, 'c', ".", 1001, 5001, 0), H, C, "Handshake 3/3 (ACK)");
    g_assert_cmpuint(tl_stream_resets(&t.s), ==, 3);
    g_assert_cmpuint(t.s.resets_rejected, ==, 3);
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_NONE);
    g_assert_cmpint(tl_stream_handshake_kind(&t.s), ==, TL_HS_THREE_WAY);
    tl_summary sum;
    tl_stream_summarize(&t.s, &sum);
    g_assert_true(sum.has_reset);
    g_assert_false(sum.reset_kind.set);
    g_assert_false(sum.reset_sender.set);
    g_assert_false(sum.reset_frame.set);
    g_assert_cmpuint(sum.resets, ==, 3);
    g_assert_cmpuint(sum.resets_ignored, ==, 3);
    /* Its connection can still end whole: complete counts accepted RSTs only. */
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    trace_feed(&t, 's', "F.", 5001, 1002, 0);
    trace_feed(&t, 'c', ".", 1002, 5002, 0);
    g_assert_true(tl_stream_complete(&t.s));
}

static void test_verdict_syn_sent_answer(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1001, 0), V, ACCEPTED, "Reset (connection refused)");
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_REFUSED);
    g_assert_cmpuint(t.s.reset_frame, ==, 2);
    /* A SYN carrying 10 bytes (Fast Open): SND.NXT is ISN + 11, and any ack
     * in (ISN, ISN + 11] acknowledges the SYN. */
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 10);
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1012, 0), V, IGNORED,
               "Reset (ignored: not an answer to the SYN)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1011, 0), V, ACCEPTED,
               "Reset #2 (connection refused)");
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 10);
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1001, 0), V, ACCEPTED, "Reset (connection refused)");
}

/* Not sure of SYN-SENT: a SYN repeated with another ISN. */
static void test_verdict_syn_sent_unsure(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 'c', "S", 7000, 0, 0);
    expect_rst(&t, trace_feed(&t, 's', "R.", 0, 1001, 0), V, ACCEPTED, "Reset (connection refused)");
}

/* RFC 5961 §3.2 once synchronized: exact, in the window, outside it. */
static void test_verdict_synchronized(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);   /* windows 1000, no scaling */
    /* The server expects 1001 and advertised 1001 + 1000 (its SYN-ACK). */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1500, 5001, 0), C, CHALLENGED,
               "Reset (challenged: in the window, not exact)");
    /* Its challenge ACK: the receiver's next packet, a bare ACK of RCV.NXT. */
    expect(trace_feed(&t, 's', ".", 5001, 1001, 0), X, V, "Transfer #1 (challenge ACK)");
    expect(trace_feed(&t, 's', ".", 5001, 1001, 0), X, V, "Transfer #2");
    expect_rst(&t, trace_feed(&t, 'c', "R.", 2001, 5001, 0), C, IGNORED,
               "Reset #2 (ignored: outside the window)");       /* the edge itself */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1000, 5001, 0), C, IGNORED,
               "Reset #3 (ignored: outside the window)");       /* below RCV.NXT */
    /* No challenge ACK followed a challenge: data is not one. */
    expect_rst(&t, trace_feed(&t, 'c', "R", 1002, 0, 0), C, CHALLENGED,
               "Reset #4 (challenged: in the window, not exact)");
    expect(trace_feed(&t, 's', "P.", 5001, 1001, 5), X, V, "Transfer #3");
    expect(trace_feed(&t, 'c', ".", 1001, 5006, 0), X, C, "Transfer #4");
    /* Nothing changed: the connection is open, no reset facts. */
    g_assert_cmpuint(tl_stream_resets(&t.s), ==, 4);
    g_assert_cmpuint(t.s.resets_rejected, ==, 4);
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_NONE);
    g_assert_cmpuint(t.s.reset_frame, ==, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001, 5006, 0), C, ACCEPTED,
               "Reset #5 (connection aborted)");
    g_assert_cmpint(t.s.reset_kind, ==, TL_RK_ABORT);
    g_assert_cmpint(t.s.reset_sender, ==, TL_ROLE_CLIENT);
    g_assert_cmpuint(t.s.reset_frame, ==, 12);
    /* After an accepted RST nothing is judged any more. */
    expect_rst(&t, trace_feed(&t, 's', "R", 9999999, 0, 0), V, ACCEPTED,
               "Reset #6 (connection aborted)");
}

/* The server's RST to the client in the other direction, and the bounds
 * when data is in flight: RCV.NXT is anywhere between the receiver's last
 * ACK and the sender's next sequence number. */
static void test_verdict_in_flight(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 's', "P.", 5001, 1001, 300);   /* not yet acknowledged */
    expect_rst(&t, trace_feed(&t, 's', "R.", 5100, 1001, 0), V, ACCEPTED,
               "Reset (connection aborted)");
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 's', "P.", 5001, 1001, 300);
    /* The client's window ends at 5001 + 1000: beyond 5301 it is a challenge. */
    expect_rst(&t, trace_feed(&t, 's', "R.", 5302, 1001, 0), V, CHALLENGED,
               "Reset (challenged: in the window, not exact)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 6001, 1001, 0), V, IGNORED,
               "Reset #2 (ignored: outside the window)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 5000, 1001, 0), V, IGNORED,
               "Reset #3 (ignored: outside the window)");
}

/* Zero window: only the exact number (RFC 9293 §3.10.7.4). */
static void test_verdict_zero_window(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    feed_window(&t, 's', ".", 5001, 1001, 0, 0, TL_WSCALE_ABSENT);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1002, 5001, 0), C, IGNORED,
               "Reset (ignored: outside the window)");
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001, 5001, 0), C, ACCEPTED,
               "Reset #2 (connection aborted)");
}

/* Sequence numbers compare modulo 2^32. */
static void test_verdict_wrap(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 0xFFFFFF00u, 0, 0);
    trace_feed(&t, 's', "S.", 0xFFFFFFF0u, 0xFFFFFF01u, 0);
    trace_feed(&t, 'c', ".", 0xFFFFFF01u, 0xFFFFFFF1u, 0);
    trace_feed(&t, 's', "P.", 0xFFFFFFF1u, 0xFFFFFF01u, 100);   /* ends at 0x55 */
    trace_feed(&t, 'c', ".", 0xFFFFFF01u, 0x55u, 0);            /* window to 0x55 + 1000 */
    expect_rst(&t, trace_feed(&t, 's', "R.", 0x56u, 0xFFFFFF01u, 0), V, CHALLENGED,
               "Reset (challenged: in the window, not exact)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 0x55u + 1000, 0xFFFFFF01u, 0), V, IGNORED,
               "Reset #2 (ignored: outside the window)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 0xFFFFFFF0u, 0xFFFFFF01u, 0), V, IGNORED,
               "Reset #3 (ignored: outside the window)");
    expect_rst(&t, trace_feed(&t, 's', "R.", 0x55u, 0xFFFFFF01u, 0), V, ACCEPTED,
               "Reset #4 (connection aborted)");
}

/* RFC 7323: a window is scaled by its sender's shift when both sides
 * offered the option, never in a SYN or SYN-ACK. */
static void test_verdict_window_scaling(void)
{
    trace t;
    trace_init(&t);
    feed_window(&t, 'c', "S", 1000, 0, 0, 1000, 7);
    feed_window(&t, 's', "S.", 5000, 1001, 0, 1000, 7);
    /* The SYN-ACK's 1000 is not scaled: 1001 + 1000 is beyond its window. */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 2001, 5001, 0), C, IGNORED,
               "Reset (ignored: outside the window)");
    feed_window(&t, 'c', ".", 1001, 5001, 0, 1000, TL_WSCALE_ABSENT);
    feed_window(&t, 's', ".", 5001, 1001, 0, 1000, TL_WSCALE_ABSENT);   /* 1000 << 7 */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001 + 100000, 5001, 0), C, CHALLENGED,
               "Reset #2 (challenged: in the window, not exact)");
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001 + 128000, 5001, 0), C, IGNORED,
               "Reset #3 (ignored: outside the window)");

    /* Only the client offered it: not in effect, the window is 1000. */
    trace_init(&t);
    feed_window(&t, 'c', "S", 1000, 0, 0, 1000, 7);
    feed_window(&t, 's', "S.", 5000, 1001, 0, 1000, TL_WSCALE_ABSENT);
    feed_window(&t, 'c', ".", 1001, 5001, 0, 1000, TL_WSCALE_ABSENT);
    feed_window(&t, 's', ".", 5001, 1001, 0, 1000, TL_WSCALE_ABSENT);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001 + 100000, 5001, 0), C, IGNORED,
               "Reset (ignored: outside the window)");

    /* A shift above 14 counts as 14. */
    trace_init(&t);
    feed_window(&t, 'c', "S", 1000, 0, 0, 1000, 14);
    feed_window(&t, 's', "S.", 5000, 1001, 0, 1000, 20);
    feed_window(&t, 'c', ".", 1001, 5001, 0, 1000, TL_WSCALE_ABSENT);
    feed_window(&t, 's', ".", 5001, 1001, 0, 1, TL_WSCALE_ABSENT);      /* 1 << 14 */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001 + 16383, 5001, 0), C, CHALLENGED,
               "Reset (challenged: in the window, not exact)");
    expect_rst(&t, trace_feed(&t, 'c', "R.", 1001 + 16384, 5001, 0), C, IGNORED,
               "Reset #2 (ignored: outside the window)");
}

/* Not sure, so accepted as before: a capture gap, a stream seen from the
 * middle, a window scale not known, a receiver that sent no ACK yet. */
static void test_verdict_not_sure(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "P.", 1101, 5001, 10);   /* 1001-1100 not captured */
    trace_feed(&t, 's', ".", 5001, 1111, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 900000, 5001, 0), C, ACCEPTED,
               "Reset (connection aborted)");

    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "P.", 1001, 5001, 10);
    trace_feed(&t, 's', ".", 5001, 1021, 0);     /* acks 10 bytes never seen */
    expect_rst(&t, trace_feed(&t, 'c', "R.", 900000, 5001, 0), C, ACCEPTED,
               "Reset (connection aborted)");

    trace_init(&t);
    trace_feed(&t, 'c', ".", 1001, 5001, 10);   /* mid-stream */
    trace_feed(&t, 's', ".", 5001, 1011, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 900000, 5001, 0), C, ACCEPTED,
               "Reset (connection aborted)");

    /* The SYN was not captured: whether scaling is on is unknown. */
    trace_init(&t);
    feed_window(&t, 's', "S.", 5000, 1001, 0, 1000, 7);
    trace_feed(&t, 'c', ".", 1001, 5001, 0);
    trace_feed(&t, 's', ".", 5001, 1001, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R.", 900000, 5001, 0), C, ACCEPTED,
               "Reset (connection aborted)");

    /* In a simultaneous open, a side that sent only its SYN (no ACK yet). */
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S", 5000, 0, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R", 900000, 0, 0), C, ACCEPTED,
               "Reset (connection refused)");
}

/* After the sender's FIN was acknowledged, its own number (RCV.NXT - 1) is
 * what Linux accepts too; after both FINs were acknowledged, no judging. */
static void test_verdict_around_close(void)
{
    trace t;
    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    trace_feed(&t, 's', ".", 5001, 1002, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R", 1001, 0, 0), C, ACCEPTED, "Reset (after close)");

    trace_init(&t);
    open_connection(&t);
    trace_feed(&t, 'c', "F.", 1001, 5001, 0);
    trace_feed(&t, 's', ".", 5001, 1002, 0);
    expect_rst(&t, trace_feed(&t, 'c', "R", 1003, 0, 0), C, CHALLENGED,
               "Reset (challenged: in the window, not exact)");
    g_assert_cmpint(tl_stream_teardown_kind(&t.s), ==, TL_TD_HALF_CLOSED);   /* not "reset" */
    trace_feed(&t, 's', "F.", 5001, 1002, 0);
    trace_feed(&t, 'c', ".", 1002, 5002, 0);
    g_assert_true(tl_stream_complete(&t.s));
    expect_rst(&t, trace_feed(&t, 'c', "R", 77777, 0, 0), C, ACCEPTED, "Reset #2 (after close)");
    g_assert_false(tl_stream_complete(&t.s));
}

static void test_labels(void)
{
    char buf[TL_LABEL_MAX];
    tl_result r = { .phase = TL_PHASE_TEARDOWN, .sender = TL_ROLE_SERVER, .steps = 0x6 };
    g_assert_cmpstr(tl_short_label(r, buf, sizeof buf), ==, "[Teardown 2+3/4]");
    r = (tl_result){ .phase = TL_PHASE_TRANSFER, .ordinal = 4 };
    g_assert_cmpstr(tl_short_label(r, buf, sizeof buf), ==, "[Transfer #4]");
    r = (tl_result){ .phase = TL_PHASE_HANDSHAKE, .steps = 0x2 };
    g_assert_cmpstr(tl_short_label(r, buf, sizeof buf), ==, "[Handshake 2/3]");
    r = (tl_result){ .phase = TL_PHASE_TEARDOWN };
    g_assert_cmpstr(tl_short_label(r, buf, sizeof buf), ==, "[Teardown]");
    r = (tl_result){ .phase = TL_PHASE_RESET, .ordinal = 3 };
    g_assert_cmpstr(tl_short_label(r, buf, sizeof buf), ==, "[Reset #3]");
    /* Small buffers truncate, never overflow. */
    char tiny[6];
    r = (tl_result){ .phase = TL_PHASE_TRANSFER, .ordinal = 123456 };
    g_assert_cmpstr(tl_label(r, tiny, sizeof tiny), ==, "Trans");
}

/* Every flag combination in every state has exactly one phase, steps in
 * range, and retransmission only on SYN, SYN-ACK, handshake ACK or FIN. */
static void test_any_input_has_an_outcome(void)
{
    GRand *rng = g_rand_new_with_seed(20261130);
    for (int stream = 0; stream < 2000; stream++) {
        trace t;
        trace_init(&t);
        for (int i = 0; i < 40; i++) {
            tl_segment seg = trace_segment(&t, g_rand_boolean(rng) ? 'c' : 's', "", 0, 0, 0);
            seg.flags = (uint16_t)g_rand_int_range(rng, 0, 0x100);
            seg.seq = g_rand_int_range(rng, 0, 8) + (g_rand_boolean(rng) ? 0xFFFFFFFCu : 0);
            seg.ack = g_rand_int_range(rng, 0, 8) + (g_rand_boolean(rng) ? 0xFFFFFFFCu : 0);
            seg.len = g_rand_int_range(rng, 0, 3);
            tl_result r = tl_stream_update(&t.s, &seg);
            g_assert_cmpint(r.phase, >=, TL_PHASE_HANDSHAKE);
            g_assert_cmpint(r.phase, <=, TL_PHASE_RESET);
            g_assert_true(r.sender == TL_ROLE_CLIENT || r.sender == TL_ROLE_SERVER);
            if (r.phase == TL_PHASE_HANDSHAKE)
                g_assert_true(r.steps == 1 || r.steps == 2 || r.steps == 4);
            else if (r.phase == TL_PHASE_TEARDOWN)
                g_assert_true(r.steps == 0 || r.steps == 1 || r.steps == 2 || r.steps == 4 ||
                              r.steps == 8 || r.steps == 6 || r.steps == 9);
            else
                g_assert_cmpint(r.steps, ==, 0);
            if (r.flags & TL_R_RETRANSMISSION)
                g_assert_true(r.phase == TL_PHASE_HANDSHAKE || r.phase == TL_PHASE_TEARDOWN);
            g_assert_cmpint((r.phase == TL_PHASE_TRANSFER || r.phase == TL_PHASE_RESET), ==, r.ordinal != 0);
            char buf[TL_LABEL_MAX];
            g_assert_cmpuint(strlen(tl_label(r, buf, sizeof buf)), <, TL_LABEL_MAX - 1);
        }
    }
    g_rand_free(rng);
}

static void test_state_size(void)
{
    /* Per-stream state: "a few hundred bytes" (the Zeek model is most of it). */
    g_assert_cmpuint(sizeof(tl_stream), <=, 600);
    g_assert_cmpuint(sizeof(tl_result), ==, 8);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core/seed-trace", test_seed_trace);
    g_test_add_func("/core/rule1/refused", test_rule1_refused);
    g_test_add_func("/core/rule1/scan-abort", test_rule1_scan_abort);
    g_test_add_func("/core/rule1/server-rst-before-step3", test_rule1_server_rst_after_synack_is_refused);
    g_test_add_func("/core/rule1/after-close", test_rule1_after_close_and_ordinals);
    g_test_add_func("/core/rule1/abort", test_rule1_abort_established);
    g_test_add_func("/core/rule1/beats-syn-fin", test_rule1_beats_syn_and_fin);
    g_test_add_func("/core/rule2/retransmissions", test_rule2_retransmissions);
    g_test_add_func("/core/rule2/syn-fin", test_rule2_syn_fin_is_handshake);
    g_test_add_func("/core/rule4/handshake-ack", test_rule4_handshake_ack);
    g_test_add_func("/core/rule4/repeated-synack", test_rule4_ack_of_repeated_synack);
    g_test_add_func("/core/rule4/not-beyond", test_rule4_ack_that_does_not_ack);
    g_test_add_func("/core/rule3/three-way-close", test_rule3_three_way_close);
    g_test_add_func("/core/rule3/simultaneous-close", test_rule3_simultaneous_close);
    g_test_add_func("/core/rule3/fin-retransmissions", test_rule3_fin_retransmissions);
    g_test_add_func("/core/rule3/repeated-fin-step2", test_rule3_repeated_fin_carrying_step2);
    g_test_add_func("/core/rule6/after-close", test_rule6_after_close);
    g_test_add_func("/core/rule7/half-close", test_rule7_half_close);
    g_test_add_func("/core/simultaneous-open", test_simultaneous_open);
    g_test_add_func("/core/roles", test_roles);
    g_test_add_func("/core/sequence-wrap", test_sequence_wrap);
    g_test_add_func("/core/verdict/syn-sent", test_verdict_syn_sent);
    g_test_add_func("/core/verdict/syn-sent-answer", test_verdict_syn_sent_answer);
    g_test_add_func("/core/verdict/syn-sent-unsure", test_verdict_syn_sent_unsure);
    g_test_add_func("/core/verdict/synchronized", test_verdict_synchronized);
    g_test_add_func("/core/verdict/in-flight", test_verdict_in_flight);
    g_test_add_func("/core/verdict/zero-window", test_verdict_zero_window);
    g_test_add_func("/core/verdict/wrap", test_verdict_wrap);
    g_test_add_func("/core/verdict/window-scaling", test_verdict_window_scaling);
    g_test_add_func("/core/verdict/not-sure", test_verdict_not_sure);
    g_test_add_func("/core/verdict/around-close", test_verdict_around_close);
    g_test_add_func("/core/labels", test_labels);
    g_test_add_func("/core/any-input", test_any_input_has_an_outcome);
    g_test_add_func("/core/state-size", test_state_size);
    return g_test_run();
}
