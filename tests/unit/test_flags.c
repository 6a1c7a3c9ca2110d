/* test_flags.c - every combination of the six classic flags, in every
 * lifecycle state, against the table in docs/robustness.md.
 *
 * The table ("Flag combinations in every state") is the reference: it was
 * written from LIFECYCLE.md's rule order, by hand.  This test reads it and
 *   - checks that, for each state and sender, its flag patterns cover each of
 *     the 64 combinations of SYN ACK FIN RST PSH URG exactly once;
 *   - feeds each combination, alone and with ECE, CWR, ECE+CWR and NS, as the
 *     next packet of that state, and checks the sender and label (which
 *     spell phase, steps, retransmission, ordinal and reset kind), that the
 *     phase is the one of the row's rule, and that ECE/CWR/NS leave the same
 *     stream state as without them.
 * So the table and the code cannot drift apart.
 *
 * States (client port 40000 ISN 1000, server port 80 ISN 5000):
 *   empty            nothing yet
 *   after SYN        c S
 *   after SYN-ACK    c S, s S.
 *   established      c S, s S., c .
 *   after one FIN    established, c F.
 *   after both FINs  after one FIN, s ., s F., c .  (both FINs acknowledged)
 *   after RST        established, c R.
 *   mid-stream       c . with 10 bytes (roles inferred: port 80 is the server)
 * The probe packet has no payload; its sequence number is the sender's next
 * one and its acknowledgment number the peer's next one (it acknowledges
 * everything the peer sent).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segments.h"

#ifndef TCPLIFE_ROBUSTNESS_DOC
#error "TCPLIFE_ROBUSTNESS_DOC: the path of docs/robustness.md"
#endif

#define TABLE_MARKER "<!-- flag-table"

typedef struct state_def {
    const char *name;
    void (*build)(trace *t);
    uint32_t c_next, s_next;   /* the probe's seq / ack */
} state_def;

static void build_empty(trace *t) { (void)t; }

static void build_after_syn(trace *t)
{
    trace_feed(t, 'c', "S", 1000, 0, 0);
}

static void build_after_synack(trace *t)
{
    build_after_syn(t);
    trace_feed(t, 's', "S.", 5000, 1001, 0);
}

static void build_established(trace *t)
{
    build_after_synack(t);
    trace_feed(t, 'c', ".", 1001, 5001, 0);
}

static void build_after_one_fin(trace *t)
{
    build_established(t);
    trace_feed(t, 'c', "F.", 1001, 5001, 0);
}

static void build_after_both_fins(trace *t)
{
    build_after_one_fin(t);
    trace_feed(t, 's', ".", 5001, 1002, 0);
    trace_feed(t, 's', "F.", 5001, 1002, 0);
    trace_feed(t, 'c', ".", 1002, 5002, 0);
}

static void build_after_rst(trace *t)
{
    build_established(t);
    trace_feed(t, 'c', "R.", 1001, 5001, 0);
}

static void build_midstream(trace *t)
{
    trace_feed(t, 'c', ".", 1001, 5001, 10);
}

static const state_def states[] = {
    { "empty", build_empty, 1000, 5000 },
    { "after SYN", build_after_syn, 1001, 5000 },
    { "after SYN-ACK", build_after_synack, 1001, 5001 },
    { "established", build_established, 1001, 5001 },
    { "after one FIN", build_after_one_fin, 1002, 5001 },
    { "after both FINs", build_after_both_fins, 1002, 5002 },
    { "after RST", build_after_rst, 1001, 5001 },
    { "mid-stream", build_midstream, 1011, 5001 },
};
#define NSTATES (sizeof states / sizeof states[0])

/* The six classic flags, in the table's letters. */
static const struct { char letter; uint16_t bit; } classic[6] = {
    { 'S', TL_SYN }, { 'A', TL_ACK }, { 'F', TL_FIN }, { 'R', TL_RST }, { 'P', TL_PSH }, { 'U', TL_URG },
};

static const uint16_t variants[] = { 0, TL_ECE, TL_CWR, TL_ECE | TL_CWR, 0x100 /* NS */ };

typedef struct row {
    const state_def *state;
    char     from;           /* 'c' or 's' */
    uint16_t must_set, must_clear;
    int      rule;
    int      sender;
    char     label[TL_LABEL_MAX];
    char     text[256];      /* the row, for messages */
} row;

static GArray *rows;         /* of row */

