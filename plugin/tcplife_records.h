/* tcplife_records.h - what the first pass decided for each frame, by frame number.
 *
 * A frame's first annotated TCP layer is kept in a frame-indexed table of
 * 44-byte records (the stream's tcp.stream, the core's 8-byte verdict and
 * its 32-byte tl_detail, which the packet's explanation reads),
 * allocated in pages as frames arrive: no per-packet allocation and no
 * per-packet Wireshark proto_data node.  Further layers of the same frame
 * (tunnels, rare) go to p_add_proto_data.  Everything is file scope.
 *
 *   tcplife_records_reset()             forgets every record; call when file scope ends.
 *   tcplife_records_put(p, k, rec)      stores rec as frame p->num's k-th annotated layer (k < TCPLIFE_MAX_LAYERS).
 *   tcplife_records_get(p, out)         copies frame p->num's records into out[TCPLIFE_MAX_LAYERS],
 *                                       returns how many (0: none).
 */
#ifndef TCPLIFE_RECORDS_H
#define TCPLIFE_RECORDS_H

#include <stdint.h>

#include "core/tcplife_core.h"

/* Declared, not included: bench/sizeof.c compiles this header without epan. */
typedef struct _packet_info packet_info;

/* What the first pass stores per annotated TCP layer. */
typedef struct tcplife_record {
    uint32_t  stream;     /* tcp.stream */
    tl_result result;     /* result.phase is never TL_PHASE_NONE in a stored record */
    tl_detail detail;     /* the packet's numbers, for its explanation on every visit */
} tcplife_record;

void tcplife_records_reset(void);
void tcplife_records_put(packet_info *pinfo, int proto, int k, const tcplife_record *rec);
int tcplife_records_get(packet_info *pinfo, int proto, tcplife_record out[]);

#endif /* TCPLIFE_RECORDS_H */
