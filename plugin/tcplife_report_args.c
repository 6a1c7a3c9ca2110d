/* tcplife_report_args.c - the "STREAM...,all" arguments of the per-stream reports. */
#include "ws_compat.h"

#include "tcplife_report_args.h"

#include <stdlib.h>
#include <string.h>

#include "tcplife_report.h"

static int compare_uint32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* One item: a decimal stream number or "all"; false if neither. */
static bool parse_item(const char *item, report_streams *out)
{
    char *end = NULL;
    unsigned long v = strtoul(item, &end, 10);
    if (strcmp(item, "all") == 0) {
        out->all = true;
        return true;
    }
    if (!g_ascii_isdigit(item[0]) || *end != '\0' || v > UINT32_MAX)
        return false;
    out->index[out->count++] = (uint32_t)v;
    return true;
}

static void sort_unique(report_streams *out)
{
    unsigned kept = 0;
    qsort(out->index, out->count, sizeof *out->index, compare_uint32);
    for (unsigned i = 0; i < out->count; i++)
        if (kept == 0 || out->index[i] != out->index[kept - 1])
            out->index[kept++] = out->index[i];
    out->count = kept;
}

bool report_streams_parse(wmem_allocator_t *pool, const char *opt, const char *cli,
                          const char *args, report_streams *out)
{
    char **items = g_strsplit(args, ",", -1);
    bool ok = true;
    memset(out, 0, sizeof *out);
    out->index = wmem_alloc_array(pool, uint32_t, g_strv_length(items) + 1);
    for (char **it = items; ok && args[0] && *it; it++)
        if (!parse_item(*it, out))
            ok = bad_argument("invalid \"-z %s\": \"%s\" is neither a stream number nor "
                              "\"all\"; use -z %s[,STREAM...][,all]", opt, *it, cli);
    g_strfreev(items);
    sort_unique(out);
    return ok;
}

bool report_streams_wants(const report_streams *w, uint32_t index)
{
    if (w->count == 0)
        return true;
    return bsearch(&index, w->index, w->count, sizeof *w->index, compare_uint32) != NULL;
}

/* Keys are index + 1: a map key of 0 would be NULL. */
wmem_array_t *report_stream_packets_at(wmem_map_t *map, uint32_t index)
{
    return (wmem_array_t *)wmem_map_lookup(map, GSIZE_TO_POINTER((gsize)index + 1));
}

wmem_array_t *report_stream_packets(wmem_map_t *map, wmem_allocator_t *pool, uint32_t index,
                                    size_t size)
{
    wmem_array_t *pkts = report_stream_packets_at(map, index);
    if (pkts == NULL) {
        pkts = wmem_array_new(pool, size);
        wmem_map_insert(map, GSIZE_TO_POINTER((gsize)index + 1), pkts);
    }
    return pkts;
}
