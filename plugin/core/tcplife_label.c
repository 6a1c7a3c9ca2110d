/* tcplife_label.c - labels, formatted only when something displays them. */
#include "tcplife_label.h"

#include "tcplife_explain.h"

#include <stdio.h>

static const char *role_name(uint8_t role)
{
    return role == TL_ROLE_SERVER ? "server" : "client";
}

/* An accepted RST says what it ended; any other, why it ends nothing. */
static const char *reset_reason(tl_result r)
{
    switch (tl_result_reset_why(r)) {
    case TL_RW_CHALLENGED:     return "challenged: in the window, not exact";
    case TL_RW_OUTSIDE_WINDOW: return "ignored: outside the window";
    case TL_RW_NOT_SYN_ANSWER: return "ignored: not an answer to the SYN";
    default:                   break;
    }
    switch (tl_result_reset_kind(r)) {
    case TL_RK_REFUSED:     return "connection refused";
    case TL_RK_AFTER_CLOSE: return "after close";
    default:                return "connection aborted";
    }
}

/* "1", "2+3": the packet's steps joined by '+'. */
static void format_steps(tl_result r, char *buf, size_t size)
{
    uint8_t steps[2];
    int n = tl_result_steps(r, steps);
    if (n == 2)
        snprintf(buf, size, "%u+%u", steps[0], steps[1]);
    else
        snprintf(buf, size, "%u", n ? steps[0] : 0u);
}

/* What the teardown steps are: a FIN (1, 3) or the ACK of one (2, 4). */
static void format_teardown_what(tl_result r, char *buf, size_t size)
{
    uint8_t steps[2] = { 0, 0 };
    int n = tl_result_steps(r, steps);
    if (n == 0)     /* no step 1-4: never produced by the core */
        snprintf(buf, size, "?");
    else if (n == 2)   /* {2,3} or {1,4}: one FIN and one ACK, in step order */
        snprintf(buf, size, "%s", steps[0] == 2 ? "ACK+FIN" : "FIN+ACK");
    else if (steps[0] == 1 || steps[0] == 3)
        snprintf(buf, size, "FIN from %s", role_name(r.sender));
    else
        snprintf(buf, size, "ACK");
}

static const char *rexmit_suffix(tl_result r)
{
    return (r.flags & TL_R_RETRANSMISSION) ? ", retransmission" : "";
}

static const char *handshake_what(tl_result r)
{
    if (r.steps & 1u) return "SYN";
    if (r.steps & 2u) return "SYN-ACK";
    return "ACK";
}

const char *tl_label(tl_result r, char *buf, size_t size)
{
    char steps[8], what[24];

    if (size == 0)
        return buf;
    switch ((enum tl_phase)r.phase) {
    case TL_PHASE_HANDSHAKE:
        format_steps(r, steps, sizeof steps);
        snprintf(buf, size, "Handshake %s/3 (%s%s)", steps, handshake_what(r), rexmit_suffix(r));
        break;
    case TL_PHASE_TRANSFER:
        snprintf(buf, size, "Transfer #%u%s", (unsigned)r.ordinal,
                 (r.flags & TL_R_CHALLENGE_ACK) ? " (challenge ACK)" : "");
        break;
    case TL_PHASE_TEARDOWN:
        if (r.steps == 0) {
            snprintf(buf, size, "Teardown (after close)");
            break;
        }
        format_steps(r, steps, sizeof steps);
        format_teardown_what(r, what, sizeof what);
        snprintf(buf, size, "Teardown %s/4 (%s%s)", steps, what, rexmit_suffix(r));
        break;
    case TL_PHASE_RESET:
        if (r.ordinal > 1)
            snprintf(buf, size, "Reset #%u (%s)", (unsigned)r.ordinal, reset_reason(r));
        else
            snprintf(buf, size, "Reset (%s)", reset_reason(r));
        break;
    default:
        snprintf(buf, size, "Unclassified");
        break;
    }
    return buf;
}

/* The Info column form is written on every packet of the first pass (the
 * GUI's file open): built from constant pieces, without printf. */
static void put_steps(tl_out *o, tl_result r)
{
    uint8_t steps[2];
    char digit[2] = { 0, 0 };
    int n = tl_result_steps(r, steps);
    digit[0] = (char)('0' + (n ? steps[0] : 0));
    tl_out_str(o, digit);
    if (n == 2) {
        digit[0] = (char)('0' + steps[1]);
        tl_out_str(o, "+");
        tl_out_str(o, digit);
    }
}

const char *tl_short_label(tl_result r, char *buf, size_t size)
{
    tl_out o = tl_out_start(buf, size);
    char n[24];

    switch ((enum tl_phase)r.phase) {
    case TL_PHASE_HANDSHAKE:
        tl_out_str(&o, "[Handshake ");
        put_steps(&o, r);
        tl_out_str(&o, "/3]");
        break;
    case TL_PHASE_TRANSFER:
        tl_u64_digits(r.ordinal, n);
        tl_out_str(&o, "[Transfer #");
        tl_out_str(&o, n);
        tl_out_str(&o, "]");
        break;
    case TL_PHASE_TEARDOWN:
        if (r.steps == 0) {
            tl_out_str(&o, "[Teardown]");
            break;
        }
        tl_out_str(&o, "[Teardown ");
        put_steps(&o, r);
        tl_out_str(&o, "/4]");
        break;
    case TL_PHASE_RESET:
        if (r.ordinal > 1) {
            tl_u64_digits(r.ordinal, n);
            tl_out_str(&o, "[Reset #");
            tl_out_str(&o, n);
            tl_out_str(&o, "]");
        } else {
            tl_out_str(&o, "[Reset]");
        }
        break;
    default:
        tl_out_str(&o, "[?]");
        break;
    }
    return buf;
}
