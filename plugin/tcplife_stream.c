/* tcplife_stream.c - the file's streams, by tcp.stream, and their endpoints.
 *
 * Wireshark numbers tcp.stream densely from 0, so the table is pages of 256
 * pointers indexed by it, each page allocated zeroed on first use.  A
 * stream is stored brief (its endpoints and first segments, 64 bytes with
 * one, 104 with two) until
 * a segment beyond TCPLIFE_BRIEF_SEGMENTS makes it full (endpoints and
 * tl_stream, 536 bytes); tcplife_stream.h says why.  Everything is file
 * scope: opening another capture starts from nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_stream.h"

#include "core/tcplife_explain.h"

#include <stdio.h>
#include <string.h>

#include <epan/address.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <wsutil/inet_addr.h>

#include "tcplife_input.h"

#define PAGE_BITS 8
#define PAGE_SIZE (1u << PAGE_BITS)

typedef tcplife_brief_stream brief_stream;

/* Each slot points to the ep of a brief_stream or of a tcplife_stream (its
 * first member, so either converts back), as ep.kept says; NULL: none. */
static tcplife_endpoints ***pages;
static uint32_t npages;

void tcplife_streams_reset(void)
{
    pages = NULL;       /* file-scoped, and gone with it */
    npages = 0;
}

static void grow(uint32_t page)
{
    uint32_t n = npages ? npages : 16;
    while (n <= page)
        n *= 2;         /* page < 2^24: n stays below 2^25 */
    pages = (tcplife_endpoints ***)wmem_realloc(wmem_file_scope(), pages, n * sizeof *pages);
    memset(pages + npages, 0, (n - npages) * sizeof *pages);
    npages = n;
}

static tcplife_endpoints **slot_of(uint32_t index)
{
    uint32_t page = index >> PAGE_BITS;

    if (page >= npages)
        grow(page);
    if (!pages[page])
        pages[page] = (tcplife_endpoints **)wmem_alloc0(wmem_file_scope(),
                                                        PAGE_SIZE * sizeof **pages);
    return &pages[page][index & (PAGE_SIZE - 1)];
}

static const tcplife_endpoints *stored(uint32_t index)
{
    uint32_t page = index >> PAGE_BITS;
    if (page >= npages || !pages[page])
        return NULL;
    return pages[page][index & (PAGE_SIZE - 1)];
}

/* A new stream: brief, no segment kept yet but room for the one about to
 * be, endpoints in the first segment's direction. */
static brief_stream *brief_new(uint32_t index, const tcplife_layer_facts *l)
{
    brief_stream *b = (brief_stream *)wmem_alloc0(wmem_file_scope(), TCPLIFE_BRIEF_SIZE(1));
    b->ep.index = index;
    b->ep.port[0] = l->srcport;
    b->ep.port[1] = l->dstport;
    b->ep.addr_len = l->addr_len;
    if (l->addr_len == 4) {
        memcpy(b->ep.addr.v4[0], l->src, 4);
        memcpy(b->ep.addr.v4[1], l->dst, 4);
    } else if (l->addr_len == 16) {
        b->ep.addr.v6 = (uint8_t (*)[16])wmem_alloc(wmem_file_scope(), 2 * 16);
        memcpy(b->ep.addr.v6[0], l->src, 16);
        memcpy(b->ep.addr.v6[1], l->dst, 16);
    }
    return b;
}

/* A brief stream's segments replayed into buf: the core reads nothing but
 * the stream and the segment, so this is exactly the state it had. */
static tcplife_stream *rebuild(const brief_stream *b, tcplife_stream *buf)
{
    buf->ep = b->ep;
    tl_stream_init(&buf->core);
    for (unsigned i = 0; i < b->ep.kept; i++)
        tl_stream_update(&buf->core, &b->seg[i]);
    return buf;
}

const tcplife_stream *tcplife_stream_view(uint32_t index, tcplife_stream *buf)
{
    const tcplife_endpoints *ep = stored(index);
    if (ep == NULL || ep->kept == 0)
        return (const tcplife_stream *)ep;      /* none, or full */
    return rebuild((const brief_stream *)ep, buf);
}

bool tcplife_stream_exists(uint32_t index)
{
    return stored(index) != NULL;
}

/* The core takes a stream's first time from its first segment and its last
 * from its latest one, so a brief stream's are its kept segments' own. */
bool tcplife_stream_times(uint32_t index, int64_t *first_ns, int64_t *last_ns)
{
    const tcplife_endpoints *ep = stored(index);
    if (ep == NULL)
        return false;
    if (ep->kept == 0) {
        const tl_stream *core = &((const tcplife_stream *)ep)->core;
        *first_ns = core->first_time_ns;
        *last_ns = core->last_time_ns;
    } else {
        const brief_stream *b = (const brief_stream *)ep;
        *first_ns = b->seg[0].time_ns;
        *last_ns = b->seg[ep->kept - 1].time_ns;
    }
    return true;
}

