/* tcplife_tree.c - the "TCP Lifecycle" tree: per-packet fields and expert
 * information, with the stream summary (tcplife_fields.c) under them.  Field
 * names and values are the public interface of LIFECYCLE.md; the
 * enumerations come from core/tcplife_names.h.
 */
#include "tcplife_tree.h"

#include <epan/expert.h>
#include <epan/proto.h>

#include "core/tcplife_explain.h"
#include "core/tcplife_label.h"
#include "tcplife_fields.h"
#include "ws_compat.h"

static int ett_tcplife = TCPLIFE_ID_INIT;

static int hf_tcplife_explain = TCPLIFE_ID_INIT;
static int hf_tcplife_phase = TCPLIFE_ID_INIT;
static int hf_tcplife_step = TCPLIFE_ID_INIT;
static int hf_tcplife_sender = TCPLIFE_ID_INIT;
static int hf_tcplife_retransmission = TCPLIFE_ID_INIT;
static int hf_tcplife_label = TCPLIFE_ID_INIT;
static int hf_tcplife_reset_kind = TCPLIFE_ID_INIT;
static int hf_tcplife_reset_verdict = TCPLIFE_ID_INIT;

static expert_field ei_tcplife_refused = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_aborted = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_syn_retransmission = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_fin_retransmission = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_midstream = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_data_after_fin = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_reset_ignored = TCPLIFE_EI_INIT;

#define VERDICT_VALUE(c_name, number, name) { number, name },
static const value_string vals_reset_verdict[] = { TL_RESET_VERDICTS(VERDICT_VALUE) { 0, NULL } };

/* ---- registration ---------------------------------------------------- */

#define HF_UINT(hf, name, abbrev, vals, blurb) \
    { &(hf), { name, abbrev, FT_UINT32, BASE_DEC, vals, 0x0, blurb, HFILL } }
#define HF_ENUM(hf, name, abbrev, vals, blurb) \
    { &(hf), { name, abbrev, FT_UINT8, BASE_DEC, VALS(vals), 0x0, blurb, HFILL } }
#define HF_BOOL(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_BOOLEAN, BASE_NONE, NULL, 0x0, blurb, HFILL } }
#define HF_STRING(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_STRING, BASE_NONE, NULL, 0x0, blurb, HFILL } }

static hf_register_info hf_packet[] = {
    HF_STRING(hf_tcplife_explain, "Explanation", "tcplife.explain",
              "What this packet does, in words, with its own numbers (language: the "
              "tcplife.language preference)"),
    HF_ENUM(hf_tcplife_phase, "Phase", "tcplife.phase", tcplife_vals_phase,
            "What this packet does in its connection's life"),
    HF_UINT(hf_tcplife_step, "Step", "tcplife.step", NULL,
            "Handshake step (of 3), teardown step (of 4), transfer or reset ordinal; once per step"),
    HF_ENUM(hf_tcplife_sender, "Sender", "tcplife.sender", tcplife_vals_role, NULL),
    HF_BOOL(hf_tcplife_retransmission, "Lifecycle retransmission", "tcplife.retransmission",
            "A repeated SYN, SYN-ACK, handshake ACK or FIN"),
    HF_STRING(hf_tcplife_label, "Label", "tcplife.label", NULL),
    HF_ENUM(hf_tcplife_reset_kind, "Reset kind", "tcplife.reset_kind", tcplife_vals_reset_kind,
            "What this RST ended; absent when the receiver would not accept it"),
    HF_ENUM(hf_tcplife_reset_verdict, "Reset verdict", "tcplife.reset.verdict", vals_reset_verdict,
            "What the receiving TCP would do with this RST (RFC 9293, RFC 5961)"),
};

static ei_register_info ei[] = {
    { &ei_tcplife_refused, { "tcplife.refused", PI_SEQUENCE, PI_WARN,
        "Connection refused", EXPFILL } },
    { &ei_tcplife_aborted, { "tcplife.aborted", PI_SEQUENCE, PI_WARN,
        "Connection aborted by RST", EXPFILL } },
    { &ei_tcplife_syn_retransmission, { "tcplife.syn_retransmission", PI_SEQUENCE, PI_NOTE,
        "SYN retransmitted: no SYN-ACK yet", EXPFILL } },
    { &ei_tcplife_fin_retransmission, { "tcplife.fin_retransmission", PI_SEQUENCE, PI_NOTE,
        "FIN retransmitted: not acknowledged yet", EXPFILL } },
    { &ei_tcplife_midstream, { "tcplife.midstream", PI_SEQUENCE, PI_NOTE,
        "Capture started mid-stream: roles inferred", EXPFILL } },
    { &ei_tcplife_data_after_fin, { "tcplife.data_after_fin", PI_PROTOCOL, PI_WARN,
        "Data sent after own FIN", EXPFILL } },
    { &ei_tcplife_reset_ignored, { "tcplife.reset_ignored", PI_SEQUENCE, PI_WARN,
        "RST the receiver would ignore: injected or stale", EXPFILL } },
};

void tcplife_tree_register(void)
{
    static int *ett[] = { &ett_tcplife };
    proto_register_field_array(proto_tcplife, hf_packet, array_length(hf_packet));
    tcplife_fields_register(proto_tcplife);
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_tcplife), ei, array_length(ei));
}

/* ---- rendering --------------------------------------------------------- */

#define GENERATED(item) proto_item_set_generated(item)

static void add_uint(proto_tree *t, int hf, tvbuff_t *tvb, uint32_t v)
{
    GENERATED(proto_tree_add_uint(t, hf, tvb, 0, 0, v));
}

