/* test_zeek.c - Zeek's conn_state and history, on traces worked out by hand
 * with docs/zeek-state.md (and, where named, Zeek's own test baselines). */
#include <glib.h>

#include "segments.h"

static void expect_zeek(const trace *t, const char *state, const char *history)
{
    g_assert_cmpstr(TL_NAME(tl_conn_state_names, tl_zeek_conn_state(&t->s.zeek)), ==, state);
    g_assert_cmpstr(tl_zeek_history(&t->s.zeek), ==, history);
}

/* The contract's seed: SF, ShADadFf (worked in docs/zeek-state.md §6.1). */
static void test_seed(void)
{
    trace t;
    trace_init(&t);
    const uint32_t c = 4130871516u, s = 528643112u;
    trace_feed(&t, 'c', "S", c, 0, 0);
    expect_zeek(&t, "S0", "S");
    trace_feed(&t, 's', "S.", s, c + 1, 0);
    expect_zeek(&t, "S1", "Sh");     /* the SYN-ACK promotes both sides */
    trace_feed(&t, 'c', ".", c + 1, s + 1, 0);
    trace_feed(&t, 'c', "P.", c + 1, s + 1, 172);
    trace_feed(&t, 's', ".", s + 1, c + 173, 0);
    trace_feed(&t, 's', ".", s + 1, c + 173, 1460);
    trace_feed(&t, 'c', ".", c + 173, s + 1461, 0);
    trace_feed(&t, 's', "P.", s + 1461, c + 173, 1321);
    trace_feed(&t, 'c', ".", c + 173, s + 2782, 0);
    trace_feed(&t, 'c', "F.", c + 173, s + 2782, 0);
    expect_zeek(&t, "S2", "ShADadF");
    trace_feed(&t, 's', ".", s + 2782, c + 174, 0);
    trace_feed(&t, 's', "FP.", s + 2782, c + 174, 0);
    trace_feed(&t, 'c', ".", c + 174, s + 2783, 0);
    expect_zeek(&t, "SF", "ShADadFf");
}

/* pop3 baseline: SYN answered by RST-ACK is REJ, history Sr. */
static void test_rejected(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "R.", 0, 1001, 0);
    expect_zeek(&t, "REJ", "Sr");
}

/* Zeek's conn_state-RST-behavior test: SR is RSTOS0, SaFR... is not. */
static void test_rstos0(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 'c', "R", 1001, 0, 0);
    expect_zeek(&t, "RSTOS0", "SR");
}

/* A stream the server began (roles inferred): '^' first, then letters by role. */
static void test_flip_marker(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 's', "P.", 5000, 1000, 10);
    trace_feed(&t, 'c', ".", 1000, 5010, 0);
    expect_zeek(&t, "OTH", "^dA");
}

/* T: data not past the highest end seen, at the 1st and 10th occurrence. */
static void test_retransmission_scale(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    trace_feed(&t, 'c', ".", 1001, 5001, 0);
    trace_feed(&t, 'c', "P.", 1001, 5001, 100);
    for (int i = 0; i < 10; i++)
        trace_feed(&t, 'c', "P.", 1001, 5001, 100);
    expect_zeek(&t, "S1", "ShADTT");
}

/* W: a zero window, not with RST; lower case from the server. */
static void test_zero_window(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    tl_segment seg = trace_segment(&t, 's', ".", 5001, 1001, 0);
    seg.window = 0;
    tl_stream_update(&t.s, &seg);
    expect_zeek(&t, "S1", "Shaw");
}

/* C: a bad checksum is noted and the packet otherwise ignored by Zeek. */
static void test_bad_checksum(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    tl_segment seg = trace_segment(&t, 's', "S.", 5000, 1001, 0);
    seg.bad_checksum = true;
    tl_stream_update(&t.s, &seg);
    expect_zeek(&t, "S0", "Sc");
}

/* Odd flags: SYN+FIN is Q, FIN+RST is I. */
static void test_multi_flag(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "SF", 1000, 0, 0);
    trace_feed(&t, 's', "FR", 5000, 0, 0);
    g_assert_cmpstr(tl_zeek_history(&t.s.zeek), ==, "Qi");
}

/* G: the server acknowledges client bytes the capture never had. */
static void test_gap(void)
{
    trace t;
    trace_init(&t);
    trace_feed(&t, 'c', "S", 1000, 0, 0);
    trace_feed(&t, 's', "S.", 5000, 1001, 0);
    trace_feed(&t, 'c', ".", 1001, 5001, 0);
    /* Client bytes 1001..1100 were never captured; 1101..1200 were. */
    trace_feed(&t, 'c', "P.", 1101, 5001, 100);
    trace_feed(&t, 's', ".", 5001, 1201, 0);
    expect_zeek(&t, "S1", "ShADaG");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/zeek/seed", test_seed);
    g_test_add_func("/zeek/rejected", test_rejected);
    g_test_add_func("/zeek/rstos0", test_rstos0);
    g_test_add_func("/zeek/flip-marker", test_flip_marker);
    g_test_add_func("/zeek/retransmission-scale", test_retransmission_scale);
    g_test_add_func("/zeek/zero-window", test_zero_window);
    g_test_add_func("/zeek/bad-checksum", test_bad_checksum);
    g_test_add_func("/zeek/multi-flag", test_multi_flag);
    g_test_add_func("/zeek/gap", test_gap);
    return g_test_run();
}
