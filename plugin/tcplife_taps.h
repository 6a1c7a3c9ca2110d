/* tcplife_taps.h - the "tcplife" tap and the reports built on it.
 *
 *   tcplife_taps_register()         registers the tap and its reports:
 *       tshark -z tcplife,streams[,FILTER]          one row per stream, totals per conn_state
 *       tshark -z tcplife,ladder[,STREAM...][,all]  a tcpdump-like ladder per stream
 *       Statistics > TCP Lifecycle (tshark: -z tcplife,table[,FILTER])  the streams table
 *   tcplife_taps_queue(pinfo, info, n)  queues one tcplife_tap_info per annotated TCP layer;
 *                                  it copies info[], its packets and facts, so all may live on the stack.
 *
 * Listeners receive a const tcplife_tap_info *.  Its facts are the TCP header
 * as read on the first pass and NULL on revisits (tshark -2, the GUI), where
 * Wireshark no longer primes the TCP fields for a post-dissector.
 * docs/reports.md describes the reports.
 */
#ifndef TCPLIFE_TAPS_H
#define TCPLIFE_TAPS_H

#include <epan/packet.h>

#include "tcplife_input.h"
#include "tcplife_stream.h"

typedef struct tcplife_tap_info {
    const tcplife_packet      *pkt;
    const tcplife_layer_facts *facts;  /* NULL on revisits */
} tcplife_tap_info;

void tcplife_taps_register(void);
void tcplife_taps_queue(packet_info *pinfo, const tcplife_tap_info *info, int n);

#endif /* TCPLIFE_TAPS_H */
