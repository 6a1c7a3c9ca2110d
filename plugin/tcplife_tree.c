/* tcplife_tree.c - the "TCP Lifecycle" tree: per-packet fields, the stream's
 * summary, expert information.  Field names and values are the public
 * interface of LIFECYCLE.md; the enumerations come from core/tcplife_names.h.
 */
#include "tcplife_tree.h"

#include <epan/expert.h>
#include <epan/proto.h>

#include "core/tcplife_label.h"
#include "ws_compat.h"

#define AS_VALUE_STRING(c_name, number, name) { number, name },
static const value_string phase_vals[] = { TL_PHASES(AS_VALUE_STRING) { 0, NULL } };
static const value_string role_vals[] = { TL_ROLES(AS_VALUE_STRING) { 0, NULL } };
static const value_string handshake_kind_vals[] = { TL_HANDSHAKE_KINDS(AS_VALUE_STRING) { 0, NULL } };
static const value_string initiator_vals[] = { TL_TEARDOWN_INITIATORS(AS_VALUE_STRING) { 0, NULL } };
static const value_string teardown_kind_vals[] = { TL_TEARDOWN_KINDS(AS_VALUE_STRING) { 0, NULL } };
static const value_string reset_kind_vals[] = { TL_RESET_KINDS(AS_VALUE_STRING) { 0, NULL } };

static int ett_tcplife = TCPLIFE_ID_INIT;
static int ett_tcplife_stream = TCPLIFE_ID_INIT;
static int ett_tcplife_handshake = TCPLIFE_ID_INIT;
static int ett_tcplife_options = TCPLIFE_ID_INIT;
static int ett_tcplife_teardown = TCPLIFE_ID_INIT;
static int ett_tcplife_reset = TCPLIFE_ID_INIT;
static int ett_tcplife_totals = TCPLIFE_ID_INIT;

static int proto_tcplife_tree = TCPLIFE_ID_INIT;

/* Per packet. */
static int hf_tcplife_phase = TCPLIFE_ID_INIT;
static int hf_tcplife_step = TCPLIFE_ID_INIT;
static int hf_tcplife_sender = TCPLIFE_ID_INIT;
static int hf_tcplife_retransmission = TCPLIFE_ID_INIT;
static int hf_tcplife_label = TCPLIFE_ID_INIT;
static int hf_tcplife_reset_kind = TCPLIFE_ID_INIT;

