/* tcplife_names.h - every enumerated value of the contract, in one list each.
 *
 * X-macros keep each C enum and its public names (LIFECYCLE.md) in a single
 * place, so numbers and names can never drift apart.  X(C_NAME, number, "name")
 */
#ifndef TCPLIFE_NAMES_H
#define TCPLIFE_NAMES_H

#define TL_PHASES(X)                 \
    X(TL_PHASE_NONE, 0, "none")      \
    X(TL_PHASE_HANDSHAKE, 1, "handshake") \
    X(TL_PHASE_TRANSFER, 2, "transfer")   \
    X(TL_PHASE_TEARDOWN, 3, "teardown")   \
    X(TL_PHASE_RESET, 4, "reset")

#define TL_ROLES(X)                  \
    X(TL_ROLE_NONE, 0, "none")       \
    X(TL_ROLE_CLIENT, 1, "client")   \
    X(TL_ROLE_SERVER, 2, "server")

#define TL_HANDSHAKE_KINDS(X)                 \
    X(TL_HS_NONE, 0, "none")                  \
    X(TL_HS_THREE_WAY, 1, "three-way")        \
    X(TL_HS_SIMULTANEOUS, 2, "simultaneous")  \
    X(TL_HS_INCOMPLETE, 3, "incomplete")      \
    X(TL_HS_NOT_SEEN, 4, "not-seen")

#define TL_TEARDOWN_INITIATORS(X)    \
    X(TL_TDI_NONE, 0, "none")        \
    X(TL_TDI_CLIENT, 1, "client")    \
    X(TL_TDI_SERVER, 2, "server")    \
    X(TL_TDI_BOTH, 3, "both")

#define TL_TEARDOWN_KINDS(X)                  \
    X(TL_TD_NONE, 0, "none")                  \
    X(TL_TD_FOUR_WAY, 1, "four-way")          \
    X(TL_TD_THREE_WAY, 2, "three-way")        \
    X(TL_TD_SIMULTANEOUS, 3, "simultaneous")  \
    X(TL_TD_HALF_CLOSED, 4, "half-closed")    \
    X(TL_TD_RESET, 5, "reset")

#define TL_RESET_KINDS(X)                     \
    X(TL_RK_NONE, 0, "none")                  \
    X(TL_RK_REFUSED, 1, "refused")            \
    X(TL_RK_ABORT, 2, "abort")                \
    X(TL_RK_AFTER_CLOSE, 3, "after-close")

/* What the receiving TCP would do with a RST (RFC 9293 §3.10.7, RFC 5961 §3.2). */
#define TL_RESET_VERDICTS(X)                  \
    X(TL_RV_NONE, 0, "none")                  \
    X(TL_RV_ACCEPTED, 1, "accepted")          \
    X(TL_RV_CHALLENGED, 2, "challenged")      \
    X(TL_RV_IGNORED, 3, "ignored")

/* Zeek's conn_state values, in the order of Zeek's documentation (and of the
 * -z tcplife,streams totals). */
#define TL_CONN_STATES(X)            \
    X(TL_CS_S0, 0, "S0")             \
    X(TL_CS_S1, 1, "S1")             \
    X(TL_CS_SF, 2, "SF")             \
    X(TL_CS_REJ, 3, "REJ")           \
    X(TL_CS_S2, 4, "S2")             \
    X(TL_CS_S3, 5, "S3")             \
    X(TL_CS_RSTO, 6, "RSTO")         \
    X(TL_CS_RSTR, 7, "RSTR")         \
    X(TL_CS_RSTOS0, 8, "RSTOS0")     \
    X(TL_CS_RSTRH, 9, "RSTRH")       \
    X(TL_CS_SH, 10, "SH")            \
    X(TL_CS_SHR, 11, "SHR")          \
    X(TL_CS_OTH, 12, "OTH")

#define TL_ENUM_MEMBER(c_name, number, name) c_name = number,

enum tl_phase { TL_PHASES(TL_ENUM_MEMBER) };
enum tl_role { TL_ROLES(TL_ENUM_MEMBER) };
enum tl_handshake_kind { TL_HANDSHAKE_KINDS(TL_ENUM_MEMBER) };
enum tl_teardown_initiator { TL_TEARDOWN_INITIATORS(TL_ENUM_MEMBER) };
enum tl_teardown_kind { TL_TEARDOWN_KINDS(TL_ENUM_MEMBER) };
enum tl_reset_kind { TL_RESET_KINDS(TL_ENUM_MEMBER) };
enum tl_reset_verdict { TL_RESET_VERDICTS(TL_ENUM_MEMBER) };
enum tl_conn_state { TL_CONN_STATES(TL_ENUM_MEMBER) };

/* The names as arrays indexed by value: TL_NAME(tl_phase_names, v) is the
 * contract's name of v, "?" out of range. */
#define TL_AS_NAME(c_name, number, name) [number] = name,
#define TL_COUNT(c_name, number, name) +1
extern const char *const tl_phase_names[0 TL_PHASES(TL_COUNT)];
extern const char *const tl_role_names[0 TL_ROLES(TL_COUNT)];
extern const char *const tl_handshake_kind_names[0 TL_HANDSHAKE_KINDS(TL_COUNT)];
extern const char *const tl_teardown_initiator_names[0 TL_TEARDOWN_INITIATORS(TL_COUNT)];
extern const char *const tl_teardown_kind_names[0 TL_TEARDOWN_KINDS(TL_COUNT)];
extern const char *const tl_reset_kind_names[0 TL_RESET_KINDS(TL_COUNT)];
extern const char *const tl_reset_verdict_names[0 TL_RESET_VERDICTS(TL_COUNT)];
extern const char *const tl_conn_state_names[0 TL_CONN_STATES(TL_COUNT)];
#define TL_N_CONN_STATES (0 TL_CONN_STATES(TL_COUNT))

const char *tl_name(const char *const names[], unsigned n, unsigned value);
#define TL_NAME(names, value) \
    tl_name(names, (unsigned)(sizeof(names) / sizeof(names[0])), (unsigned)(value))

#endif /* TCPLIFE_NAMES_H */