/* A visible tree shows what happened: the retransmission flag when it is
 * set, the label only as the tree's own text.  Both are still there, hidden,
 * for filters, columns and -T fields (which reads a visible tree). */
static void render_packet(proto_tree *t, tvbuff_t *tvb, tl_result r, const char *label)
{
    uint8_t steps[2];
    int n = tl_result_steps(r, steps);
    bool visible = PTREE_DATA(t)->visible;
    bool rexmit = (r.flags & TL_R_RETRANSMISSION) != 0;

    add_uint(t, hf_tcplife_phase, tvb, r.phase);
    if (r.phase == TL_PHASE_TRANSFER || r.phase == TL_PHASE_RESET)
        add_uint(t, hf_tcplife_step, tvb, r.ordinal);
    for (int i = 0; i < n; i++)
        add_uint(t, hf_tcplife_step, tvb, steps[i]);
    add_uint(t, hf_tcplife_sender, tvb, r.sender);
    proto_item *ti = proto_tree_add_boolean(t, hf_tcplife_retransmission, tvb, 0, 0, rexmit);
    GENERATED(ti);
    if (visible && !rexmit)
        proto_item_set_hidden(ti);
    if (tl_result_reset_verdict(r) == TL_RV_ACCEPTED)
        add_uint(t, hf_tcplife_reset_kind, tvb, tl_result_reset_kind(r));
    if (r.phase == TL_PHASE_RESET)
        add_uint(t, hf_tcplife_reset_verdict, tvb, tl_result_reset_verdict(r));
    if (label) {
        proto_item *li = proto_tree_add_string(t, hf_tcplife_label, tvb, 0, 0, label);
        GENERATED(li);
        if (visible)
            proto_item_set_hidden(li);    /* it is the text of the TCP Lifecycle line */
    }
}

/* The core decides which packets carry which expert item
 * (tl_result_experts); this only says it, in this order. */
static void render_expert(proto_item *ti, packet_info *pinfo, unsigned experts, uint8_t sender)
{
    /* Who refused or aborted: the RST's sender (the client can refuse a
     * SYN-ACK, or abort, as well as the server). */
    const char *by = sender == TL_ROLE_SERVER ? "server" : "client";
    if (experts & TL_EXPERT_REFUSED)
        expert_add_info_format(pinfo, ti, &ei_tcplife_refused, "Connection refused by %s", by);
    if (experts & TL_EXPERT_ABORTED)
        expert_add_info_format(pinfo, ti, &ei_tcplife_aborted, "Connection aborted by %s (RST)", by);
    if (experts & TL_EXPERT_SYN_REXMIT)
        expert_add_info(pinfo, ti, &ei_tcplife_syn_retransmission);
    if (experts & TL_EXPERT_SYNACK_REXMIT)
        expert_add_info_format(pinfo, ti, &ei_tcplife_syn_retransmission, "SYN-ACK retransmitted: no ACK yet");
    if (experts & TL_EXPERT_FIN_REXMIT)
        expert_add_info(pinfo, ti, &ei_tcplife_fin_retransmission);
    if (experts & TL_EXPERT_DATA_AFTER_FIN)
        expert_add_info(pinfo, ti, &ei_tcplife_data_after_fin);
    if (experts & TL_EXPERT_MIDSTREAM)
        expert_add_info(pinfo, ti, &ei_tcplife_midstream);
    if (experts & TL_EXPERT_RESET_IGNORED)
        expert_add_info(pinfo, ti, &ei_tcplife_reset_ignored);
    if (experts & TL_EXPERT_RESET_CHALLENGED)
        expert_add_info_format(pinfo, ti, &ei_tcplife_reset_ignored,
                               "RST the receiver would ignore, after a challenge ACK: injected or stale");
}

void tcplife_tree_render(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const tcplife_packet *pkt, enum tcplife_render mode)
{
    char buf[TL_LABEL_MAX];
    const char *label = NULL;
    tl_result r = pkt->result;
    unsigned experts = tl_result_experts(r, &pkt->stream->core);

    /* Expert info still needs an item to hang on (so that _ws.expert
     * filters see it), but only on the packets that have some. */
    if (mode == TCPLIFE_RENDER_EXPERT_ONLY && experts == 0)
        return;
    proto_item *ti = proto_tree_add_item(tree, proto_tcplife, tvb, 0, 0, ENC_NA);
    GENERATED(ti);
    if (mode == TCPLIFE_RENDER_EXPERT_ONLY) {
        render_expert(ti, pinfo, experts, r.sender);
        return;
    }
    proto_tree *t = proto_item_add_subtree(ti, ett_tcplife);
    bool label_field = proto_field_is_referenced(t, hf_tcplife_label);
    /* The label is the item's text and tcplife.label: format it once. */
    if ((ti && PITEM_FINFO(ti)) || label_field)
        label = tl_label(r, buf, sizeof buf);
    if (label && ti && PITEM_FINFO(ti))    /* a real item, not NULL or faked away */
        proto_item_append_text(ti, ", %s", label);
    /* First, so that it is what a reader sees; formatted only when read. */
    if (proto_field_is_referenced(t, hf_tcplife_explain)) {
        char text[TL_EXPLAIN_MAX];
        tl_explain_packet(&pkt->stream->core, r, &pkt->detail, tcplife_language(), text,
                          sizeof text);
        GENERATED(proto_tree_add_string(t, hf_tcplife_explain, tvb, 0, 0, text));
    }
    render_packet(t, tvb, r, label_field ? label : NULL);
    render_expert(ti, pinfo, experts, r.sender);
    if (mode == TCPLIFE_RENDER_FULL)
        tcplife_fields_render(t, tvb, pkt->stream);
}
