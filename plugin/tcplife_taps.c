/* tcplife_taps.c - the "tcplife" tap and the reports built on it.
 *
 *   tshark -q -z tcplife,streams[,FILTER]          one row per stream, totals per conn_state
 *   tshark -q -z tcplife,ladder[,STREAM...][,all]  a tcpdump-like ladder per stream
 *   Statistics > TCP Lifecycle                     the streams table in the GUI
 *                                                  (tshark: -z tcplife,table[,FILTER])
 *
 * Every report reads the stream summaries (tcplife_stream_at) when it draws.
 * By then the whole file has been dissected once, so each summary is final,
 * in one pass as with -2 or in the GUI.  The ladder also needs each packet's
 * TCP header (flags, seq, ack, len), which the tap carries on the first pass
 * only: with -2 it says so and prints what it has.  docs/reports.md shows
 * the output.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_taps.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/address.h>
#include <epan/address_types.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include "core/tcplife_label.h"

static int tcplife_tap = TCPLIFE_ID_INIT;

#define TCPLIFE_REPORT_RULE \
    "========================================================================"

/* ---- contract names and number formats ---------------------------------- */

#define TCPLIFE_AS_NAME(c_name, number, name) [number] = name,
static const char *const role_names[] = { TL_ROLES(TCPLIFE_AS_NAME) };
static const char *const phase_names[] = { TL_PHASES(TCPLIFE_AS_NAME) };
static const char *const initiator_names[] = { TL_TEARDOWN_INITIATORS(TCPLIFE_AS_NAME) };
static const char *const teardown_kind_names[] = { TL_TEARDOWN_KINDS(TCPLIFE_AS_NAME) };
static const char *const reset_kind_names[] = { TL_RESET_KINDS(TCPLIFE_AS_NAME) };

static const char *name_of(const char *const names[], size_t n, unsigned value)
{
    return value < n && names[value] ? names[value] : "?";
}
#define NAME_OF(names, value) name_of(names, array_length(names), (unsigned)(value))

/* Zeek's conn_state values in the contract's order: the totals follow it. */
static const char *const conn_states[] = {
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
};

/* ns in units of unit_us microseconds with `decimals` digits, rounded to the
 * microsecond: "28.820" (ms), "0.066336" (s).  Integer arithmetic, so the
 * same capture prints the same digits everywhere. */
static char *format_us(wmem_allocator_t *pool, int64_t ns, uint64_t unit_us, int decimals)
{
    uint64_t mag = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = (mag + 500) / 1000;
    return wmem_strdup_printf(pool, "%s%" PRIu64 ".%0*" PRIu64, ns < 0 ? "-" : "",
                              us / unit_us, decimals, us % unit_us);
}

/* "address:port" ("[address]:port" for IPv6) of endpoint `which`: 0 is the
 * stream's first sender, 1 its peer (tcplife_stream.port). */
static const char *endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st, int which)
{
    address a;
    if (st->addr_len == 0)
        return wmem_strdup_printf(pool, "port %u", st->port[which]);
    set_address(&a, st->addr_len == 4 ? AT_IPv4 : AT_IPv6, st->addr_len, st->addr[which]);
    return wmem_strdup_printf(pool, st->addr_len == 4 ? "%s:%u" : "[%s]:%u",
                              address_to_str(pool, &a), st->port[which]);
}

static int client_endpoint(const tcplife_stream *st)
{
    return st->core.first_sender == TL_ROLE_CLIENT ? 0 : 1;
}

/* ---- one stream's summary, shared by the text report and the GUI table --- */

typedef struct stream_row {
    uint32_t    index;
    const char *client, *server;
    const char *conn_state, *history;
    const char *teardown;       /* "client four-way", or "-" without FIN */
    const char *reset;          /* "refused by server", or "-" without RST */
    bool        has_rtt;
    int64_t     rtt_ns;
    int64_t     duration_ns;
    uint64_t    bytes[2];       /* payload sent by [0] the client, [1] the server */
    uint32_t    packets;
} stream_row;

static const char *teardown_str(wmem_allocator_t *pool, const tl_stream *s)
{
    enum tl_teardown_initiator who = tl_stream_teardown_initiator(s);
    if (who == TL_TDI_NONE)
        return "-";
    return wmem_strdup_printf(pool, "%s %s", NAME_OF(initiator_names, who),
                              NAME_OF(teardown_kind_names, tl_stream_teardown_kind(s)));
}

static const char *reset_str(wmem_allocator_t *pool, const tl_stream *s)
{
    if (s->resets == 0)
        return "-";
    return wmem_strdup_printf(pool, "%s by %s", NAME_OF(reset_kind_names, s->reset_kind),
                              NAME_OF(role_names, s->reset_sender));
}

