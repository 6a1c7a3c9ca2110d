/* packet-tcplife.c - the tcplife post-dissector: TCP lifecycle annotations.
 *
 * The first pass reads each TCP layer's header facts, runs them through the
 * core state machine (core/tcplife_core.h) and stores the verdict per packet
 * and per layer.  Every visit, first or later, renders only what was stored:
 * TCP fields are primed for a post-dissector on the first pass only, and the
 * GUI revisits frames in any order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"


#include <epan/packet.h>
#include <epan/prefs.h>

#include <string.h>

#include "core/tcplife_label.h"
#include "tcplife_column.h"
#include "tcplife_fields.h"
#include "tcplife_input.h"
#include "tcplife_records.h"
#include "tcplife_stream.h"
#include "tcplife_taps.h"
#include "tcplife_tree.h"

int proto_tcplife = TCPLIFE_ID_INIT;
static dissector_handle_t tcplife_handle;
static tcplife_pref_bool_t pref_info_column = TRUE;
static tcplife_pref_bool_t pref_stream_summary = TRUE;
static int pref_language = TL_LANG_EN;

enum tl_lang tcplife_language(void)
{
    return (enum tl_lang)pref_language;
}

static tl_segment segment_of(const tcplife_layer_facts *l, const packet_info *pinfo)
{
    tl_segment seg = {
        .time_ns = tcplife_time_ns(&pinfo->abs_ts),
        .frame = pinfo->num,
        .seq = l->seq,
        .ack = l->ack,
        .len = l->len,
        .flags = l->flags,
        .srcport = l->srcport,
        .dstport = l->dstport,
        .window = l->window,
        .bad_checksum = l->checksum_status == PROTO_CHECKSUM_E_BAD,
        .opts = l->opts,
    };
    return seg;
}

/* First pass: classify each usable TCP layer and store its record.  The
 * usable layers' facts are compacted into facts[0..n-1], in record order;
 * views[k] is layer k's stream after the frame (a brief one rebuilt into
 * bufs[]), so a stream that two layers share shows both. */
static int analyse_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         tcplife_layer_facts *facts, tcplife_stream *bufs,
                         const tcplife_stream **views)
{
    int n = tcplife_input_gather(pinfo, tree, facts);
    /* Zeek's gap model needs to know whether the payload was captured:
     * TCP payload ends the frame, so a cut frame cut it. */
    bool cut = tvb_captured_length(tvb) < tvb_reported_length(tvb);
    int key = 0;

    for (int i = 0; i < n; i++) {
        const tcplife_layer_facts *l = &facts[i];
        if (!l->usable)
            continue;
        tl_segment seg = segment_of(l, pinfo);
        seg.payload_cut = cut;
        tcplife_record rec = { .stream = l->stream };
        rec.result = tcplife_stream_classify(l->stream, l, &seg, &rec.detail, &bufs[key],
                                             &views[key]);
        for (int k = 0; k < key; k++)
            if (views[k]->ep.index == l->stream)
                views[k] = views[key];
        tcplife_records_put(pinfo, proto_tcplife, key, &rec);
        facts[key++] = *l;
    }
    return key;
}

/* "[Handshake 1/3] " per layer, in layer order, in one column call. */
static void prefix_info_column(packet_info *pinfo, const tcplife_packet pkts[], int n)
{
    char prefix[TCPLIFE_MAX_LAYERS * TL_LABEL_MAX];
    size_t len = 0;

    for (int i = 0; i < n; i++) {
        len += strlen(tl_short_label(pkts[i].result, prefix + len, TL_LABEL_MAX - 1));
        prefix[len++] = ' ';
    }
    prefix[len] = '\0';
    tcplife_col_prepend_info(pinfo->cinfo, prefix, len);
}

/* What to draw: nothing but expert info into a tree nobody sees and no
 * filter reads (the first pass of tshark -2, summary lines, taps), where
 * building ~50 items per packet would be thrown away unread; the stream
 * summary only when shown, or read by a filter. */
static enum tcplife_render render_mode(proto_tree *tree)
{
    if (!tree || !proto_field_is_referenced(tree, proto_tcplife))
        return TCPLIFE_RENDER_EXPERT_ONLY;
    if (pref_stream_summary && tcplife_fields_wanted(tree))
        return TCPLIFE_RENDER_FULL;
    return TCPLIFE_RENDER_PACKET;
}