static char *strip(char *s)
{
    while (*s == ' ' || *s == '`')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '`' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static uint16_t classic_bit(char letter)
{
    for (int i = 0; i < 6; i++)
        if (classic[i].letter == letter)
            return classic[i].bit;
    return 0;
}

/* "R S !A": R and S set, A clear, the others either way. */
static gboolean parse_pattern(const char *text, uint16_t *set, uint16_t *clear)
{
    *set = *clear = 0;
    gchar **tokens = g_strsplit(text, " ", -1);
    gboolean ok = TRUE;
    for (gchar **tok = tokens; *tok && ok; tok++) {
        if (**tok == '\0')
            continue;
        gboolean neg = (*tok)[0] == '!';
        const char *letter = *tok + (neg ? 1 : 0);
        uint16_t bit = strlen(letter) == 1 ? classic_bit(letter[0]) : 0;
        if (bit == 0 || ((*set | *clear) & bit))
            ok = FALSE;
        else if (neg)
            *clear |= bit;
        else
            *set |= bit;
    }
    g_strfreev(tokens);
    return ok;
}

static const state_def *state_named(const char *name)
{
    for (size_t i = 0; i < NSTATES; i++)
        if (strcmp(states[i].name, name) == 0)
            return &states[i];
    return NULL;
}

static void load_table(void)
{
    gchar *doc = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(TCPLIFE_ROBUSTNESS_DOC, &doc, NULL, &err))
        g_error("cannot read %s: %s", TCPLIFE_ROBUSTNESS_DOC, err->message);
    const char *start = strstr(doc, TABLE_MARKER);
    if (!start)
        g_error("%s has no \"%s\" table", TCPLIFE_ROBUSTNESS_DOC, TABLE_MARKER);

    rows = g_array_new(FALSE, TRUE, sizeof(row));
    gchar **lines = g_strsplit(start, "\n", -1);
    gboolean in_table = FALSE;
    for (gchar **l = lines + 1; *l; l++) {
        if ((*l)[0] != '|') {
            if (in_table)
                break;
            continue;
        }
        in_table = TRUE;
        gchar **cells = g_strsplit(*l, "|", -1);
        /* "| a | b | c | d | e | f |" splits into 8 pieces */
        if (g_strv_length(cells) != 8)
            g_error("flag table line with %u cells: %s", g_strv_length(cells) - 2, *l);
        char *state = strip(cells[1]), *from = strip(cells[2]), *flags = strip(cells[3]);
        char *rule = strip(cells[4]), *sender = strip(cells[5]), *label = strip(cells[6]);
        if (strcmp(state, "state") == 0 || state[0] == '-') {   /* header, separator */
            g_strfreev(cells);
            continue;
        }
        row r = { 0 };
        g_strlcpy(r.text, *l, sizeof r.text);
        r.state = state_named(state);
        if (!r.state)
            g_error("flag table: unknown state \"%s\"", state);
        if (strcmp(from, "c") != 0 && strcmp(from, "s") != 0)
            g_error("flag table: from must be c or s: %s", *l);
        r.from = from[0];
        if (!parse_pattern(flags, &r.must_set, &r.must_clear))
            g_error("flag table: bad flag pattern \"%s\"", flags);
        r.rule = atoi(rule);
        if (r.rule < 1 || r.rule > 7)
            g_error("flag table: rule must be 1..7: %s", *l);
        if (strcmp(sender, "client") == 0)
            r.sender = TL_ROLE_CLIENT;
        else if (strcmp(sender, "server") == 0)
            r.sender = TL_ROLE_SERVER;
        else
            g_error("flag table: sender must be client or server: %s", *l);
        g_strlcpy(r.label, label, sizeof r.label);
        g_array_append_val(rows, r);
        g_strfreev(cells);
    }
    g_strfreev(lines);
    g_free(doc);
    if (rows->len == 0)
        g_error("flag table in %s is empty", TCPLIFE_ROBUSTNESS_DOC);
}

static gboolean matches(const row *r, uint16_t flags)
{
    return (flags & r->must_set) == r->must_set && (flags & r->must_clear) == 0;
}

static uint16_t combination(unsigned i)
{
    uint16_t f = 0;
    for (int b = 0; b < 6; b++)
        if (i & (1u << b))
            f |= classic[b].bit;
    return f;
}

static void flags_str(uint16_t f, char *buf, size_t size)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { TL_SYN, "SYN" }, { TL_ACK, "ACK" }, { TL_FIN, "FIN" }, { TL_RST, "RST" }, { TL_PSH, "PSH" },
        { TL_URG, "URG" }, { TL_ECE, "ECE" }, { TL_CWR, "CWR" }, { 0x100, "NS" },
    };
    buf[0] = '\0';
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (f & names[i].bit) {
            if (buf[0])
                g_strlcat(buf, ",", size);
            g_strlcat(buf, names[i].name, size);
        }
    if (!buf[0])
        g_strlcpy(buf, "none", size);
}