static stream_row stream_row_of(wmem_allocator_t *pool, const tcplife_stream *st)
{
    const tl_stream *s = &st->core;
    const char *history = tl_zeek_history(&s->zeek);
    int client = client_endpoint(st);
    stream_row row = {
        .index = st->index,
        .client = endpoint_str(pool, st, client),
        .server = endpoint_str(pool, st, 1 - client),
        .conn_state = tl_zeek_conn_state(&s->zeek),
        .history = history[0] ? history : "-",
        .teardown = teardown_str(pool, s),
        .reset = reset_str(pool, s),
        /* The tree's rule: an RTT once step 3 is seen, none for a simultaneous open. */
        .has_rtt = tl_stream_handshake_kind(s) == TL_HS_THREE_WAY && s->syn_timed,
        .rtt_ns = s->hs_ack_time_ns - s->syn_time_ns,
        .duration_ns = s->last_time_ns - s->first_time_ns,
        .bytes = { s->side[0].bytes, s->side[1].bytes },
        .packets = s->side[0].packets + s->side[1].packets,
    };
    return row;
}

/* ---- aligned text tables -------------------------------------------------
 * Widths come from the data (an IPv6 endpoint widens its column only), and
 * count UTF-8 characters, not bytes, so "→" takes one column. */

#define TT_GAP 2

typedef struct tt_row {
    const char *const *cells;   /* one per column; NULL for a spanning line */
    const char  *text;      /* spanning line: starts where column `from` starts */
    unsigned     from;
    char         fill;      /* pads a spanning line to the table's width; 0: no */
} tt_row;

typedef struct text_table {
    wmem_allocator_t *pool;
    const char       *align;    /* 'l' or 'r' per column */
    unsigned          ncols;
    size_t           *width;
    wmem_array_t     *rows;
} text_table;

static size_t text_width(const char *s)
{
    return (size_t)g_utf8_strlen(s, -1);
}

static text_table *tt_new(wmem_allocator_t *pool, const char *align)
{
    text_table *tt = wmem_new0(pool, text_table);
    tt->pool = pool;
    tt->align = align;
    tt->ncols = (unsigned)strlen(align);
    tt->width = wmem_alloc0_array(pool, size_t, tt->ncols);
    tt->rows = wmem_array_new(pool, sizeof(tt_row));
    return tt;
}

/* A row of tt->ncols cells, which must live as long as the table. */
static void tt_add(text_table *tt, const char *const *cells)
{
    tt_row row = { .cells = cells };
    for (unsigned c = 0; c < tt->ncols; c++) {
        size_t w = text_width(cells[c]);
        if (w > tt->width[c])
            tt->width[c] = w;
    }
    wmem_array_append_one(tt->rows, row);
}

static const char **tt_cells(text_table *tt)
{
    return wmem_alloc0_array(tt->pool, const char *, tt->ncols);
}

static void tt_span(text_table *tt, unsigned from, const char *text, char fill)
{
    tt_row row = { .text = text, .from = from, .fill = fill };
    wmem_array_append_one(tt->rows, row);
}

static size_t tt_col_start(const text_table *tt, unsigned col)
{
    size_t at = 0;
    for (unsigned c = 0; c < col && c < tt->ncols; c++)
        at += tt->width[c] + TT_GAP;
    return at;
}

static size_t tt_width(const text_table *tt)
{
    return tt_col_start(tt, tt->ncols) - TT_GAP;
}

static void pad(GString *line, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_c(line, c);
}

static void tt_format_cells(const text_table *tt, const char *const *cells, GString *line)
{
    for (unsigned c = 0; c < tt->ncols; c++) {
        size_t room = tt->width[c] - text_width(cells[c]);
        if (c > 0)
            pad(line, TT_GAP, ' ');
        if (tt->align[c] == 'r')
            pad(line, room, ' ');
        g_string_append(line, cells[c]);
        if (tt->align[c] != 'r')
            pad(line, room, ' ');
    }
}

static void tt_format_span(const text_table *tt, const tt_row *row, GString *line)
{
    pad(line, tt_col_start(tt, row->from), ' ');
    g_string_append(line, row->text);
    if (row->fill) {
        size_t used = tt_col_start(tt, row->from) + text_width(row->text);
        if (used < tt_width(tt))
            pad(line, tt_width(tt) - used, row->fill);
    }
}

/* Prints every row; lines never end in spaces, so golden files stay exact. */
static void tt_print(const text_table *tt)
{
    GString *line = g_string_new(NULL);
    unsigned n = wmem_array_get_count(tt->rows);
    for (unsigned i = 0; i < n; i++) {
        const tt_row *row = (const tt_row *)wmem_array_index(tt->rows, i);
        g_string_truncate(line, 0);
        if (row->cells)
            tt_format_cells(tt, row->cells, line);
        else
            tt_format_span(tt, row, line);
        printf("%s\n", g_strchomp(line->str));
    }
    g_string_free(line, TRUE);
}

static void print_title(const char *title)
{
    printf("\n%s\n%s\n", TCPLIFE_REPORT_RULE, title);
}

/* ---- -z start-up ---------------------------------------------------------- */

/* An unusable -z argument: say why on stderr.  From 4.6 the init callback
 * returns false and tshark exits with an error; before 4.6 it returns
 * nothing, and tshark's own reports exit(1) themselves, as we do. */
