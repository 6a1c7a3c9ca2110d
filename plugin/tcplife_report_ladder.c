/* tcplife_report_ladder.c - tshark -q -z tcplife,ladder[,STREAM...][,all]: a ladder per stream. */
#include "ws_compat.h"

#include "tcplife_report.h"
#include "tcplife_report_args.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "core/tcplife_label.h"

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
    report_streams    wanted;   /* the streams asked for, and "all": never fold transfers */
    wmem_map_t       *packets;  /* stream index + 1 -> wmem_array_t of ladder_pkt */
} ladder_report;

static tap_packet_status ladder_packet(void *tapdata, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    ladder_report *rep = (ladder_report *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    uint32_t index = info->pkt->stream->ep.index;

    if (!report_streams_wants(&rep->wanted, index))
        return TAP_PACKET_DONT_REDRAW;
    wmem_array_t *pkts = report_stream_packets(rep->packets, rep->pool, index, sizeof(ladder_pkt));
    ladder_pkt p = {
        .rel_ns = tcplife_time_ns(&pinfo->rel_ts),
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
    bool     sent[3];       /* by enum tl_role: the side sent a packet */
    bool     known[3];
    uint32_t isn[3];
} ladder_isn;

static ladder_isn ladder_isn_of(wmem_array_t *pkts)
{
    ladder_isn isn = { { false, false, false }, { false, false, false }, { 0, 0, 0 } };
    unsigned n = wmem_array_get_count(pkts);
    for (unsigned i = 0; i < n; i++) {
        const ladder_pkt *p = (const ladder_pkt *)wmem_array_index(pkts, i);
        unsigned side = p->result.sender;
        if (side > TL_ROLE_SERVER || isn.sent[side])
            continue;
        isn.sent[side] = true;
        isn.known[side] = p->has_facts && (p->flags & TL_SYN);
        isn.isn[side] = p->seq;
    }
    return isn;
}

/* Which numbers are relative.  A side that sent nothing has no numbers to
 * show, raw or relative: the note names only the sides that sent. */
static const char *ladder_isn_note(wmem_allocator_t *pool, const ladder_isn *isn)
{
    bool c = isn->known[TL_ROLE_CLIENT], s = isn->known[TL_ROLE_SERVER];
    bool c_sent = isn->sent[TL_ROLE_CLIENT], s_sent = isn->sent[TL_ROLE_SERVER];
    if (!c_sent || !s_sent) {
        const char *who = c_sent ? "client" : "server";
        return wmem_strdup_printf(pool, "%s; the %s sent nothing",
                                  (c_sent ? c : s)
                                      ? wmem_strdup_printf(pool, "seq/ack relative to the %s's ISN", who)
                                      : wmem_strdup_printf(pool, "seq/ack raw (the %s's first packet "
                                                           "was not a SYN)", who),
                                  c_sent ? "server" : "client");
    }
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
    wmem_allocator_t *pool = tt_pool(lt->tt);
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
    tt_span(lt->tt, 0, wmem_strdup_printf(tt_pool(lt->tt), "-- %s ", TL_NAME(tl_phase_names, phase)),
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
    tt_span(lt->tt, LD_DIR, wmem_strdup_printf(tt_pool(lt->tt), "\u2026 %u transfer packets \u2026",
                                               n - 2 * LADDER_KEEP), 0);
    for (unsigned i = to - LADDER_KEEP; i < to; i++)
        ladder_add(lt, pkt_at(pkts, i));
}

/* Whether p carries bytes its sender had not sent before (one pass only):
 * data, not an ACK, a keep-alive probe (seq one below the next byte, at most
 * one byte), a window update or a retransmission.  ends[] is each side's
 * highest sequence number + 1 so far (SYN and FIN count), updated here. */
typedef struct ladder_ends {
    bool     seen[3];       /* by enum tl_role */
    uint32_t end[3];
} ladder_ends;

static bool carries_new_data(ladder_ends *e, const ladder_pkt *p)
{
    unsigned side = p->result.sender;
    if (side > TL_ROLE_SERVER)
        return p->len > 0;
    uint32_t end = p->seq + p->len + ((p->flags & TL_SYN) ? 1 : 0) + ((p->flags & TL_FIN) ? 1 : 0);
    bool beyond = !e->seen[side] || (int32_t)(end - e->end[side]) > 0;
    if (beyond)
        e->end[side] = end;
    e->seen[side] = true;
    return p->len > 0 && beyond;
}

/* The section (separator) each packet goes under: its phase, except that
 * inside a teardown a transfer packet without new data (the peer's ACKs, a
 * keep-alive, a window update) stays under "teardown": only data in the
 * direction still open starts a "transfer" section again.  Without facts
 * (-2) new data cannot be told, and every phase change starts a section. */
static uint8_t *ladder_sections(wmem_allocator_t *pool, wmem_array_t *pkts)
{
    unsigned n = wmem_array_get_count(pkts);
    uint8_t *section = (uint8_t *)wmem_alloc0(pool, n + 1);
    ladder_ends ends = { { false, false, false }, { 0, 0, 0 } };
    uint8_t current = TL_PHASE_NONE;
    for (unsigned i = 0; i < n; i++) {
        const ladder_pkt *p = pkt_at(pkts, i);
        bool fresh = p->has_facts ? carries_new_data(&ends, p) : true;
        if (!(current == TL_PHASE_TEARDOWN && p->result.phase == TL_PHASE_TRANSFER && !fresh))
            current = p->result.phase;
        section[i] = current;
    }
    return section;
}

static void ladder_add_rows(ladder_table *lt, wmem_array_t *pkts, bool unfold)
{
    unsigned n = wmem_array_get_count(pkts);
    const uint8_t *section = ladder_sections(tt_pool(lt->tt), pkts);
    uint8_t shown = TL_PHASE_NONE;
    unsigned i = 0;
    while (i < n) {
        if (section[i] != shown)
            ladder_separator(lt, section[i]);
        shown = section[i];
        unsigned end = i + 1;
        if (pkt_at(pkts, i)->result.phase == TL_PHASE_TRANSFER)
            while (end < n && section[end] == shown &&
                   pkt_at(pkts, end)->result.phase == TL_PHASE_TRANSFER)
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
    tl_summary sum;
    ladder_table lt = { tt_new(pool, facts ? "rrllrrrl" : "rrll"), &isn, facts };

    tl_stream_summarize(&st->core, &sum);
    printf("\nStream %u: client %s, server %s\n", st->ep.index,
           tcplife_endpoint_str(pool, st, TL_SIDE_CLIENT), tcplife_endpoint_str(pool, st, TL_SIDE_SERVER));
    unsigned npkts = wmem_array_get_count(pkts);
    printf("conn_state %s, history %s, %u packet%s\n", TL_NAME(tl_conn_state_names, sum.conn_state),
           sum.history, npkts, npkts == 1 ? "" : "s");
    if (facts)
        printf("%s\n", ladder_isn_note(pool, &isn));
    tt_add(lt.tt, facts ? ladder_header : ladder_header_short);
    ladder_add_rows(&lt, pkts, rep->wanted.all);
    tt_print(lt.tt);
    wmem_destroy_allocator(pool);
}

static bool ladder_any_without_facts(const ladder_report *rep)
{
    for (uint32_t i = 0; i < tcplife_stream_index_limit(); i++) {
        wmem_array_t *pkts = report_stream_packets_at(rep->packets, i);
        if (pkts && !ladder_has_facts(pkts))
            return true;
    }
    return false;
}

static void ladder_print_one(const ladder_report *rep, uint32_t index)
{
    tcplife_stream buf;
    const tcplife_stream *st = tcplife_stream_view(index, &buf);
    wmem_array_t *pkts = report_stream_packets_at(rep->packets, index);
    if (st && pkts)
        ladder_print_stream(rep, st, pkts);
    else
        printf("\nStream %u: not in this capture (or no TCP layer tcplife annotates)\n", index);
}

static void ladder_draw(void *tapdata)
{
    ladder_report *rep = (ladder_report *)tapdata;
    unsigned wanted = rep->wanted.count;

    print_title("TCP lifecycle: ladder");
    if (ladder_any_without_facts(rep))
        printf("Note: flags, seq, ack and len are read on the first pass only: "
               "run tshark without -2 to see them.\n");
    for (unsigned i = 0; i < wanted; i++)
        ladder_print_one(rep, rep->wanted.index[i]);
    for (uint32_t i = 0; wanted == 0 && i < tcplife_stream_index_limit(); i++)
        if (report_stream_packets_at(rep->packets, i))
            ladder_print_one(rep, i);
    if (wanted == 0 && wmem_map_size(rep->packets) == 0)
        printf("\n%s\n", TCPLIFE_NO_STREAMS);
    printf("%s\n", TCPLIFE_REPORT_RULE);
}

static bool ladder_start(const char *opt)
{
    const char *args = cli_args(opt, LADDER_CLI);
    if (args == NULL)
        return bad_argument("invalid \"-z %s\": use -z " LADDER_CLI "[,STREAM...][,all]", opt);
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    ladder_report *rep = wmem_new0(pool, ladder_report);
    rep->pool = pool;
    rep->packets = wmem_map_new(pool, g_direct_hash, g_direct_equal);
    if (report_streams_parse(pool, opt, LADDER_CLI, args, &rep->wanted) &&
        report_listen(LADDER_CLI, rep, NULL, ladder_packet, ladder_draw, report_finish))
        return true;
    wmem_destroy_allocator(pool);
    return false;
}

void tcplife_report_ladder_register(void)
{
    static report_def def = { .cli = LADDER_CLI, .title = "TCP lifecycle: ladder", .start = ladder_start };
    report_register(&def);
}
