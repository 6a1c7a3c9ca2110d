/* tcplife_report_args.h - the "STREAM...,all" arguments of the per-stream reports
 * (-z tcplife,explain, -z tcplife,ladder).
 *
 *   report_streams_parse(pool, opt, cli, args, out)  parses args (comma-separated tcp.stream
 *                          numbers and the word "all") into *out: numbers ascending, each once;
 *                          false after saying on stderr what is wrong.
 *   report_streams_wants(w, index)  whether stream index is asked for (every stream when none is).
 */
#ifndef TCPLIFE_REPORT_ARGS_H
#define TCPLIFE_REPORT_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/wmem_scopes.h>

typedef struct report_streams {
    uint32_t *index;      /* ascending, unique */
    unsigned  count;      /* 0: every stream */
    bool      all;        /* "all": never fold */
} report_streams;

bool report_streams_parse(wmem_allocator_t *pool, const char *opt, const char *cli,
                          const char *args, report_streams *out);
bool report_streams_wants(const report_streams *w, uint32_t index);

#endif /* TCPLIFE_REPORT_ARGS_H */