static bool bad_argument(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static bool bad_argument(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tshark: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return false;
}

static void exit_if_failed_before_4_6(bool ok)
{
    if (!ok && !TCPLIFE_WS_AT_LEAST(4, 6))
        exit(EXIT_FAILURE);
}

/* opt is "<cli>" or "<cli>,ARGS": ARGS, "" for none, NULL when opt only
 * starts like cli ("tcplife,streamsX" is no match for "tcplife,streams"). */
static const char *cli_args(const char *opt, const char *cli)
{
    size_t n = strlen(cli);
    if (strncmp(opt, cli, n) != 0)
        return NULL;
    if (opt[n] == '\0')
        return "";
    return opt[n] == ',' ? opt + n + 1 : NULL;
}

static bool report_listen(const char *cli, void *report, const char *filter,
                          tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish)
{
    GString *error = register_tap_listener("tcplife", report, filter, TL_REQUIRES_NOTHING,
                                           NULL, packet, draw, finish);
    if (error == NULL)
        return true;
    bad_argument("-z %s: %s", cli, error->str);
    g_string_free(error, TRUE);
    return false;
}

/* Each report owns one allocator: what it keeps goes when its listener does. */
static void report_finish(void *tapdata)
{
    wmem_destroy_allocator(*(wmem_allocator_t **)tapdata);
}

/* ---- -z tcplife,streams[,FILTER] ---------------------------------------- */

#define STREAMS_CLI "tcplife,streams"

typedef struct streams_report {
    wmem_allocator_t *pool;     /* first: report_finish() destroys it */
    const char       *filter;   /* NULL: no filter */
    wmem_map_t       *matched;  /* stream index + 1: a packet of it passed the filter */
} streams_report;

static tap_packet_status streams_packet(void *tapdata, packet_info *pinfo _U_,
                                        epan_dissect_t *edt _U_, const void *data,
                                        tap_flags_t flags _U_)
{
    streams_report *rep = (streams_report *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    void *key = GSIZE_TO_POINTER((gsize)info->pkt->stream->index + 1);

    if (wmem_map_contains(rep->matched, key))
        return TAP_PACKET_DONT_REDRAW;
    wmem_map_insert(rep->matched, key, key);
    return TAP_PACKET_REDRAW;
}

enum {
    SR_STREAM, SR_CLIENT, SR_SERVER, SR_STATE, SR_HISTORY, SR_RTT, SR_BYTES_C, SR_BYTES_S,
    SR_TEARDOWN, SR_RESET, SR_DURATION, SR_PACKETS, SR_NCOLS
};
static const char *const streams_header[SR_NCOLS] = {
    "stream", "client", "server", "conn_state", "history", "hs RTT", "bytes c\u2192s",
    "bytes s\u2192c", "teardown", "reset", "duration", "packets",
};
static const char streams_align[] = "rllllrrrllrr";

static const char **streams_cells(text_table *tt, const stream_row *r)
{
    wmem_allocator_t *pool = tt->pool;
    const char **c = tt_cells(tt);
    c[SR_STREAM] = wmem_strdup_printf(pool, "%u", r->index);
    c[SR_CLIENT] = r->client;
    c[SR_SERVER] = r->server;
    c[SR_STATE] = r->conn_state;
    c[SR_HISTORY] = r->history;
    c[SR_RTT] = r->has_rtt ? wmem_strdup_printf(pool, "%s ms", format_us(pool, r->rtt_ns, 1000, 3))
                           : "-";
    c[SR_BYTES_C] = wmem_strdup_printf(pool, "%" PRIu64, r->bytes[0]);
    c[SR_BYTES_S] = wmem_strdup_printf(pool, "%" PRIu64, r->bytes[1]);
    c[SR_TEARDOWN] = r->teardown;
    c[SR_RESET] = r->reset;
    c[SR_DURATION] = wmem_strdup_printf(pool, "%s s", format_us(pool, r->duration_ns, 1000000, 6));
    c[SR_PACKETS] = wmem_strdup_printf(pool, "%u", r->packets);
    return c;
}

/* Index into conn_states, or array_length(conn_states) for anything else. */
static size_t conn_state_slot(const char *state)
{
    size_t i = 0;
    while (i < array_length(conn_states) && strcmp(conn_states[i], state) != 0)
        i++;
    return i;
}

static void print_state_totals(wmem_allocator_t *pool, const unsigned *count, unsigned total)
{
    text_table *tt = tt_new(pool, "lr");
    const char *header[] = { "conn_state", "streams" };
    tt_add(tt, header);
    for (size_t i = 0; i <= array_length(conn_states); i++) {
        if (count[i] == 0)
            continue;
        const char **c = tt_cells(tt);
        c[0] = i < array_length(conn_states) ? conn_states[i] : "other";
        c[1] = wmem_strdup_printf(pool, "%u", count[i]);
        tt_add(tt, c);
    }
    const char **c = tt_cells(tt);
    c[0] = "total";
    c[1] = wmem_strdup_printf(pool, "%u", total);
    tt_add(tt, c);
    tt_print(tt);
}

static void streams_draw(void *tapdata)
{
    streams_report *rep = (streams_report *)tapdata;
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    text_table *tt = tt_new(pool, streams_align);
    unsigned count[array_length(conn_states) + 1] = { 0 };
    unsigned total = 0;

    tt_add(tt, streams_header);
    for (uint32_t i = 0; i < tcplife_stream_count(); i++) {
        const tcplife_stream *st = tcplife_stream_at(i);
        if (st == NULL || !wmem_map_contains(rep->matched, GSIZE_TO_POINTER((gsize)i + 1)))
            continue;
        stream_row row = stream_row_of(pool, st);
        tt_add(tt, streams_cells(tt, &row));
        count[conn_state_slot(row.conn_state)]++;
        total++;
    }
    print_title("TCP lifecycle: streams");
    printf("Filter: %s\n\n", rep->filter ? rep->filter : "none");
    tt_print(tt);
    printf("\n");
    print_state_totals(pool, count, total);
    printf("%s\n", TCPLIFE_REPORT_RULE);
    wmem_destroy_allocator(pool);
}

static bool streams_start(const char *opt)
{
    const char *args = cli_args(opt, STREAMS_CLI);
    if (args == NULL)
        return bad_argument("invalid \"-z %s\": use -z " STREAMS_CLI "[,FILTER]", opt);
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    streams_report *rep = wmem_new0(pool, streams_report);
    rep->pool = pool;
    rep->filter = args[0] ? wmem_strdup(pool, args) : NULL;
    rep->matched = wmem_map_new(pool, g_direct_hash, g_direct_equal);
    if (report_listen(STREAMS_CLI, rep, rep->filter, streams_packet, streams_draw, report_finish))
        return true;
    wmem_destroy_allocator(pool);
    return false;
}

static tcplife_stat_init_ret_t streams_init(const char *opt, void *userdata _U_)
{
    bool ok = streams_start(opt);
    exit_if_failed_before_4_6(ok);
    TCPLIFE_STAT_INIT_RETURN(ok);
}

/* ---- -z tcplife,ladder[,STREAM...][,all] -------------------------------- */

#define LADDER_CLI "tcplife,ladder"
#define LADDER_KEEP 3   /* a folded run shows its first and last 3 packets */
#define LADDER_FOLD_OVER (2 * LADDER_KEEP + 1)   /* runs longer than this fold */

/* What the ladder keeps per packet: 40 bytes. */
typedef struct ladder_pkt {
    int64_t   rel_ns;       /* frame.time_relative */
    uint32_t  frame;
    uint32_t  seq, ack, len;
    uint16_t  flags;
    bool      has_facts;    /* false on revisits (-2): flags, seq, ack, len unknown */
    tl_result result;
} ladder_pkt;

typedef struct ladder_report {
    wmem_allocator_t *pool;     /* first: report_finish() destroys it */
    wmem_array_t     *wanted;   /* uint32 stream indexes, ascending; empty: all */
    bool              unfold;   /* "all": never fold transfers */
    wmem_map_t       *packets;  /* stream index + 1 -> wmem_array_t of ladder_pkt */
} ladder_report;

static bool ladder_wants(const ladder_report *rep, uint32_t index)
{
    unsigned n = wmem_array_get_count(rep->wanted);
    if (n == 0)
        return true;
    for (unsigned i = 0; i < n; i++)
        if (*(const uint32_t *)wmem_array_index(rep->wanted, i) == index)
            return true;
    return false;
}

static tap_packet_status ladder_packet(void *tapdata, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    ladder_report *rep = (ladder_report *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    uint32_t index = info->pkt->stream->index;
    void *key = GSIZE_TO_POINTER((gsize)index + 1);

    if (!ladder_wants(rep, index))
        return TAP_PACKET_DONT_REDRAW;
    wmem_array_t *pkts = (wmem_array_t *)wmem_map_lookup(rep->packets, key);
    if (pkts == NULL) {
        pkts = wmem_array_new(rep->pool, sizeof(ladder_pkt));
        wmem_map_insert(rep->packets, key, pkts);
    }
    ladder_pkt p = {
        .rel_ns = (int64_t)pinfo->rel_ts.secs * 1000000000 + pinfo->rel_ts.nsecs,
        .frame = pinfo->num,
        .has_facts = info->facts != NULL,
        .result = info->pkt->result,
    };
    if (info->facts) {
        p.seq = info->facts->seq;
        p.ack = info->facts->ack;
        p.len = info->facts->len;
        p.flags = info->facts->flags;
    }
    wmem_array_append_one(pkts, p);
    return TAP_PACKET_REDRAW;
}

/* Each side's initial sequence number, when that side's first packet was
 * its SYN (or SYN-ACK): seq/ack are shown relative to it, else raw. */
typedef struct ladder_isn {
    bool     known[3];      /* by enum tl_role */
    uint32_t isn[3];
} ladder_isn;

static ladder_isn ladder_isn_of(wmem_array_t *pkts)
{
    ladder_isn isn = { { false, false, false }, { 0, 0, 0 } };
    bool seen[3] = { false, false, false };
    unsigned n = wmem_array_get_count(pkts);
    for (unsigned i = 0; i < n; i++) {
        const ladder_pkt *p = (const ladder_pkt *)wmem_array_index(pkts, i);
        unsigned side = p->result.sender;
        if (side > TL_ROLE_SERVER || seen[side])
            continue;
        seen[side] = true;
        isn.known[side] = p->has_facts && (p->flags & TL_SYN);
        isn.isn[side] = p->seq;
    }
    return isn;
}

static const char *ladder_isn_note(const ladder_isn *isn)
{
    bool c = isn->known[TL_ROLE_CLIENT], s = isn->known[TL_ROLE_SERVER];
    if (c && s)
        return "seq/ack relative to each side's ISN";
    if (c)
        return "seq/ack relative to the client's ISN; the server's raw "
               "(its first packet was not a SYN)";
    if (s)
        return "seq/ack relative to the server's ISN; the client's raw "
               "(its first packet was not a SYN)";
    return "seq/ack raw (neither side's first packet was a SYN)";
}

static bool ladder_has_facts(wmem_array_t *pkts)
{
    unsigned n = wmem_array_get_count(pkts);
    for (unsigned i = 0; i < n; i++)
        if (!((const ladder_pkt *)wmem_array_index(pkts, i))->has_facts)
            return false;
    return true;
}

/* tcpdump's flag letters, in tcpdump's order; "none" without flags. */
static const char *flags_str(wmem_allocator_t *pool, uint16_t flags)
{
    static const struct { uint16_t bit; char letter; } letters[] = {
        { TL_FIN, 'F' }, { TL_SYN, 'S' }, { TL_RST, 'R' }, { TL_PSH, 'P' },
        { TL_ACK, '.' }, { TL_URG, 'U' }, { TL_ECE, 'E' }, { TL_CWR, 'W' },
    };
    char buf[array_length(letters) + 1];
    size_t n = 0;
    for (size_t i = 0; i < array_length(letters); i++)
        if (flags & letters[i].bit)
            buf[n++] = letters[i].letter;
    buf[n] = '\0';
    return n ? wmem_strdup(pool, buf) : "none";
}

enum { LD_FRAME, LD_TIME, LD_DIR, LD_FLAGS, LD_SEQ, LD_ACK, LD_LEN, LD_LABEL, LD_NCOLS };
static const char *const ladder_header[LD_NCOLS] = {
    "frame", "time", "direction", "flags", "seq", "ack", "len", "lifecycle",
};
/* Without facts (-2) the table has frame, time, direction and lifecycle. */
static const char *const ladder_header_short[] = { "frame", "time", "direction", "lifecycle" };

typedef struct ladder_table {
    text_table       *tt;
    const ladder_isn *isn;
    bool              facts;
} ladder_table;

static void ladder_add(ladder_table *lt, const ladder_pkt *p)
{
    wmem_allocator_t *pool = lt->tt->pool;
    const char **c = tt_cells(lt->tt);
    char label[TL_LABEL_MAX];
    unsigned me = p->result.sender == TL_ROLE_SERVER ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
    unsigned peer = me == TL_ROLE_CLIENT ? TL_ROLE_SERVER : TL_ROLE_CLIENT;

    c[LD_FRAME] = wmem_strdup_printf(pool, "%u", p->frame);
    c[LD_TIME] = format_us(pool, p->rel_ns, 1000000, 6);
    c[LD_DIR] = me == TL_ROLE_CLIENT ? "client \u2192 server" : "client \u2190 server";
    if (!lt->facts) {
        c[3] = wmem_strdup(pool, tl_label(p->result, label, sizeof label));
        tt_add(lt->tt, c);
        return;
    }
    c[LD_FLAGS] = flags_str(pool, p->flags);
    c[LD_SEQ] = wmem_strdup_printf(pool, "%u",
                                   p->seq - (lt->isn->known[me] ? lt->isn->isn[me] : 0));
    c[LD_ACK] = !(p->flags & TL_ACK) ? "-" : wmem_strdup_printf(pool, "%u",
                    p->ack - (lt->isn->known[peer] ? lt->isn->isn[peer] : 0));
    c[LD_LEN] = wmem_strdup_printf(pool, "%u", p->len);
    c[LD_LABEL] = wmem_strdup(pool, tl_label(p->result, label, sizeof label));
    tt_add(lt->tt, c);
}

static void ladder_separator(ladder_table *lt, uint8_t phase)
{
    tt_span(lt->tt, 0, wmem_strdup_printf(lt->tt->pool, "-- %s ", NAME_OF(phase_names, phase)),
            '-');
}

static const ladder_pkt *pkt_at(wmem_array_t *pkts, unsigned i)
{
    return (const ladder_pkt *)wmem_array_index(pkts, i);
}

/* Rows for the run of transfer packets [from, to): folded when long. */
static void ladder_add_run(ladder_table *lt, wmem_array_t *pkts, unsigned from, unsigned to,
                           bool unfold)
{
    unsigned n = to - from;
    if (unfold || n <= LADDER_FOLD_OVER) {
        for (unsigned i = from; i < to; i++)
            ladder_add(lt, pkt_at(pkts, i));
        return;
    }
    for (unsigned i = from; i < from + LADDER_KEEP; i++)
        ladder_add(lt, pkt_at(pkts, i));
    tt_span(lt->tt, LD_DIR, wmem_strdup_printf(lt->tt->pool, "\u2026 %u transfer packets \u2026",
                                               n - 2 * LADDER_KEEP), 0);
    for (unsigned i = to - LADDER_KEEP; i < to; i++)
        ladder_add(lt, pkt_at(pkts, i));
}

static void ladder_add_rows(ladder_table *lt, wmem_array_t *pkts, bool unfold)
{
    unsigned n = wmem_array_get_count(pkts);
    uint8_t phase = TL_PHASE_NONE;
    unsigned i = 0;
    while (i < n) {
        const ladder_pkt *p = pkt_at(pkts, i);
        if (p->result.phase != phase)
            ladder_separator(lt, p->result.phase);
        phase = p->result.phase;
        unsigned end = i + 1;
        if (phase == TL_PHASE_TRANSFER)
            while (end < n && pkt_at(pkts, end)->result.phase == TL_PHASE_TRANSFER)
                end++;
        ladder_add_run(lt, pkts, i, end, unfold);
        i = end;
    }
}

static void ladder_print_stream(const ladder_report *rep, const tcplife_stream *st,
                                wmem_array_t *pkts)
{
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    ladder_isn isn = ladder_isn_of(pkts);
    bool facts = ladder_has_facts(pkts);
    int client = client_endpoint(st);
    ladder_table lt = { tt_new(pool, facts ? "rrllrrrl" : "rrll"), &isn, facts };

    printf("\nStream %u: client %s, server %s\n", st->index, endpoint_str(pool, st, client),
           endpoint_str(pool, st, 1 - client));
    printf("conn_state %s, history %s, %u packets\n", tl_zeek_conn_state(&st->core.zeek),
           tl_zeek_history(&st->core.zeek), wmem_array_get_count(pkts));
    if (facts)
        printf("%s\n", ladder_isn_note(&isn));
    tt_add(lt.tt, facts ? ladder_header : ladder_header_short);
    ladder_add_rows(&lt, pkts, rep->unfold);
    tt_print(lt.tt);
    wmem_destroy_allocator(pool);
}

static bool ladder_any_without_facts(const ladder_report *rep)
{
    for (uint32_t i = 0; i < tcplife_stream_count(); i++) {
        wmem_array_t *pkts = (wmem_array_t *)wmem_map_lookup(rep->packets,
                                                            GSIZE_TO_POINTER((gsize)i + 1));
        if (pkts && !ladder_has_facts(pkts))
            return true;
    }
    return false;
}

static void ladder_print_one(const ladder_report *rep, uint32_t index)
{
    const tcplife_stream *st = tcplife_stream_at(index);
    wmem_array_t *pkts = (wmem_array_t *)wmem_map_lookup(rep->packets,
                                                        GSIZE_TO_POINTER((gsize)index + 1));
    if (st && pkts)
        ladder_print_stream(rep, st, pkts);
    else
        printf("\nStream %u: not in this capture (or no TCP layer tcplife annotates)\n", index);
}

static void ladder_draw(void *tapdata)
{
    ladder_report *rep = (ladder_report *)tapdata;
    unsigned wanted = wmem_array_get_count(rep->wanted);

    print_title("TCP lifecycle: ladder");
    if (ladder_any_without_facts(rep))
        printf("Note: flags, seq, ack and len are read on the first pass only: "
               "run tshark without -2 to see them.\n");
    for (unsigned i = 0; i < wanted; i++)
        ladder_print_one(rep, *(const uint32_t *)wmem_array_index(rep->wanted, i));
    for (uint32_t i = 0; wanted == 0 && i < tcplife_stream_count(); i++)
        if (wmem_map_contains(rep->packets, GSIZE_TO_POINTER((gsize)i + 1)))
            ladder_print_one(rep, i);
    printf("%s\n", TCPLIFE_REPORT_RULE);
}

static int compare_uint32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* "0,3,0" asks for streams 0 and 3, each printed once, in order. */
static wmem_array_t *sorted_unique(wmem_allocator_t *pool, wmem_array_t *in)
{
    wmem_array_t *out = wmem_array_new(pool, sizeof(uint32_t));
    unsigned n = wmem_array_get_count(in);
    wmem_array_sort(in, compare_uint32);
    for (unsigned i = 0; i < n; i++) {
        uint32_t v = *(const uint32_t *)wmem_array_index(in, i);
        if (i == 0 || v != *(const uint32_t *)wmem_array_index(in, i - 1))
            wmem_array_append_one(out, v);
    }
    return out;
}

/* ARGS: comma-separated stream numbers (decimal) and the word "all". */
static bool ladder_parse(ladder_report *rep, const char *opt, const char *args)
{
    char **items = g_strsplit(args, ",", -1);
    bool ok = true;
    for (char **it = items; ok && args[0] && *it; it++) {
        char *end = NULL;
        unsigned long v = strtoul(*it, &end, 10);
        if (strcmp(*it, "all") == 0) {
            rep->unfold = true;
        } else if (g_ascii_isdigit((*it)[0]) && *end == '\0' && v <= UINT32_MAX) {
            uint32_t index = (uint32_t)v;
            wmem_array_append_one(rep->wanted, index);
        } else {
            ok = bad_argument("invalid \"-z %s\": \"%s\" is neither a stream number nor "
                              "\"all\"; use -z " LADDER_CLI "[,STREAM...][,all]", opt, *it);
        }
    }
    g_strfreev(items);
    rep->wanted = sorted_unique(rep->pool, rep->wanted);
    return ok;
}

static bool ladder_start(const char *opt)
{
    const char *args = cli_args(opt, LADDER_CLI);
    if (args == NULL)
        return bad_argument("invalid \"-z %s\": use -z " LADDER_CLI "[,STREAM...][,all]", opt);
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    ladder_report *rep = wmem_new0(pool, ladder_report);
    rep->pool = pool;
    rep->wanted = wmem_array_new(pool, sizeof(uint32_t));
    rep->packets = wmem_map_new(pool, g_direct_hash, g_direct_equal);
    if (ladder_parse(rep, opt, args) &&
        report_listen(LADDER_CLI, rep, NULL, ladder_packet, ladder_draw, report_finish))
        return true;
    wmem_destroy_allocator(pool);
    return false;
}

static tcplife_stat_init_ret_t ladder_init(const char *opt, void *userdata _U_)
{
    bool ok = ladder_start(opt);
    exit_if_failed_before_4_6(ok);
    TCPLIFE_STAT_INIT_RETURN(ok);
}

/* ---- Statistics > TCP Lifecycle (the GUI's streams table) ----------------
 * A stat_tap_table_ui: Wireshark's SimpleStatisticsDialog shows it as a
 * sortable table with a display filter, copy and save.  Rows are streams, in
 * the order their first packet passed the filter.  The GUI re-taps a file
 * whose summaries are final; tshark (-z tcplife,table) taps while reading, so
 * a row is refreshed whenever its stream grew (its last frame changed). */

#define TABLE_CLI "tcplife,table"
#define TABLE_NAME "TCP streams"

enum {
    TB_STREAM, TB_CLIENT, TB_SERVER, TB_STATE, TB_HISTORY, TB_TEARDOWN, TB_RESET,
    TB_PACKETS, TB_BYTES_C, TB_BYTES_S, TB_DURATION, TB_RTT, TB_NCOLS
};

/* Cells are typed so that columns sort as numbers.  Wireshark 4.0's dialog
 * prints every FLOAT with 6 decimals (later versions use field_format), so
 * byte counts are UINT: 32 bits, saturated (-z tcplife,streams has the exact
 * 64-bit counts).  A stream without RTT leaves that cell TABLE_ITEM_NONE
 * (empty): the column is last because tshark's generic printer stops a row
 * at the first empty cell. */
static stat_tap_table_item table_fields[TB_NCOLS] = {
    [TB_STREAM]   = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Stream", "%u" },
    [TB_CLIENT]   = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Client", "%s" },
    [TB_SERVER]   = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Server", "%s" },
    [TB_STATE]    = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "conn_state", "%s" },
    [TB_HISTORY]  = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "History", "%s" },
    [TB_TEARDOWN] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Teardown", "%s" },
    [TB_RESET]    = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Reset", "%s" },
    [TB_PACKETS]  = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Packets", "%u" },
    [TB_BYTES_C]  = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bytes c\u2192s", "%u" },
    [TB_BYTES_S]  = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bytes s\u2192c", "%u" },
    [TB_DURATION] = { TABLE_ITEM_FLOAT,  TAP_ALIGN_RIGHT, "Duration (s)", "%.6f" },
    [TB_RTT]      = { TABLE_ITEM_FLOAT,  TAP_ALIGN_RIGHT, "Handshake RTT (ms)", "%.3f" },
};

static tap_param table_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
};

