/* tcplife_tree.h - everything tcplife shows: fields, subtrees, expert info.
 *
 *   tcplife_tree_register(proto)   registers the hf, ett and ei arrays under proto.
 *   tcplife_tree_render(t, v, p, pkt)  adds one TCP layer's "TCP Lifecycle" tree
 *                                  (per-packet fields, then the stream summary) to t.
 * Rendering reads only the stored packet record and its stream, never the
 * TCP fields, so it is the same on the first pass and on every revisit.
 */
#ifndef TCPLIFE_TREE_H
#define TCPLIFE_TREE_H

#include <epan/packet.h>

#include "tcplife_stream.h"

void tcplife_tree_register(int proto);
void tcplife_tree_render(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const tcplife_packet *pkt);

#endif /* TCPLIFE_TREE_H */
