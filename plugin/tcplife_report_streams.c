/* tcplife_report_streams.c - tshark -q -z tcplife,streams[,FILTER]: one row per stream. */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <stdio.h>
#include <string.h>



/* ---- -z tcplife,streams[,FILTER] ---------------------------------------- */

#define STREAMS_CLI "tcplife,streams"

typedef struct streams_report {
    wmem_allocator_t *pool;     /* first: report_finish() destroys it */
    const char       *filter;   /* NULL: no filter */
    wmem_map_t       *matched;  /* stream index + 1: a packet of it passed the filter */
    bool             *one_pass; /* FILTER reads tcplife.stream.*: set when a packet was
                                   tapped on the first pass (tshark without -2) */
} streams_report;

/* A second listener, without the filter, for a FILTER that reads
 * tcplife.stream.*: tshark -2 taps on the second pass only, and a packet
 * carries its TCP facts only on its first dissection (as in the ladder), so
 * facts mean one pass.  (It must see packets that do not pass FILTER too: in
 * one pass FILTER may pass none.) */
static tap_packet_status streams_pass_packet(void *tapdata, packet_info *pinfo _U_,
                                             epan_dissect_t *edt _U_, const void *data,
                                             tap_flags_t flags _U_)
{
    if (((const tcplife_tap_info *)data)->facts != NULL)
        *(bool *)tapdata = true;
    return TAP_PACKET_DONT_REDRAW;
}

static bool filter_reads_stream_fields(const char *filter)
{
    return filter != NULL && strstr(filter, "tcplife.stream") != NULL;
}

static void streams_note_one_pass(const streams_report *rep)
{
    if (rep->one_pass == NULL || !*rep->one_pass)
        return;
    fprintf(stderr, "tshark: note: -z " STREAMS_CLI ",%s: in one pass a packet's "
            "tcplife.stream.* fields show its stream only as far as that packet, so this "
            "filter sees each stream as it was then, not as it ended; run tshark -2 to "
            "filter on each stream's final state.\n", rep->filter);
}

static tap_packet_status streams_packet(void *tapdata, packet_info *pinfo _U_,
                                        epan_dissect_t *edt _U_, const void *data,
                                        tap_flags_t flags _U_)
{
    streams_report *rep = (streams_report *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    void *key = GSIZE_TO_POINTER((gsize)info->pkt->stream->ep.index + 1);

    if (wmem_map_contains(rep->matched, key))
        return TAP_PACKET_DONT_REDRAW;
    wmem_map_insert(rep->matched, key, key);
    return TAP_PACKET_REDRAW;
}

static const char **streams_cells(text_table *tt, const tcplife_stream *st, const tl_summary *sum)
{
    const char **c = tt_cells(tt);
    for (unsigned i = 0; i < tcplife_streams_ncolumns; i++)
        c[i] = column_text(tt_pool(tt), tcplife_streams_columns[i], st, sum);
    return c;
}

static text_table *streams_table(wmem_allocator_t *pool)
{
    unsigned n = tcplife_streams_ncolumns;
    char *align = (char *)wmem_alloc0(pool, n + 1);     /* the table keeps it */
    const char **header = wmem_alloc_array(pool, const char *, n);
    for (unsigned i = 0; i < n; i++) {
        align[i] = tcplife_streams_columns[i]->align;
        header[i] = tcplife_streams_columns[i]->text_header;
    }
    text_table *tt = tt_new(pool, align);
    tt_add(tt, header);
    return tt;
}

/* Streams per conn_state, in tl_conn_state order. */
static void print_state_totals(wmem_allocator_t *pool, const unsigned *count, unsigned total)
{
    text_table *tt = tt_new(pool, "lr");
    const char *header[] = { "conn_state", "streams" };
    tt_add(tt, header);
    for (unsigned i = 0; i < TL_N_CONN_STATES; i++) {
        if (count[i] == 0)
            continue;
        const char **c = tt_cells(tt);
        c[0] = tl_conn_state_names[i];
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
    text_table *tt = streams_table(pool);
    unsigned count[TL_N_CONN_STATES] = { 0 };
    unsigned total = 0;

    for (uint32_t i = 0; i < tcplife_stream_index_limit(); i++) {
        tcplife_stream buf;
        if (!wmem_map_contains(rep->matched, GSIZE_TO_POINTER((gsize)i + 1)))
            continue;
        const tcplife_stream *st = tcplife_stream_view(i, &buf);
        if (st == NULL)
            continue;
        tl_summary sum;
        tl_stream_summarize(&st->core, &sum);
        tt_add(tt, streams_cells(tt, st, &sum));
        count[sum.conn_state]++;
        total++;
    }
    print_title("TCP lifecycle: streams");
    printf("Filter: %s\n\n", rep->filter ? rep->filter : "none");
    if (total > 0) {
        tt_print(tt);
        printf("\n");
        print_state_totals(pool, count, total);
    } else if (tcplife_stream_index_limit() == 0) {
        printf("%s\n", TCPLIFE_NO_STREAMS);
    } else {
        printf("%s pass the filter\n", TCPLIFE_NO_STREAMS);
    }
    printf("%s\n", TCPLIFE_REPORT_RULE);
    wmem_destroy_allocator(pool);
    streams_note_one_pass(rep);
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
    if (filter_reads_stream_fields(rep->filter)) {
        rep->one_pass = wmem_new0(pool, bool);
        if (!report_listen(STREAMS_CLI, rep->one_pass, NULL, streams_pass_packet, NULL, NULL)) {
            wmem_destroy_allocator(pool);
            return false;
        }
    }
    if (report_listen(STREAMS_CLI, rep, rep->filter, streams_packet, streams_draw, report_finish))
        return true;
    if (rep->one_pass)
        remove_tap_listener(rep->one_pass);
    wmem_destroy_allocator(pool);
    return false;
}

void tcplife_report_streams_register(void)
{
    static report_def def = { .cli = STREAMS_CLI, .title = "TCP lifecycle: streams", .start = streams_start };
    report_register(&def);
}
