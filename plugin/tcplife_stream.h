/* tcplife_stream.h - what the epan layer keeps per stream, and what it renders per packet.
 *
 * A stream is one tcp.stream value: the core's state plus the endpoints,
 * which only the display needs.  Streams live in a table indexed by
 * tcp.stream, in file scope.  A packet's verdict is stored as a
 * tcplife_record (tcplife_records.h) on the first pass; rendering and taps
 * see it as a tcplife_packet, which joins the verdict to its stream.
 *
 *   tcplife_streams_reset()         forgets every stream; call when file scope ends.
 *   tcplife_stream_get(i, l)        stream i, created from its first layer's facts l if new.
 *   tcplife_stream_at(i)            stream i, or NULL if never created.
 *   tcplife_stream_count()          an upper bound of the indices created so far, for loops.
 *   tcplife_stream_addr(st, w)      endpoint w's address bytes (st->addr_len of them).
 *   tcplife_endpoint_format(st, w, buf)  "address:port" ("[address]:port" for IPv6, "port N"
 *                                   without IP) of endpoint w: 0 the stream's first sender,
 *                                   1 its peer; into buf, returned.
 *   tcplife_endpoint_str(pool, st, w)  the same, allocated from pool.
 */
#ifndef TCPLIFE_STREAM_H
#define TCPLIFE_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/tcplife_core.h"

/* Wireshark's allocator, declared here so that this header needs no epan
 * include (bench/sizeof.c compiles it with the core alone). */
typedef struct _wmem_allocator_t wmem_allocator_t;

typedef struct tcplife_stream {
    tl_stream core;
    uint32_t  index;          /* tcp.stream */
    uint16_t  port[2];        /* [0] the first segment's sender, [1] its receiver */
    uint8_t   addr_len;       /* 4, 16, or 0 when not carried by IP */
    bool      used;           /* created (the table is allocated zeroed, by pages) */
    union {                   /* IPv4 inline; IPv6, rarer, out of line: 24 bytes less per stream */
        uint8_t   v4[2][4];
        uint8_t (*v6)[16];    /* v6[0], v6[1], file scope */
    } addr;
} tcplife_stream;

/* What the first pass stores per annotated TCP layer (tcplife_records.h). */
typedef struct tcplife_record {
    uint32_t  stream;     /* tcp.stream */
    tl_result result;     /* result.phase is never TL_PHASE_NONE in a stored record */
} tcplife_record;

#define TCPLIFE_ENDPOINT_MAX 56     /* "[IPv6 address]:port" and its NUL */

typedef struct tcplife_packet {
    const tcplife_stream *stream;
    tl_result       result;
} tcplife_packet;

/* tcplife_layer_facts (tcplife_input.h) needs epan: declared, not included. */
struct tcplife_layer_facts;

void tcplife_streams_reset(void);
tcplife_stream *tcplife_stream_get(uint32_t index, const struct tcplife_layer_facts *l);
const tcplife_stream *tcplife_stream_at(uint32_t index);
uint32_t tcplife_stream_count(void);
const uint8_t *tcplife_stream_addr(const tcplife_stream *st, int which);
const char *tcplife_endpoint_format(const tcplife_stream *st, int which,
                                    char buf[TCPLIFE_ENDPOINT_MAX]);
const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st, int which);

#endif /* TCPLIFE_STREAM_H */
