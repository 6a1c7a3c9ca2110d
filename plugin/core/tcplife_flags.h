/* tcplife_flags.h - TCP header flag bits, as in the header and in tcp.flags. */
#ifndef TCPLIFE_FLAGS_H
#define TCPLIFE_FLAGS_H

enum {
    TL_FIN = 0x001,
    TL_SYN = 0x002,
    TL_RST = 0x004,
    TL_PSH = 0x008,
    TL_ACK = 0x010,
    TL_URG = 0x020,
    TL_ECE = 0x040,
    TL_CWR = 0x080,
};

#endif /* TCPLIFE_FLAGS_H */
