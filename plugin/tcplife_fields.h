/* tcplife_fields.h - the stream summary's fields and report columns, one row each.
 *
 * Every per-stream fact lives in the core's tl_summary (tl_stream_summarize).
 * One table (tcplife_fields.c) says, for each tcplife.stream.* field, its
 * filter name, display name, type and the summary member it shows; a second
 * one says how each report column reads the summary.  Registration, the
 * tree, -z tcplife,streams and Statistics > TCP Lifecycle all iterate them,
 * so a new fact is a summary member and a row (CONTRIBUTING.md).
 *
 *   tcplife_fields_register(proto)   registers the stream fields and their subtrees.
 *   tcplife_fields_wanted(tree)      whether the tree is visible or a tcplife.stream.* field is
 *                                    referenced: otherwise nobody reads the summary.
 *   tcplife_fields_render(t, tvb, st)  adds stream st's "Stream lifecycle" subtree to t.
 *   tcplife_vals_*                   the contract's value names, for fields with numbers.
 *   tcplife_column_cell(c, pool, st, sum)  column c's cell for one stream.
 *   tcplife_streams_columns[], tcplife_table_columns[]  each report's columns, in order.
 */
#ifndef TCPLIFE_FIELDS_H
#define TCPLIFE_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>

#include "tcplife_stream.h"

extern const value_string tcplife_vals_phase[];
extern const value_string tcplife_vals_role[];
extern const value_string tcplife_vals_reset_kind[];

/* Whether a filter, a column or tshark -e names field hf (not merely a
 * visible tree): what a visible tree leaves out is still added for them. */
static inline bool tcplife_asked(int hf)
{
    return proto_registrar_get_nth((guint)hf)->ref_type != HF_REF_TYPE_NONE;
}

void tcplife_fields_register(int proto);
bool tcplife_fields_wanted(proto_tree *tree);
void tcplife_fields_render(proto_tree *tree, tvbuff_t *tvb, const tcplife_stream *st);

/* ---- report columns -------------------------------------------------------- */

enum tcplife_cell_kind {
    TCPLIFE_CELL_NONE,      /* absent: "-" in every report */
    TCPLIFE_CELL_UINT,
    TCPLIFE_CELL_TIME,      /* ns, shown in the column's unit */
    TCPLIFE_CELL_STRING,
};

typedef struct tcplife_cell {
    enum tcplife_cell_kind kind;
    uint64_t    uint;
    int64_t     ns;
    const char *string;     /* lives in the pool given to the cell function */
} tcplife_cell;

typedef struct tcplife_column {
    const char *text_header;    /* -z tcplife,streams */
    const char *table_header;   /* Statistics > TCP Lifecycle */
    char        align;          /* 'l' or 'r' */
    enum tcplife_cell_kind kind;
    uint64_t    unit_us;        /* times: the unit, in microseconds (1000: ms) */
    int         decimals;       /* times: digits after the point */
    const char *unit;           /* times: " ms" after the number in text */
    tcplife_cell (*cell)(wmem_allocator_t *pool, const tcplife_stream *st, const tl_summary *sum);
} tcplife_column;

extern const tcplife_column *const tcplife_streams_columns[];
extern const unsigned tcplife_streams_ncolumns;
extern const tcplife_column *const tcplife_table_columns[];
extern const unsigned tcplife_table_ncolumns;

/* ---- the fields as values (-z tcplife,json) ----------------------------------
 * tcplife_fields_visit(st, sum, v, ctx)  walks the field table as the tree does
 * (same rows, same presence rules, table order) and hands each present field
 * of stream st, summarized in *sum, to the callback for its value, with its
 * filter name and type.  Headings (FT_NONE) have no value and are skipped.
 * A new row in tcplife_fields.c reaches every visitor unchanged. */
typedef struct tcplife_field_visitor {
    /* FT_UINT*, FT_FRAMENUM; names: the field's value names, or NULL */
    void (*uint_value)(void *ctx, const char *abbrev, enum ftenum type, uint64_t value,
                       const value_string *names);
    void (*time_value)(void *ctx, const char *abbrev, enum ftenum type, int64_t ns);
    void (*bool_value)(void *ctx, const char *abbrev, enum ftenum type, bool value);
    void (*string_value)(void *ctx, const char *abbrev, enum ftenum type, const char *value);
} tcplife_field_visitor;

void tcplife_fields_visit(const tcplife_stream *st, const tl_summary *sum,
                          const tcplife_field_visitor *v, void *ctx);

#endif /* TCPLIFE_FIELDS_H */
