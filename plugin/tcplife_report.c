/* tcplife_report.c - what the tshark reports and the GUI table share:
 * contract names, number formats, one stream's summary row, -z plumbing. */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* ---- number formats and report cells -------------------------------------- */

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

const char *column_text(wmem_allocator_t *pool, const tcplife_column *col,
                        const tcplife_stream *st, const tl_summary *sum)
{
    tcplife_cell c = col->cell(pool, st, sum);
    switch (c.kind) {
    case TCPLIFE_CELL_UINT:
        return wmem_strdup_printf(pool, "%" PRIu64, c.uint);
    case TCPLIFE_CELL_TIME:
        return wmem_strdup_printf(pool, "%s%s", format_us(pool, c.ns, col->unit_us, col->decimals),
                                  col->unit);
    case TCPLIFE_CELL_STRING:   /* the table outlives the stream and summary read */
        return wmem_strdup(pool, c.string);
    default:
        return "-";
    }
}

void print_title(const char *title)
{
    printf("\n%s\n%s\n", TCPLIFE_REPORT_RULE, title);
}

/* ---- -z start-up ---------------------------------------------------------- */

/* An unusable -z argument: say why on stderr (TCPLIFE_STAT_INIT_RETURN then
 * fails the way this Wireshark version expects). */
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

static tcplife_stat_init_ret_t report_init(const char *opt, void *userdata)
{
    bool ok = ((const report_def *)userdata)->start(opt);
    TCPLIFE_STAT_INIT_RETURN(ok);
}

/* tshark hands register_stat_tap_ui's userdata to the init callback: one
 * callback serves every report. */
void report_register(report_def *def)
{
    stat_tap_ui ui = {
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
        .title = def->title,
        .cli_string = def->cli,
        .tap_init_cb = report_init,
        .nparams = 0,
        .params = NULL,
    };
    def->ui = ui;
    register_stat_tap_ui(&def->ui, def);
}
