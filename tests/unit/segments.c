/* segments.c - see segments.h. */
#include "segments.h"

#include <string.h>

void trace_init(trace *t)
{
    memset(t, 0, sizeof *t);
    tl_stream_init(&t->s);
    t->client_port = 40000;
    t->server_port = 80;
}

uint16_t trace_flags(const char *letters)
{
    uint16_t f = 0;
    for (const char *c = letters; *c; c++) {
        switch (*c) {
        case 'S': f |= TL_SYN; break;
        case 'F': f |= TL_FIN; break;
        case 'R': f |= TL_RST; break;
        case 'P': f |= TL_PSH; break;
        case 'U': f |= TL_URG; break;
        case 'E': f |= TL_ECE; break;
        case 'W': f |= TL_CWR; break;
        case '.': f |= TL_ACK; break;
        default: break;
        }
    }
    return f;
}

tl_segment trace_segment(trace *t, char dir, const char *flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    if (t->first_dir == 0)
        t->first_dir = dir;
    t->time_ns += 1000000;  /* 1 ms apart */
    tl_segment seg = {
        .time_ns = t->time_ns,
        .frame = ++t->frame,
        .seq = seq,
        .ack = ack,
        .len = len,
        .flags = trace_flags(flags),
        .srcport = dir == 'c' ? t->client_port : t->server_port,
        .dstport = dir == 'c' ? t->server_port : t->client_port,
        .window = 1000,
        .from_first_sender = dir == t->first_dir,
        .opts = { .wscale = TL_WSCALE_ABSENT },
    };
    return seg;
}

tl_result trace_feed(trace *t, char dir, const char *flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    tl_segment seg = trace_segment(t, dir, flags, seq, ack, len);
    return tl_stream_update(&t->s, &seg);
}

const char *trace_label(tl_result r)
{
    static char buf[TL_LABEL_MAX];
    return tl_label(r, buf, sizeof buf);
}
