/* segments.h - build tl_segments from tcpdump-like lines, for the unit tests.
 *
 *   trace_init(t)                           an empty stream, client port 40000, server port 80.
 *   trace_feed(t, 'c', "S", seq, ack, len)  one segment from the client ('c') or server ('s'),
 *                                           flags in tcpdump letters (S F R P U E W and '.' = ACK);
 *                                           returns the core's verdict.
 *   trace_label(r)                          the long label, in a static buffer.
 */
#ifndef TCPLIFE_TEST_SEGMENTS_H
#define TCPLIFE_TEST_SEGMENTS_H

#include "tcplife_core.h"
#include "tcplife_label.h"

typedef struct trace {
    tl_stream s;
    char      first_dir;   /* 'c' or 's': who sent the first segment */
    uint16_t  client_port, server_port;
    uint32_t  frame;
    int64_t   time_ns;
} trace;

void trace_init(trace *t);
uint16_t trace_flags(const char *letters);
tl_segment trace_segment(trace *t, char dir, const char *flags, uint32_t seq, uint32_t ack, uint32_t len);
tl_result trace_feed(trace *t, char dir, const char *flags, uint32_t seq, uint32_t ack, uint32_t len);
const char *trace_label(tl_result r);

#endif
