/* tcplife_text_table.c - aligned plain-text tables for the tshark reports. */
#include "ws_compat.h"

#include "tcplife_text_table.h"

#include <stdio.h>
#include <string.h>

#define TT_GAP 2

typedef struct tt_row {
    const char *const *cells;   /* one per column; NULL for a spanning line */
    const char  *text;      /* spanning line: starts where column `from` starts */
    unsigned     from;
    char         fill;      /* pads a spanning line to the table's width; 0: no */
} tt_row;

struct text_table {
    wmem_allocator_t *pool;
    const char       *align;    /* 'l' or 'r' per column */
    unsigned          ncols;
    size_t           *width;
    wmem_array_t     *rows;
};

static size_t text_width(const char *s)
{
    return (size_t)g_utf8_strlen(s, -1);
}

text_table *tt_new(wmem_allocator_t *pool, const char *align)
{
    text_table *tt = wmem_new0(pool, text_table);
    tt->pool = pool;
    tt->align = align;
    tt->ncols = (unsigned)strlen(align);
    tt->width = wmem_alloc0_array(pool, size_t, tt->ncols);
    tt->rows = wmem_array_new(pool, sizeof(tt_row));
    return tt;
}

wmem_allocator_t *tt_pool(const text_table *tt)
{
    return tt->pool;
}

/* A row of tt->ncols cells, which must live as long as the table. */
void tt_add(text_table *tt, const char *const *cells)
{
    tt_row row = { .cells = cells };
    for (unsigned c = 0; c < tt->ncols; c++) {
        size_t w = text_width(cells[c]);
        if (w > tt->width[c])
            tt->width[c] = w;
    }
    wmem_array_append_one(tt->rows, row);
}

const char **tt_cells(text_table *tt)
{
    return wmem_alloc0_array(tt->pool, const char *, tt->ncols);
}

void tt_span(text_table *tt, unsigned from, const char *text, char fill)
{
    tt_row row = { .text = text, .from = from, .fill = fill };
    wmem_array_append_one(tt->rows, row);
}

static size_t tt_col_start(const text_table *tt, unsigned col)
{
    size_t at = 0;
    for (unsigned c = 0; c < col && c < tt->ncols; c++)
        at += tt->width[c] + TT_GAP;
    return at;
}

static size_t tt_width(const text_table *tt)
{
    return tt_col_start(tt, tt->ncols) - TT_GAP;
}

static void pad(GString *line, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_c(line, c);
}

static void tt_format_cells(const text_table *tt, const char *const *cells, GString *line)
{
    for (unsigned c = 0; c < tt->ncols; c++) {
        size_t room = tt->width[c] - text_width(cells[c]);
        if (c > 0)
            pad(line, TT_GAP, ' ');
        if (tt->align[c] == 'r')
            pad(line, room, ' ');
        g_string_append(line, cells[c]);
        if (tt->align[c] != 'r')
            pad(line, room, ' ');
    }
}

static void tt_format_span(const text_table *tt, const tt_row *row, GString *line)
{
    pad(line, tt_col_start(tt, row->from), ' ');
    g_string_append(line, row->text);
    if (row->fill) {
        size_t used = tt_col_start(tt, row->from) + text_width(row->text);
        if (used < tt_width(tt))
            pad(line, tt_width(tt) - used, row->fill);
    }
}

/* Prints every row; lines never end in spaces, so golden files stay exact. */
void tt_print(const text_table *tt)
{
    GString *line = g_string_new(NULL);
    unsigned n = wmem_array_get_count(tt->rows);
    for (unsigned i = 0; i < n; i++) {
        const tt_row *row = (const tt_row *)wmem_array_index(tt->rows, i);
        g_string_truncate(line, 0);
        if (row->cells)
            tt_format_cells(tt, row->cells, line);
        else
            tt_format_span(tt, row, line);
        printf("%s\n", g_strchomp(line->str));
    }
    g_string_free(line, TRUE);
}
