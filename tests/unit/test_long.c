/* test_long.c - a long-lived stream: exact totals after days, several
 * sequence-number wraps, more than 2^32 bytes and 65,535 packets each way.
 *
 * tl_stream is packed (docs/LIFECYCLE.md "Per-stream memory"): times kept
 * as differences, counts derived, Zeek's letter counters in 30 bits.  This
 * test feeds the core a stream no capture in the corpus has and checks every
 * total of tl_stream_summarize() against values worked out by hand below,
 * so that a narrower field anywhere (a 32-bit byte count, a 16-bit packet
 * count, a 32-bit time delta, a 32-bit relative sequence number in Zeek's
 * model) would show as a wrong number here.
 */
#include <glib.h>

#include "segments.h"

/* 2023-11-14T22:13:20.123456789Z, in ns: odd digits down to the ns, so that
 * any rounding of a time (to us, or through a double) would show. */
#define T0 INT64_C(1700000000123456789)

#define ROUNDS 300000u          /* data segments per side */
#define SEG_LEN 60000u          /* bytes per data segment */
#define DT INT64_C(1000000007)  /* between data packets: 1 s and 7 ns */

typedef struct feeder {
    tl_stream s;
    uint32_t  frame;
} feeder;

/* One segment from the client ('c') or the server ('s') at time t. */
static tl_result feed(feeder *f, char dir, const char *flags, uint32_t seq, uint32_t ack,
                      uint32_t len, int64_t t)
{
    tl_segment seg = {
        .time_ns = t,
        .frame = ++f->frame,
        .seq = seq,
        .ack = ack,
        .len = len,
        .flags = trace_flags(flags),
        .srcport = dir == 'c' ? 40000 : 443,
        .dstport = dir == 'c' ? 443 : 40000,
        .window = 65535,
        .from_first_sender = dir == 'c',   /* the client sends the first segment */
        .opts = { .wscale = TL_WSCALE_ABSENT },
    };
    return tl_stream_update(&f->s, &seg);
}

/* A handshake, ROUNDS exchanges of SEG_LEN bytes each way (the client's
 * segment, then the server's, which acknowledges it; the client's next one
 * acknowledges the server's), and a three-way close.
 *
 * Hand-worked totals:
 *   bytes each way   ROUNDS * SEG_LEN = 300000 * 60000 = 18,000,000,000
 *                    = 4.19 * 2^32; the ISNs are just below 2^32, so the
 *                    first wrap comes within the first segment: each side's
 *                    sequence numbers (and the peer's acks) wrap 5 times,
 *                    (ISN + 18e9) / 2^32 = 5.19.
 *   packets          client: SYN, ACK, ROUNDS data, FIN, last ACK = ROUNDS + 4
 *                    server: SYN-ACK, ROUNDS data, FIN            = ROUNDS + 2
 *   frames           1 .. 2 * ROUNDS + 6
 *   times            SYN at T0, SYN-ACK at T0 + 123,456,789, step 3 at
 *                    T0 + 1,111,111,110; data packet k (0-based, both sides in
 *                    turn) at T0 + 10 s + k * DT; then FIN, FIN-ACK and last
 *                    ACK DT apart: 2 * ROUNDS + 3 packets after the data start,
 *                    (2 * ROUNDS + 2) * DT = 600,002 s and 4,200,014 ns later:
 *                    about 6.9 days.
 */
