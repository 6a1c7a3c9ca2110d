/* tcplife_report_conn.c - tshark -q -z tcplife,conn[,FILTER]: the streams as a Zeek conn.log.
 *
 * Also the plumbing that -z tcplife,json shares: a report that, at the end,
 * gets the streams with a packet passing its filter (stream_list_start).
 *
 * The columns are those of Zeek's standard conn.log (base/protocols/conn,
 * the newest, with ip_proto), header lines included, so zeek-cut and Zeek log readers
 * take the output as it is.  What tcplife cannot know is Zeek's unset "-".
 * docs/reports.md lists each column and where its meaning differs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <inttypes.h>
#include <stdio.h>

#include <epan/address.h>
#include <epan/to_str.h>

/* ---- streams with a packet passing the filter, at the end ------------------- */

typedef struct stream_list {
    wmem_allocator_t *pool;     /* first: report_finish() destroys it */
    wmem_map_t       *matched;  /* stream index + 1: a packet of it passed the filter */
    stream_list_draw  draw;
} stream_list;

static tap_packet_status stream_list_packet(void *tapdata, packet_info *pinfo _U_,
                                            epan_dissect_t *edt _U_, const void *data,
                                            tap_flags_t flags _U_)
{
    stream_list *rep = (stream_list *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    void *key = GSIZE_TO_POINTER((gsize)info->pkt->stream->ep.index + 1);

    if (wmem_map_contains(rep->matched, key))
        return TAP_PACKET_DONT_REDRAW;
    wmem_map_insert(rep->matched, key, key);
    return TAP_PACKET_REDRAW;
}

/* Drawn once, after the whole file: every summary is final by then, in one
 * pass as with -2. */
static void stream_list_draw_all(void *tapdata)
{
    stream_list *rep = (stream_list *)tapdata;
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    uint32_t limit = tcplife_stream_index_limit();
    uint32_t *streams = wmem_alloc_array(pool, uint32_t, limit + 1);
    unsigned n = 0;

    for (uint32_t i = 0; i < limit; i++)
        if (tcplife_stream_exists(i) && wmem_map_contains(rep->matched, GSIZE_TO_POINTER((gsize)i + 1)))
            streams[n++] = i;
    rep->draw(pool, streams, n);
    wmem_destroy_allocator(pool);
}

bool stream_list_start(const char *opt, const char *cli, stream_list_draw draw)
{
    const char *args = cli_args(opt, cli);
    if (args == NULL)
        return bad_argument("invalid \"-z %s\": use -z %s[,FILTER]", opt, cli);
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    stream_list *rep = wmem_new0(pool, stream_list);
    rep->pool = pool;
    rep->matched = wmem_map_new(pool, g_direct_hash, g_direct_equal);
    rep->draw = draw;
    if (report_listen(cli, rep, args[0] ? args : NULL, stream_list_packet, stream_list_draw_all,
                      report_finish))
        return true;
    wmem_destroy_allocator(pool);
    return false;
}

/* ---- -z tcplife,conn[,FILTER] ------------------------------------------------ */

#define CONN_CLI "tcplife,conn"
#define CONN_UNSET "-"              /* Zeek's #unset_field */

/* A conn.log uid: "T" and 11 base-62 digits of a 64-bit FNV-1a hash of the
 * 4-tuple (client first) and the first packet's time.  Not the tcp.stream
 * index: the same connection keeps its uid whatever else the capture holds,
 * with any filter and in every Wireshark version (4.0 numbers pop3.pcap's
 * streams differently from 4.2+), and logs of several captures can be
 * concatenated.  "T", not Zeek's "C", so that nobody takes it for Zeek's. */
static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t fnv1a_be(uint64_t h, uint64_t v, unsigned nbytes)
{
    uint8_t b[8];
    for (unsigned i = 0; i < nbytes; i++)
        b[i] = (uint8_t)(v >> (8 * (nbytes - 1 - i)));
    return fnv1a(h, b, nbytes);
}

static const char *conn_uid(wmem_allocator_t *pool, const tcplife_stream *st)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    char *uid = (char *)wmem_alloc(pool, 13);

    h = fnv1a_be(h, st->ep.addr_len, 1);
    for (int side = TL_SIDE_CLIENT; side <= TL_SIDE_SERVER; side++) {
        h = fnv1a(h, tcplife_stream_addr(st, (enum tl_side_index)side), st->ep.addr_len);
        h = fnv1a_be(h, st->ep.port[side], 2);
    }
    h = fnv1a_be(h, (uint64_t)st->core.first_time_ns, 8);
    uid[0] = 'T';
    for (int i = 11; i >= 1; i--, h /= 62)
        uid[i] = digits[h % 62];
    uid[12] = '\0';
    return uid;
}

