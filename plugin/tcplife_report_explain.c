/* tcplife_report_explain.c - tshark -q -z tcplife,explain[,STREAM...][,all]: the seed
 * article's walkthrough, written for any stream.
 *
 * Per stream: the trace in tcpdump's notation (the article's), then each
 * phase with numbered explanations naming the lines they explain
 * (tl_explain_packet, the text of tcplife.explain), then the story and why
 * the handshake and teardown took the steps they took.  Long runs of
 * transfer packets fold as in the ladder; ",all" unfolds them.
 */
#include "ws_compat.h"

#include "tcplife_report.h"
#include "tcplife_report_args.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/tcplife_explain.h"
#include "tcplife_tree.h"

#define EXPLAIN_CLI "tcplife,explain"
#define EXPLAIN_KEEP 3                       /* a folded run keeps its first and last 3 */
#define EXPLAIN_FOLD_OVER (2 * EXPLAIN_KEEP + 1)

/* What the report keeps per packet. */
typedef struct explain_pkt {
    uint32_t    frame;
    tl_result   result;
    tl_detail   detail;
    const char *options;    /* tcpdump's "[mss 1460,...]" text; NULL: none or not read */
    bool        has_facts;  /* the options were readable (first pass) */
} explain_pkt;

typedef struct explain_report {
    wmem_allocator_t *pool;       /* first: report_finish() destroys it */
    report_streams    wanted;
    wmem_map_t       *packets;    /* stream index + 1 -> wmem_array_t of explain_pkt */
    enum tl_lang      lang;
} explain_report;

/* ---- tcpdump's notation ---------------------------------------------------- */

typedef struct tbuf {
    char   text[512];
    size_t used;
} tbuf;

