/* sizeof.c - the sizes of tcplife's per-stream and per-packet state.
 * Built and run by bench/run.py against plugin/core (no Wireshark needed):
 *   cc -Iplugin -Iplugin/core bench/sizeof.c -o /tmp/tcplife-sizeof && /tmp/tcplife-sizeof
 */
#include <stdio.h>

#include "tcplife_records.h"
#include "tcplife_stream.h"

int main(void)
{
    printf("tl_stream\t%zu\n", sizeof(tl_stream));
    printf("tl_zeek\t%zu\n", sizeof(tl_zeek));
    printf("tl_zeek_ep\t%zu\n", sizeof(tl_zeek_ep));
    printf("tl_side\t%zu\n", sizeof(tl_side));
    printf("tl_options\t%zu\n", sizeof(tl_options));
    printf("tcplife_stream\t%zu\n", sizeof(tcplife_stream));
    /* A brief stream is allocated for the segments it keeps: its size with
     * one (a flood's or a scan's stream) and with the most it keeps. */
    printf("tcplife_brief_stream_1\t%zu\n", TCPLIFE_BRIEF_SIZE(1));
    printf("tcplife_brief_stream\t%zu\n", TCPLIFE_BRIEF_SIZE(TCPLIFE_BRIEF_SEGMENTS));
    printf("tl_segment\t%zu\n", sizeof(tl_segment));
    printf("tcplife_record\t%zu\n", sizeof(tcplife_record));
    printf("tl_result\t%zu\n", sizeof(tl_result));
    return 0;
}
