/* tcplife_stream.c - the file's streams, by tcp.stream, and their endpoints.
 *
 * Wireshark numbers tcp.stream densely from 0, so streams live by value in
 * pages of 256 indexed by it: no per-stream allocation header and no pointer
 * array beside them.  A page is allocated zeroed on first use, and a zeroed
 * tl_stream is a valid empty stream.  Everything is file scope: opening
 * another capture starts from nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_stream.h"

#include <stdio.h>
#include <string.h>

#include <epan/address.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <wsutil/inet_addr.h>

#include "tcplife_input.h"

#define PAGE_BITS 8
#define PAGE_SIZE (1u << PAGE_BITS)

static tcplife_stream **pages;
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
    pages = (tcplife_stream **)wmem_realloc(wmem_file_scope(), pages, n * sizeof *pages);
    memset(pages + npages, 0, (n - npages) * sizeof *pages);
    npages = n;
}

static void stream_init(tcplife_stream *st, uint32_t index, const tcplife_layer_facts *l)
{
    tl_stream_init(&st->core);
    st->index = index;
    st->used = true;
    st->port[0] = l->srcport;
    st->port[1] = l->dstport;
    st->addr_len = l->addr_len;
    if (l->addr_len == 4) {
        memcpy(st->addr.v4[0], l->src, 4);
        memcpy(st->addr.v4[1], l->dst, 4);
    } else if (l->addr_len == 16) {
        st->addr.v6 = (uint8_t (*)[16])wmem_alloc(wmem_file_scope(), 2 * 16);
        memcpy(st->addr.v6[0], l->src, 16);
        memcpy(st->addr.v6[1], l->dst, 16);
    }
}

tcplife_stream *tcplife_stream_get(uint32_t index, const tcplife_layer_facts *l)
{
    uint32_t page = index >> PAGE_BITS;

    if (page >= npages)
        grow(page);
    if (!pages[page])
        pages[page] = (tcplife_stream *)wmem_alloc0(wmem_file_scope(),
                                                    PAGE_SIZE * sizeof **pages);
    tcplife_stream *st = &pages[page][index & (PAGE_SIZE - 1)];
    if (!st->used)
        stream_init(st, index, l);
    return st;
}

const tcplife_stream *tcplife_stream_at(uint32_t index)
{
    uint32_t page = index >> PAGE_BITS;
    if (page >= npages || !pages[page])
        return NULL;
    const tcplife_stream *st = &pages[page][index & (PAGE_SIZE - 1)];
    return st->used ? st : NULL;
}

uint32_t tcplife_stream_count(void)
{
    return npages * PAGE_SIZE;
}

const uint8_t *tcplife_stream_addr(const tcplife_stream *st, int which)
{
    return st->addr_len == 16 ? st->addr.v6[which] : st->addr.v4[which];
}

/* Into a caller's buffer: the tree shows it on every packet, and allocating
 * costs more than formatting. */
const char *tcplife_endpoint_format(const tcplife_stream *st, int which,
                                    char buf[TCPLIFE_ENDPOINT_MAX])
{
    char addr[WS_INET6_ADDRSTRLEN];
    address a;

    if (st->addr_len == 0) {
        snprintf(buf, TCPLIFE_ENDPOINT_MAX, "port %u", st->port[which]);
        return buf;
    }
    set_address(&a, st->addr_len == 4 ? AT_IPv4 : AT_IPv6, st->addr_len,
                tcplife_stream_addr(st, which));
    address_to_str_buf(&a, addr, (int)sizeof addr);
    snprintf(buf, TCPLIFE_ENDPOINT_MAX, st->addr_len == 4 ? "%s:%u" : "[%s]:%u", addr,
             st->port[which]);
    return buf;
}

const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st, int which)
{
    char buf[TCPLIFE_ENDPOINT_MAX];
    return wmem_strdup(pool, tcplife_endpoint_format(st, which, buf));
}