/* An address as Zeek prints it: IPv6 without brackets. */
static const char *conn_addr(wmem_allocator_t *pool, const tcplife_stream *st, enum tl_side_index side)
{
    char buf[WS_INET6_ADDRSTRLEN];
    address a;

    if (st->ep.addr_len == 0)
        return CONN_UNSET;
    set_address(&a, st->ep.addr_len == 4 ? AT_IPv4 : AT_IPv6, st->ep.addr_len, tcplife_stream_addr(st, side));
    address_to_str_buf(&a, buf, (int)sizeof buf);
    return wmem_strdup(pool, buf);
}

/* Zeek's time and interval format: seconds with 6 decimals. */
static const char *conn_seconds(wmem_allocator_t *pool, int64_t ns)
{
    return format_us(pool, ns, 1000000, 6);
}

static const char *conn_count(wmem_allocator_t *pool, uint64_t v)
{
    return wmem_strdup_printf(pool, "%" PRIu64, v);
}

#define CONN_CELL(name) \
    static const char *name(wmem_allocator_t *pool _U_, const tcplife_stream *st _U_, \
                            const tl_summary *sum _U_)

CONN_CELL(cell_ts) { return conn_seconds(pool, st->core.first_time_ns); }
CONN_CELL(cell_uid) { return conn_uid(pool, st); }
CONN_CELL(cell_orig_h) { return conn_addr(pool, st, TL_SIDE_CLIENT); }
CONN_CELL(cell_orig_p) { return conn_count(pool, st->ep.port[TL_SIDE_CLIENT]); }
CONN_CELL(cell_resp_h) { return conn_addr(pool, st, TL_SIDE_SERVER); }
CONN_CELL(cell_resp_p) { return conn_count(pool, st->ep.port[TL_SIDE_SERVER]); }
CONN_CELL(cell_proto) { return "tcp"; }
CONN_CELL(cell_conn_state) { return TL_NAME(tl_conn_state_names, sum->conn_state); }
CONN_CELL(cell_history) { return sum->history[0] ? sum->history : CONN_UNSET; }
CONN_CELL(cell_orig_pkts) { return conn_count(pool, sum->side[TL_SIDE_CLIENT].packets); }
CONN_CELL(cell_resp_pkts) { return conn_count(pool, sum->side[TL_SIDE_SERVER].packets); }
CONN_CELL(cell_ip_proto) { return "6"; }

/* Zeek sets duration and both byte counts only when the duration is
 * positive: a one-packet connection has "-" in all three. */
CONN_CELL(cell_duration)
{
    return sum->duration_ns > 0 ? conn_seconds(pool, sum->duration_ns) : CONN_UNSET;
}

/* Payload bytes sent, retransmissions included; Zeek's are the sequence
 * span (docs/reports.md). */
CONN_CELL(cell_orig_bytes)
{
    return sum->duration_ns > 0 ? conn_count(pool, sum->side[TL_SIDE_CLIENT].bytes) : CONN_UNSET;
}

CONN_CELL(cell_resp_bytes)
{
    return sum->duration_ns > 0 ? conn_count(pool, sum->side[TL_SIDE_SERVER].bytes) : CONN_UNSET;
}

typedef struct conn_column {
    const char *name, *type;    /* #fields, #types */
    const char *(*cell)(wmem_allocator_t *pool, const tcplife_stream *st, const tl_summary *sum);
} conn_column;                  /* cell NULL: tcplife cannot know it, always unset */

