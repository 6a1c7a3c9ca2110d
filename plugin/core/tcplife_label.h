/* tcplife_label.h - the contract's human-readable labels for one packet.
 *
 *   tl_label(r, buf, size)        writes e.g. "Teardown 2+3/4 (ACK+FIN)"; returns buf.
 *   tl_short_label(r, buf, size)  writes the Info column form, e.g. "[Teardown 2+3/4]"; returns buf.
 * Both always NUL-terminate (truncating when size is too small, never
 * overflowing); TL_LABEL_MAX bytes always suffice.
 */
#ifndef TCPLIFE_LABEL_H
#define TCPLIFE_LABEL_H

#include <stddef.h>

#include "tcplife_core.h"

#define TL_LABEL_MAX 64

const char *tl_label(tl_result r, char *buf, size_t size);
const char *tl_short_label(tl_result r, char *buf, size_t size);

#endif /* TCPLIFE_LABEL_H */
