/* tcplife_records.c - per-frame records in a paged, frame-indexed table.
 *
 * Why not p_add_proto_data for every packet, as Wireshark's own dissectors
 * do?  Each one costs a wmem allocation, Wireshark's proto_data_t and a list
 * link: about 64 bytes per packet where the record itself is 12.  Frame
 * numbers are dense from 1, so a table indexed by frame number holds the
 * common case (one TCP layer per frame) in 12 bytes, and pages of 4096
 * records keep growth cheap: the page directory is the only array that is
 * ever copied, at 8 bytes per 4096 frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_records.h"

#include "tcplife_input.h"

#include <string.h>

#include <epan/proto_data.h>

#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)

/* Set in a table record when the frame has more layers in proto_data.  The
 * core never sets this bit of tl_result.flags (TL_R_CALLER). */
#define MORE_LAYERS TL_R_CALLER

static tcplife_record **pages;   /* file scope, like the pages themselves */
static uint32_t npages;

void tcplife_records_reset(void)
{
    pages = NULL;       /* both were file-scoped and are gone with it */
    npages = 0;
}

static tcplife_record *slot(uint32_t frame, bool create)
{
    uint32_t page = frame >> PAGE_BITS;

    if (page >= npages) {
        if (!create)
            return NULL;
        uint32_t n = npages ? npages : 64;
        while (n <= page)
            n *= 2;     /* page < 2^20, so n stays below 2^21 */
        pages = (tcplife_record **)wmem_realloc(wmem_file_scope(), pages, n * sizeof *pages);
        memset(pages + npages, 0, (n - npages) * sizeof *pages);
        npages = n;
    }
    if (!pages[page]) {
        if (!create)
            return NULL;
        pages[page] = (tcplife_record *)wmem_alloc0(wmem_file_scope(), PAGE_SIZE * sizeof **pages);
    }
    return &pages[page][frame & (PAGE_SIZE - 1)];
}

void tcplife_records_put(packet_info *pinfo, int proto, int k, const tcplife_record *rec)
{
    tcplife_record *first = slot(pinfo->num, true);

    if (k == 0) {
        *first = *rec;
        return;
    }
    first->result.flags |= MORE_LAYERS;
    p_add_proto_data(wmem_file_scope(), pinfo, proto, (uint32_t)k,
                     wmem_memdup(wmem_file_scope(), rec, sizeof *rec));
}

int tcplife_records_get(packet_info *pinfo, int proto, tcplife_record out[])
{
    const tcplife_record *first = slot(pinfo->num, false);
    int n = 0;

    if (!first || first->result.phase == TL_PHASE_NONE)
        return 0;
    out[n] = *first;
    out[n++].result.flags &= (uint8_t)~MORE_LAYERS;
    if (!(first->result.flags & MORE_LAYERS))
        return n;
    for (const tcplife_record *r; n < TCPLIFE_MAX_LAYERS &&
         (r = (const tcplife_record *)p_get_proto_data(wmem_file_scope(), pinfo, proto,
                                                       (uint32_t)n)) != NULL;)
        out[n++] = *r;
    return n;
}
