/* tcplife_stream.h - what the epan layer keeps per stream, and what it renders per packet.
 *
 * A stream is one tcp.stream value: the core's state plus the endpoints,
 * which only the display needs.  Streams live in a table indexed by
 * tcp.stream, in file scope.  Rendering and taps see a packet as a
 * tcplife_packet: its stored verdict joined to its stream.
 *
 * A stream that has carried at most TCPLIFE_BRIEF_SEGMENTS segments is kept
 * brief: its endpoints and those segments, not a tl_stream.  The core is
 * deterministic, so replaying them into a fresh tl_stream rebuilds its state
 * exactly; views get that rebuilt copy in a buffer they pass.  A SYN scan's
 * or a RST flood's million streams thus cost about 80 bytes each instead of
 * 550 (the way Linux keeps a half-open connection as a small request_sock
 * until its handshake completes).  The next segment makes the stream full.
 *
 * Endpoints are indexed like every per-side array, by enum tl_side_index
 * (client 0, server 1).  A new stream's endpoints are its first segment's
 * sender and receiver until the core has assigned the roles, which happens
 * on that segment: tcplife_stream_classify() then puts them in their place.
 *
 *   tcplife_streams_reset()         forgets every stream; call when file scope ends.
 *   tcplife_stream_classify(i, l, seg, d, buf, view)  classifies seg as stream i's next
 *                                   segment (the stream created from layer facts l if new),
 *                                   stores what the stream must remember, returns the verdict
 *                                   and fills *d; sets seg->from_first_sender.  *view is the
 *                                   stream after it: the stored one, or buf rebuilt.
 *   tcplife_stream_view(i, buf)     stream i as views read it: the stored stream, or buf
 *                                   rebuilt from a brief one; NULL if never created.
 *   tcplife_stream_exists(i)        whether stream i was created.
 *   tcplife_stream_times(i, f, l)   stream i's first and last packet times into *f, *l without
 *                                   rebuilding it; false (and nothing set) if it has none.
 *   tcplife_stream_is_rebuilt(st)   whether st is a caller's buffer (a brief stream rebuilt),
 *                                   which a view must copy to keep beyond the call.
 *   tcplife_stream_index_limit()    every created index is below it, for loops.
 *   tcplife_stream_addr(st, side)   that side's address bytes (st->ep.addr_len of them).
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

/* A brief stream keeps its first segments (up to this many): a scan's probe
 * and its answer, SYN and RST, stay brief. */
#define TCPLIFE_BRIEF_SEGMENTS 2

/* Who talks: what the display needs beside the core's state.  24 bytes. */
typedef struct tcplife_endpoints {
    uint32_t  index;          /* tcp.stream */
    uint16_t  port[2];        /* by enum tl_side_index, once the roles are known */
    uint8_t   addr_len;       /* 4, 16, or 0 when not carried by IP */
    uint8_t   kept;           /* a brief stream's kept segments (1..TCPLIFE_BRIEF_SEGMENTS); 0: full */
    union {                   /* IPv4 inline; IPv6, rarer, out of line: 24 bytes less per stream */
        uint8_t   v4[2][4];   /* by enum tl_side_index, as port[] */
        uint8_t (*v6)[16];    /* v6[0], v6[1], file scope */
    } addr;
} tcplife_endpoints;

/* A stream as every view reads it: stored as such once full, rebuilt into a
 * caller's buffer while brief (ep.kept > 0 then).  536 bytes. */
typedef struct tcplife_stream {
    tcplife_endpoints ep;
    tl_stream         core;
} tcplife_stream;

/* How a brief stream is stored: its first segments instead of its state,
 * allocated for exactly ep.kept of them (TCPLIFE_BRIEF_SIZE: 64 bytes with
 * one, 104 with two), since most streams of a flood or a scan never get a
 * second.  Only tcplife_stream.c reads it; declared for bench/sizeof.c. */
typedef struct tcplife_brief_stream {
    tcplife_endpoints ep;
    tl_segment        seg[];   /* ep.kept of them */
} tcplife_brief_stream;

#define TCPLIFE_BRIEF_SIZE(kept) (sizeof(tcplife_brief_stream) + (size_t)(kept) * sizeof(tl_segment))

#define TCPLIFE_ENDPOINT_MAX 56     /* "[IPv6 address]:port" and its NUL */

typedef struct tcplife_packet {
    const tcplife_stream *stream;
    tl_result       result;
    tl_detail       detail;   /* the packet's own numbers, for tcplife.explain */
} tcplife_packet;

/* tcplife_layer_facts (tcplife_input.h) needs epan: declared, not included. */
struct tcplife_layer_facts;

void tcplife_streams_reset(void);
tl_result tcplife_stream_classify(uint32_t index, const struct tcplife_layer_facts *l,
                                  tl_segment *seg, tl_detail *d, tcplife_stream *buf,
                                  const tcplife_stream **view);
const tcplife_stream *tcplife_stream_view(uint32_t index, tcplife_stream *buf);
bool tcplife_stream_exists(uint32_t index);
bool tcplife_stream_times(uint32_t index, int64_t *first_ns, int64_t *last_ns);
uint32_t tcplife_stream_index_limit(void);

static inline bool tcplife_stream_is_rebuilt(const tcplife_stream *st)
{
    return st->ep.kept != 0;
}

const uint8_t *tcplife_stream_addr(const tcplife_stream *st, enum tl_side_index side);
bool tcplife_stream_sent_by(const tcplife_stream *st, enum tl_side_index side,
                            const struct tcplife_layer_facts *l);
const char *tcplife_endpoint_format(const tcplife_stream *st, enum tl_side_index side,
                                    char buf[TCPLIFE_ENDPOINT_MAX]);
const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st,
                                 enum tl_side_index side);

#endif /* TCPLIFE_STREAM_H */
