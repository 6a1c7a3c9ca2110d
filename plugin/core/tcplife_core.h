/* tcplife_core.h - the TCP lifecycle state machine of LIFECYCLE.md.
 *
 * Pure C11, no Wireshark includes: the epan layer turns one TCP header into a
 * tl_segment, feeds it to tl_stream_update() in capture order, stores the
 * returned tl_result per packet and renders it.  Everything a packet's
 * annotation depends on is in the stream state before it (the contract's
 * "decided on the packet's flags and the stream's state before this packet").
 *
 * Contract of every function, in one line each:
 *   tl_stream_init(s)             zeroes s; a zeroed tl_stream is a valid empty stream.
 *   tl_stream_update(s, seg)      classifies seg, advances s; total: every input has an outcome,
 *                                 whose phase is never TL_PHASE_NONE.
 *   tl_stream_handshake_kind(s)   the stream's handshake kind so far.
 *   tl_stream_teardown_kind(s)    the stream's teardown kind so far.
 *   tl_stream_teardown_initiator(s)  client, server, both, or none while no FIN was seen.
 *   tl_stream_complete(s)         true iff handshake 1-3 and teardown 1-4 were seen and no RST.
 *   tl_result_steps(r, out)       writes r's steps ascending into out[0..1], returns how many.
 */
#ifndef TCPLIFE_CORE_H
#define TCPLIFE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcplife_flags.h"
#include "tcplife_names.h"
#include "tcplife_zeek.h"

#define TL_WSCALE_ABSENT 0xFF

/* Handshake options one SYN or SYN-ACK offered. */
typedef struct tl_options {
    uint16_t mss;          /* 0: no MSS option */
    uint8_t  wscale;       /* shift count, TL_WSCALE_ABSENT when not offered */
    bool     sack_perm;
    bool     timestamps;
    bool     tfo;          /* a TCP Fast Open option (cookie or cookie request) */
} tl_options;

/* The facts of one TCP header that the lifecycle depends on. */
typedef struct tl_segment {
    int64_t    time_ns;     /* capture time, nanoseconds since any fixed epoch */
    uint32_t   frame;       /* frame number, for the summary's links */
    uint32_t   seq;         /* raw (absolute) sequence number */
    uint32_t   ack;         /* raw acknowledgment number; meaningful with TL_ACK */
    uint32_t   len;         /* payload bytes */
    uint16_t   flags;       /* TL_* bits */
    uint16_t   srcport;
    uint16_t   dstport;
    uint16_t   window;      /* raw window field, unscaled */
    bool       from_first;  /* sent by the endpoint that sent the stream's first segment */
    bool       bad_checksum;/* only when the checksum was verified and wrong */
    bool       payload_cut; /* the capture holds less than len payload bytes (snaplen) */
    tl_options opts;        /* meaningful on SYN and SYN-ACK */
} tl_segment;

/* tl_result.flags */
enum {
    TL_R_RETRANSMISSION  = 0x01, /* a repeated SYN, SYN-ACK, handshake ACK or FIN */
    TL_R_STREAM_START    = 0x02, /* the stream's first segment */
    TL_R_DATA_AFTER_FIN  = 0x04, /* payload beyond the sender's own FIN */
    TL_R_RESET_KIND_SHIFT = 4,   /* bits 4-5: this RST's tl_reset_kind */
    TL_R_CALLER          = 0x80, /* never set by the core: free for the caller's bookkeeping */
};

/* What one packet does in its connection's life: 8 bytes, stored per packet. */
typedef struct tl_result {
    uint32_t ordinal;  /* transfer #N or reset #N, else 0 */
    uint8_t  phase;    /* enum tl_phase */
    uint8_t  sender;   /* enum tl_role */
    uint8_t  steps;    /* bit n-1 set for step n (handshake 1-3, teardown 1-4) */
    uint8_t  flags;    /* TL_R_* */
} tl_result;