static int dissect_tcplife(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    tcplife_layer_facts facts[TCPLIFE_MAX_LAYERS];
    tcplife_record recs[TCPLIFE_MAX_LAYERS];
    tcplife_packet pkts[TCPLIFE_MAX_LAYERS];
    tcplife_tap_info taps[TCPLIFE_MAX_LAYERS];
    tcplife_stream bufs[TCPLIFE_MAX_LAYERS];    /* brief streams, rebuilt */
    const tcplife_stream *views[TCPLIFE_MAX_LAYERS];
    bool first_pass = !PINFO_FD_VISITED(pinfo);

    if (first_pass)
        analyse_frame(tvb, pinfo, tree, facts, bufs, views);
    int n = tcplife_records_get(pinfo, proto_tcplife, recs);
    for (int i = 0; i < n; i++) {
        /* Never NULL: a record's stream was created before it, in the same
         * scope.  The first pass has the views already: no replay. */
        pkts[i].stream = first_pass ? views[i] : tcplife_stream_view(recs[i].stream, &bufs[i]);
        pkts[i].result = recs[i].result;
        pkts[i].detail = recs[i].detail;
    }
    if (n == 0)
        return 0;
    if (pref_info_column && pinfo->cinfo)
        prefix_info_column(pinfo, pkts, n);
    enum tcplife_render mode = render_mode(tree);
    for (int i = 0; i < n; i++) {
        tcplife_tree_render(tree, tvb, pinfo, &pkts[i], mode);
        taps[i].pkt = &pkts[i];
        taps[i].facts = first_pass ? &facts[i] : NULL;
    }
    tcplife_taps_queue(pinfo, taps, n);
    return tvb_captured_length(tvb);
}

static void tcplife_init(void)
{
    tcplife_streams_reset();
    tcplife_records_reset();
    /* Priming fields forces full dissection of every packet, so ask only
     * when the protocol is enabled (--disable-protocol tcplife opts out). */
    if (proto_is_protocol_enabled(find_protocol_by_id(proto_tcplife)))
        set_postdissector_wanted_hfids(tcplife_handle, tcplife_input_wanted());
}

static void tcplife_cleanup(void)
{
    set_postdissector_wanted_hfids(tcplife_handle, NULL);
    tcplife_streams_reset();    /* both were file-scoped */
    tcplife_records_reset();
}

void proto_register_tcplife(void)
{
    module_t *module;

    proto_tcplife = proto_register_protocol("TCP Lifecycle", "TCPLife", "tcplife");
    tcplife_tree_register();
    tcplife_taps_register();

    module = prefs_register_protocol(proto_tcplife, NULL);
    prefs_register_bool_preference(module, "info_column", "Prefix the Info column",
                                   "Start the Info column with the short lifecycle label, "
                                   "e.g. [Handshake 2/3]",
                                   &pref_info_column);
    prefs_register_bool_preference(module, "stream_summary", "Stream summary on every packet",
                                   "Add the stream's summary (tcplife.stream.*) under every "
                                   "annotated packet.  Off, packets carry only their own fields: "
                                   "faster on large captures, but filters on tcplife.stream.* "
                                   "match nothing",
                                   &pref_stream_summary);

    static enum_val_t languages[TL_N_LANGS + 1];
    for (int i = 0; i < TL_N_LANGS; i++) {
        enum_val_t e = { tl_languages[i].code, tl_languages[i].name, i };
        languages[i] = e;
    }
    prefs_register_enum_preference(module, "language", "Language of the explanations",
                                   "The language of tcplife.explain, tcplife.stream.story and "
                                   "-z tcplife,explain.  Field names and the values filters "
                                   "compare (tcplife.phase == \"teardown\") never change",
                                   &pref_language, languages, FALSE);

    tcplife_handle = register_dissector("tcplife", dissect_tcplife, proto_tcplife);
    register_postdissector(tcplife_handle);
    register_init_routine(tcplife_init);
    register_cleanup_routine(tcplife_cleanup);
}

void proto_reg_handoff_tcplife(void)
{
    tcplife_input_init();
}

TCPLIFE_DEFINE_PLUGIN(proto_register_tcplife, proto_reg_handoff_tcplife);
