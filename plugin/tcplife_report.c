/* tcplife_report.c - what the tshark reports and the GUI table share:
 * contract names, number formats, one stream's summary row, -z plumbing. */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/address.h>
#include <epan/address_types.h>
#include <epan/to_str.h>

/* ---- contract names and number formats ---------------------------------- */

const char *const role_names[] = { TL_ROLES(TCPLIFE_AS_NAME) };
const char *const phase_names[] = { TL_PHASES(TCPLIFE_AS_NAME) };
const char *const initiator_names[] = { TL_TEARDOWN_INITIATORS(TCPLIFE_AS_NAME) };
const char *const teardown_kind_names[] = { TL_TEARDOWN_KINDS(TCPLIFE_AS_NAME) };
const char *const reset_kind_names[] = { TL_RESET_KINDS(TCPLIFE_AS_NAME) };

const char *name_of(const char *const names[], size_t n, unsigned value)
{
    return value < n && names[value] ? names[value] : "?";
}

/* Zeek's conn_state values in the contract's order: the totals follow it. */
const char *const conn_states[TCPLIFE_CONN_STATES] = {
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
};

/* ns in units of unit_us microseconds with `decimals` digits, rounded to the
 * microsecond: "28.820" (ms), "0.066336" (s).  Integer arithmetic, so the
 * same capture prints the same digits everywhere. */
char *format_us(wmem_allocator_t *pool, int64_t ns, uint64_t unit_us, int decimals)
{
    uint64_t mag = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = (mag + 500) / 1000;
    return wmem_strdup_printf(pool, "%s%" PRIu64 ".%0*" PRIu64, ns < 0 ? "-" : "",
                              us / unit_us, decimals, us % unit_us);
}

int client_endpoint(const tcplife_stream *st)
{
    return st->core.first_sender == TL_ROLE_CLIENT ? 0 : 1;
}

/* ---- one stream's summary, shared by the text report and the GUI table --- */


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

stream_row stream_row_of(wmem_allocator_t *pool, const tcplife_stream *st)
{
    const tl_stream *s = &st->core;
    const char *history = tl_zeek_history(&s->zeek);
    int client = client_endpoint(st);
    stream_row row = {
        .index = st->index,
        .client = tcplife_endpoint_str(pool, st, client),
        .server = tcplife_endpoint_str(pool, st, 1 - client),
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


void print_title(const char *title)
{
    printf("\n%s\n%s\n", TCPLIFE_REPORT_RULE, title);
}

/* ---- -z start-up ---------------------------------------------------------- */

/* An unusable -z argument: say why on stderr.  From 4.6 the init callback
 * returns false and tshark exits with an error; before 4.6 it returns
 * nothing, and tshark's own reports exit(1) themselves, as we do. */
bool bad_argument(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tshark: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return false;
}

void exit_if_failed_before_4_6(bool ok)
{
    if (!ok && !TCPLIFE_WS_AT_LEAST(4, 6))
        exit(EXIT_FAILURE);
}

/* opt is "<cli>" or "<cli>,ARGS": ARGS, "" for none, NULL when opt only
 * starts like cli ("tcplife,streamsX" is no match for "tcplife,streams"). */
const char *cli_args(const char *opt, const char *cli)
{
    size_t n = strlen(cli);
    if (strncmp(opt, cli, n) != 0)
        return NULL;
    if (opt[n] == '\0')
        return "";
    return opt[n] == ',' ? opt + n + 1 : NULL;
}

bool report_listen(const char *cli, void *report, const char *filter,
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
void report_finish(void *tapdata)
{
    wmem_destroy_allocator(*(wmem_allocator_t **)tapdata);
}
