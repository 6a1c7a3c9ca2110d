/* tcplife_report_args.h - the "STREAM...,all" arguments of the per-stream reports
 * (-z tcplife,explain, -z tcplife,ladder).
 *
 *   report_streams_parse(pool, opt, cli, args, out)  parses args (comma-separated tcp.stream
 *                          numbers and the word "all") into *out: numbers ascending, each once;
 *                          false after saying on stderr what is wrong.
 *   report_streams_wants(w, index)  whether stream index is asked for (every stream when none is).
 *   report_stream_packets(map, pool, index, size)  stream index's array of per-packet items
 *                          (of size bytes) in map, created in pool if new.
 *   report_stream_packets_at(map, index)  the same, or NULL when the stream has none.
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
wmem_array_t *report_stream_packets(wmem_map_t *map, wmem_allocator_t *pool, uint32_t index,
                                    size_t size);
wmem_array_t *report_stream_packets_at(wmem_map_t *map, uint32_t index);

#endif /* TCPLIFE_REPORT_ARGS_H */