uint32_t tcplife_stream_index_limit(void)
{
    return npages * PAGE_SIZE;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* Created in the first segment's direction: swapped when its sender turned
 * out to be the server. */
static void set_roles(tcplife_endpoints *ep, enum tl_role first_sender)
{
    if (first_sender != TL_ROLE_SERVER)
        return;
    uint16_t port = ep->port[0];
    ep->port[0] = ep->port[1];
    ep->port[1] = port;
    if (ep->addr_len == 4)
        swap_bytes(ep->addr.v4[0], ep->addr.v4[1], 4);
    else if (ep->addr_len == 16)
        swap_bytes(ep->addr.v6[0], ep->addr.v6[1], 16);
}

/* A new stream's first segment comes from its first sender by definition;
 * later ones are compared with the endpoints, ordered by role by then. */
static bool from_first_sender(const tcplife_stream *st, const tcplife_layer_facts *l)
{
    enum tl_role first = (enum tl_role)st->core.first_sender;
    if (first == TL_ROLE_NONE)
        return true;
    return tcplife_stream_sent_by(st, tl_side_of(first), l);
}

/* The brief stream's segments are all replayed: seg is kept as the next
 * one (the stream grows by a segment, and may move), or, beyond
 * TCPLIFE_BRIEF_SEGMENTS, the stream becomes full with buf's state (which
 * already includes seg).  Returns the stream a view now reads. */
static const tcplife_stream *remember(tcplife_endpoints **slot, brief_stream *b,
                                      const tl_segment *seg, tcplife_stream *buf)
{
    if (b->ep.kept < TCPLIFE_BRIEF_SEGMENTS) {
        if (b->ep.kept > 0) {
            b = (brief_stream *)wmem_realloc(wmem_file_scope(), b, TCPLIFE_BRIEF_SIZE(b->ep.kept + 1));
            *slot = &b->ep;
        }
        b->seg[b->ep.kept++] = *seg;
        buf->ep = b->ep;
        return buf;
    }
    tcplife_stream *full = wmem_new(wmem_file_scope(), tcplife_stream);
    full->ep = b->ep;
    full->ep.kept = 0;
    full->core = buf->core;
    *slot = &full->ep;
    wmem_free(wmem_file_scope(), b);
    return full;
}

tl_result tcplife_stream_classify(uint32_t index, const tcplife_layer_facts *l,
                                  tl_segment *seg, tl_detail *d, tcplife_stream *buf,
                                  const tcplife_stream **view)
{
    tcplife_endpoints **slot = slot_of(index);
    bool new_stream = *slot == NULL;

    if (new_stream)
        *slot = &brief_new(index, l)->ep;   /* brief, though it keeps nothing yet */
    brief_stream *b = new_stream || (*slot)->kept > 0 ? (brief_stream *)*slot : NULL;
    tcplife_stream *st = b ? rebuild(b, buf) : (tcplife_stream *)*slot;
    seg->from_first_sender = from_first_sender(st, l);
    tl_result r = tl_stream_update_detail(&st->core, seg, d);
    if (new_stream)
        set_roles(*slot, (enum tl_role)st->core.first_sender);
    *view = b ? remember(slot, b, seg, buf) : st;
    return r;
}

const uint8_t *tcplife_stream_addr(const tcplife_stream *st, enum tl_side_index side)
{
    return st->ep.addr_len == 16 ? st->ep.addr.v6[side] : st->ep.addr.v4[side];
}

/* By ports; by address only when both ports are equal. */
bool tcplife_stream_sent_by(const tcplife_stream *st, enum tl_side_index side,
                            const tcplife_layer_facts *l)
{
    if (l->srcport != st->ep.port[side] || l->dstport != st->ep.port[1 - side])
        return false;
    if (st->ep.port[0] != st->ep.port[1] || st->ep.addr_len == 0 || l->addr_len != st->ep.addr_len)
        return true;
    return memcmp(l->src, tcplife_stream_addr(st, side), st->ep.addr_len) == 0;
}

/* Into a caller's buffer: the tree shows it on every packet, and allocating
 * costs more than formatting. */
const char *tcplife_endpoint_format(const tcplife_stream *st, enum tl_side_index side,
                                    char buf[TCPLIFE_ENDPOINT_MAX])
{
    char addr[WS_INET6_ADDRSTRLEN], port[8];
    address a;

    /* Without printf: the story formats both endpoints on every shown packet. */
    tl_u64_digits(st->ep.port[side], port);
    if (st->ep.addr_len == 0) {
        g_strlcpy(buf, "port ", TCPLIFE_ENDPOINT_MAX);
        g_strlcat(buf, port, TCPLIFE_ENDPOINT_MAX);
        return buf;
    }
    set_address(&a, st->ep.addr_len == 4 ? AT_IPv4 : AT_IPv6, st->ep.addr_len,
                tcplife_stream_addr(st, side));
    address_to_str_buf(&a, addr, (int)sizeof addr);
    g_strlcpy(buf, st->ep.addr_len == 4 ? "" : "[", TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, addr, TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, st->ep.addr_len == 4 ? ":" : "]:", TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, port, TCPLIFE_ENDPOINT_MAX);
    return buf;
}

const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st,
                                 enum tl_side_index side)
{
    char buf[TCPLIFE_ENDPOINT_MAX];
    return wmem_strdup(pool, tcplife_endpoint_format(st, side, buf));
}
