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
 *   tl_stream_update_detail(s, seg, d)  the same, and fills *d (when d is not NULL) with what
 *                                 the packet's explanation needs (tl_detail).
 *   tl_stream_rel_seq(s, side, raw)  raw relative to that side's base, as Wireshark's tcp.seq
 *                                 and tcp.ack show it; raw itself while the base is unknown.
 *   tl_stream_handshake_kind(s)   the stream's handshake kind so far.
 *   tl_stream_teardown_kind(s)    the stream's teardown kind so far.
 *   tl_stream_teardown_initiator(s)  client, server, both, or none while no FIN was seen.
 *   tl_stream_complete(s)         true iff handshake 1-3 and teardown 1-4 were seen and no RST.
 *   tl_result_steps(r, out)       writes r's steps ascending into out[0..1], returns how many.
 *   tl_stream_summarize(s, out)   fills *out with every per-stream fact a view shows (below).
 *   tl_result_experts(r, s)       the TL_EXPERT_* bits packet r carries in stream s; 0: none.
 *   tl_result_reset_kind(r)       an accepted RST's kind; TL_RK_NONE for any other packet.
 *   tl_result_reset_verdict(r)    a RST's verdict (accepted, challenged, ignored); TL_RV_NONE
 *                                 for a packet without RST.
 *   tl_result_reset_why(r)        why a RST is not accepted; TL_RW_ACCEPTED for any other packet.
 *   tl_name(names, n, v)          names[v], or "?" when v is out of range or unnamed.
 *
 * Per-side arrays are indexed by side: TL_SIDE_CLIENT (0), TL_SIDE_SERVER (1);
 * tl_side_of(role) converts.
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
    bool     sack_perm : 1;
    bool     timestamps : 1;
    bool     tfo : 1;      /* a TCP Fast Open option (cookie or cookie request) */
} tl_options;              /* 4 bytes: it is kept per side of every stream */

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
    bool       from_first_sender; /* sent by the endpoint that sent the stream's first segment */
    bool       bad_checksum;/* only when the checksum was verified and wrong */
    bool       payload_cut; /* the capture holds less than len payload bytes (snaplen) */
    tl_options opts;        /* meaningful on SYN and SYN-ACK */
} tl_segment;

