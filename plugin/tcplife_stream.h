/* tcplife_stream.h - what the epan layer keeps per stream, and what it renders per packet.
 *
 * A stream is one tcp.stream value: the core's state plus the endpoints,
 * which only the display needs.  Streams live in a table indexed by
 * tcp.stream, in file scope.  Rendering and taps see a packet as a
 * tcplife_packet: its stored verdict joined to its stream.
 *
 * Endpoints are indexed like every per-side array, by enum tl_side_index
 * (client 0, server 1).  A new stream's endpoints are its first segment's
 * sender and receiver until the core has assigned the roles: then
 * tcplife_stream_set_roles() puts them in their place.
 *
 *   tcplife_streams_reset()         forgets every stream; call when file scope ends.
 *   tcplife_stream_get_or_create(i, l)  stream i, created from its first layer's facts l if new.
 *   tcplife_stream_at(i)            stream i, or NULL if never created.
 *   tcplife_stream_index_limit()    every created index is below it, for loops.
 *   tcplife_stream_set_roles(st)    orders the endpoints by role, once the first segment was classified.
 *   tcplife_stream_addr(st, side)   that side's address bytes (st->addr_len of them).
 *   tcplife_stream_sent_by(st, side, l)  whether layer l was sent by that side's endpoint.
 *   tcplife_endpoint_format(st, side, buf)  "address:port" ("[address]:port" for IPv6, "port N"
 *                                   without IP) of that side, into buf, returned.
 *   tcplife_endpoint_str(pool, st, side)  the same, allocated from pool.
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
    uint16_t  port[2];        /* by enum tl_side_index (see tcplife_stream_set_roles) */
    uint8_t   addr_len;       /* 4, 16, or 0 when not carried by IP */
    bool      used;           /* created (the table is allocated zeroed, by pages) */
    union {                   /* IPv4 inline; IPv6, rarer, out of line: 24 bytes less per stream */
        uint8_t   v4[2][4];   /* by enum tl_side_index, as port[] */
        uint8_t (*v6)[16];    /* v6[0], v6[1], file scope */
    } addr;
} tcplife_stream;

#define TCPLIFE_ENDPOINT_MAX 56     /* "[IPv6 address]:port" and its NUL */

typedef struct tcplife_packet {
    const tcplife_stream *stream;
    tl_result       result;
    tl_detail       detail;   /* the packet's own numbers, for tcplife.explain */
} tcplife_packet;

/* tcplife_layer_facts (tcplife_input.h) needs epan: declared, not included. */
struct tcplife_layer_facts;

void tcplife_streams_reset(void);
tcplife_stream *tcplife_stream_get_or_create(uint32_t index, const struct tcplife_layer_facts *l);
const tcplife_stream *tcplife_stream_at(uint32_t index);
uint32_t tcplife_stream_index_limit(void);
void tcplife_stream_set_roles(tcplife_stream *st);
const uint8_t *tcplife_stream_addr(const tcplife_stream *st, enum tl_side_index side);
bool tcplife_stream_sent_by(const tcplife_stream *st, enum tl_side_index side,
                            const struct tcplife_layer_facts *l);
const char *tcplife_endpoint_format(const tcplife_stream *st, enum tl_side_index side,
                                    char buf[TCPLIFE_ENDPOINT_MAX]);
const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st,
                                 enum tl_side_index side);

#endif /* TCPLIFE_STREAM_H */
