/* tcplife_column.c - prepending the lifecycle label to the Info column.
 *
 * Why not col_prepend_fstr?  It runs vsnprintf and copies the column twice:
 * about 1,900 instructions a packet, a sixth of what tcplife added to the
 * GUI's first pass.  The label is ASCII we built ourselves, so the prepend
 * is two memory moves.
 *
 * The result must be byte for byte what col_prepend_fstr gives, in every
 * version.  Its code in 4.0 (column-utils.c), and its machine code in 4.4.19
 * and 4.6.9 (no source package could be fetched here), do, for each column
 * showing COL_INFO:
 *   - write the prefix at the start, cut to COL_MAX_INFO_LEN - 1 bytes;
 *   - move the fence by the prefix's length, but only if it is above 0,
 *     and never past COL_MAX_INFO_LEN - 1 (4.4+; 4.0 cannot get there
 *     without a cut);
 *   - append the old text (the buffer, or a string col_set_str pointed
 *     at), cut to fit.
 * 4.4 and 4.6 copy both through ws_label_strcpy, which escapes ASCII and
 * C1 control characters, stops at a byte that cannot start a UTF-8
 * character and cuts at a character boundary; 4.0 copies bytes and cuts
 * anywhere.  Text of printable ASCII and well-formed UTF-8 without C1
 * controls (TCP's own Info has "\u2192") that fits whole is copied
 * unchanged by all three, so only that takes the fast path; any other text
 * goes through col_prepend_fstr itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include <string.h>

#include <epan/column-info.h>

#include "tcplife_column.h"

/* 4.0 copies bytes as they are; every later version is taken to copy as
 * 4.4 and 4.6 do. */
#define LABEL_COPY TCPLIFE_WS_AT_LEAST(4, 2)

#if LABEL_COPY
/* The bytes of one character ws_label_strcpy copies unchanged, or 0:
 * printable ASCII, or a well-formed UTF-8 sequence that is not a C1
 * control (escaped, as ASCII controls and DEL are). */
static size_t plain_char(const unsigned char *p)
{
    if (p[0] >= 0x20 && p[0] <= 0x7e)
        return 1;
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3 :
               p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}
#endif

/* The length of s if it is all plain characters and shorter than limit,
 * else limit (the slow path).  In 4.0 any text that fits is plain. */
static size_t plain_length(const char *s, size_t limit)
{
    size_t n = strlen(s);
    if (n >= limit)
        return limit;
#if LABEL_COPY
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if ((unsigned)(p[i] - 0x20) <= 0x7e - 0x20) {
            i++;
            continue;
        }
        size_t c = plain_char(p + i);
        if (c == 0)
            return limit;
        i += c;
    }
#endif
    return n;
}

/* Where a column's old text ends, if the fast path can take it. */
static bool plain_fit(const col_item_t *col, size_t len, size_t *old_len)
{
    const size_t max = COL_MAX_INFO_LEN - 1;    /* bytes before the NUL */
    *old_len = plain_length(col->col_data, max);
    return len + *old_len < max;
}

/* old_len + 1 bytes from where col_data points (maybe col_buf itself, so
 * memmove) go after the prefix.  The fence cannot pass the limit here. */
static void prepend_plain(col_item_t *col, const char *text, size_t len, size_t old_len)
{
    memmove(col->col_buf + len, col->col_data, old_len + 1);
    memcpy(col->col_buf, text, len);
    col->col_data = col->col_buf;
    if (col->col_fence > 0)
        col->col_fence += (int)len;
}

#define FAST_COLUMNS 4      /* Info columns the fast path handles; one is usual */

void tcplife_col_prepend_info(column_info *cinfo, const char *text, size_t len)
{
    size_t old_len[FAST_COLUMNS];
    int n = 0;

    if (!cinfo || !col_get_writable(cinfo, COL_INFO) || cinfo->col_first[COL_INFO] < 0)
        return;
    bool fast = plain_length(text, len + 1) == len;     /* our label: ASCII */
    /* Decide for every column before changing any: a fallback after some
     * were done would prefix those twice. */
    for (int i = cinfo->col_first[COL_INFO]; fast && i <= cinfo->col_last[COL_INFO]; i++)
        if (cinfo->columns[i].fmt_matx[COL_INFO])
            fast = n < FAST_COLUMNS && plain_fit(&cinfo->columns[i], len, &old_len[n++]);
    if (!fast) {
        col_prepend_fstr(cinfo, COL_INFO, "%s", text);
        return;
    }
    n = 0;
    for (int i = cinfo->col_first[COL_INFO]; i <= cinfo->col_last[COL_INFO]; i++)
        if (cinfo->columns[i].fmt_matx[COL_INFO])
            prepend_plain(&cinfo->columns[i], text, len, old_len[n++]);
}