static inline enum tl_reset_kind tl_result_reset_kind(tl_result r)
{
    return (enum tl_reset_kind)((r.flags >> TL_R_RESET_KIND_SHIFT) & 3);
}

/* One side of the connection, as the lifecycle rules need it.  Ordered and
 * bit-packed to 32 bytes: the epan layer keeps one tl_stream per tcp.stream,
 * a million of them in a SYN scan. */
typedef struct tl_side {
    uint64_t   bytes;          /* payload bytes sent */
    uint32_t   synack_seq;     /* sequence number of this side's latest SYN-ACK */
    uint32_t   fin_seq;        /* sequence number of this side's FIN (seq + payload) */
    uint32_t   packets;
    uint32_t   syn_data;       /* payload of this side's first SYN or SYN-ACK (Fast Open) */
    tl_options opts;           /* offered in this side's first SYN or SYN-ACK */
    uint8_t    fin_step;       /* 1 or 3 once this side sent a FIN, else 0 */
    bool       sent_syn : 1;   /* a SYN without ACK */
    bool       sent_synack : 1;
    bool       sent_hs_ack : 1;  /* step 3 */
    bool       acked_synack : 1; /* a non-SYN packet acknowledged the peer's latest SYN-ACK */
    bool       acked_fin : 1;    /* a packet acknowledged the peer's FIN */
    bool       opts_seen : 1;
} tl_side;

/* Per-stream state.  Index sides by enum tl_role - 1 (0 client, 1 server).
 * Ordered widest first, flags as bits: see tl_side. */
typedef struct tl_stream {
    tl_side  side[2];
    int64_t  first_time_ns, last_time_ns;
    int64_t  syn_time_ns, synack_time_ns, hs_ack_time_ns; /* last SYN / SYN-ACK before step 3 */
    int64_t  fin_time_ns, close_time_ns; /* first FIN; both FINs acknowledged */
    uint32_t first_frame, last_frame;
    uint32_t hs_frame[3];      /* first frame of handshake steps 1-3 */
    uint32_t td_frame[4];      /* first frame of teardown steps 1-4 */
    uint32_t reset_frame;      /* the stream's first RST */
    uint32_t transfers, resets;
    uint32_t phase_packets[5]; /* indexed by enum tl_phase */
    uint8_t  hs_seen;          /* bit n-1: handshake step n seen */
    uint8_t  td_seen;          /* bit n-1: teardown step n seen */
    uint8_t  first_sender;     /* enum tl_role of the first segment's sender; 0: empty */
    uint8_t  reset_kind;       /* enum tl_reset_kind of the first RST */
    uint8_t  reset_sender;     /* enum tl_role */
    bool     syn_timed : 1;    /* syn_time_ns is set */
    bool     synack_timed : 1; /* synack_time_ns is set */
    bool     roles_inferred : 1;
    bool     steps23_together : 1;       /* one packet carried teardown steps 2 and 3 */
    bool     second_fin_acked_first : 1; /* the second side's first FIN acknowledged the first FIN */
    bool     rst_between_fins : 1;       /* a RST came after one FIN and before the second */
    tl_zeek  zeek;             /* Zeek's conn_state / history bookkeeping */
} tl_stream;

void tl_stream_init(tl_stream *s);
tl_result tl_stream_update(tl_stream *s, const tl_segment *seg);

enum tl_handshake_kind tl_stream_handshake_kind(const tl_stream *s);
enum tl_teardown_kind tl_stream_teardown_kind(const tl_stream *s);
enum tl_teardown_initiator tl_stream_teardown_initiator(const tl_stream *s);
bool tl_stream_complete(const tl_stream *s);
int tl_result_steps(tl_result r, uint8_t out[2]);

/* Whether ack lies beyond seq, modulo 2^32 (the contract's "acknowledges"). */
static inline bool tl_seq_after(uint32_t ack, uint32_t seq)
{
    return (int32_t)(ack - seq) > 0;
}

#endif /* TCPLIFE_CORE_H */
