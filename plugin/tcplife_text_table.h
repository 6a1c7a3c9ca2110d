/* tcplife_text_table.h - aligned plain-text tables for the tshark reports.
 *
 *   tt_new(pool, align)    a table with one column per character of align ('l' or 'r').
 *   tt_pool(tt)            the allocator the table lives in.
 *   tt_cells(tt)           an array of tt's column count, for tt_add; lives in pool.
 *   tt_add(tt, cells)      a row; cells must live as long as the table.
 *   tt_span(tt, col, text, fill)  a line starting at column col, padded with fill (0: none).
 *   tt_print(tt)           prints every row to stdout; lines never end in spaces.
 * Widths come from the data and count UTF-8 characters, so "→" takes one column.
 */
#ifndef TCPLIFE_TEXT_TABLE_H
#define TCPLIFE_TEXT_TABLE_H

#include <epan/wmem_scopes.h>

typedef struct text_table text_table;

text_table *tt_new(wmem_allocator_t *pool, const char *align);
wmem_allocator_t *tt_pool(const text_table *tt);
const char **tt_cells(text_table *tt);
void tt_add(text_table *tt, const char *const *cells);
void tt_span(text_table *tt, unsigned from, const char *text, char fill);
void tt_print(const text_table *tt);

#endif /* TCPLIFE_TEXT_TABLE_H */
