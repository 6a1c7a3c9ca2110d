/* tcplife_input.h - reading each TCP layer's header facts from the proto tree.
 *
 * A post-dissector sees TCP only through the fields it asked for
 * (set_postdissector_wanted_hfids), and only on the first pass.  This module
 * owns that list and groups the fields by the TCP layer they belong to
 * (field_info.proto_layer_num), so tunnels give one set of facts per layer.
 *
 *   tcplife_input_init()              looks the fields up by name; call in the handoff.
 *   tcplife_input_wanted()            a new GArray of the hf ids to prime; caller gives it away.
 *   tcplife_input_gather(p, t, out)   fills out[0..n-1] for the frame's first TCPLIFE_MAX_LAYERS
 *                                     TCP layers, returns n.
 *   tcplife_time_ns(t)                t in nanoseconds, clamped to +-146 years around 1970.
 */
#ifndef TCPLIFE_INPUT_H
#define TCPLIFE_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>

#include "core/tcplife_core.h"

#define TCPLIFE_MAX_LAYERS 8

typedef struct tcplife_layer_facts {
    uint32_t present;      /* bit per tcplife_input field seen in this layer */
    bool     usable;       /* a complete header outside any ICMP error */
    uint32_t stream;
    uint32_t seq, ack, len;
    uint16_t srcport, dstport, flags, window;   /* flags: TL_* bits */
    uint8_t  checksum_status;  /* Wireshark's: 0 bad, 1 good, 2 unverified */
    tl_options opts;
    int      total_layer;  /* the TCP layer's number among all the frame's protocols */
    uint8_t  addr_len;     /* 4 or 16; 0 when the network layer is not IP */
    uint8_t  src[16], dst[16];
    tvbuff_t *tvb;         /* the header's bytes, valid while this frame is dissected */
    int      options_offset;  /* where its options begin in tvb */
    unsigned options_len;  /* the header's option bytes (some may not be captured) */
} tcplife_layer_facts;

void tcplife_input_init(void);
GArray *tcplife_input_wanted(void);
int tcplife_input_gather(packet_info *pinfo, proto_tree *tree,
                         tcplife_layer_facts out[TCPLIFE_MAX_LAYERS]);
int64_t tcplife_time_ns(const nstime_t *t);

#endif /* TCPLIFE_INPUT_H */
