/* tcplife_taps.c - the "tcplife" tap. */
#include "ws_compat.h"

#include "tcplife_taps.h"

#include <epan/tap.h>

static int tcplife_tap = TCPLIFE_ID_INIT;

void tcplife_taps_register(int proto)
{
    (void)proto;
    tcplife_tap = register_tap("tcplife");
}

void tcplife_taps_queue(packet_info *pinfo, const tcplife_tap_info *info, int n)
{
    if (!have_tap_listener(tcplife_tap))
        return;
    for (int i = 0; i < n; i++)
        tap_queue_packet(tcplife_tap, pinfo, &info[i]);
}
