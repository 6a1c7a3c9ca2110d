/* tcplife_report_streams.c - tshark -q -z tcplife,streams[,FILTER]: one row per stream. */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/stat_tap_ui.h>

#include "core/tcplife_label.h"

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
    wmem_allocator_t *pool = tt_pool(tt);
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

static stat_tap_ui streams_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCP lifecycle: streams",
    .cli_string = STREAMS_CLI,
    .tap_init_cb = streams_init,
    .nparams = 0,
    .params = NULL,
};

void tcplife_report_streams_register(void)
{
    register_stat_tap_ui(&streams_ui, NULL);
}
