/* tcplife_column.h - prepending the lifecycle label to the Info column.
 *
 *   tcplife_col_prepend_info(cinfo, text, len)
 *       as col_prepend_fstr(cinfo, COL_INFO, "%s", text), same result in
 *       every supported version, without formatting when it can.
 */
#ifndef TCPLIFE_COLUMN_H
#define TCPLIFE_COLUMN_H

#include <stddef.h>

#include <epan/column-utils.h>

void tcplife_col_prepend_info(column_info *cinfo, const char *text, size_t len);

#endif /* TCPLIFE_COLUMN_H */
