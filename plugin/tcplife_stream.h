/* tcplife_stream.h - what the epan layer keeps per stream, and what it renders per packet.
 *
 * A stream is one tcp.stream value: the core's state plus the endpoints,
 * which only the display needs.  A packet's verdict is stored as a
 * tcplife_record (tcplife_records.h) on the first pass; rendering and taps
 * see it as a tcplife_packet, which joins the verdict to its stream.
 */
#ifndef TCPLIFE_STREAM_H
#define TCPLIFE_STREAM_H

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
    uint8_t   addr[2][16];
} tcplife_stream;

#define TCPLIFE_ENDPOINT_MAX 56     /* "[IPv6 address]:port" and its NUL */

typedef struct tcplife_packet {
    const tcplife_stream *stream;
    tl_result       result;
} tcplife_packet;

/* The file's streams so far, by tcp.stream: tcplife_stream_at() is NULL for
 * an index never seen (or beyond tcplife_stream_count()). */
uint32_t tcplife_stream_count(void);
/* "address:port" ("[address]:port" for IPv6, "port N" without IP) of
 * endpoint `which`: 0 the stream's first sender, 1 its peer. */
const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st, int which);
/* The same into buf; returns buf. */
const char *tcplife_endpoint_format(const tcplife_stream *st, int which,
                                    char buf[TCPLIFE_ENDPOINT_MAX]);
const tcplife_stream *tcplife_stream_at(uint32_t index);

#endif /* TCPLIFE_STREAM_H */