/* tl_result.flags */
enum {
    TL_R_RETRANSMISSION  = 0x01, /* a repeated SYN, SYN-ACK, handshake ACK or FIN */
    TL_R_STREAM_START    = 0x02, /* the stream's first segment */
    TL_R_DATA_AFTER_FIN  = 0x04, /* payload beyond the sender's own FIN */
    TL_R_CHALLENGE_ACK   = 0x08, /* a transfer packet: the receiver's challenge ACK to the RST before it */
    TL_R_RESET_KIND_SHIFT = 4,   /* bits 4-5: an accepted RST's tl_reset_kind, else its tl_reset_why */
    TL_R_RESET_REJECTED  = 0x40, /* a RST the receiver would not act on: bits 4-5 say why */
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

/* Why the receiver would not act on a RST (bits 4-5 with TL_R_RESET_REJECTED). */
enum tl_reset_why {
    TL_RW_ACCEPTED = 0,
    TL_RW_CHALLENGED = 1,      /* in the window, not exact: a challenge ACK (RFC 5961 §3.2) */
    TL_RW_OUTSIDE_WINDOW = 2,  /* ignored (RFC 9293 §3.10.7.4, RFC 5961 §3.2) */
    TL_RW_NOT_SYN_ANSWER = 3,  /* ignored in SYN-SENT: no ACK of the SYN (RFC 9293 §3.10.7.3) */
};

static inline enum tl_reset_kind tl_result_reset_kind(tl_result r)
{
    if (r.flags & TL_R_RESET_REJECTED)
        return TL_RK_NONE;
    return (enum tl_reset_kind)((r.flags >> TL_R_RESET_KIND_SHIFT) & 3);
}

static inline enum tl_reset_why tl_result_reset_why(tl_result r)
{
    if (!(r.flags & TL_R_RESET_REJECTED))
        return TL_RW_ACCEPTED;
    return (enum tl_reset_why)((r.flags >> TL_R_RESET_KIND_SHIFT) & 3);
}

static inline enum tl_reset_verdict tl_result_reset_verdict(tl_result r)
{
    if (r.phase != TL_PHASE_RESET)
        return TL_RV_NONE;
    switch (tl_result_reset_why(r)) {
    case TL_RW_ACCEPTED:   return TL_RV_ACCEPTED;
    case TL_RW_CHALLENGED: return TL_RV_CHALLENGED;
    default:               return TL_RV_IGNORED;
    }
}

enum tl_side_index { TL_SIDE_CLIENT = 0, TL_SIDE_SERVER = 1 };

static inline enum tl_side_index tl_side_of(enum tl_role role)
{
    return role == TL_ROLE_SERVER ? TL_SIDE_SERVER : TL_SIDE_CLIENT;
}

/* One side of the connection, as the lifecycle rules need it.  Ordered and
 * bit-packed to 56 bytes (no padding): the epan layer keeps one tl_stream
 * per tcp.stream, a million of them in a SYN scan.  Segments with RST never
 * update the sequence tracking (snd_nxt ... edge_known): a RST is judged
 * against it.  Counters are exact: bytes is 64-bit; packets is 32-bit, as
 * the summary shows it (a file has fewer than 2^32 frames). */
typedef struct tl_side {
    uint64_t   bytes;          /* payload bytes sent */
    uint32_t   synack_seq;     /* sequence number of this side's latest SYN-ACK */
    uint32_t   fin_seq;        /* sequence number of this side's FIN (seq + payload) */
    uint32_t   packets;
    uint32_t   syn_data;       /* payload of this side's first SYN or SYN-ACK (Fast Open) */
    uint32_t   snd_nxt;        /* one past the highest sequence number sent (SYN and FIN count) */
    uint32_t   rcv_ack;        /* acknowledgment number of this side's latest segment with ACK */
    uint32_t   rcv_edge;       /* and the right edge of the window it advertised: ack + window */
    uint32_t   base_seq;       /* Wireshark's relative-sequence base: ISN, or first seq - 1 */
    uint32_t   una_frame;      /* first frame with payload not yet acknowledged by the peer, 0: none */
    uint32_t   last_data_frame; /* this side's latest frame with payload */
    uint16_t   last_window;    /* raw window of this side's latest segment with ACK */
    tl_options opts;           /* offered in this side's first SYN or SYN-ACK (4 bytes) */
    uint8_t    fin_step : 2;   /* 1 or 3 once this side sent a FIN, else 0 */
    bool       sent_syn : 1;   /* a SYN without ACK */
    bool       sent_synack : 1;
    bool       sent_hs_ack : 1;  /* step 3 */
    bool       acked_synack : 1; /* a non-SYN packet acknowledged the peer's latest SYN-ACK */
    bool       acked_fin : 1;    /* a packet acknowledged the peer's FIN */
    bool       opts_seen : 1;
    bool       seq_tracked : 1;  /* snd_nxt is set: this side sent a segment without RST */
    bool       seq_sure : 1;     /* its first one was a SYN or SYN-ACK, and no gap since */
    bool       ack_seen : 1;     /* rcv_ack is set */
    bool       edge_known : 1;   /* rcv_edge is set: that segment's window scale was known */
    bool       base_set : 1;     /* base_seq is set */
} tl_side;

/* What a segment's payload is, seen from its sender's sequence tracking. */
enum tl_data_kind {
    TL_DATA_NONE = 0,      /* no payload */
    TL_DATA_NEW,           /* the next bytes of this direction */
    TL_DATA_REXMIT,        /* bytes this side had sent already */
    TL_DATA_PARTIAL,       /* starts with bytes sent already, ends with new ones */
    TL_DATA_AFTER_GAP,     /* begins beyond what the capture showed this side send */
    TL_DATA_KEEPALIVE,     /* seq one below the next byte, at most 1 byte: a keep-alive probe */
    TL_DATA_UNTRACKED,     /* payload, but no earlier segment to compare with */
};

/* What a segment's acknowledgment does, compared with the same side's last one. */
enum tl_ack_kind {
    TL_ACKK_NONE = 0,      /* no ACK flag, or a SYN/RST (their sentences say it) */
    TL_ACKK_NEW,           /* acknowledges bytes it had not acknowledged before */
    TL_ACKK_SAME,          /* the same number again, nothing outstanding */
    TL_ACKK_DUP,           /* the same number again while the peer has bytes outstanding */
    TL_ACKK_WINDOW_UPDATE, /* the same number, only the window changed */
};

/* tl_detail.bits */
enum {
    TL_D_ZERO_WINDOW = 0x01,  /* advertises a zero window (not on SYN or RST) */
    TL_D_ACKS_FIN    = 0x02,  /* the ACK covers the peer's FIN */
    TL_D_PEER_SYN    = 0x04,  /* the peer had sent a SYN before this packet */
    TL_D_PEER_FIN    = 0x08,  /* the peer had sent a FIN before this packet */
    TL_D_OWN_FIN     = 0x10,  /* this side had sent a FIN before this packet */
    TL_D_CLOSED      = 0x20,  /* both FINs were acknowledged before this packet */
    TL_D_MORE_DATA   = 0x40,  /* this side had sent payload before this packet */
    TL_D_PEER_DATA   = 0x80,  /* the peer had sent payload before this packet */
    TL_D_OWN_FIN_ACKED = 0x100, /* this side's FIN was acknowledged before this packet */
};

/* A packet's own numbers and what its sender's sequence tracking saw: what
 * tcplife.explain needs on every visit, stored per packet (32 bytes). */
typedef struct tl_detail {
    uint32_t seq, ack, len;     /* raw, as in tl_segment */
    uint32_t acked_first;       /* first and last frame whose payload this ACK covers for */
    uint32_t acked_last;        /*   the first time, when all of it is covered; 0: none */
    uint16_t flags, window;     /* TL_* bits; raw window */
    uint8_t  data_kind;         /* enum tl_data_kind */
    uint8_t  ack_kind;          /* enum tl_ack_kind */
    uint16_t bits;              /* TL_D_* */
    uint8_t  prior_phase;       /* enum tl_phase the stream had reached before this packet */
} tl_detail;

/* Per-stream state.  side[] is indexed by enum tl_side_index.
 * Ordered widest first, flags as bits, nothing stored twice: see tl_side and
 * docs/LIFECYCLE.md "Per-stream memory".  Every time is an exact int64 ns
 * value; the handshake, teardown and first-data times are kept as the
 * differences the summary shows once both ends of each difference are known
 * (see the comments below), which is exact in 64-bit arithmetic. */
typedef struct tl_stream {
    tl_side  side[2];
    int64_t  first_time_ns, last_time_ns;
    /* Before handshake step 3: hs_ns[0] is the latest SYN's time (syn_timed),
     * hs_ns[1] the latest SYN-ACK's (synack_timed).  From step 3 on (both are
     * frozen then) they hold step 3's time minus each: the RTT and the
     * client RTT; the server RTT is their difference. */
    int64_t  hs_ns[2];
    int64_t  td_ns;            /* the first FIN's time; once both FINs are acknowledged,
                                * the close time minus it: the teardown duration */
    int64_t  data_ns;          /* with one data_frame[] set: that frame's time; with both:
                                * the server's minus the client's (the time to first byte) */
    uint32_t first_frame, last_frame;
    uint32_t hs_frame[3];      /* first frame of handshake steps 1-3 */
    uint32_t td_frame[4];      /* first frame of teardown steps 1-4 */
    uint32_t reset_frame;      /* the stream's first accepted RST */
    uint32_t data_frame[2];    /* by side: its first frame with payload (not a RST), 0: none yet */
    uint32_t phase_packets[5]; /* indexed by enum tl_phase: transfers, and every RST */
    uint32_t resets_rejected;  /* RSTs the receiver would ignore or challenge (tl_result_reset_why) */
    uint8_t  hs_seen;          /* bit n-1: handshake step n seen */
    uint8_t  td_seen;          /* bit n-1: teardown step n seen */
    uint8_t  first_sender;     /* enum tl_role of the first segment's sender; 0: empty */
    uint8_t  reset_kind;       /* enum tl_reset_kind of the first accepted RST */
    uint8_t  reset_sender;     /* enum tl_role */
    bool     syn_timed : 1;    /* hs_ns[0] holds a SYN's time */
    bool     synack_timed : 1; /* hs_ns[1] holds a SYN-ACK's time */
    bool     roles_inferred : 1;
    bool     steps23_together : 1;       /* one packet carried teardown steps 2 and 3 */
    bool     second_fin_acked_first : 1; /* the second side's first FIN acknowledged the first FIN */
    bool     rst_between_fins : 1;       /* an accepted RST came after one FIN and before the second */
    bool     challenge_pending : 1;      /* a RST was challenged: its receiver's next packet may be */
    bool     challenge_by_server : 1;    /*   the challenge ACK; that receiver is the server */
    tl_zeek  zeek;             /* Zeek's conn_state / history bookkeeping */
} tl_stream;

/* The stream's transfer and reset counts are its per-phase packet counts. */
static inline uint32_t tl_stream_transfers(const tl_stream *s)
{
    return s->phase_packets[TL_PHASE_TRANSFER];
}

static inline uint32_t tl_stream_resets(const tl_stream *s)
{
    return s->phase_packets[TL_PHASE_RESET];
}

/* ---- the stream summary ------------------------------------------------
 * Every per-stream fact that the tree, the reports and the outputs show,
 * derived in one place (as struct tcp_info is for a Linux socket).  Where
 * the contract says a fact is absent, its tl_maybe_* has set == false. */
typedef struct tl_maybe_u32 { uint32_t value; bool set; } tl_maybe_u32;
typedef struct tl_maybe_ns { int64_t ns; bool set; } tl_maybe_ns;
typedef struct tl_maybe_bool { bool value; bool set; } tl_maybe_bool;

typedef struct tl_side_summary {
    uint64_t      bytes;       /* payload bytes sent, retransmissions included */
    uint32_t      packets;
    /* What this side offered in its first SYN or SYN-ACK: all absent when it
     * sent none; mss and wscale also absent when that option was not sent. */
    tl_maybe_u32  mss, wscale, syn_data;
    tl_maybe_bool sack_perm, timestamps, tfo;
    tl_maybe_u32  first_data_frame;  /* this side's first frame with payload (not a RST) */
} tl_side_summary;

typedef struct tl_summary {
    tl_side_summary side[2];     /* by enum tl_side_index */
    char          history[TL_ZEEK_HISTORY_MAX];  /* Zeek's history, a copy: a summary
                                  * outlives the stream it was read from (a brief
                                  * stream is rebuilt into a caller's buffer) */
    uint8_t       conn_state;    /* enum tl_conn_state */
    bool          roles_inferred;
    bool          complete;
    uint8_t       hs_kind;       /* enum tl_handshake_kind */
    tl_maybe_ns   rtt, server_rtt, client_rtt;   /* three-way, once step 3 is seen */
    tl_maybe_u32  hs_frame[3];   /* first frame of handshake steps 1-3 */
    bool          has_options;   /* either side sent a SYN or SYN-ACK */
    tl_maybe_bool wscale_on, sack_on, ts_on;     /* only when both sides did */
    tl_maybe_u32  td_initiator;  /* enum tl_teardown_initiator; absent while no FIN */
    uint8_t       td_kind;       /* enum tl_teardown_kind */
    tl_maybe_ns   td_duration;   /* first FIN until both FINs acknowledged */
    tl_maybe_u32  td_frame[4];   /* first frame of teardown steps 1-4 */
    bool          has_reset;     /* any RST */
    tl_maybe_u32  reset_kind;    /* enum tl_reset_kind of the first accepted RST; absent without one */
    tl_maybe_u32  reset_sender;  /* enum tl_role, of that RST */
    tl_maybe_u32  reset_frame;   /* and its frame */
    uint32_t      resets;        /* all RSTs, accepted or not */
    uint32_t      resets_ignored; /* RSTs the receiver would ignore or challenge */
    uint32_t      phase_packets[4];  /* handshake, transfer, teardown, reset */
    uint32_t      packets;       /* both sides */
    uint32_t      first_frame, last_frame;
    int64_t       duration_ns;   /* first to last packet */
    tl_maybe_ns   ttfb;          /* client's first payload to the server's first, when that came after */
} tl_summary;

/* Expert information a packet carries (tl_result_experts), one bit each. */
enum {
    TL_EXPERT_REFUSED        = 0x01, /* a RST refusing the connection */
    TL_EXPERT_ABORTED        = 0x02, /* a RST aborting it (not after close) */
    TL_EXPERT_SYN_REXMIT     = 0x04, /* a repeated SYN */
    TL_EXPERT_SYNACK_REXMIT  = 0x08, /* a repeated SYN-ACK */
    TL_EXPERT_FIN_REXMIT     = 0x10, /* a repeated FIN */
    TL_EXPERT_MIDSTREAM      = 0x20, /* the stream's first packet, roles inferred */
    TL_EXPERT_DATA_AFTER_FIN = 0x40, /* payload beyond the sender's own FIN */
    TL_EXPERT_RESET_IGNORED  = 0x80, /* a RST the receiver would ignore */
    TL_EXPERT_RESET_CHALLENGED = 0x100, /* a RST the receiver would answer with a challenge ACK */
};

void tl_stream_init(tl_stream *s);
tl_result tl_stream_update(tl_stream *s, const tl_segment *seg);
tl_result tl_stream_update_detail(tl_stream *s, const tl_segment *seg, tl_detail *d);
uint32_t tl_stream_rel_seq(const tl_stream *s, enum tl_side_index side, uint32_t raw);

enum tl_handshake_kind tl_stream_handshake_kind(const tl_stream *s);
enum tl_teardown_kind tl_stream_teardown_kind(const tl_stream *s);
enum tl_teardown_initiator tl_stream_teardown_initiator(const tl_stream *s);
bool tl_stream_complete(const tl_stream *s);
int tl_result_steps(tl_result r, uint8_t out[2]);
void tl_stream_summarize(const tl_stream *s, tl_summary *out);
unsigned tl_result_experts(tl_result r, const tl_stream *s);

/* Whether ack lies beyond seq, modulo 2^32 (the contract's "acknowledges"). */
static inline bool tl_seq_after(uint32_t ack, uint32_t seq)
{
    return (int32_t)(ack - seq) > 0;
}

#endif /* TCPLIFE_CORE_H */
