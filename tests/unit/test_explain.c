/* test_explain.c - the sentence tables and the explainer, without Wireshark.
 *
 * The tables: every message has a template in every language, each names
 * only known variables, and a message names the same variables in every
 * language (a translation that drops or invents a number is caught here).
 * The explainer: the seed's four-way teardown in both languages, output
 * always NUL-terminated and never cut inside a UTF-8 character, and the
 * number formats.
 */
#include <glib.h>
#include <string.h>

#include "segments.h"
#include "tcplife_explain.h"
#include "tcplife_text.h"

#define TL_VAR_NAME(id, name) name,
static const char *const var_names[] = { TL_VARS(TL_VAR_NAME) };

/* The variables a template names, as a bit set; -1 if it names an unknown one. */
static gint64 vars_of(const char *t)
{
    gint64 set = 0;
    for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
        const char *q = strchr(p, '}');
        if (!q)
            return -1;
        gboolean known = FALSE;
        for (unsigned i = 0; i < G_N_ELEMENTS(var_names); i++)
            if (strlen(var_names[i]) == (size_t)(q - p - 1) &&
                strncmp(var_names[i], p + 1, (size_t)(q - p - 1)) == 0) {
                set |= (gint64)1 << i;
                known = TRUE;
            }
        if (!known)
            return -1;
    }
    return set;
}

static void test_tables_complete(void)
{
    for (int lang = 0; lang < TL_N_LANGS; lang++)
        for (int m = 0; m < TL_N_MSGS; m++) {
            const char *t = tl_languages[lang].text[m];
            if (t == NULL)
                g_error("language %s has no text for message %d", tl_languages[lang].code, m);
            if (vars_of(t) < 0)
                g_error("%s message %d names an unknown variable: %s", tl_languages[lang].code, m, t);
            if (vars_of(t) != vars_of(tl_text_en[m]))
                g_error("%s message %d names other variables than English: %s",
                        tl_languages[lang].code, m, t);
        }
    g_assert_cmpint(tl_language_of("zh"), ==, TL_LANG_ZH);
    g_assert_cmpint(tl_language_of("xx"), ==, TL_LANG_EN);
}

/* The seed's teardown (LIFECYCLE.md): client FIN, server ACK, server FIN, client ACK. */
static void seed(trace *t, tl_result r[4], tl_detail d[4])
{
    trace_init(t);
    trace_feed(t, 'c', "S", 4130871516u, 0, 0);
    trace_feed(t, 's', "S.", 528643112u, 4130871517u, 0);
    trace_feed(t, 'c', ".", 4130871517u, 528643113u, 0);
    tl_segment segs[4] = {
        trace_segment(t, 'c', "F.", 4130871517u, 528643113u, 0),
        trace_segment(t, 's', ".", 528643113u, 4130871518u, 0),
        trace_segment(t, 's', "FP.", 528643113u, 4130871518u, 0),
        trace_segment(t, 'c', ".", 4130871518u, 528643114u, 0),
    };
    for (int i = 0; i < 4; i++)
        r[i] = tl_stream_update_detail(&t->s, &segs[i], &d[i]);
}

static void test_seed_teardown(void)
{
    trace t;
    tl_result r[4];
    tl_detail d[4];
    char buf[TL_EXPLAIN_MAX];
    seed(&t, r, d);
    tl_explain_packet(&t.s, r[0], &d[0], TL_LANG_EN, buf, sizeof buf);
    g_assert_nonnull(strstr(buf, "The client sends FIN (FIN+ACK, seq 1)"));
    tl_explain_packet(&t.s, r[1], &d[1], TL_LANG_EN, buf, sizeof buf);
    g_assert_nonnull(strstr(buf, "the client-to-server direction is closed"));
    tl_explain_packet(&t.s, r[3], &d[3], TL_LANG_EN, buf, sizeof buf);
    g_assert_nonnull(strstr(buf, "both directions are closed, by a four-way teardown"));
    tl_explain_packet(&t.s, r[3], &d[3], TL_LANG_ZH, buf, sizeof buf);
    g_assert_nonnull(strstr(buf, "第四次挥手"));
}

/* Any buffer size: NUL-terminated, a prefix of the full text, and whole UTF-8. */
static void test_truncation(void)
{
    trace t;
    tl_result r[4];
    tl_detail d[4];
    char full[TL_EXPLAIN_MAX], small[TL_EXPLAIN_MAX];
    seed(&t, r, d);
    tl_explain_packet(&t.s, r[3], &d[3], TL_LANG_ZH, full, sizeof full);
    for (size_t n = 1; n < strlen(full) + 2; n++) {
        memset(small, 'x', sizeof small);
        tl_explain_packet(&t.s, r[3], &d[3], TL_LANG_ZH, small, n);
        g_assert_cmpuint(strlen(small), <, n);
        g_assert_true(strncmp(small, full, strlen(small)) == 0);
        g_assert_true(g_utf8_validate(small, -1, NULL));
    }
}

static void test_formats(void)
{
    char buf[32];
    tl_vars v;
    memset(&v, 0, sizeof v);
    g_assert_cmpstr(tl_format_ms(28820000, 3, buf, sizeof buf), ==, "28.820");
    g_assert_cmpstr(tl_format_ms(28850000, 1, buf, sizeof buf), ==, "28.9");   /* rounds half up */
    g_assert_cmpstr(tl_format_ms(-1500000, 1, buf, sizeof buf), ==, "-1.5");
    g_assert_cmpstr(tl_format_duration(66300000, buf, sizeof buf), ==, "66.3 ms");
    g_assert_cmpstr(tl_format_duration(12400000000, buf, sizeof buf), ==, "12.4 s");
    tl_vars_u64_grouped(&v, TL_V_SENT, 2781);
    g_assert_cmpstr(v.v[TL_V_SENT], ==, "2,781");
    tl_vars_u64_grouped(&v, TL_V_SENT, 18446744073709551615u);
    g_assert_cmpstr(v.v[TL_V_SENT], ==, "18,446,744,073,709,551,615");
    g_assert_cmpstr(tl_flags_words(TL_FIN | TL_PSH | TL_ACK, buf, sizeof buf), ==, "FIN+PSH+ACK");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/explain/tables_complete", test_tables_complete);
    g_test_add_func("/explain/seed_teardown", test_seed_teardown);
    g_test_add_func("/explain/truncation", test_truncation);
    g_test_add_func("/explain/formats", test_formats);
    return g_test_run();
}
