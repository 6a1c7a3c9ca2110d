/* tcplife_text.h - every sentence tcplife writes, one table per language.
 *
 * A sentence is a template: "{name}" stands for a value the explainer fills
 * in (tcplife_explain.c lists the names), "{{" is a literal "{".  Word order
 * is the language's own, so a language is one table of whole sentences, never
 * pieces glued in English order.  A third language is one more table
 * (tcplife_text_XX.c) and one more row in tl_languages[].
 *
 *   tl_text(lang, msg)      msg's template in lang; English where lang has none.
 *   tl_language_of(code)    the language whose code is code ("en", "zh"); English if unknown.
 */
#ifndef TCPLIFE_TEXT_H
#define TCPLIFE_TEXT_H

#define TL_MSGS(X)                                                           \
    /* words */                                                              \
    X(W_CLIENT) X(W_SERVER) X(W_SENTENCE_SEP) X(W_SEP) X(W_LIST_SEP) X(W_NO_OPTIONS)           \
    X(W_SACK) X(W_TIMESTAMPS) X(W_MSS) X(W_WSCALE) X(W_TFO)                  \
    X(W_HANDSHAKE) X(W_TRANSFER) X(W_TEARDOWN) X(W_RESET) X(W_START)         \
    X(W_HS_THREE_WAY) X(W_HS_SIMULTANEOUS) X(W_HS_INCOMPLETE) X(W_HS_NOT_SEEN) \
    X(W_TD_FOUR_WAY) X(W_TD_THREE_WAY) X(W_TD_SIMULTANEOUS) X(W_TD_HALF_CLOSED) \
    X(W_TD_RESET) X(W_RK_REFUSED) X(W_RK_ABORT) X(W_RK_AFTER_CLOSE)          \
    /* per packet: the handshake */                                          \
    X(P_MIDSTREAM) X(P_SYN) X(P_SYN_SIMULTANEOUS) X(P_SYN_REXMIT)            \
    X(P_SYNACK) X(P_SYNACK_REXMIT) X(P_HS_ACK) X(P_HS_ACK_NO_RTT) X(P_HS_ACK_REXMIT)            \
    X(P_SYN_DATA)                                                            \
    /* per packet: data and acknowledgments */                               \
    X(P_DATA) X(P_DATA_REPLY) X(P_DATA_MORE) X(P_DATA_REXMIT) X(P_DATA_PARTIAL) X(P_DATA_GAP) \
    X(P_PSH) X(P_KEEPALIVE) X(P_ACK_FRAMES1) X(P_ACK_FRAMES) X(P_ACK_BYTES)  \
    X(P_ALSO_ACK_FRAMES1) X(P_ALSO_ACK_FRAMES) X(P_ALSO_ACK_BYTES)           \
    X(P_ACK_SAME) X(P_DUP_ACK) X(P_WINDOW_UPDATE) X(P_ZERO_WINDOW)           \
    X(P_HALF_OPEN) X(P_BARE) X(P_CHALLENGE_ACK) X(P_DATA_AFTER_FIN)                    \
    /* per packet: the teardown */                                           \
    X(P_FIN1) X(P_FIN3) X(P_FIN_SIMULTANEOUS) X(P_FIN_REXMIT) X(P_FIN_DATA)  \
    X(P_ACK_FIN1) X(P_ACK_FIN3) X(P_ACK_FIN_LAST) X(P_ACK_FIN_ONE_WAY) X(P_SYNACK_DATA) X(P_ACK_AND_FIN) X(P_AFTER_CLOSE)            \
    /* per packet: resets */                                                 \
    X(P_RST_REFUSED) X(P_RST_ABORT) X(P_RST_AFTER_CLOSE)                     \
    X(P_RST_CHALLENGED) X(P_RST_OUTSIDE) X(P_RST_NOT_SYN_ANSWER)             \
    /* the story of a stream */                                              \
    X(S_OPENED) X(S_OPENED_SIMULTANEOUS) X(S_OPEN_INCOMPLETE) X(S_OPEN_NOT_SEEN) \
    X(S_BYTES) X(S_CLOSED) X(S_CLOSED_BOTH) X(S_HALF_CLOSED) X(S_RESET)       \
    X(S_OPEN_AT_END) X(S_PACKET) X(S_PACKETS)                                            \
    /* the explain report */                                                 \
    X(R_STREAM) X(R_TRACE) X(R_PHASE_HANDSHAKE) X(R_PHASE_TRANSFER)           \
    X(R_PHASE_TEARDOWN) X(R_PHASE_RESET) X(R_LINE) X(R_LINES) X(R_FOLDED)     \
    X(R_SUMMARY) X(R_WHY_THREE_WAY) X(R_WHY_SIMULTANEOUS_OPEN)               \
    X(R_WHY_FOUR_WAY) X(R_WHY_THREE_WAY_CLOSE) X(R_WHY_SIMULTANEOUS_CLOSE)   \
    X(R_WHY_HALF_CLOSED) X(R_WHY_RESET) X(R_WHY_NO_HANDSHAKE) X(R_PICK)       \
    X(R_NO_STREAM) X(R_NO_STREAMS)

#define TL_MSG_ENUM(id) TL_##id,
enum tl_msg { TL_MSGS(TL_MSG_ENUM) TL_N_MSGS };

enum tl_lang { TL_LANG_EN = 0, TL_LANG_ZH = 1, TL_N_LANGS };

typedef struct tl_language {
    const char *code;                 /* the preference's value */
    const char *name;                 /* as the preference dialog shows it */
    const char *const *text;          /* TL_N_MSGS templates */
} tl_language;

extern const char *const tl_text_en[TL_N_MSGS];
extern const char *const tl_text_zh[TL_N_MSGS];
extern const tl_language tl_languages[TL_N_LANGS];

const char *tl_text(enum tl_lang lang, enum tl_msg msg);
enum tl_lang tl_language_of(const char *code);

#endif /* TCPLIFE_TEXT_H */