static void test_long_stream(void)
{
    static feeder f;    /* static: tl_stream is too big to be a habit on the stack */
    memset(&f, 0, sizeof f);
    tl_stream_init(&f.s);

    const uint32_t c0 = 0xFFFFF000u, s0 = 0xFFFF0000u;   /* ISNs close to the wrap */
    const int64_t t_synack = T0 + 123456789, t_ack = T0 + 1111111110;
    const int64_t t_data = T0 + INT64_C(10000000000);
    uint32_t c = c0 + 1, s = s0 + 1;    /* next sequence numbers, modulo 2^32 */
    int64_t t = t_data;

    feed(&f, 'c', "S", c0, 0, 0, T0);
    feed(&f, 's', "S.", s0, c, 0, t_synack);
    feed(&f, 'c', ".", c, s, 0, t_ack);
    for (uint32_t i = 0; i < ROUNDS; i++) {
        tl_result r = feed(&f, 'c', "P.", c, s, SEG_LEN, t);
        g_assert_cmpuint(r.phase, ==, TL_PHASE_TRANSFER);
        c += SEG_LEN;                   /* wraps: uint32_t arithmetic */
        t += DT;
        r = feed(&f, 's', "P.", s, c, SEG_LEN, t);
        g_assert_cmpuint(r.phase, ==, TL_PHASE_TRANSFER);
        s += SEG_LEN;
        t += DT;
    }
    const int64_t t_fin = t;
    feed(&f, 'c', "F.", c, s, 0, t);                   /* step 1 */
    feed(&f, 's', "F.", s, c + 1, 0, t + DT);          /* steps 2 and 3 */
    feed(&f, 'c', ".", c + 1, s + 1, 0, t + 2 * DT);   /* step 4 */
    const int64_t t_last = t + 2 * DT;

    /* The sequence numbers did wrap: 18e9 bytes from just below 2^32. */
    g_assert_cmpuint(c, ==, (uint32_t)(c0 + 1 + UINT64_C(18000000000)));
    g_assert_cmpuint(c, <, c0);

    tl_summary sum;
    tl_stream_summarize(&f.s, &sum);
    const uint64_t bytes = (uint64_t)ROUNDS * SEG_LEN;
    g_assert_cmpuint(bytes, ==, UINT64_C(18000000000));
    g_assert_cmpuint(sum.side[TL_SIDE_CLIENT].bytes, ==, bytes);
    g_assert_cmpuint(sum.side[TL_SIDE_SERVER].bytes, ==, bytes);
    g_assert_cmpuint(sum.side[TL_SIDE_CLIENT].packets, ==, ROUNDS + 4);
    g_assert_cmpuint(sum.side[TL_SIDE_SERVER].packets, ==, ROUNDS + 2);
    g_assert_cmpuint(sum.packets, ==, 2 * ROUNDS + 6);
    g_assert_cmpuint(sum.first_frame, ==, 1);
    g_assert_cmpuint(sum.last_frame, ==, 2 * ROUNDS + 6);

    /* Phases: SYN, SYN-ACK, ACK; every data packet is a transfer; the
     * three closing packets are the teardown. */
    g_assert_cmpuint(sum.phase_packets[0], ==, 3);
    g_assert_cmpuint(sum.phase_packets[1], ==, 2 * ROUNDS);
    g_assert_cmpuint(sum.phase_packets[2], ==, 3);
    g_assert_cmpuint(sum.phase_packets[3], ==, 0);
    g_assert_cmpuint(tl_stream_transfers(&f.s), ==, 2 * ROUNDS);
    g_assert_cmpuint(tl_stream_resets(&f.s), ==, 0);

    /* Durations, to the ns.  duration: T0 to the last ACK, which is
     * 10 s + (2 * ROUNDS + 2) * DT after T0. */
    g_assert_cmpint(t_last - T0, ==, INT64_C(10000000000) + (2 * (int64_t)ROUNDS + 2) * DT);
    g_assert_cmpint(sum.duration_ns, ==, INT64_C(600012004200014));
    g_assert_cmpint(sum.duration_ns, ==, t_last - T0);
    g_assert_true(sum.rtt.set && sum.server_rtt.set && sum.client_rtt.set);
    g_assert_cmpint(sum.rtt.ns, ==, 1111111110);          /* step 3 - SYN */
    g_assert_cmpint(sum.server_rtt.ns, ==, 123456789);    /* SYN-ACK - SYN */
    g_assert_cmpint(sum.client_rtt.ns, ==, 987654321);    /* step 3 - SYN-ACK */
    g_assert_true(sum.td_duration.set);
    g_assert_cmpint(sum.td_duration.ns, ==, 2 * DT);      /* first FIN to the last ACK */
    g_assert_cmpint(t_last - t_fin, ==, 2 * DT);
    g_assert_true(sum.ttfb.set);
    g_assert_cmpint(sum.ttfb.ns, ==, DT);                 /* server's first data - client's */
    g_assert_cmpuint(sum.side[TL_SIDE_CLIENT].first_data_frame.value, ==, 4);
    g_assert_cmpuint(sum.side[TL_SIDE_SERVER].first_data_frame.value, ==, 5);

    /* The lifecycle: complete, three-way open and close, by the client. */
    g_assert_cmpuint(sum.hs_kind, ==, TL_HS_THREE_WAY);
    g_assert_cmpuint(sum.td_kind, ==, TL_TD_THREE_WAY);
    g_assert_true(sum.td_initiator.set);
    g_assert_cmpuint(sum.td_initiator.value, ==, TL_TDI_CLIENT);
    g_assert_true(sum.complete);
    g_assert_cmpuint(sum.td_frame[0].value, ==, 2 * ROUNDS + 4);
    g_assert_cmpuint(sum.td_frame[3].value, ==, 2 * ROUNDS + 6);

    /* Zeek: S (SYN), h (SYN-ACK), A (bare ACK), D and d (data each way),
     * F and f (the FINs); no T (nothing was sent twice) and no G (every byte
     * was seen and acknowledged in order, across all the wraps): a 32-bit
     * relative sequence number in Zeek's model would see the 2^32 jump of
     * every wrap as a gap or a retransmission.  Both closed: SF. */
    g_assert_cmpstr(sum.history, ==, "ShADdFf");
    g_assert_cmpuint(sum.conn_state, ==, TL_CS_SF);
}

/* The same wraps with a hole: one client segment is missing from the
 * capture after the third wrap, and is then retransmitted.  Zeek notes the
 * retransmission (T) and, since the server acknowledges the missing bytes
 * before the capture shows them, one content gap (g... G for the client's
 * direction).  Exact 64-bit relative numbers make it exactly one of each. */
