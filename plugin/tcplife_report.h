/* tcplife_report.h - what the reports (-z tcplife,streams / ladder / table)
 * share.  Each report registers itself:
 *   tcplife_report_streams_register(), tcplife_report_ladder_register(),
 *   tcplife_report_table_register()   called once by tcplife_taps_register().
 *
 *   format_us(pool, ns, unit_us, decimals)  ns in units of unit_us microseconds: "28.820".
 *   column_text(pool, col, st, sum)  column col's cell for stream st as text: "28.820 ms", "-".
 *   cli_args(opt, cli)           the arguments after "cli," in opt, "" for none, NULL if no match.
 *   report_listen(...)           registers a listener on the tcplife tap, or says why not.
 *   report_finish(tapdata)       destroys the report's allocator (its first member).
 *   report_register(def)         registers def->cli as "-z" and the Statistics menu entry
 *                                def->title; "-z CLI[,ARGS]" calls def->start(opt).
 *   bad_argument(fmt, ...)       prints "tshark: ..." to stderr, returns false.
 *   print_title(title)           the rule and title line of a report.
 */
#ifndef TCPLIFE_REPORT_H
#define TCPLIFE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "tcplife_fields.h"
#include "tcplife_stream.h"
#include "tcplife_taps.h"
#include "tcplife_text_table.h"

#define TCPLIFE_REPORT_RULE \
    "========================================================================"

/* What a report prints instead of an empty table: no stream to show. */
#define TCPLIFE_NO_STREAMS "no TCP streams"

char *format_us(wmem_allocator_t *pool, int64_t ns, uint64_t unit_us, int decimals);
const char *column_text(wmem_allocator_t *pool, const tcplife_column *col,
                        const tcplife_stream *st, const tl_summary *sum);
void print_title(const char *title);
bool bad_argument(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
const char *cli_args(const char *opt, const char *cli);
bool report_listen(const char *cli, void *report, const char *filter,
                   tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish);
void report_finish(void *tapdata);

typedef struct report_def {
    const char *cli;                    /* "tcplife,streams" */
    const char *title;                  /* "TCP lifecycle: streams" */
    bool      (*start)(const char *opt); /* false: opt unusable (bad_argument said why) */
    stat_tap_ui ui;                     /* filled by report_register */
} report_def;

void report_register(report_def *def);

void tcplife_report_streams_register(void);
void tcplife_report_ladder_register(void);
void tcplife_report_table_register(void);

/* -z tcplife,conn[,FILTER] and -z tcplife,json[,FILTER] (tcplife_report_conn.c,
 * tcplife_report_json.c): one line per stream for other programs.
 *   stream_list_start(opt, cli, draw)  starts "-z cli[,FILTER]": at the end, draw gets
 *                                the tcp.stream values with a packet passing FILTER, in
 *                                order, and reads each (tcplife_stream_view). */
typedef void (*stream_list_draw)(wmem_allocator_t *pool, const uint32_t *streams, unsigned n);
bool stream_list_start(const char *opt, const char *cli, stream_list_draw draw);
void tcplife_report_conn_register(void);
void tcplife_report_json_register(void);
void tcplife_report_explain_register(void);   /* -z tcplife,explain: tcplife_report_explain.c */

#endif /* TCPLIFE_REPORT_H */
