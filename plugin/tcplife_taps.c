/* tcplife_taps.c - the "tcplife" tap and the reports built on it.
 *
 *   tshark -q -z tcplife,streams[,FILTER]          one row per stream, totals per conn_state
 *   tshark -q -z tcplife,ladder[,STREAM...][,all]  a tcpdump-like ladder per stream
 *   Statistics > TCP Lifecycle                     the streams table in the GUI
 *                                                  (tshark: -z tcplife,table[,FILTER])
 *   tshark -q -z tcplife,conn[,FILTER]             the streams as a Zeek conn.log
 *   tshark -q -z tcplife,json[,FILTER]             JSON Lines: every tcplife.stream.* field
 *
 * Every report reads the stream summaries (tcplife_stream_view) when it draws.
 * By then the whole file has been dissected once, so each summary is final,
 * in one pass as with -2 or in the GUI.  The ladder also needs each packet's
 * TCP header (flags, seq, ack, len), which the tap carries on the first pass
 * only: with -2 it says so and prints what it has.  docs/reports.md shows
 * the output.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_taps.h"

#include <epan/tap.h>

#include "tcplife_report.h"

static int tcplife_tap = TCPLIFE_ID_INIT;

void tcplife_taps_register(void)
{
    tcplife_tap = register_tap("tcplife");
    tcplife_report_streams_register();
    tcplife_report_ladder_register();
    tcplife_report_table_register();
    tcplife_report_conn_register();
    tcplife_report_json_register();
    tcplife_report_explain_register();
}

/* tap_queue_packet() keeps only the pointer, and listeners run after the
 * whole frame was dissected, when the caller's (stack) info, packet, facts
 * and rebuilt brief stream are gone: queue copies that live as long as the
 * packet. */
void tcplife_taps_queue(packet_info *pinfo, const tcplife_tap_info *info, int n)
{
    if (!have_tap_listener(tcplife_tap))
        return;
    for (int i = 0; i < n; i++) {
        tcplife_tap_info *copy = wmem_new(pinfo->pool, tcplife_tap_info);
        tcplife_packet *pkt = (tcplife_packet *)wmem_memdup(pinfo->pool, info[i].pkt,
                                                            sizeof *info[i].pkt);
        if (tcplife_stream_is_rebuilt(pkt->stream))
            pkt->stream = (const tcplife_stream *)wmem_memdup(pinfo->pool, pkt->stream,
                                                              sizeof *pkt->stream);
        copy->pkt = pkt;
        copy->facts = info[i].facts
            ? (const tcplife_layer_facts *)wmem_memdup(pinfo->pool, info[i].facts,
                                                       sizeof *info[i].facts)
            : NULL;
        tap_queue_packet(tcplife_tap, pinfo, copy);
    }
}
