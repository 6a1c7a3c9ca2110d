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

tcplife_stream *tcplife_stream_get_or_create(uint32_t index, const tcplife_layer_facts *l)
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

uint32_t tcplife_stream_index_limit(void)
{
    return npages * PAGE_SIZE;
}

const uint8_t *tcplife_stream_addr(const tcplife_stream *st, enum tl_side_index side)
{
    return st->addr_len == 16 ? st->addr.v6[side] : st->addr.v4[side];
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
void tcplife_stream_set_roles(tcplife_stream *st)
{
    if (st->core.first_sender != TL_ROLE_SERVER)
        return;
    uint16_t port = st->port[0];
    st->port[0] = st->port[1];
    st->port[1] = port;
    if (st->addr_len == 4)
        swap_bytes(st->addr.v4[0], st->addr.v4[1], 4);
    else if (st->addr_len == 16)
        swap_bytes(st->addr.v6[0], st->addr.v6[1], 16);
}

/* By ports; by address only when both ports are equal. */
bool tcplife_stream_sent_by(const tcplife_stream *st, enum tl_side_index side,
                            const tcplife_layer_facts *l)
{
    if (l->srcport != st->port[side] || l->dstport != st->port[1 - side])
        return false;
    if (st->port[0] != st->port[1] || st->addr_len == 0 || l->addr_len != st->addr_len)
        return true;
    return memcmp(l->src, tcplife_stream_addr(st, side), st->addr_len) == 0;
}

/* Into a caller's buffer: the tree shows it on every packet, and allocating
 * costs more than formatting. */
const char *tcplife_endpoint_format(const tcplife_stream *st, enum tl_side_index side,
                                    char buf[TCPLIFE_ENDPOINT_MAX])
{
    char addr[WS_INET6_ADDRSTRLEN], port[8];
    address a;

    /* Without printf: the story formats both endpoints on every shown packet. */
    tl_u64_digits(st->port[side], port);
    if (st->addr_len == 0) {
        g_strlcpy(buf, "port ", TCPLIFE_ENDPOINT_MAX);
        g_strlcat(buf, port, TCPLIFE_ENDPOINT_MAX);
        return buf;
    }
    set_address(&a, st->addr_len == 4 ? AT_IPv4 : AT_IPv6, st->addr_len,
                tcplife_stream_addr(st, side));
    address_to_str_buf(&a, addr, (int)sizeof addr);
    g_strlcpy(buf, st->addr_len == 4 ? "" : "[", TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, addr, TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, st->addr_len == 4 ? ":" : "]:", TCPLIFE_ENDPOINT_MAX);
    g_strlcat(buf, port, TCPLIFE_ENDPOINT_MAX);
    return buf;
}

const char *tcplife_endpoint_str(wmem_allocator_t *pool, const tcplife_stream *st,
                                 enum tl_side_index side)
{
    char buf[TCPLIFE_ENDPOINT_MAX];
    return wmem_strdup(pool, tcplife_endpoint_format(st, side, buf));
}