static void tb_printf(tbuf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void tb_printf(tbuf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->used >= sizeof b->text - 1)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(b->text + b->used, sizeof b->text - b->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->used = MIN(b->used + (size_t)n, sizeof b->text - 1);
}

/* One option as tcpdump's print_tcp_options names it; false ends the walk. */
static bool option_text(tbuf *b, tvbuff_t *tvb, int off, unsigned kind, unsigned len)
{
    switch (kind) {
    case 2: if (len == 4) { tb_printf(b, "mss %u", tvb_get_ntohs(tvb, off + 2)); return true; } break;
    case 3: if (len == 3) { tb_printf(b, "wscale %u", tcplife_tvb_get_u8(tvb, off + 2)); return true; } break;
    case 4: if (len == 2) { tb_printf(b, "sackOK"); return true; } break;
    case 5: tb_printf(b, "sack %u", (len - 2) / 8); return true;
    case 8:
        if (len == 10) {
            tb_printf(b, "TS val %u ecr %u", tvb_get_ntohl(tvb, off + 2), tvb_get_ntohl(tvb, off + 6));
            return true;
        }
        break;
    case 30: tb_printf(b, "mptcp"); return true;
    case 34: tb_printf(b, len == 2 ? "tfo cookiereq" : "tfo cookie"); return true;
    default: tb_printf(b, "unknown-%u", kind); return true;
    }
    tb_printf(b, "bad opt");
    return false;
}

/* "[mss 1460,sackOK,TS val 4294934992 ecr 0,nop,wscale 6]", or NULL without options. */
static const char *options_text(wmem_allocator_t *pool, const tcplife_layer_facts *l)
{
    tbuf b = { .used = 0 };
    int off = l->options_offset;
    unsigned left = l->options_len;
    if (!l->tvb || left == 0)
        return NULL;
    tb_printf(&b, "[");
    while (left > 0 && tvb_bytes_exist(l->tvb, off, 1)) {
        unsigned kind = tcplife_tvb_get_u8(l->tvb, off);
        if (b.used > 1)
            tb_printf(&b, ",");
        if (kind == 0 || kind == 1) {
            tb_printf(&b, kind ? "nop" : "eol");
            off++, left--;
            if (kind == 0)
                break;
            continue;
        }
        unsigned len = left >= 2 && tvb_bytes_exist(l->tvb, off + 1, 1)
                     ? tcplife_tvb_get_u8(l->tvb, off + 1) : 0;
        if (len < 2 || len > left || !tvb_bytes_exist(l->tvb, off, (int)len) ||
            !option_text(&b, l->tvb, off, kind, len))
            break;
        off += (int)len, left -= len;
    }
    tb_printf(&b, "]");
    return wmem_strdup(pool, b.text);
}

/* tcpdump's flag letters, in its order: "S.", "FP.", "none". */
static void flags_text(tbuf *b, uint16_t flags)
{
    static const struct { uint16_t bit; char letter; } letters[] = {
        { TL_FIN, 'F' }, { TL_SYN, 'S' }, { TL_RST, 'R' }, { TL_PSH, 'P' },
        { TL_ACK, '.' }, { TL_URG, 'U' }, { TL_ECE, 'E' }, { TL_CWR, 'W' },
    };
    size_t before = b->used;
    for (size_t i = 0; i < array_length(letters); i++)
        if (flags & letters[i].bit)
            tb_printf(b, "%c", letters[i].letter);
    if (b->used == before)
        tb_printf(b, "none");
}

/* "client > server: Flags [S], seq 4130871516, win 14600, options [...], length 0":
 * raw numbers in the handshake's SYN and SYN-ACK, relative ones after it. */
static const char *trace_line(wmem_allocator_t *pool, const tcplife_stream *st,
                              const explain_pkt *p, enum tl_lang lang)
{
    const tl_detail *d = &p->detail;
    enum tl_side_index me = tl_side_of((enum tl_role)p->result.sender);
    enum tl_side_index peer = me == TL_SIDE_CLIENT ? TL_SIDE_SERVER : TL_SIDE_CLIENT;
    bool raw = (d->flags & TL_SYN) != 0;
    uint32_t seq = raw ? d->seq : tl_stream_rel_seq(&st->core, me, d->seq);
    uint32_t ack = raw ? d->ack : tl_stream_rel_seq(&st->core, peer, d->ack);
    tbuf b = { .used = 0 };

    tb_printf(&b, "%s > %s: Flags [", tl_text(lang, me == TL_SIDE_CLIENT ? TL_W_CLIENT : TL_W_SERVER),
              tl_text(lang, me == TL_SIDE_CLIENT ? TL_W_SERVER : TL_W_CLIENT));
    flags_text(&b, d->flags);
    tb_printf(&b, "]");
    if (d->len > 0)
        tb_printf(&b, ", seq %" PRIu32 ":%" PRIu32, seq, seq + d->len);
    else if (d->flags & (TL_SYN | TL_FIN | TL_RST))
        tb_printf(&b, ", seq %" PRIu32, seq);
    if (d->flags & TL_ACK)
        tb_printf(&b, ", ack %" PRIu32, ack);
    tb_printf(&b, ", win %u", d->window);
    if (p->options)
        tb_printf(&b, ", options %s", p->options);
    tb_printf(&b, ", length %" PRIu32, d->len);
    return wmem_strdup(pool, b.text);
}

/* ---- collecting ------------------------------------------------------------- */

static tap_packet_status explain_packet(void *tapdata, packet_info *pinfo,
                                        epan_dissect_t *edt _U_, const void *data,
                                        tap_flags_t flags _U_)
{
    explain_report *rep = (explain_report *)tapdata;
    const tcplife_tap_info *info = (const tcplife_tap_info *)data;
    uint32_t index = info->pkt->stream->ep.index;

    if (!report_streams_wants(&rep->wanted, index))
        return TAP_PACKET_DONT_REDRAW;
    wmem_array_t *pkts = report_stream_packets(rep->packets, rep->pool, index, sizeof(explain_pkt));
    explain_pkt p = {
        .frame = pinfo->num,
        .result = info->pkt->result,
        .detail = info->pkt->detail,
        .options = info->facts ? options_text(rep->pool, info->facts) : NULL,
        .has_facts = info->facts != NULL,
    };
    wmem_array_append_one(pkts, p);
    return TAP_PACKET_REDRAW;
}

/* ---- printing --------------------------------------------------------------- */

static const explain_pkt *pkt_at(wmem_array_t *pkts, unsigned i)
{
    return (const explain_pkt *)wmem_array_index(pkts, i);
}

/* The end of the run of packets in the same phase as packet i. */
static unsigned run_end(wmem_array_t *pkts, unsigned i)
{
    unsigned n = wmem_array_get_count(pkts), end = i + 1;
    while (end < n && pkt_at(pkts, end)->result.phase == pkt_at(pkts, i)->result.phase)
        end++;
    return end;
}

static bool folds(const explain_report *rep, wmem_array_t *pkts, unsigned from, unsigned to)
{
    return !rep->wanted.all && pkt_at(pkts, from)->result.phase == TL_PHASE_TRANSFER &&
           to - from > EXPLAIN_FOLD_OVER;
}

static bool shown(const explain_report *rep, wmem_array_t *pkts, unsigned from, unsigned to,
                  unsigned i)
{
    return !folds(rep, pkts, from, to) || i < from + EXPLAIN_KEEP || i >= to - EXPLAIN_KEEP;
}

static void print_folded(const explain_report *rep, const tcplife_stream *st, unsigned from,
                         unsigned to)
{
    tl_vars v;
    char buf[TL_EXPLAIN_MAX];
    memset(&v, 0, sizeof v);
    tl_vars_u32(&v, TL_V_COUNT, to - from - 2 * EXPLAIN_KEEP);
    tl_vars_u32(&v, TL_V_LINE, from + EXPLAIN_KEEP + 1);
    tl_vars_u32(&v, TL_V_LAST_LINE, to - EXPLAIN_KEEP);
    tl_vars_u32(&v, TL_V_STREAM, st->ep.index);
    printf("  %s\n", tl_expand(rep->lang, TL_R_FOLDED, &v, buf, sizeof buf));
}

static void print_trace(const explain_report *rep, const tcplife_stream *st,
                        wmem_array_t *pkts, wmem_allocator_t *pool)
{
    unsigned n = wmem_array_get_count(pkts);
    printf("\n%s\n%6s %6s\n", tl_text(rep->lang, TL_R_TRACE), "line", "frame");
    for (unsigned from = 0, to; from < n; from = to) {
        to = run_end(pkts, from);
        for (unsigned i = from; i < to; i++) {
            if (shown(rep, pkts, from, to, i)) {
                const explain_pkt *p = pkt_at(pkts, i);
                printf("%6u %6u  %s\n", i + 1, p->frame, trace_line(pool, st, p, rep->lang));
            } else if (i == from + EXPLAIN_KEEP) {
                print_folded(rep, st, from, to);
            }
        }
    }
}

static const enum tl_msg phase_titles[] = {
    [TL_PHASE_NONE] = TL_R_PHASE_TRANSFER, [TL_PHASE_HANDSHAKE] = TL_R_PHASE_HANDSHAKE,
    [TL_PHASE_TRANSFER] = TL_R_PHASE_TRANSFER, [TL_PHASE_TEARDOWN] = TL_R_PHASE_TEARDOWN,
    [TL_PHASE_RESET] = TL_R_PHASE_RESET,
};

static void print_explanation(const explain_report *rep, const tcplife_stream *st,
                              const explain_pkt *p, unsigned number, unsigned line)
{
    char text[TL_EXPLAIN_MAX], out[TL_EXPLAIN_MAX + 64];
    tl_vars v;
    memset(&v, 0, sizeof v);
    tl_vars_u32(&v, TL_V_N, number);
    tl_vars_u32(&v, TL_V_LINE, line);
    v.v[TL_V_TEXT] = tl_explain_packet(&st->core, p->result, &p->detail, rep->lang, text,
                                       sizeof text);
    printf("  %s\n", tl_expand(rep->lang, TL_R_LINE, &v, out, sizeof out));
}

static void print_phases(const explain_report *rep, const tcplife_stream *st, wmem_array_t *pkts)
{
    unsigned n = wmem_array_get_count(pkts);
    for (unsigned from = 0, to; from < n; from = to) {
        to = run_end(pkts, from);
        uint8_t phase = pkt_at(pkts, from)->result.phase;
        printf("\n%s\n", tl_text(rep->lang, phase_titles[phase < array_length(phase_titles)
                                                          ? phase : 0]));
        for (unsigned i = from; i < to; i++) {
            if (shown(rep, pkts, from, to, i))
                print_explanation(rep, st, pkt_at(pkts, i), i - from + 1, i + 1);
            else if (i == from + EXPLAIN_KEEP)
                print_folded(rep, st, from, to);
        }
    }
}

/* Why the handshake and the teardown took the steps they took. */
static void print_why(const explain_report *rep, const tl_summary *sum)
{
    static const enum tl_msg open_why[] = {
        [TL_HS_THREE_WAY] = TL_R_WHY_THREE_WAY, [TL_HS_SIMULTANEOUS] = TL_R_WHY_SIMULTANEOUS_OPEN,
        [TL_HS_NOT_SEEN] = TL_R_WHY_NO_HANDSHAKE,
    };
    static const enum tl_msg close_why[] = {
        [TL_TD_FOUR_WAY] = TL_R_WHY_FOUR_WAY, [TL_TD_THREE_WAY] = TL_R_WHY_THREE_WAY_CLOSE,
        [TL_TD_SIMULTANEOUS] = TL_R_WHY_SIMULTANEOUS_CLOSE, [TL_TD_HALF_CLOSED] = TL_R_WHY_HALF_CLOSED,
    };
    if (sum->hs_kind < array_length(open_why) && open_why[sum->hs_kind])
        printf("  %s\n", tl_text(rep->lang, open_why[sum->hs_kind]));
    if (sum->td_kind < array_length(close_why) && close_why[sum->td_kind])
        printf("  %s\n", tl_text(rep->lang, close_why[sum->td_kind]));
    if (sum->reset_kind.set)
        printf("  %s\n", tl_text(rep->lang, TL_R_WHY_RESET));
}

static void print_stream(const explain_report *rep, const tcplife_stream *st, wmem_array_t *pkts)
{
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    char client[TCPLIFE_ENDPOINT_MAX], server[TCPLIFE_ENDPOINT_MAX], buf[TL_EXPLAIN_MAX];
    tl_summary sum;
    tl_vars v;

    memset(&v, 0, sizeof v);
    tl_stream_summarize(&st->core, &sum);
    tl_vars_u32(&v, TL_V_STREAM, st->ep.index);
    v.v[TL_V_CLIENT] = tcplife_endpoint_format(st, TL_SIDE_CLIENT, client);
    v.v[TL_V_SERVER] = tcplife_endpoint_format(st, TL_SIDE_SERVER, server);
    printf("\n%s\n", tl_expand(rep->lang, TL_R_STREAM, &v, buf, sizeof buf));
    print_trace(rep, st, pkts, pool);
    print_phases(rep, st, pkts);
    printf("\n%s\n  %s\n", tl_text(rep->lang, TL_R_SUMMARY),
           tl_explain_story(&st->core, &sum, client, server, rep->lang, buf, sizeof buf));
    print_why(rep, &sum);
    wmem_destroy_allocator(pool);
}

static wmem_array_t *stream_packets(const explain_report *rep, uint32_t index)
{
    return report_stream_packets_at(rep->packets, index);
}

static void print_one(const explain_report *rep, uint32_t index)
{
    tcplife_stream sbuf;
    const tcplife_stream *st = tcplife_stream_view(index, &sbuf);
    wmem_array_t *pkts = stream_packets(rep, index);
    char buf[TL_EXPLAIN_MAX];
    tl_vars v;

    if (st && pkts) {
        print_stream(rep, st, pkts);
        return;
    }
    memset(&v, 0, sizeof v);
    tl_vars_u32(&v, TL_V_STREAM, index);
    printf("\n%s\n", tl_expand(rep->lang, TL_R_NO_STREAM, &v, buf, sizeof buf));
}

static bool any_without_facts(const explain_report *rep)
{
    for (uint32_t i = 0; i < tcplife_stream_index_limit(); i++) {
        wmem_array_t *pkts = stream_packets(rep, i);
        for (unsigned j = 0; pkts && j < wmem_array_get_count(pkts); j++)
            if (!pkt_at(pkts, j)->has_facts)
                return true;
    }
    return false;
}

static void print_header(const explain_report *rep, unsigned streams)
{
    char buf[TL_EXPLAIN_MAX];
    tl_vars v;
    memset(&v, 0, sizeof v);
    print_title("TCP lifecycle: explain");
    if (streams == 0)
        printf("%s\n", tl_text(rep->lang, TL_R_NO_STREAMS));
    if (streams > 1 && rep->wanted.count == 0) {
        tl_vars_u32(&v, TL_V_COUNT, streams);
        printf("%s\n", tl_expand(rep->lang, TL_R_PICK, &v, buf, sizeof buf));
    }
    if (any_without_facts(rep))
        printf("Note: TCP options are read on the first pass only: run tshark without -2 "
               "to see them in the trace.\n");
}

static void explain_draw(void *tapdata)
{
    explain_report *rep = (explain_report *)tapdata;
    print_header(rep, wmem_map_size(rep->packets));
    for (unsigned i = 0; i < rep->wanted.count; i++)
        print_one(rep, rep->wanted.index[i]);
    for (uint32_t i = 0; rep->wanted.count == 0 && i < tcplife_stream_index_limit(); i++)
        if (stream_packets(rep, i))
            print_one(rep, i);
    printf("%s\n", TCPLIFE_REPORT_RULE);
}

static bool explain_start(const char *opt)
{
    const char *args = cli_args(opt, EXPLAIN_CLI);
    if (args == NULL)
        return bad_argument("invalid \"-z %s\": use -z " EXPLAIN_CLI "[,STREAM...][,all]", opt);
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    explain_report *rep = wmem_new0(pool, explain_report);
    rep->pool = pool;
    rep->lang = tcplife_language();
    rep->packets = wmem_map_new(pool, g_direct_hash, g_direct_equal);
    if (report_streams_parse(pool, opt, EXPLAIN_CLI, args, &rep->wanted) &&
        report_listen(EXPLAIN_CLI, rep, NULL, explain_packet, explain_draw, report_finish))
        return true;
    wmem_destroy_allocator(pool);
    return false;
}

void tcplife_report_explain_register(void)
{
    static report_def def = { .cli = EXPLAIN_CLI, .title = "TCP lifecycle: explain",
                              .start = explain_start };
    report_register(&def);
}