static void test_long_stream_hole(void)
{
    static feeder f;
    memset(&f, 0, sizeof f);
    tl_stream_init(&f.s);

    const uint32_t c0 = 0x7FFFFFFFu, s0 = 1000u;
    const uint32_t rounds = 250000;     /* 15e9 bytes: 3.49 wraps */
    uint32_t c = c0 + 1, s = s0 + 1;
    int64_t t = T0;

    feed(&f, 'c', "S", c0, 0, 0, t += DT);
    feed(&f, 's', "S.", s0, c, 0, t += DT);
    feed(&f, 'c', ".", c, s, 0, t += DT);
    uint32_t hole_seq = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        if (i == rounds - 10)
            hole_seq = c;               /* this segment is not captured */
        else
            feed(&f, 'c', "P.", c, s, SEG_LEN, t += DT);
        c += SEG_LEN;
        feed(&f, 's', ".", s, c, 0, t += DT);   /* acknowledges it all the same */
    }
    feed(&f, 'c', "P.", hole_seq, s, SEG_LEN, t += DT);   /* its retransmission */
    feed(&f, 'c', "F.", c, s, 0, t += DT);
    feed(&f, 's', "F.", s, c + 1, 0, t += DT);
    feed(&f, 'c', ".", c + 1, s + 1, 0, t += DT);

    tl_summary sum;
    tl_stream_summarize(&f.s, &sum);
    /* Sent: every round's segment but one, and that one again. */
    g_assert_cmpuint(sum.side[TL_SIDE_CLIENT].bytes, ==, (uint64_t)rounds * SEG_LEN);
    g_assert_cmpuint(sum.side[TL_SIDE_SERVER].bytes, ==, 0);
    g_assert_cmpuint(sum.side[TL_SIDE_CLIENT].packets, ==, 2 + (rounds - 1) + 1 + 2);
    g_assert_cmpuint(sum.side[TL_SIDE_SERVER].packets, ==, 1 + rounds + 1);
    /* 3 handshake packets, then one packet every DT: t counted them all. */
    g_assert_cmpint(sum.duration_ns, ==, (int64_t)(sum.packets - 1) * DT);
    g_assert_cmpint(sum.duration_ns, ==, INT64_C(500005003500035));
    /* S h A D a (the server's bare ACKs), G (the server acknowledged bytes
     * the capture had not shown), T (the retransmission, below the
     * client's highest sequence number), F f. */
    g_assert_cmpstr(sum.history, ==, "ShADaGTFf");
    g_assert_cmpuint(sum.conn_state, ==, TL_CS_SF);
    g_assert_true(sum.complete);
}

/* Zeek's log-scaled letters (C, T, W, G) come at the 1st, 10th, ...
 * 10^9th occurrence, then every 10^9 (Connection::ScaledHistoryEntry with
 * a uint32 threshold).  The count is kept in 30 bits with a flag for "past
 * the first 10^9" (TL_ZEEK_SCALED_LATE): feeding 10^9 packets takes too long
 * for a unit test, so the counter is set next to the boundaries. */
static void test_scaled_boundary(void)
{
    tl_zeek z;
    tl_zeek_init(&z, true);
    tl_zeek_segment bad = { .seq = 1, .from_client = true, .bad_checksum = true };

    for (int i = 0; i < 100; i++)
        tl_zeek_update(&z, &bad);
    g_assert_cmpstr(tl_zeek_history(&z), ==, "CCC");      /* 1st, 10th, 100th */

    z.ep[0].scaled[0] = 1000000000u - 2;                  /* 999,999,998 seen */
    tl_zeek_update(&z, &bad);
    g_assert_cmpstr(tl_zeek_history(&z), ==, "CCC");
    tl_zeek_update(&z, &bad);                             /* the 10^9th */
    g_assert_cmpstr(tl_zeek_history(&z), ==, "CCCC");
    g_assert_cmpuint(z.ep[0].scaled[0], ==, TL_ZEEK_SCALED_LATE);   /* restarts */
    for (int i = 0; i < 1000; i++)      /* 1st, 10th ... are no longer letters */
        tl_zeek_update(&z, &bad);
    g_assert_cmpstr(tl_zeek_history(&z), ==, "CCCC");
    z.ep[0].scaled[0] = TL_ZEEK_SCALED_LATE | (1000000000u - 1);
    tl_zeek_update(&z, &bad);                             /* the 2 * 10^9th */
    g_assert_cmpstr(tl_zeek_history(&z), ==, "CCCCC");
    g_assert_cmpuint(z.ep[0].scaled[0], ==, TL_ZEEK_SCALED_LATE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/long/stream", test_long_stream);
    g_test_add_func("/long/stream_hole", test_long_stream_hole);
    g_test_add_func("/long/scaled_boundary", test_scaled_boundary);
    return g_test_run();
}