/* Stream index + 1 -> row + 1, for the table's current rows. */
static GHashTable *table_rows;

static void table_forget_rows(void)
{
    if (table_rows == NULL)
        table_rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_remove_all(table_rows);
}

static void table_init(stat_tap_table_ui *ui)
{
    if (stat_tap_find_table(ui, TABLE_NAME))
        return;
    stat_tap_add_table(ui, stat_tap_init_table(TABLE_NAME, TB_NCOLS, 0, NULL));
    table_forget_rows();    /* a new table: rows of a freed one are gone */
}

static void table_free_cell(stat_tap_table *table _U_, unsigned row _U_, unsigned column _U_,
                            stat_tap_table_item_type *cell)
{
    if (cell->type == TABLE_ITEM_STRING) {
        g_free((char *)cell->value.string_value);
        cell->value.string_value = NULL;
    }
}

/* Rows come and go with the filter, so a reset removes them all. */
static void table_reset(stat_tap_table *table)
{
    for (unsigned r = 0; r < table->num_elements; r++) {
        for (unsigned c = 0; c < table->num_fields; c++)
            table_free_cell(table, r, c, &table->elements[r][c]);
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
    table_forget_rows();
}

static void set_string(stat_tap_table_item_type *cell, const char *s)
{
    g_free((char *)cell->value.string_value);
    cell->type = TABLE_ITEM_STRING;
    cell->value.string_value = g_strdup(s);
}

static void set_float(stat_tap_table_item_type *cell, double v)
{
    cell->type = TABLE_ITEM_FLOAT;
    cell->value.float_value = v;
}

static void set_uint(stat_tap_table_item_type *cell, unsigned v)
{
    cell->type = TABLE_ITEM_UINT;
    cell->value.uint_value = v;
}

static void table_fill_row(stat_tap_table_item_type *cells, const stream_row *r)
{
    set_uint(&cells[TB_STREAM], r->index);
    set_string(&cells[TB_CLIENT], r->client);
    set_string(&cells[TB_SERVER], r->server);
    set_string(&cells[TB_STATE], r->conn_state);
    set_string(&cells[TB_HISTORY], r->history);
    set_string(&cells[TB_TEARDOWN], r->teardown);
    set_string(&cells[TB_RESET], r->reset);
    set_uint(&cells[TB_PACKETS], r->packets);
    set_uint(&cells[TB_BYTES_C], (unsigned)MIN(r->bytes[0], G_MAXUINT));
    set_uint(&cells[TB_BYTES_S], (unsigned)MIN(r->bytes[1], G_MAXUINT));
    set_float(&cells[TB_DURATION], (double)r->duration_ns / 1e9);
    if (r->has_rtt)
        set_float(&cells[TB_RTT], (double)r->rtt_ns / 1e6);
    else
        cells[TB_RTT].type = TABLE_ITEM_NONE;
}

/* The stream's row, added (empty) on its first packet. */
static stat_tap_table_item_type *table_row_for(stat_tap_table *table, uint32_t index)
{
    void *key = GSIZE_TO_POINTER((gsize)index + 1);
    gsize row = GPOINTER_TO_SIZE(g_hash_table_lookup(table_rows, key));
    if (row == 0) {
        stat_tap_table_item_type empty[TB_NCOLS];
        memset(empty, 0, sizeof empty);
        row = (gsize)table->num_elements + 1;
        stat_tap_init_table_row(table, (unsigned)(row - 1), TB_NCOLS, empty);
        g_hash_table_insert(table_rows, key, GSIZE_TO_POINTER(row));
    }
    return table->elements[row - 1];
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcplife_stream *st = ((const tcplife_tap_info *)data)->pkt->stream;
    stat_tap_table *table = stat_tap_find_table(sd->stat_tap_data, TABLE_NAME);

    if (table == NULL || table_rows == NULL)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table_item_type *cells = table_row_for(table, st->index);
    /* user_data of the first cell: the stream's last frame when last filled. */
    if (cells[TB_STREAM].type != TABLE_ITEM_NONE &&
        cells[TB_STREAM].user_data.uint_value == st->core.last_frame)
        return TAP_PACKET_DONT_REDRAW;
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    stream_row r = stream_row_of(pool, st);
    table_fill_row(cells, &r);
    cells[TB_STREAM].user_data.uint_value = st->core.last_frame;
    wmem_destroy_allocator(pool);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui table_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCP Lifecycle",
    .tap_name = "tcplife",
    .cli_string = TABLE_CLI,
    .stat_tap_init_cb = table_init,
    .packet_func = table_packet,
    .stat_tap_reset_table_cb = table_reset,
    .stat_tap_free_table_item_cb = table_free_cell,
    .stat_filter_check_cb = NULL,
    .nfields = TB_NCOLS,
    .fields = table_fields,
    .nparams = array_length(table_params),
    .params = table_params,
    .tables = NULL,
    .refcount = 0,
};

/* ---- registration --------------------------------------------------------- */

static stat_tap_ui streams_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCP lifecycle: streams",
    .cli_string = STREAMS_CLI,
    .tap_init_cb = streams_init,
    .nparams = 0,
    .params = NULL,
};