static const conn_column conn_columns[] = {
    { "ts", "time", cell_ts },
    { "uid", "string", cell_uid },
    { "id.orig_h", "addr", cell_orig_h },
    { "id.orig_p", "port", cell_orig_p },
    { "id.resp_h", "addr", cell_resp_h },
    { "id.resp_p", "port", cell_resp_p },
    { "proto", "enum", cell_proto },
    { "service", "string", NULL },          /* needs Zeek's protocol analyzers */
    { "duration", "interval", cell_duration },
    { "orig_bytes", "count", cell_orig_bytes },
    { "resp_bytes", "count", cell_resp_bytes },
    { "conn_state", "string", cell_conn_state },
    { "local_orig", "bool", NULL },         /* needs Zeek's Site::local_nets */
    { "local_resp", "bool", NULL },
    { "missed_bytes", "count", NULL },      /* needs reassembly's gaps */
    { "history", "string", cell_history },
    { "orig_pkts", "count", cell_orig_pkts },
    { "orig_ip_bytes", "count", NULL },     /* IP lengths are not kept per stream */
    { "resp_pkts", "count", cell_resp_pkts },
    { "resp_ip_bytes", "count", NULL },
    { "tunnel_parents", "set[string]", NULL },  /* the uids of Zeek's tunnel records */
    { "ip_proto", "count", cell_ip_proto },
};

/* Zeek writes the wall-clock time it opened and closed the log; for output
 * that tests can compare, the times of the capture's first and last TCP
 * packets (every stream, filter or not), UTC; 1970 without streams. */
static void print_log_time(const char *what, int64_t ns)
{
    GDateTime *t = g_date_time_new_from_unix_utc(ns / 1000000000);
    char *text = t ? g_date_time_format(t, "%Y-%m-%d-%H-%M-%S") : NULL;
    printf("#%s\t%s\n", what, text ? text : "1970-01-01-00-00-00");
    g_free(text);
    if (t)
        g_date_time_unref(t);
}

static void capture_span(int64_t *first, int64_t *last)
{
    bool any = false;
    *first = *last = 0;
    for (uint32_t i = 0; i < tcplife_stream_index_limit(); i++) {
        int64_t f, l;
        if (!tcplife_stream_times(i, &f, &l))
            continue;
        if (!any || f < *first)
            *first = f;
        if (!any || l > *last)
            *last = l;
        any = true;
    }
}

/* "#fields" or "#types": each column's name or type. */
static void print_header_list(bool types)
{
    printf("#%s", types ? "types" : "fields");
    for (size_t i = 0; i < array_length(conn_columns); i++)
        printf("\t%s", types ? conn_columns[i].type : conn_columns[i].name);
    printf("\n");
}

static void print_conn_row(wmem_allocator_t *pool, const tcplife_stream *st)
{
    tl_summary sum;
    tl_stream_summarize(&st->core, &sum);
    for (size_t i = 0; i < array_length(conn_columns); i++) {
        const conn_column *c = &conn_columns[i];
        printf("%s%s", i ? "\t" : "", c->cell ? c->cell(pool, st, &sum) : CONN_UNSET);
    }
    printf("\n");
}

static void conn_draw(wmem_allocator_t *pool, const uint32_t *streams, unsigned n)
{
    int64_t first, last;

    capture_span(&first, &last);
    printf("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t%s\n"
           "#path\tconn\n", CONN_UNSET);
    print_log_time("open", first);
    print_header_list(false);
    print_header_list(true);
    for (unsigned i = 0; i < n; i++) {
        tcplife_stream buf;
        print_conn_row(pool, tcplife_stream_view(streams[i], &buf));
    }
    print_log_time("close", last);
}

static bool conn_start(const char *opt)
{
    return stream_list_start(opt, CONN_CLI, conn_draw);
}

void tcplife_report_conn_register(void)
{
    static report_def def = { .cli = CONN_CLI, .title = "TCP lifecycle: Zeek conn.log", .start = conn_start };
    report_register(&def);
}
