/* tcplife_report.h - what the reports (-z tcplife,streams / ladder / table)
 * share.  Each report registers itself:
 *   tcplife_report_streams_register(), tcplife_report_ladder_register(),
 *   tcplife_report_table_register()   called once by tcplife_taps_register().
 *
 *   NAME_OF(names, value)        a contract name ("client", "four-way"...), "?" if out of range.
 *   format_us(pool, ns, unit_us, decimals)  ns in units of unit_us microseconds: "28.820".
 *   client_endpoint(st)          which endpoint is the client.
 *   stream_row_of(pool, st)      one stream's summary, as the reports print it.
 *   cli_args(opt, cli)           the arguments after "cli," in opt, "" for none, NULL if no match.
 *   report_listen(...)           registers a listener on the tcplife tap, or says why not.
 *   report_finish(tapdata)       destroys the report's allocator (its first member).
 *   bad_argument(fmt, ...)       prints "tshark: ..." to stderr, returns false.
 *   exit_if_failed_before_4_6(ok)  exits as tshark's own reports do, where init returns void.
 *   print_title(title)           the rule and title line of a report.
 */
#ifndef TCPLIFE_REPORT_H
#define TCPLIFE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>
#include <epan/tap.h>

#include "tcplife_stream.h"
#include "tcplife_taps.h"
#include "tcplife_text_table.h"

#define TCPLIFE_REPORT_RULE \
    "========================================================================"

#define TCPLIFE_AS_NAME(c_name, number, name) [number] = name,
#define TCPLIFE_COUNT(c_name, number, name) +1

extern const char *const role_names[0 TL_ROLES(TCPLIFE_COUNT)];
extern const char *const phase_names[0 TL_PHASES(TCPLIFE_COUNT)];
extern const char *const initiator_names[0 TL_TEARDOWN_INITIATORS(TCPLIFE_COUNT)];
extern const char *const teardown_kind_names[0 TL_TEARDOWN_KINDS(TCPLIFE_COUNT)];
extern const char *const reset_kind_names[0 TL_RESET_KINDS(TCPLIFE_COUNT)];

/* Zeek's conn_state values in the contract's order: the totals follow it. */
#define TCPLIFE_CONN_STATES 13
extern const char *const conn_states[TCPLIFE_CONN_STATES];

const char *name_of(const char *const names[], size_t n, unsigned value);
#define NAME_OF(names, value) name_of(names, array_length(names), (unsigned)(value))

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

char *format_us(wmem_allocator_t *pool, int64_t ns, uint64_t unit_us, int decimals);
int client_endpoint(const tcplife_stream *st);
stream_row stream_row_of(wmem_allocator_t *pool, const tcplife_stream *st);
void print_title(const char *title);
bool bad_argument(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void exit_if_failed_before_4_6(bool ok);
const char *cli_args(const char *opt, const char *cli);
bool report_listen(const char *cli, void *report, const char *filter,
                   tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish);
void report_finish(void *tapdata);

void tcplife_report_streams_register(void);
void tcplife_report_ladder_register(void);
void tcplife_report_table_register(void);

#endif /* TCPLIFE_REPORT_H */
