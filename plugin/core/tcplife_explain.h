/* tcplife_explain.h - each packet and each connection explained in words.
 *
 * The explanation of a packet depends only on the packet (its tl_result and
 * tl_detail, stored on the first pass) and on stream facts that are fixed
 * before it (the sides' bases and first SYN options, the handshake times once
 * step 3 is seen, the teardown frames and times once seen): so it reads the
 * same in one pass, two passes and the GUI.
 *
 *   tl_explain_packet(s, r, d, lang, buf, size)  one to three sentences on what the packet does;
 *                                  returns buf, always NUL-terminated (truncated when full).
 *   tl_explain_story(s, sum, client, server, lang, buf, size)  the stream's story in one line:
 *                                  conn_state, who opened, bytes, who closed, packets and duration.
 *   tl_expand(lang, msg, vars, buf, size)  msg's template with vars filled in; returns buf.
 *   tl_flags_words(flags, buf, size)  "FIN+PSH+ACK": the flags' names joined by '+'.
 *   tl_format_ms(ns, decimals, buf, size)  ns in milliseconds, e.g. "28.820".
 *   tl_format_duration(ns, buf, size)  "66.3 ms" below ten seconds, "12.4 s" above.
 *   tl_out_start(buf, size), tl_out_str(o, s)  a bounded writer: appends until full, then
 *                                 drops (never inside a UTF-8 character); always NUL-terminated.
 *   tl_u64_digits(v, buf)         v's decimal digits into buf (21 bytes suffice), NUL-terminated;
 *                                 returns their count.  Without printf: the tree's hot path.
 */
#ifndef TCPLIFE_EXPLAIN_H
#define TCPLIFE_EXPLAIN_H

#include <stddef.h>

#include "tcplife_core.h"
#include "tcplife_text.h"

#define TL_EXPLAIN_MAX 768

typedef struct tl_out {
    char  *buf;
    size_t size, used;
} tl_out;   /* bytes: the longest packet explanation, in any language */

/* The names a template may use, in braces. */
#define TL_VARS(X)                                                                  \
    X(WHO, "who") X(PEER, "peer") X(ISN, "isn") X(PEER_ISN, "peer_isn")             \
    X(ACK_RAW, "ack_raw") X(SEQ, "seq") X(ACK, "ack") X(LEN, "len") X(FROM, "from") \
    X(TO, "to") X(LAST, "last") X(FIRST_FRAME, "first_frame")                       \
    X(LAST_FRAME, "last_frame") X(WIN, "win") X(OPTS, "opts") X(RTT, "rtt")         \
    X(DUR, "dur") X(KIND, "kind") X(FLAGS, "flags") X(PHASE, "phase") X(N, "n")     \
    X(CLIENT, "client") X(SERVER, "server") X(HS, "hs") X(TD, "td")                 \
    X(SENT, "sent") X(RECEIVED, "received") X(PACKETS, "packets")                   \
    X(STREAM, "stream") X(LINE, "line") X(LAST_LINE, "last_line") X(COUNT, "count") \
    X(TEXT, "text")

#define TL_VAR_ENUM(id, name) TL_V_##id,
enum tl_var { TL_VARS(TL_VAR_ENUM) TL_N_VARS };

/* Values for a template: v[i] is the text of variable i, NULL when unset
 * (its braces are then printed as they are, which a test would catch).
 * tl_vars_u32 only records the number (v[i] is then tl_var_number, "" to any
 * other reader) and tl_expand writes its digits: a packet's explanation
 * sets a dozen numbers and its sentence uses two or three. */
typedef struct tl_vars {
    const char *v[TL_N_VARS];
    uint32_t    u32[TL_N_VARS];       /* tl_vars_u32()'s numbers */
    char        num[TL_N_VARS][28];   /* storage for formatted numbers */
} tl_vars;

extern const char tl_var_number[];

void tl_vars_u32(tl_vars *vars, enum tl_var var, uint32_t value);
void tl_vars_u64_grouped(tl_vars *vars, enum tl_var var, uint64_t value);
void tl_vars_ms(tl_vars *vars, enum tl_var var, int64_t ns, int decimals);

const char *tl_expand(enum tl_lang lang, enum tl_msg msg, const tl_vars *vars,
                      char *buf, size_t size);
const char *tl_explain_packet(const tl_stream *s, tl_result r, const tl_detail *d,
                              enum tl_lang lang, char *buf, size_t size);
const char *tl_explain_story(const tl_stream *s, const tl_summary *sum, const char *client,
                             const char *server, enum tl_lang lang, char *buf, size_t size);
const char *tl_flags_words(uint16_t flags, char *buf, size_t size);
const char *tl_format_ms(int64_t ns, int decimals, char *buf, size_t size);
const char *tl_format_duration(int64_t ns, char *buf, size_t size);
size_t tl_u64_digits(uint64_t v, char *buf);
tl_out tl_out_start(char *buf, size_t size);
void tl_out_str(tl_out *o, const char *s);

#endif /* TCPLIFE_EXPLAIN_H */
