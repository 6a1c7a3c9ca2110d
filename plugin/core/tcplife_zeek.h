/* tcplife_zeek.h - Zeek's conn_state and history, from TCP headers alone.
 *
 * A transcription of Zeek's TCP endpoint state machine, history letters and
 * conn_state() (docs/zeek-state.md has the algorithm with its Zeek sources),
 * with Zeek's originator fixed to our client.
 *
 *   tl_zeek_init(z, client_first)  an empty connection; history starts with '^' unless the
 *                                  client sent the stream's first packet.
 *   tl_zeek_update(z, seg)         one packet, in capture order; total: any input is accepted.
 *   tl_zeek_conn_state(z)          Zeek's conn_state now (TL_CS_S0 ... TL_CS_OTH).
 *   tl_zeek_history(z)             Zeek's history now, NUL-terminated, inside z.
 *
 * Limits (documented in docs/zeek-state.md): the history keeps its first
 * TL_ZEEK_HISTORY_MAX - 1 letters; the gap ('G') model remembers at most
 * TL_ZEEK_MAX_BLOCKS out-of-order blocks per side and merges beyond that.
 */
#ifndef TCPLIFE_ZEEK_H
#define TCPLIFE_ZEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcplife_flags.h"
#include "tcplife_names.h"

#define TL_ZEEK_HISTORY_MAX 32
#define TL_ZEEK_MAX_BLOCKS 2

/* What Zeek's analysis uses of one packet. */
typedef struct tl_zeek_segment {
    uint32_t seq, ack, len;
    uint16_t flags;            /* TL_* bits of tcplife_flags.h */
    uint16_t window;           /* raw window field */
    bool     from_client;
    bool     bad_checksum;     /* Zeek drops the packet after noting 'C' */
    bool     payload_captured; /* all payload bytes are in the capture (the 'G' model) */
} tl_zeek_segment;

typedef struct tl_zeek_block {
    uint64_t lo, hi;           /* relative sequence range [lo, hi) */
} tl_zeek_block;

/* tl_zeek_ep.scaled[]: the count in the low 30 bits (it never passes 10^9,
 * below 2^30), and this bit once it has: see scaled() in tcplife_zeek.c. */
#define TL_ZEEK_SCALED_LATE 0x80000000u

/* One side's endpoint (Zeek's TCP_Endpoint and the parts of its reassembler
 * that decide content gaps).  120 bytes: 64-bit relative sequence numbers
 * (exact over any number of wraps), 32-bit raw ones, flags as bits. */
typedef struct tl_zeek_ep {
    uint64_t      fin_seq;
    uint64_t      hist_last_syn, hist_last_fin, hist_last_rst;
    uint64_t      reasm_last, reasm_trim;
    tl_zeek_block blocks[TL_ZEEK_MAX_BLOCKS];
    uint32_t      start_seq, last_seq, ack_seq;
    uint32_t      seq_wraps, ack_wraps;   /* below 2^32: at most one per packet */
    uint32_t      scaled[4];      /* C, T, W, G occurrences (TL_ZEEK_SCALED_LATE) */
    uint8_t       state : 3, prev_state : 3;
    uint8_t       nblocks : 2;    /* at most TL_ZEEK_MAX_BLOCKS */
    uint8_t       hist_seen : 7;  /* Zeek's per-class history bits, this direction's */
    bool          fin_seen : 1;   /* a FIN was sent (Zeek counts them; only "> 0" is read) */
    bool          skip : 1;       /* the reassembler gave up on this side */
    bool          first_packet_seen : 1;
    bool          is_partial : 1; /* ep[0]'s only: the connection's flag, in spare bits */
} tl_zeek_ep;

/* 272 bytes.  The history's length is strlen(history): it is always
 * NUL-terminated, and at most TL_ZEEK_HISTORY_MAX - 1 letters long. */
typedef struct tl_zeek {
    tl_zeek_ep ep[2];              /* [0] client (Zeek's orig), [1] server (resp) */
    char       history[TL_ZEEK_HISTORY_MAX];
} tl_zeek;

void tl_zeek_init(tl_zeek *z, bool client_first);
void tl_zeek_update(tl_zeek *z, const tl_zeek_segment *seg);
enum tl_conn_state tl_zeek_conn_state(const tl_zeek *z);
const char *tl_zeek_history(const tl_zeek *z);

#endif /* TCPLIFE_ZEEK_H */
