/* tcplife_text_en.c - every sentence tcplife writes, in English (the default).
 * Templates: see tcplife_text.h; the names in braces: tcplife_explain.c. */
#include "tcplife_text.h"

const char *const tl_text_en[TL_N_MSGS] = {
    [TL_W_CLIENT] = "client",
    [TL_W_SERVER] = "server",
    [TL_W_SENTENCE_SEP] = " ",
    [TL_W_SEP] = "; ",
    [TL_W_LIST_SEP] = ", ",
    [TL_W_NO_OPTIONS] = "no options",
    [TL_W_SACK] = "SACK",
    [TL_W_TIMESTAMPS] = "timestamps",
    [TL_W_MSS] = "MSS {n}",
    [TL_W_WSCALE] = "window scale {n}",
    [TL_W_TFO] = "Fast Open",
    [TL_W_HANDSHAKE] = "handshake",
    [TL_W_TRANSFER] = "data transfer",
    [TL_W_TEARDOWN] = "teardown",
    [TL_W_RESET] = "reset",
    [TL_W_START] = "first packet",
    [TL_W_HS_THREE_WAY] = "three-way",
    [TL_W_HS_SIMULTANEOUS] = "simultaneous",
    [TL_W_HS_INCOMPLETE] = "incomplete",
    [TL_W_HS_NOT_SEEN] = "not seen",
    [TL_W_TD_FOUR_WAY] = "four-way",
    [TL_W_TD_THREE_WAY] = "three-way",
    [TL_W_TD_SIMULTANEOUS] = "simultaneous",
    [TL_W_TD_HALF_CLOSED] = "half-closed",
    [TL_W_TD_RESET] = "reset",
    [TL_W_RK_REFUSED] = "refused",
    [TL_W_RK_ABORT] = "abort",
    [TL_W_RK_AFTER_CLOSE] = "after close",

    [TL_P_MIDSTREAM] = "The capture starts inside this connection: tcplife guessed the roles "
                       "from the ports (the lower port is the server's).",
    [TL_P_SYN] = "The {who} sends SYN with initial sequence number (ISN) {isn} and asks to open "
                 "a connection; it offers {opts}. First step of the three-way handshake.",
    [TL_P_SYN_SIMULTANEOUS] = "The {who} sends its own SYN, ISN {isn}, while the {peer}'s SYN is "
                              "unanswered: a simultaneous open; it offers {opts}.",
    [TL_P_SYN_REXMIT] = "The {who} sends its SYN again (ISN {isn}): no answer came in time, so "
                        "it retransmits.",
    [TL_P_SYNACK] = "The {who} answers with SYN-ACK: it acknowledges the {peer}'s SYN "
                    "(ack {ack_raw} = ISN {peer_isn} + 1) and sends its own ISN {isn}; it offers "
                    "{opts}. Second step of the handshake: now the {peer} is known to send and "
                    "the {who} to receive.",
    [TL_P_SYNACK_REXMIT] = "The {who} sends its SYN-ACK again (ISN {isn}, ack {ack_raw}): the "
                           "first one was not acknowledged in time.",
    [TL_P_HS_ACK] = "The {who} acknowledges the {peer}'s SYN-ACK (ack {ack_raw} = ISN "
                    "{peer_isn} + 1): the connection is established, RTT {rtt} ms after the SYN. "
                    "Third step of the handshake: now the {peer} is known to send and the {who} "
                    "to receive.",
    [TL_P_HS_ACK_NO_RTT] = "The {who} acknowledges the {peer}'s SYN-ACK (ack {ack_raw} = ISN "
                           "{peer_isn} + 1): the connection is established. Third step of the "
                           "handshake.",
    [TL_P_HS_ACK_REXMIT] = "The {who} acknowledges the {peer}'s SYN-ACK again (ack {ack_raw}).",
    [TL_P_SYN_DATA] = "It already carries {len} bytes of data (TCP Fast Open).",

    [TL_P_DATA] = "The {who} sends {len} bytes: bytes {from}–{to} of its direction.",
    [TL_P_DATA_REPLY] = "The {who} sends {len} bytes in reply: bytes {from}–{to} of its direction.",
    [TL_P_DATA_MORE] = "The {who} sends {len} more bytes: bytes {from}–{to} of its direction; "
                       "a large message travels split into segments.",
    [TL_P_DATA_REXMIT] = "The {who} sends bytes {from}–{to} ({len} bytes) again: a "
                         "retransmission, the first copy was lost or its acknowledgment late.",
    [TL_P_DATA_PARTIAL] = "The {who} sends {len} bytes, bytes {from}–{to}, some of which it had "
                          "sent before: a partial retransmission.",
    [TL_P_DATA_GAP] = "The {who} sends {len} bytes, bytes {from}–{to}; the bytes before {from} "
                      "are missing from the capture.",
    [TL_P_PSH] = "PSH asks the {peer} to hand the data to its application now.",
    [TL_P_KEEPALIVE] = "The {who} sends a keep-alive probe: seq {seq} is one below the next byte "
                       "it would send, and the {peer} answers with an ACK if it is still there.",
    [TL_P_ACK_FRAMES1] = "The {who} acknowledges every byte up to {last} (ack {ack}): it "
                         "received the data of frame {first_frame}.",
    [TL_P_ACK_FRAMES] = "The {who} acknowledges every byte up to {last} (ack {ack}): it "
                        "received the data of frames {first_frame} to {last_frame}.",
    [TL_P_ACK_BYTES] = "The {who} acknowledges every byte up to {last} (ack {ack}).",
    [TL_P_ALSO_ACK_FRAMES1] = "It also acknowledges every byte up to {last} (ack {ack}), the "
                              "data of frame {first_frame}.",
    [TL_P_ALSO_ACK_FRAMES] = "It also acknowledges every byte up to {last} (ack {ack}), the "
                             "data of frames {first_frame} to {last_frame}.",
    [TL_P_ALSO_ACK_BYTES] = "It also acknowledges every byte up to {last} (ack {ack}).",
    [TL_P_ACK_SAME] = "The {who} sends an ACK (ack {ack}) with nothing new to acknowledge.",
    [TL_P_DUP_ACK] = "The {who} repeats ack {ack}: a duplicate ACK, it still waits for byte "
                     "{ack}; a segment may be lost or out of order.",
    [TL_P_WINDOW_UPDATE] = "The {who} updates its receive window to {win} (ack {ack} "
                           "unchanged): it can take more data.",
    [TL_P_ZERO_WINDOW] = "Its window is 0: its receive buffer is full, and the {peer} must wait.",
    [TL_P_BARE] = "The {who} sends a segment (flags {flags}) that carries no data and acknowledges "
                  "nothing.",
    [TL_P_HALF_OPEN] = "The {peer} has closed its direction; this one is still open (half-close).",
    [TL_P_CHALLENGE_ACK] = "It answers the RST before it with a challenge ACK (RFC 5961): that "
                           "RST was in the window but not exact.",
    [TL_P_DATA_AFTER_FIN] = "These bytes come after the {who}'s own FIN, which promised nothing "
                            "more.",

    [TL_P_FIN1] = "The {who} sends FIN ({flags}, seq {seq}) and asks to close: it has nothing "
                  "more to send, the {peer} may still send. First step of the teardown.",
    [TL_P_FIN3] = "The {who} sends its FIN too ({flags}, seq {seq}): it agrees to close and has "
                  "nothing more to send. Third step of the teardown.",
    [TL_P_FIN_SIMULTANEOUS] = "The {who} sends its FIN ({flags}, seq {seq}) before acknowledging "
                              "the {peer}'s: both close at once (simultaneous close).",
    [TL_P_FIN_REXMIT] = "The {who} sends its FIN again (seq {seq}): it was not acknowledged in "
                        "time.",
    [TL_P_FIN_DATA] = "With the FIN come its last {len} bytes, bytes {from}–{to}.",
    [TL_P_ACK_FIN1] = "The {who} acknowledges the {peer}'s FIN of frame {first_frame} (ack "
                      "{ack}): the {peer}-to-{who} direction is closed. Second step of the "
                      "teardown.",
    [TL_P_ACK_FIN3] = "The {who} acknowledges the {peer}'s FIN of frame {first_frame} (ack "
                      "{ack}): both directions are closed, by a {kind} teardown that took {dur} "
                      "ms. Fourth step of the teardown.",
    [TL_P_ACK_FIN_LAST] = "The {who} acknowledges the {peer}'s FIN of frame {first_frame} (ack "
                          "{ack}): both directions are closed, by a {kind} teardown that took "
                          "{dur} ms.",
    [TL_P_ACK_FIN_ONE_WAY] = "The {who} acknowledges the {peer}'s FIN of frame {first_frame} "
                             "(ack {ack}): the {peer}-to-{who} direction is closed; the {who}'s "
                             "own FIN still awaits its ACK.",
    [TL_P_SYNACK_DATA] = "The {who} answers with SYN-ACK: it acknowledges the {peer}'s SYN and "
                         "the {n} bytes of data it carried (ack {ack_raw} = ISN {peer_isn} + 1 + "
                         "{n}) and sends its own ISN {isn}; it offers {opts}. Second step of the "
                         "handshake.",
    [TL_P_ACK_AND_FIN] = "The {who} acknowledges the {peer}'s FIN of frame {first_frame} (ack "
                         "{ack}) and sends its own FIN ({flags}, seq {seq}) in the same packet: "
                         "steps 2 and 3 of the teardown at once.",
    [TL_P_AFTER_CLOSE] = "The connection had already closed: this packet changes nothing.",

    [TL_P_RST_REFUSED] = "The {who} answers the SYN with RST: nothing accepts connections on that "
                         "port, so the connection is refused.",
    [TL_P_RST_ABORT] = "The {who} aborts the connection with RST during the {phase}: it gives "
                       "up, and neither side sends more.",
    [TL_P_RST_AFTER_CLOSE] = "The {who} sends RST after the connection had closed: there is "
                             "nothing left to reset.",
    [TL_P_RST_CHALLENGED] = "The {who} sends a RST inside the {peer}'s window but not at its "
                            "next byte: the {peer} would answer with a challenge ACK and stay "
                            "open (RFC 5961).",
    [TL_P_RST_OUTSIDE] = "The {who} sends a RST outside the {peer}'s window (seq {seq}): the "
                         "{peer} would ignore it; it is injected or stale.",
    [TL_P_RST_NOT_SYN_ANSWER] = "The {who} sends a RST that does not acknowledge the {peer}'s "
                                "SYN: the {peer} would ignore it.",

    [TL_S_OPENED] = "{client} opened to {server} ({hs})",
    [TL_S_OPENED_SIMULTANEOUS] = "{client} and {server} opened at once ({hs})",
    [TL_S_OPEN_INCOMPLETE] = "{client} tried to open to {server} (handshake {hs})",
    [TL_S_OPEN_NOT_SEEN] = "{client} and {server} were connected before the capture began "
                           "(roles inferred)",
    [TL_S_BYTES] = "{sent} B sent, {received} B received",
    [TL_S_CLOSED] = "the {who} closed ({td})",
    [TL_S_CLOSED_BOTH] = "both closed at once ({td})",
    [TL_S_HALF_CLOSED] = "the {who} closed its direction only (half-closed)",
    [TL_S_RESET] = "reset by the {who} ({kind})",
    [TL_S_OPEN_AT_END] = "still open when the capture ended",
    [TL_S_PACKET] = "1 packet",
    [TL_S_PACKETS] = "{packets} packets in {dur}",

    [TL_R_STREAM] = "Stream {stream}: client {client}, server {server}",
    [TL_R_TRACE] = "The trace, simplified (tcpdump's notation; seq and ack relative after the "
                   "handshake):",
    [TL_R_PHASE_HANDSHAKE] = "Handshake",
    [TL_R_PHASE_TRANSFER] = "Data transfer",
    [TL_R_PHASE_TEARDOWN] = "Teardown",
    [TL_R_PHASE_RESET] = "Reset",
    [TL_R_LINE] = "{n}) Line {line}: {text}",
    [TL_R_LINES] = "Lines {line}–{last_line}",
    [TL_R_FOLDED] = "… {count} more transfer packets (lines {line}–{last_line}) not shown; "
                    "-z tcplife,explain,{stream},all shows them …",
    [TL_R_SUMMARY] = "Summary",
    [TL_R_WHY_THREE_WAY] = "Three steps open a connection: each side sends its ISN and sees it "
                           "acknowledged, so both know the other can send and receive.",
    [TL_R_WHY_SIMULTANEOUS_OPEN] = "Both sides sent SYN at once: each acknowledged the other's "
                                   "SYN, so the opening took four segments, not three.",
    [TL_R_WHY_FOUR_WAY] = "Four steps close it: each direction closes on its own, with a FIN and "
                          "its ACK, so that both sides agree to close and free what the "
                          "connection held.",
    [TL_R_WHY_THREE_WAY_CLOSE] = "Three steps closed it: the second FIN rode on the ACK of the "
                                 "first (steps 2 and 3 in one packet).",
    [TL_R_WHY_SIMULTANEOUS_CLOSE] = "Both sides sent FIN before seeing the other's: each FIN "
                                    "was acknowledged on its own.",
    [TL_R_WHY_HALF_CLOSED] = "Only one direction was closed when the capture ended "
                             "(half-close): the other side could still send.",
    [TL_R_WHY_RESET] = "A RST ended the connection at once, without the FIN exchange: nothing "
                       "after it is acknowledged.",
    [TL_R_WHY_NO_HANDSHAKE] = "The handshake is not in the capture: it began after the "
                              "connection was open.",
    [TL_R_PICK] = "{count} streams. To explain one: tshark -q -z tcplife,explain,STREAM (STREAM "
                  "is tcp.stream, listed by -z tcplife,streams).",
    [TL_R_NO_STREAM] = "Stream {stream}: not in this capture",
    [TL_R_NO_STREAMS] = "no TCP streams",
};