/* Per stream. */
static int hf_tcplife_stream = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_index = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_client = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_server = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_roles_inferred = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_conn_state = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_history = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_complete = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs_kind = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs_rtt = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs_server_rtt = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs_client_rtt = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_hs_frame[3] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_opt_mss[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_wscale[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_sack[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_ts[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_tfo[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_syn_data[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_opt_wscale_on = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_opt_sack_on = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_opt_ts_on = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_td = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_td_initiator = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_td_kind = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_td_duration = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_td_frame[4] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT, TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_rst = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_rst_kind = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_rst_sender = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_rst_frame = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_rst_count = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_totals = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_packets[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_bytes[2] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_phase_packets[4] = { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT, TCPLIFE_ID_INIT, TCPLIFE_ID_INIT };
static int hf_tcplife_stream_first_frame = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_last_frame = TCPLIFE_ID_INIT;
static int hf_tcplife_stream_duration = TCPLIFE_ID_INIT;

static expert_field ei_tcplife_refused = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_aborted = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_syn_retransmission = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_fin_retransmission = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_midstream = TCPLIFE_EI_INIT;
static expert_field ei_tcplife_data_after_fin = TCPLIFE_EI_INIT;

/* ---- registration ---------------------------------------------------- */

#define HF_UINT(hf, name, abbrev, vals, blurb) \
    { &(hf), { name, abbrev, FT_UINT32, BASE_DEC, vals, 0x0, blurb, HFILL } }
#define HF_ENUM(hf, name, abbrev, vals, blurb) \
    { &(hf), { name, abbrev, FT_UINT8, BASE_DEC, VALS(vals), 0x0, blurb, HFILL } }
#define HF_BOOL(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_BOOLEAN, BASE_NONE, NULL, 0x0, blurb, HFILL } }
#define HF_STRING(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_STRING, BASE_NONE, NULL, 0x0, blurb, HFILL } }
#define HF_TIME(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, blurb, HFILL } }
#define HF_FRAME(hf, name, abbrev, blurb) \
    { &(hf), { name, abbrev, FT_FRAMENUM, BASE_NONE, NULL, 0x0, blurb, HFILL } }
#define HF_NONE(hf, name, abbrev) \
    { &(hf), { name, abbrev, FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } }
/* The same option for each side: tcplife.stream.options.<side>.<what>. */
#define HF_SIDES(kind, arr, what, abbrev_what, ...)                                         \
    kind(arr[0], "Client " what, "tcplife.stream.options.client." abbrev_what, __VA_ARGS__), \
    kind(arr[1], "Server " what, "tcplife.stream.options.server." abbrev_what, __VA_ARGS__)

static hf_register_info hf_packet[] = {
    HF_ENUM(hf_tcplife_phase, "Phase", "tcplife.phase", phase_vals,
            "What this packet does in its connection's life"),
    HF_UINT(hf_tcplife_step, "Step", "tcplife.step", NULL,
            "Handshake step (of 3), teardown step (of 4), transfer or reset ordinal; once per step"),
    HF_ENUM(hf_tcplife_sender, "Sender", "tcplife.sender", role_vals, NULL),
    HF_BOOL(hf_tcplife_retransmission, "Lifecycle retransmission", "tcplife.retransmission",
            "A repeated SYN, SYN-ACK, handshake ACK or FIN"),
    HF_STRING(hf_tcplife_label, "Label", "tcplife.label", NULL),
    HF_ENUM(hf_tcplife_reset_kind, "Reset kind", "tcplife.reset_kind", reset_kind_vals,
            "What this RST ended"),
};

static hf_register_info hf_stream[] = {
    HF_NONE(hf_tcplife_stream, "Stream lifecycle", "tcplife.stream"),
    HF_UINT(hf_tcplife_stream_index, "Stream index", "tcplife.stream.index", NULL, "tcp.stream"),
    HF_STRING(hf_tcplife_stream_client, "Client", "tcplife.stream.client", "Client address:port"),
    HF_STRING(hf_tcplife_stream_server, "Server", "tcplife.stream.server", "Server address:port"),
    HF_BOOL(hf_tcplife_stream_roles_inferred, "Roles inferred", "tcplife.stream.roles_inferred",
            "The stream did not start with a SYN or SYN-ACK: the server is the lower port"),
    HF_STRING(hf_tcplife_stream_conn_state, "Zeek conn_state", "tcplife.stream.conn_state", NULL),
    HF_STRING(hf_tcplife_stream_history, "Zeek history", "tcplife.stream.history", NULL),
    HF_BOOL(hf_tcplife_stream_complete, "Complete", "tcplife.stream.complete",
            "Handshake steps 1-3 and teardown steps 1-4 seen, no RST"),
    HF_NONE(hf_tcplife_stream_hs, "Handshake", "tcplife.stream.handshake"),
    HF_ENUM(hf_tcplife_stream_hs_kind, "Kind", "tcplife.stream.handshake.kind", handshake_kind_vals, NULL),
    HF_TIME(hf_tcplife_stream_hs_rtt, "RTT", "tcplife.stream.handshake.rtt",
            "From the last SYN before step 3 to step 3"),
    HF_TIME(hf_tcplife_stream_hs_server_rtt, "Server RTT", "tcplife.stream.handshake.server_rtt",
            "From that SYN to the last SYN-ACK before step 3"),
    HF_TIME(hf_tcplife_stream_hs_client_rtt, "Client RTT", "tcplife.stream.handshake.client_rtt",
            "From that SYN-ACK to step 3"),
    HF_FRAME(hf_tcplife_stream_hs_frame[0], "SYN", "tcplife.stream.handshake.syn_frame", NULL),
    HF_FRAME(hf_tcplife_stream_hs_frame[1], "SYN-ACK", "tcplife.stream.handshake.synack_frame", NULL),
    HF_FRAME(hf_tcplife_stream_hs_frame[2], "ACK", "tcplife.stream.handshake.ack_frame", NULL),
    HF_NONE(hf_tcplife_stream_opt, "Options", "tcplife.stream.options"),
    HF_SIDES(HF_UINT, hf_tcplife_stream_opt_mss, "MSS", "mss", NULL, NULL),
    HF_SIDES(HF_UINT, hf_tcplife_stream_opt_wscale, "window scale shift", "wscale", NULL, NULL),
    HF_SIDES(HF_BOOL, hf_tcplife_stream_opt_sack, "SACK permitted", "sack_perm", NULL),
    HF_SIDES(HF_BOOL, hf_tcplife_stream_opt_ts, "timestamps", "timestamps", NULL),
    HF_SIDES(HF_BOOL, hf_tcplife_stream_opt_tfo, "Fast Open option", "tfo", NULL),
    HF_SIDES(HF_UINT, hf_tcplife_stream_opt_syn_data, "payload in SYN", "syn_data", NULL,
             "Payload bytes carried by this side's first SYN or SYN-ACK (Fast Open)"),
    HF_BOOL(hf_tcplife_stream_opt_wscale_on, "Window scaling in effect", "tcplife.stream.options.wscale",
            "Both sides sent the window scale option"),
    HF_BOOL(hf_tcplife_stream_opt_sack_on, "SACK in effect", "tcplife.stream.options.sack_perm",
            "Both sides sent SACK permitted"),
    HF_BOOL(hf_tcplife_stream_opt_ts_on, "Timestamps in effect", "tcplife.stream.options.timestamps",
            "Both sides sent the timestamps option"),
    HF_NONE(hf_tcplife_stream_td, "Teardown", "tcplife.stream.teardown"),
    HF_ENUM(hf_tcplife_stream_td_initiator, "Initiator", "tcplife.stream.teardown.initiator", initiator_vals, NULL),
    HF_ENUM(hf_tcplife_stream_td_kind, "Kind", "tcplife.stream.teardown.kind", teardown_kind_vals, NULL),
    HF_TIME(hf_tcplife_stream_td_duration, "Duration", "tcplife.stream.teardown.duration",
            "From the first FIN until both FINs were acknowledged"),
    HF_FRAME(hf_tcplife_stream_td_frame[0], "Step 1 (first FIN)", "tcplife.stream.teardown.step1_frame", NULL),
    HF_FRAME(hf_tcplife_stream_td_frame[1], "Step 2 (its ACK)", "tcplife.stream.teardown.step2_frame", NULL),
    HF_FRAME(hf_tcplife_stream_td_frame[2], "Step 3 (second FIN)", "tcplife.stream.teardown.step3_frame", NULL),
    HF_FRAME(hf_tcplife_stream_td_frame[3], "Step 4 (its ACK)", "tcplife.stream.teardown.step4_frame", NULL),
    HF_NONE(hf_tcplife_stream_rst, "Reset", "tcplife.stream.reset"),
    HF_ENUM(hf_tcplife_stream_rst_kind, "Kind", "tcplife.stream.reset.kind", reset_kind_vals,
            "Decided by the stream's first RST"),
    HF_ENUM(hf_tcplife_stream_rst_sender, "Sender", "tcplife.stream.reset.sender", role_vals, NULL),
    HF_FRAME(hf_tcplife_stream_rst_frame, "First RST", "tcplife.stream.reset.frame", NULL),
    HF_UINT(hf_tcplife_stream_rst_count, "RSTs", "tcplife.stream.reset.count", NULL, NULL),
    HF_NONE(hf_tcplife_stream_totals, "Totals", "tcplife.stream.totals"),
    HF_UINT(hf_tcplife_stream_packets[0], "Packets from client", "tcplife.stream.packets.client", NULL, NULL),
    HF_UINT(hf_tcplife_stream_packets[1], "Packets from server", "tcplife.stream.packets.server", NULL, NULL),
    { &hf_tcplife_stream_bytes[0], { "Payload bytes from client", "tcplife.stream.bytes.client",
        FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    { &hf_tcplife_stream_bytes[1], { "Payload bytes from server", "tcplife.stream.bytes.server",
        FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    HF_UINT(hf_tcplife_stream_phase_packets[0], "Handshake packets", "tcplife.stream.packets.handshake", NULL, NULL),
    HF_UINT(hf_tcplife_stream_phase_packets[1], "Transfer packets", "tcplife.stream.packets.transfer", NULL, NULL),
    HF_UINT(hf_tcplife_stream_phase_packets[2], "Teardown packets", "tcplife.stream.packets.teardown", NULL, NULL),
    HF_UINT(hf_tcplife_stream_phase_packets[3], "Reset packets", "tcplife.stream.packets.reset", NULL, NULL),
    HF_FRAME(hf_tcplife_stream_first_frame, "First frame", "tcplife.stream.first_frame", NULL),
    HF_FRAME(hf_tcplife_stream_last_frame, "Last frame", "tcplife.stream.last_frame", NULL),
    HF_TIME(hf_tcplife_stream_duration, "Duration", "tcplife.stream.duration",
            "From the stream's first to its last packet"),
};

static ei_register_info ei[] = {
    { &ei_tcplife_refused, { "tcplife.refused", PI_SEQUENCE, PI_WARN,
        "Connection refused", EXPFILL } },
    { &ei_tcplife_aborted, { "tcplife.aborted", PI_SEQUENCE, PI_WARN,
        "Connection aborted by RST", EXPFILL } },
    { &ei_tcplife_syn_retransmission, { "tcplife.syn_retransmission", PI_SEQUENCE, PI_NOTE,
        "SYN retransmitted", EXPFILL } },
    { &ei_tcplife_fin_retransmission, { "tcplife.fin_retransmission", PI_SEQUENCE, PI_NOTE,
        "FIN retransmitted", EXPFILL } },
    { &ei_tcplife_midstream, { "tcplife.midstream", PI_SEQUENCE, PI_NOTE,
        "Capture started mid-stream: roles inferred", EXPFILL } },
    { &ei_tcplife_data_after_fin, { "tcplife.data_after_fin", PI_PROTOCOL, PI_WARN,
        "Data sent after own FIN", EXPFILL } },
};

void tcplife_tree_register(int proto)
{
    static int *ett[] = {
        &ett_tcplife, &ett_tcplife_stream, &ett_tcplife_handshake, &ett_tcplife_options,
        &ett_tcplife_teardown, &ett_tcplife_reset, &ett_tcplife_totals,
    };
    proto_tcplife_tree = proto;
    proto_register_field_array(proto, hf_packet, array_length(hf_packet));
    proto_register_field_array(proto, hf_stream, array_length(hf_stream));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}

/* Whether anything reads the stream summary.  A visible tree shows it; in
 * an invisible one (a display filter in the GUI's packet list, tshark -Y
 * without -V) only a referenced tcplife.stream.* field needs it, and
 * building ~38 faked items per packet for nobody costs more than asking. */
bool tcplife_tree_stream_wanted(proto_tree *tree)
{
    if (!tree)
        return false;
    if (PTREE_DATA(tree)->visible)
        return true;
    for (size_t i = 0; i < array_length(hf_stream); i++)
        if (proto_field_is_referenced(tree, *hf_stream[i].p_id))
            return true;
    return false;
}

/* ---- rendering --------------------------------------------------------- */

static nstime_t ns_to_nstime(int64_t ns)
{
    nstime_t t;
    int64_t secs = ns / 1000000000;
    int64_t rem = ns % 1000000000;
    if (rem < 0) {
        rem += 1000000000;
        secs--;
    }
    t.secs = (time_t)secs;
    t.nsecs = (int)rem;
    return t;
}

#define GENERATED(item) proto_item_set_generated(item)

static void add_uint(proto_tree *t, int hf, tvbuff_t *tvb, uint32_t v)
{
    GENERATED(proto_tree_add_uint(t, hf, tvb, 0, 0, v));
}

static void add_bool(proto_tree *t, int hf, tvbuff_t *tvb, bool v)
{
    GENERATED(proto_tree_add_boolean(t, hf, tvb, 0, 0, v ? 1 : 0));
}

static void add_time(proto_tree *t, int hf, tvbuff_t *tvb, int64_t ns)
{
    nstime_t ts = ns_to_nstime(ns);
    GENERATED(proto_tree_add_time(t, hf, tvb, 0, 0, &ts));
}

static void add_frame(proto_tree *t, int hf, tvbuff_t *tvb, uint32_t frame)
{
    if (frame != 0)
        add_uint(t, hf, tvb, frame);
}

static proto_tree *add_subtree(proto_tree *t, int hf, int ett, tvbuff_t *tvb)
{
    proto_item *ti = proto_tree_add_item(t, hf, tvb, 0, 0, ENC_NA);
    GENERATED(ti);
    return proto_item_add_subtree(ti, ett);
}

static void render_packet(proto_tree *t, tvbuff_t *tvb, tl_result r, const char *label)
{
    uint8_t steps[2];
    int n = tl_result_steps(r, steps);

    proto_item *phase = proto_tree_add_uint(t, hf_tcplife_phase, tvb, 0, 0, r.phase);
    GENERATED(phase);
    if (r.phase == TL_PHASE_TRANSFER || r.phase == TL_PHASE_RESET)
        add_uint(t, hf_tcplife_step, tvb, r.ordinal);
    for (int i = 0; i < n; i++)
        add_uint(t, hf_tcplife_step, tvb, steps[i]);
    add_uint(t, hf_tcplife_sender, tvb, r.sender);
    add_bool(t, hf_tcplife_retransmission, tvb, (r.flags & TL_R_RETRANSMISSION) != 0);
    if (r.phase == TL_PHASE_RESET)
        add_uint(t, hf_tcplife_reset_kind, tvb, tl_result_reset_kind(r));
    if (label)
        GENERATED(proto_tree_add_string(t, hf_tcplife_label, tvb, 0, 0, label));
}

static void render_expert(proto_item *ti, packet_info *pinfo, tl_result r)
{
    bool rexmit = (r.flags & TL_R_RETRANSMISSION) != 0;

    if (r.phase == TL_PHASE_RESET && tl_result_reset_kind(r) == TL_RK_REFUSED)
        expert_add_info(pinfo, ti, &ei_tcplife_refused);
    else if (r.phase == TL_PHASE_RESET && tl_result_reset_kind(r) == TL_RK_ABORT)
        expert_add_info(pinfo, ti, &ei_tcplife_aborted);
    if (rexmit && r.phase == TL_PHASE_HANDSHAKE && (r.steps & 0x3))
        expert_add_info_format(pinfo, ti, &ei_tcplife_syn_retransmission, "%s retransmitted",
                               (r.steps & 0x1) ? "SYN" : "SYN-ACK");
    if (rexmit && r.phase == TL_PHASE_TEARDOWN)
        expert_add_info(pinfo, ti, &ei_tcplife_fin_retransmission);
    if (r.flags & TL_R_DATA_AFTER_FIN)
        expert_add_info(pinfo, ti, &ei_tcplife_data_after_fin);
}

static void render_handshake(proto_tree *t, tvbuff_t *tvb, const tl_stream *s)
{
    enum tl_handshake_kind kind = tl_stream_handshake_kind(s);
    proto_tree *hs = add_subtree(t, hf_tcplife_stream_hs, ett_tcplife_handshake, tvb);

    add_uint(hs, hf_tcplife_stream_hs_kind, tvb, kind);
    /* RTTs exist once step 3 is seen, and not for a simultaneous open. */
    if (kind == TL_HS_THREE_WAY) {
        if (s->syn_timed)
            add_time(hs, hf_tcplife_stream_hs_rtt, tvb, s->hs_ack_time_ns - s->syn_time_ns);
        if (s->syn_timed && s->synack_timed)
            add_time(hs, hf_tcplife_stream_hs_server_rtt, tvb, s->synack_time_ns - s->syn_time_ns);
        if (s->synack_timed)
            add_time(hs, hf_tcplife_stream_hs_client_rtt, tvb, s->hs_ack_time_ns - s->synack_time_ns);
    }
    for (int i = 0; i < 3; i++)
        add_frame(hs, hf_tcplife_stream_hs_frame[i], tvb, s->hs_frame[i]);
}

static void render_options(proto_tree *t, tvbuff_t *tvb, const tl_stream *s)
{
    const tl_options *c = &s->side[0].opts, *v = &s->side[1].opts;

    if (!s->side[0].opts_seen && !s->side[1].opts_seen)
        return;     /* no SYN and no SYN-ACK: nothing was negotiated in view */
    proto_tree *o = add_subtree(t, hf_tcplife_stream_opt, ett_tcplife_options, tvb);
    for (int i = 0; i < 2; i++) {
        const tl_side *side = &s->side[i];
        if (!side->opts_seen)
            continue;
        if (side->opts.mss)
            add_uint(o, hf_tcplife_stream_opt_mss[i], tvb, side->opts.mss);
        if (side->opts.wscale != TL_WSCALE_ABSENT)
            add_uint(o, hf_tcplife_stream_opt_wscale[i], tvb, side->opts.wscale);
        add_bool(o, hf_tcplife_stream_opt_sack[i], tvb, side->opts.sack_perm);
        add_bool(o, hf_tcplife_stream_opt_ts[i], tvb, side->opts.timestamps);
        add_bool(o, hf_tcplife_stream_opt_tfo[i], tvb, side->opts.tfo);
        add_uint(o, hf_tcplife_stream_opt_syn_data[i], tvb, side->syn_data);
    }
    if (s->side[0].opts_seen && s->side[1].opts_seen) {
        add_bool(o, hf_tcplife_stream_opt_wscale_on, tvb,
                 c->wscale != TL_WSCALE_ABSENT && v->wscale != TL_WSCALE_ABSENT);
        add_bool(o, hf_tcplife_stream_opt_sack_on, tvb, c->sack_perm && v->sack_perm);
        add_bool(o, hf_tcplife_stream_opt_ts_on, tvb, c->timestamps && v->timestamps);
    }
}

static void render_teardown(proto_tree *t, tvbuff_t *tvb, const tl_stream *s)
{
    enum tl_teardown_initiator who = tl_stream_teardown_initiator(s);
    proto_tree *td = add_subtree(t, hf_tcplife_stream_td, ett_tcplife_teardown, tvb);

    /* "absent while no FIN was seen" */
    if (who != TL_TDI_NONE)
        add_uint(td, hf_tcplife_stream_td_initiator, tvb, who);
    add_uint(td, hf_tcplife_stream_td_kind, tvb, tl_stream_teardown_kind(s));
    if (s->side[0].acked_fin && s->side[1].acked_fin)
        add_time(td, hf_tcplife_stream_td_duration, tvb, s->close_time_ns - s->fin_time_ns);
    for (int i = 0; i < 4; i++)
        add_frame(td, hf_tcplife_stream_td_frame[i], tvb, s->td_frame[i]);
}

static void render_reset(proto_tree *t, tvbuff_t *tvb, const tl_stream *s)
{
    if (s->resets == 0)
        return;     /* "absent without RST" */
    proto_tree *rs = add_subtree(t, hf_tcplife_stream_rst, ett_tcplife_reset, tvb);
    add_uint(rs, hf_tcplife_stream_rst_kind, tvb, s->reset_kind);
    add_uint(rs, hf_tcplife_stream_rst_sender, tvb, s->reset_sender);
    add_frame(rs, hf_tcplife_stream_rst_frame, tvb, s->reset_frame);
    add_uint(rs, hf_tcplife_stream_rst_count, tvb, s->resets);
}

static void render_totals(proto_tree *t, tvbuff_t *tvb, const tl_stream *s)
{
    proto_tree *tt = add_subtree(t, hf_tcplife_stream_totals, ett_tcplife_totals, tvb);
    for (int i = 0; i < 2; i++) {
        add_uint(tt, hf_tcplife_stream_packets[i], tvb, s->side[i].packets);
        GENERATED(proto_tree_add_uint64(tt, hf_tcplife_stream_bytes[i], tvb, 0, 0, s->side[i].bytes));
    }
    for (int p = TL_PHASE_HANDSHAKE; p <= TL_PHASE_RESET; p++)
        add_uint(tt, hf_tcplife_stream_phase_packets[p - 1], tvb, s->phase_packets[p]);
    add_frame(tt, hf_tcplife_stream_first_frame, tvb, s->first_frame);
    add_frame(tt, hf_tcplife_stream_last_frame, tvb, s->last_frame);
    add_time(tt, hf_tcplife_stream_duration, tvb, s->last_time_ns - s->first_time_ns);
}

static void add_endpoint(proto_tree *t, int hf, tvbuff_t *tvb, const tcplife_stream *st, int which)
{
    char buf[TCPLIFE_ENDPOINT_MAX];
    /* Formatting an address costs more than the item: only when shown. */
    if (proto_field_is_referenced(t, hf))
        GENERATED(proto_tree_add_string(t, hf, tvb, 0, 0, tcplife_endpoint_format(st, which, buf)));
}

static void render_stream(proto_tree *t, tvbuff_t *tvb, const tcplife_stream *st)
{
    const tl_stream *s = &st->core;
    int client = s->first_sender == TL_ROLE_CLIENT ? 0 : 1;
    proto_tree *sub = add_subtree(t, hf_tcplife_stream, ett_tcplife_stream, tvb);

    add_uint(sub, hf_tcplife_stream_index, tvb, st->index);
    add_endpoint(sub, hf_tcplife_stream_client, tvb, st, client);
    add_endpoint(sub, hf_tcplife_stream_server, tvb, st, 1 - client);
    add_bool(sub, hf_tcplife_stream_roles_inferred, tvb, s->roles_inferred);
    GENERATED(proto_tree_add_string(sub, hf_tcplife_stream_conn_state, tvb, 0, 0,
                                    tl_zeek_conn_state(&s->zeek)));
    GENERATED(proto_tree_add_string(sub, hf_tcplife_stream_history, tvb, 0, 0,
                                    tl_zeek_history(&s->zeek)));
    add_bool(sub, hf_tcplife_stream_complete, tvb, tl_stream_complete(s));
    render_handshake(sub, tvb, s);
    render_options(sub, tvb, s);
    render_teardown(sub, tvb, s);
    render_reset(sub, tvb, s);
    render_totals(sub, tvb, s);
}

static bool has_expert(const tcplife_packet *pkt)
{
    tl_result r = pkt->result;
    return (r.flags & (TL_R_RETRANSMISSION | TL_R_DATA_AFTER_FIN)) ||
           (r.phase == TL_PHASE_RESET && tl_result_reset_kind(r) != TL_RK_AFTER_CLOSE) ||
           (r.flags & TL_R_STREAM_START && pkt->stream->core.roles_inferred);
}

static void render_all_expert(proto_item *ti, packet_info *pinfo, const tcplife_packet *pkt)
{
    render_expert(ti, pinfo, pkt->result);
    if (pkt->result.flags & TL_R_STREAM_START && pkt->stream->core.roles_inferred)
        expert_add_info(pinfo, ti, &ei_tcplife_midstream);
}

void tcplife_tree_render(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const tcplife_packet *pkt, enum tcplife_render mode)
{
    char buf[TL_LABEL_MAX];
    const char *label = NULL;
    tl_result r = pkt->result;

    /* Expert info still needs an item to hang on (so that _ws.expert
     * filters see it), but only on the packets that have some. */
    if (mode == TCPLIFE_RENDER_EXPERT_ONLY && !has_expert(pkt))
        return;
    proto_item *ti = proto_tree_add_item(tree, proto_tcplife_tree, tvb, 0, 0, ENC_NA);
    GENERATED(ti);
    if (mode == TCPLIFE_RENDER_EXPERT_ONLY) {
        render_all_expert(ti, pinfo, pkt);
        return;
    }
    proto_tree *t = proto_item_add_subtree(ti, ett_tcplife);
    bool label_field = proto_field_is_referenced(t, hf_tcplife_label);
    /* The label is the item's text and tcplife.label: format it once. */
    if ((ti && PITEM_FINFO(ti)) || label_field)
        label = tl_label(r, buf, sizeof buf);
    if (label && ti && PITEM_FINFO(ti))    /* a real item, not NULL or faked away */
        proto_item_append_text(ti, ", %s", label);
    render_packet(t, tvb, r, label_field ? label : NULL);
    render_all_expert(ti, pinfo, pkt);
    if (mode == TCPLIFE_RENDER_FULL)
        render_stream(t, tvb, pkt->stream);
}
