/* tcplife_report_table.c - Statistics > TCP Lifecycle, the GUI's streams table (tshark: -z tcplife,table). */
#include "ws_compat.h"

#include "tcplife_report.h"




/* ---- Statistics > TCP Lifecycle (the GUI's streams table) ----------------
 * A stat_tap_table_ui: Wireshark's SimpleStatisticsDialog shows it as a
 * sortable table with a display filter, copy and save.  Rows are streams, in
 * the order their first packet passed the filter.  The GUI re-taps a file
 * whose summaries are final; tshark (-z tcplife,table) taps while reading, so
 * a row is refreshed whenever its stream grew (its last frame changed). */

#define TABLE_CLI "tcplife,table"
#define TABLE_NAME "TCP streams"

/* Cells are typed so that columns sort as numbers.  Wireshark 4.0's dialog
 * prints every FLOAT with 6 decimals (later versions use field_format), so
 * byte counts are UINT: 32 bits, saturated (-z tcplife,streams has the exact
 * 64-bit counts).  An absent value (a stream without RTT) is TABLE_ITEM_NONE
 * (empty).  Built from tcplife_table_columns at registration. */
static stat_tap_table_item table_fields[16];

static tap_param table_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
};

/* Stream index + 1 -> row + 1, for the table's current rows. */
static GHashTable *table_rows;

/* Runs at Wireshark's exit: the index lives as long as the table UI. */
static void table_free_rows(void)
{
    if (table_rows != NULL)
        g_hash_table_destroy(table_rows);
    table_rows = NULL;
}

static void table_forget_rows(void)
{
    if (table_rows == NULL)
        table_rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_remove_all(table_rows);
}

static void table_init(stat_tap_table_ui *ui)
{
    if (stat_tap_find_table(ui, TABLE_NAME))
        return;
    stat_tap_add_table(ui, stat_tap_init_table(TABLE_NAME, (int)tcplife_table_ncolumns, 0, NULL));
    table_forget_rows();    /* a new table: rows of a freed one are gone */
}

static void table_free_cell(stat_tap_table *table _U_, unsigned row _U_, unsigned column _U_,
                            stat_tap_table_item_type *cell)
{
    if (cell->type == TABLE_ITEM_STRING) {
        g_free((char *)cell->value.string_value);
        cell->value.string_value = NULL;
    }
}

/* Rows come and go with the filter, so a reset removes them all. */
static void table_reset(stat_tap_table *table)
{
    for (unsigned r = 0; r < table->num_elements; r++) {
        for (unsigned c = 0; c < table->num_fields; c++)
            table_free_cell(table, r, c, &table->elements[r][c]);
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
    table_forget_rows();
}

static void set_string(stat_tap_table_item_type *cell, const char *s)
{
    g_free((char *)cell->value.string_value);
    cell->type = TABLE_ITEM_STRING;
    cell->value.string_value = g_strdup(s);
}

static void set_float(stat_tap_table_item_type *cell, double v)
{
    cell->type = TABLE_ITEM_FLOAT;
    cell->value.float_value = v;
}

static void set_uint(stat_tap_table_item_type *cell, unsigned v)
{
    cell->type = TABLE_ITEM_UINT;
    cell->value.uint_value = v;
}

static void set_cell(stat_tap_table_item_type *cell, const tcplife_column *col, tcplife_cell c)
{
    switch (c.kind) {
    case TCPLIFE_CELL_UINT:
        set_uint(cell, (unsigned)MIN(c.uint, G_MAXUINT));
        break;
    case TCPLIFE_CELL_TIME:
        set_float(cell, (double)c.ns / ((double)col->unit_us * 1000.0));
        break;
    case TCPLIFE_CELL_STRING:
        set_string(cell, c.string);
        break;
    default:
        cell->type = TABLE_ITEM_NONE;
        break;
    }
}

static void table_fill_row(stat_tap_table_item_type *cells, const tcplife_stream *st)
{
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    tl_summary sum;
    tl_stream_summarize(&st->core, &sum);
    for (unsigned i = 0; i < tcplife_table_ncolumns; i++) {
        const tcplife_column *col = tcplife_table_columns[i];
        set_cell(&cells[i], col, col->cell(pool, st, &sum));
    }
    wmem_destroy_allocator(pool);
}

/* The stream's row, added (empty) on its first packet. */
static stat_tap_table_item_type *table_row_for(stat_tap_table *table, uint32_t index)
{
    void *key = GSIZE_TO_POINTER((gsize)index + 1);
    gsize row = GPOINTER_TO_SIZE(g_hash_table_lookup(table_rows, key));
    if (row == 0) {
        stat_tap_table_item_type empty[array_length(table_fields)];
        memset(empty, 0, sizeof empty);
        row = (gsize)table->num_elements + 1;
        stat_tap_init_table_row(table, (unsigned)(row - 1), (int)tcplife_table_ncolumns, empty);
        g_hash_table_insert(table_rows, key, GSIZE_TO_POINTER(row));
    }
    return table->elements[row - 1];
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcplife_stream *st = ((const tcplife_tap_info *)data)->pkt->stream;
    stat_tap_table *table = stat_tap_find_table(sd->stat_tap_data, TABLE_NAME);

    if (table == NULL || table_rows == NULL)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table_item_type *cells = table_row_for(table, st->index);
    /* user_data of the first cell: the stream's last frame when last filled. */
    if (cells[0].type != TABLE_ITEM_NONE && cells[0].user_data.uint_value == st->core.last_frame)
        return TAP_PACKET_DONT_REDRAW;
    table_fill_row(cells, st);
    cells[0].user_data.uint_value = st->core.last_frame;
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui table_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCP Lifecycle",
    .tap_name = "tcplife",
    .cli_string = TABLE_CLI,
    .stat_tap_init_cb = table_init,
    .packet_func = table_packet,
    .stat_tap_reset_table_cb = table_reset,
    .stat_tap_free_table_item_cb = table_free_cell,
    .stat_filter_check_cb = NULL,
    .nfields = 0,           /* set at registration */
    .fields = table_fields,
    .nparams = array_length(table_params),
    .params = table_params,
    .tables = NULL,
    .refcount = 0,
};

static stat_tap_table_item_enum table_item_type(enum tcplife_cell_kind kind)
{
    switch (kind) {
    case TCPLIFE_CELL_UINT: return TABLE_ITEM_UINT;
    case TCPLIFE_CELL_TIME: return TABLE_ITEM_FLOAT;
    default:                return TABLE_ITEM_STRING;
    }
}

/* The column headers and formats, from tcplife_table_columns. */
static void table_fields_init(void)
{
    static const char *const time_format[] = { "%.0f", "%.1f", "%.2f", "%.3f", "%.4f", "%.5f", "%.6f" };
    for (unsigned i = 0; i < tcplife_table_ncolumns && i < array_length(table_fields); i++) {
        const tcplife_column *col = tcplife_table_columns[i];
        stat_tap_table_item *f = &table_fields[i];
        f->type = table_item_type(col->kind);
        f->align = col->align == 'r' ? TAP_ALIGN_RIGHT : TAP_ALIGN_LEFT;
        f->column_name = col->table_header;
        f->field_format = col->kind == TCPLIFE_CELL_UINT ? "%u"
                        : col->kind == TCPLIFE_CELL_TIME ? time_format[MIN(col->decimals, 6)]
                        : "%s";
    }
    table_ui.nfields = MIN(tcplife_table_ncolumns, array_length(table_fields));
}

void tcplife_report_table_register(void)
{
    table_fields_init();
    register_stat_tap_table_ui(&table_ui);
    register_shutdown_routine(table_free_rows);
}