/* What a rule number says about the phase and steps. */
static gboolean rule_agrees(int rule, tl_result r)
{
    switch (rule) {
    case 1: return r.phase == TL_PHASE_RESET;
    case 2: return r.phase == TL_PHASE_HANDSHAKE && (r.steps == 1 || r.steps == 2);
    case 3: return r.phase == TL_PHASE_TEARDOWN && (r.steps & 0x5) != 0;
    case 4: return r.phase == TL_PHASE_HANDSHAKE && r.steps == 4;
    case 5: return r.phase == TL_PHASE_TEARDOWN && (r.steps == 2 || r.steps == 8);
    case 6: return r.phase == TL_PHASE_TEARDOWN && r.steps == 0;
    default: return r.phase == TL_PHASE_TRANSFER;
    }
}

static tl_result probe(const state_def *st, char from, uint16_t flags, tl_stream *after)
{
    trace t;
    trace_init(&t);
    st->build(&t);
    uint32_t seq = from == 'c' ? st->c_next : st->s_next;
    uint32_t ack = from == 'c' ? st->s_next : st->c_next;
    tl_segment seg = trace_segment(&t, from, "", seq, ack, 0);
    seg.flags = flags;
    tl_result r = tl_stream_update(&t.s, &seg);
    memcpy(after, &t.s, sizeof *after);
    return r;
}

/* One state, one sender: the table's rows partition the 64 combinations,
 * and each combination (with each ECN/NS variant) gets the row's outcome. */
static void check_state(gconstpointer data)
{
    const state_def *st = &states[GPOINTER_TO_SIZE(data) / 2];
    char from = GPOINTER_TO_SIZE(data) % 2 ? 's' : 'c';
    unsigned checked = 0, nrows = 0;

    for (unsigned i = 0; i < rows->len; i++) {
        const row *r = &g_array_index(rows, row, i);
        nrows += r->state == st && r->from == from;
    }
    if (nrows == 0)
        g_error("flag table has no rows for state \"%s\" from %c", st->name, from);

    for (unsigned combo = 0; combo < 64; combo++) {
        uint16_t base = combination(combo);
        const row *hit = NULL;
        char fs[64];
        flags_str(base, fs, sizeof fs);
        for (unsigned i = 0; i < rows->len; i++) {
            const row *r = &g_array_index(rows, row, i);
            if (r->state != st || r->from != from || !matches(r, base))
                continue;
            if (hit)
                g_error("state \"%s\" from %c, flags %s: two rows match:\n%s\n%s", st->name, from,
                        fs, hit->text, r->text);
            hit = r;
        }
        if (!hit)
            g_error("state \"%s\" from %c, flags %s: no row of the table matches", st->name, from, fs);

        tl_stream plain_after;
        tl_result plain = probe(st, from, base, &plain_after);
        for (size_t v = 0; v < G_N_ELEMENTS(variants); v++) {
            uint16_t flags = base | variants[v];
            tl_stream after;
            tl_result r = probe(st, from, flags, &after);
            flags_str(flags, fs, sizeof fs);
            const char *label = trace_label(r);
            if (r.sender != hit->sender || strcmp(label, hit->label) != 0 || !rule_agrees(hit->rule, r))
                g_error("state \"%s\" from %c, flags %s: got %s \"%s\" (phase %u, steps 0x%x); "
                        "the table says:\n%s", st->name, from, fs,
                        r.sender == TL_ROLE_CLIENT ? "client" : "server", label, r.phase, r.steps,
                        hit->text);
            if (memcmp(&r, &plain, sizeof r) != 0 || memcmp(&after, &plain_after, sizeof after) != 0)
                g_error("state \"%s\" from %c, flags %s: ECE/CWR/NS changed the outcome or the "
                        "stream state", st->name, from, fs);
            checked++;
        }
    }
    g_assert_cmpuint(checked, ==, 64 * G_N_ELEMENTS(variants));
    if (g_test_verbose())
        g_printerr("%s from %c: %u rows, %u probes\n", st->name, from, nrows, checked);
}

/* Every row is used by some state it names (no dead rows). */
static void check_rows_used(void)
{
    for (unsigned i = 0; i < rows->len; i++) {
        const row *r = &g_array_index(rows, row, i);
        gboolean used = FALSE;
        for (unsigned combo = 0; combo < 64 && !used; combo++)
            used = matches(r, combination(combo));
        if (!used)
            g_error("flag table row matches no combination: %s", r->text);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    load_table();
    g_test_add_func("/flags/table/rows-used", check_rows_used);
    for (size_t i = 0; i < NSTATES; i++)
        for (int from = 0; from < 2; from++) {
            gchar *path = g_strdup_printf("/flags/%s/from-%s", states[i].name,
                                          from ? "server-port" : "client-port");
            for (gchar *c = path; *c; c++)
                if (*c == ' ')
                    *c = '-';
            g_test_add_data_func(path, GSIZE_TO_POINTER(i * 2 + (size_t)from), check_state);
            g_free(path);
        }
    int rc = g_test_run();
    g_array_free(rows, TRUE);
    return rc;
}
