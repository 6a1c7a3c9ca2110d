/* tcplife_report_table.c - Statistics > TCP Lifecycle, the GUI's streams table (tshark: -z tcplife,table). */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <stdio.h>




/* ---- Statistics > TCP Lifecycle (the GUI's streams table) ----------------
 * A stat_tap_table_ui: Wireshark's SimpleStatisticsDialog shows it as a
 * sortable table with a display filter, copy and save.  Rows are streams, in
 * the order their first packet passed the filter.  The GUI re-taps a file
 * whose summaries are final; tshark (-z tcplife,table) taps while reading, so
 * a row is refreshed whenever its stream grew (its last frame changed). */

#define TABLE_CLI "tcplife,table"
/* The table's title: tshark prints it on the line above the rows, so it says
 * when there are none.  The dialog does not show it (one table only). */
#define TABLE_NAME "TCP streams"
#define TABLE_NAME_EMPTY TCPLIFE_NO_STREAMS

/* Every cell is a UINT or a STRING, never TABLE_ITEM_NONE: tshark's printer
 * (ui/cli/tap-simple_stattable.c) ends a row at its first NONE cell, and a
 * column must hold one type, since both the printer and the dialog's sort
 * read each cell by the column's (printer) or the row's (dialog) type.
 *   - Counts are UINT: 32 bits, saturated (-z tcplife,streams has the exact
 *     64-bit counts).
 *   - Times are STRINGs in the column's unit and decimals ("28.820"), because
 *     Wireshark 4.0's dialog prints every FLOAT with 6 decimals whatever its
 *     format, and an absent time must read "-" like in the text reports.  The
 *     dialog sorts strings with g_strcmp0, so a time is right-aligned in
 *     TABLE_TIME_WIDTH characters: equal widths compare as numbers (a space
 *     sorts before the digits), and "-" sorts before every time.
 *   - Other absent values are "-".
 * Built from tcplife_table_columns at registration. */
static stat_tap_table_item table_fields[16];

#define TABLE_TIME_WIDTH 12     /* "99999999.999" ms, "99999.999999" s */

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

/* The one table, whatever its title says. */
static stat_tap_table *table_of(stat_tap_table_ui *ui)
{
    if (ui->tables == NULL || ui->tables->len == 0)
        return NULL;
    return g_array_index(ui->tables, stat_tap_table *, 0);
}

static void table_init(stat_tap_table_ui *ui)
{
    if (table_of(ui))
        return;
    stat_tap_add_table(ui, stat_tap_init_table(TABLE_NAME_EMPTY, (int)tcplife_table_ncolumns, 0, NULL));
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
    table->title = TABLE_NAME_EMPTY;
    table_forget_rows();
}

static void set_string(stat_tap_table_item_type *cell, const char *s)
{
    g_free((char *)cell->value.string_value);
    cell->type = TABLE_ITEM_STRING;
    cell->value.string_value = g_strdup(s);
}

static void set_uint(stat_tap_table_item_type *cell, unsigned v)
{
    cell->type = TABLE_ITEM_UINT;
    cell->value.uint_value = v;
}

/* A time, or "-" for an absent one, right-aligned to TABLE_TIME_WIDTH. */
static void set_time(wmem_allocator_t *pool, stat_tap_table_item_type *cell,
                     const tcplife_column *col, const tcplife_cell *c)
{
    const char *text = c->kind == TCPLIFE_CELL_TIME
                     ? format_us(pool, c->ns, col->unit_us, col->decimals) : "-";
    set_string(cell, wmem_strdup_printf(pool, "%*s", TABLE_TIME_WIDTH, text));
}

static void set_cell(wmem_allocator_t *pool, stat_tap_table_item_type *cell,
                     const tcplife_column *col, tcplife_cell c)
{
    if (col->kind == TCPLIFE_CELL_TIME)
        set_time(pool, cell, col, &c);
    else if (c.kind == TCPLIFE_CELL_UINT)
        set_uint(cell, (unsigned)MIN(c.uint, G_MAXUINT));
    else
        set_string(cell, c.kind == TCPLIFE_CELL_STRING ? c.string : "-");
}

static void table_fill_row(stat_tap_table_item_type *cells, const tcplife_stream *st)
{
    wmem_allocator_t *pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    tl_summary sum;
    tl_stream_summarize(&st->core, &sum);
    for (unsigned i = 0; i < tcplife_table_ncolumns; i++) {
        const tcplife_column *col = tcplife_table_columns[i];
        set_cell(pool, &cells[i], col, col->cell(pool, st, &sum));
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
        table->title = TABLE_NAME;
    }
    return table->elements[row - 1];
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcplife_stream *st = ((const tcplife_tap_info *)data)->pkt->stream;
    stat_tap_table *table = table_of(sd->stat_tap_data);

    if (table == NULL || table_rows == NULL)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table_item_type *cells = table_row_for(table, st->ep.index);
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
    return kind == TCPLIFE_CELL_UINT ? TABLE_ITEM_UINT : TABLE_ITEM_STRING;
}

/* The dialog (ui/qt/simple_statistics_dialog.cpp, 4.0 to 4.6) sizes each
 * column to its header and cells while sorting is off, then sorts by the
 * first column: the sort arrow appears in that header, and took the room
 * of a right-aligned title's first letter ("tream").  Leading spaces give
 * the arrow its room; only the first column gets the arrow unasked. */
static const char *first_header(const tcplife_column *col)
{
    static char header[64];
    if (col->align != 'r')
        return col->table_header;
    snprintf(header, sizeof header, "    %s", col->table_header);
    return header;
}

/* The column headers and formats, from tcplife_table_columns. */
static void table_fields_init(void)
{
    for (unsigned i = 0; i < tcplife_table_ncolumns && i < array_length(table_fields); i++) {
        const tcplife_column *col = tcplife_table_columns[i];
        stat_tap_table_item *f = &table_fields[i];
        f->type = table_item_type(col->kind);
        f->align = col->align == 'r' ? TAP_ALIGN_RIGHT : TAP_ALIGN_LEFT;
        f->column_name = i == 0 ? first_header(col) : col->table_header;
        f->field_format = col->kind == TCPLIFE_CELL_UINT ? "%u" : "%s";
    }
    table_ui.nfields = MIN(tcplife_table_ncolumns, array_length(table_fields));
}

void tcplife_report_table_register(void)
{
    table_fields_init();
    register_stat_tap_table_ui(&table_ui);
    register_shutdown_routine(table_free_rows);
}