static stat_tap_ui ladder_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCP lifecycle: ladder",
    .cli_string = LADDER_CLI,
    .tap_init_cb = ladder_init,
    .nparams = 0,
    .params = NULL,
};

void tcplife_taps_register(int proto)
{
    (void)proto;
    tcplife_tap = register_tap("tcplife");
    register_stat_tap_ui(&streams_ui, NULL);
    register_stat_tap_ui(&ladder_ui, NULL);
    register_stat_tap_table_ui(&table_ui);
}

/* tap_queue_packet() keeps only the pointer, and listeners run after the
 * whole frame was dissected, when the caller's (stack) info and facts are
 * gone: queue copies that live as long as the packet. */
void tcplife_taps_queue(packet_info *pinfo, const tcplife_tap_info *info, int n)
{
    if (!have_tap_listener(tcplife_tap))
        return;
    for (int i = 0; i < n; i++) {
        tcplife_tap_info *copy = wmem_new(pinfo->pool, tcplife_tap_info);
        copy->pkt = info[i].pkt;    /* file scope */
        copy->facts = info[i].facts
            ? (const tcplife_layer_facts *)wmem_memdup(pinfo->pool, info[i].facts,
                                                       sizeof *info[i].facts)
            : NULL;
        tap_queue_packet(tcplife_tap, pinfo, copy);
    }
}
