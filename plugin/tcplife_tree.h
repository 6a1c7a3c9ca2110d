/* tcplife_tree.h - everything tcplife shows: fields, subtrees, expert info.
 *
 *   proto_tcplife                  the protocol (packet-tcplife.c registers it).
 *   tcplife_language()             the tcplife.language preference.
 *   tcplife_tree_register()        registers the hf, ett and ei arrays under proto_tcplife.
 *   tcplife_tree_render(t, v, p, pkt, mode)  adds one TCP layer's "TCP Lifecycle" tree
 *                                  (per-packet fields, then the stream summary) to t, or the
 *                                  part of it that mode asks for.
 * Rendering reads only the stored packet record and its stream, never the
 * TCP fields, so it is the same on the first pass and on every revisit.
 */
#ifndef TCPLIFE_TREE_H
#define TCPLIFE_TREE_H

#include <epan/packet.h>

#include "tcplife_stream.h"
#include "core/tcplife_text.h"

enum tcplife_render {
    TCPLIFE_RENDER_EXPERT_ONLY, /* expert info only (on a bare protocol item, if any) */
    TCPLIFE_RENDER_PACKET,      /* the per-packet fields, no stream summary */
    TCPLIFE_RENDER_FULL,        /* per-packet fields and the stream summary */
};

extern int proto_tcplife;

/* The tcplife.language preference: the language of tcplife.explain,
 * tcplife.stream.story and -z tcplife,explain (packet-tcplife.c). */
enum tl_lang tcplife_language(void);

void tcplife_tree_register(void);
void tcplife_tree_render(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const tcplife_packet *pkt, enum tcplife_render mode);

#endif /* TCPLIFE_TREE_H */
