/* tcplife_fields.c - the stream summary as fields and report columns, one row each.
 *
 * The field table is in tree order: the "Stream lifecycle" root first, then
 * its own fields, then each group heading followed by its fields.  A row
 * shows one tl_summary member; where the summary says a fact is absent
 * (tl_maybe_*.set false, or a group's presence flag false) the row adds
 * nothing, as LIFECYCLE.md asks ("absent without RST").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_fields.h"

#include <stddef.h>

#include <epan/proto.h>

#include "core/tcplife_explain.h"
#include "tcplife_tree.h"

#define AS_VALUE_STRING(c_name, number, name) { number, name },
const value_string tcplife_vals_phase[] = { TL_PHASES(AS_VALUE_STRING) { 0, NULL } };
const value_string tcplife_vals_role[] = { TL_ROLES(AS_VALUE_STRING) { 0, NULL } };
const value_string tcplife_vals_reset_kind[] = { TL_RESET_KINDS(AS_VALUE_STRING) { 0, NULL } };
static const value_string vals_handshake_kind[] = { TL_HANDSHAKE_KINDS(AS_VALUE_STRING) { 0, NULL } };
static const value_string vals_initiator[] = { TL_TEARDOWN_INITIATORS(AS_VALUE_STRING) { 0, NULL } };
static const value_string vals_teardown_kind[] = { TL_TEARDOWN_KINDS(AS_VALUE_STRING) { 0, NULL } };

/* How a row reads its summary member. */
enum value_kind {
    V_ROOT,         /* the "Stream lifecycle" subtree itself */
    V_GROUP,        /* a subtree heading; present when the bool at .offset is (or always: ALWAYS) */
    V_U8, V_U32, V_U64, V_BOOL, V_NS,            /* always present */
    V_MAYBE_U32, V_MAYBE_BOOL, V_MAYBE_NS,       /* present when .set */
    V_NAME,         /* a uint8_t member shown by its name from .names */
    V_STRING,       /* a char array member, NUL-terminated */
    V_INDEX,        /* the stream's tcp.stream: the epan layer's, not the core's */
    V_ENDPOINT,     /* .offset is the tl_side_index; formatted only when referenced */
    V_STORY,        /* the stream's story (tl_explain_story); formatted only when read */
};

#define ALWAYS SIZE_MAX

/* What a visible tree shows ("what happened, not every possibility").  A
 * row it does not show is still added, hidden: filters, columns and -T
 * fields see every field as before; the tree (and -V) does not show it. */
enum row_show {
    SHOW_ALWAYS,     /* whenever the summary has the value */
    SHOW_IF_SET,     /* when true or non-zero */
    SHOW_WHEN_ASKED, /* never: its group's heading says it */
};

typedef struct field_row {
    int               hf;
    int               ett;          /* V_ROOT and V_GROUP */
    const char       *name, *abbrev;
    enum ftenum       type;
    const void       *strings;
    const char       *blurb;
    enum value_kind   value;
    size_t            offset;       /* of the tl_summary member */
    const char *const *names;       /* V_NAME: names[value], nnames of them */
    unsigned          nnames;
    enum row_show     show;         /* in a visible tree */
    /* V_GROUP: writes the heading's one-line summary (only for a visible tree) */
    void            (*heading)(const tl_summary *sum, char *buf, size_t size);
} field_row;

#define OFF(member) offsetof(tl_summary, member)
#define ROW(kind_, type_, member_, name_, abbrev_, blurb_, ...)                              \
    { .hf = TCPLIFE_ID_INIT, .ett = TCPLIFE_ID_INIT, .name = name_, .abbrev = abbrev_,    \
      .type = type_, .blurb = blurb_, .value = kind_, .offset = member_, __VA_ARGS__ }
/* Headings are strings: their value is the summary ("three-way, RTT 28.820
 * ms"), whose label Wireshark formats only when something prints it (a
 * printf'd FT_NONE text would cost every shown packet, -T fields included). */
#define GROUP(present, name, abbrev, heading_) \
    ROW(V_GROUP, FT_STRING, present, name, abbrev, "The group's summary", .heading = heading_)
#define ENUM8(kind, member, name, abbrev, vals, blurb, ...) \
    ROW(kind, FT_UINT8, OFF(member), name, abbrev, blurb, .strings = VALS(vals), __VA_ARGS__)
#define IF_SET .show = SHOW_IF_SET
#define WHEN_ASKED .show = SHOW_WHEN_ASKED
/* What one side offered: tcplife.stream.options.<side>.<what>, in tree order. */
#define SIDE_OPTIONS(idx, who, abbrev_who)                                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].mss), who " MSS",                                  \
        "tcplife.stream.options." abbrev_who ".mss", NULL),                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].wscale), who " window scale shift",                \
        "tcplife.stream.options." abbrev_who ".wscale", NULL),                                   \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].sack_perm), who " SACK permitted",               \
        "tcplife.stream.options." abbrev_who ".sack_perm", NULL, IF_SET),                                \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].timestamps), who " timestamps",                  \
        "tcplife.stream.options." abbrev_who ".timestamps", NULL, IF_SET),                               \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].tfo), who " Fast Open option",                   \
        "tcplife.stream.options." abbrev_who ".tfo", NULL, IF_SET),                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].syn_data), who " payload in SYN",                  \
        "tcplife.stream.options." abbrev_who ".syn_data",                                        \
        "Payload bytes carried by this side's first SYN or SYN-ACK (Fast Open)", IF_SET)

/* ---- group headings: one line that says what the group holds ------------- */

static void hb_u64(tl_out *h, uint64_t v)
{
    char digits[24];
    tl_u64_digits(v, digits);
    tl_out_str(h, digits);
}

/* "2,781", as the story writes byte counts */
static void hb_bytes(tl_out *h, uint64_t v)
{
    tl_vars vars;
    tl_vars_u64_grouped(&vars, TL_V_SENT, v);
    tl_out_str(h, vars.v[TL_V_SENT]);
}

static void hb_ms(tl_out *h, int64_t ns)
{
    char ms[32];
    tl_out_str(h, tl_format_ms(ns, 3, ms, sizeof ms));
    tl_out_str(h, " ms");
}

/* "three-way, RTT 28.820 ms" */
static void heading_handshake(const tl_summary *sum, char *buf, size_t size)
{
    tl_out h = tl_out_start(buf, size);
    tl_out_str(&h, TL_NAME(tl_handshake_kind_names, sum->hs_kind));
    if (sum->rtt.set) {
        tl_out_str(&h, ", RTT ");
        hb_ms(&h, sum->rtt.ns);
    }
}

/* "MSS 1460/1460, SACK client only, timestamps client only, window scale off":
 * what is in effect, and who offered what the other did not. */
static void option_pair(tl_out *h, const char *name, tl_maybe_bool c, tl_maybe_bool s)
{
    bool cv = c.set && c.value, sv = s.set && s.value;
    tl_out_str(h, ", ");
    tl_out_str(h, name);
    tl_out_str(h, cv && sv ? " on" : cv ? " client only" : sv ? " server only" : " off");
}

static void heading_options(const tl_summary *sum, char *buf, size_t size)
{
    tl_out h = tl_out_start(buf, size);
    const tl_side_summary *c = &sum->side[TL_SIDE_CLIENT], *s = &sum->side[TL_SIDE_SERVER];
    tl_maybe_bool cw = { c->wscale.set, c->wscale.set }, sw = { s->wscale.set, s->wscale.set };
    tl_out_str(&h, "MSS ");
    if (c->mss.set) hb_u64(&h, c->mss.value); else tl_out_str(&h, "-");
    tl_out_str(&h, "/");
    if (s->mss.set) hb_u64(&h, s->mss.value); else tl_out_str(&h, "-");
    option_pair(&h, "SACK", c->sack_perm, s->sack_perm);
    option_pair(&h, "timestamps", c->timestamps, s->timestamps);
    option_pair(&h, "window scale", cw, sw);
    if ((c->tfo.set && c->tfo.value) || (s->tfo.set && s->tfo.value))
        option_pair(&h, "Fast Open", c->tfo, s->tfo);
}

/* "client, four-way, 19.093 ms", or "none" */
static void heading_teardown(const tl_summary *sum, char *buf, size_t size)
{
    tl_out h = tl_out_start(buf, size);
    if (!sum->td_initiator.set) {
        tl_out_str(&h, "none");
        return;
    }
    tl_out_str(&h, TL_NAME(tl_teardown_initiator_names, sum->td_initiator.value));
    tl_out_str(&h, ", ");
    tl_out_str(&h, TL_NAME(tl_teardown_kind_names, sum->td_kind));
    if (sum->td_duration.set) {
        tl_out_str(&h, ", ");
        hb_ms(&h, sum->td_duration.ns);
    }
}

/* "refused by server", or "2 RSTs, none accepted" */
static void heading_reset(const tl_summary *sum, char *buf, size_t size)
{
    tl_out h = tl_out_start(buf, size);
    if (sum->reset_kind.set) {
        tl_out_str(&h, TL_NAME(tl_reset_kind_names, sum->reset_kind.value));
        tl_out_str(&h, " by ");
        tl_out_str(&h, TL_NAME(tl_role_names, sum->reset_sender.value));
    } else {
        hb_u64(&h, sum->resets);
        tl_out_str(&h, sum->resets == 1 ? " RST, not accepted" : " RSTs, none accepted");
    }
}

/* "13 packets (client 7, server 6), 172 B from client, 2781 B from server, 66.336 ms" */
static void heading_totals(const tl_summary *sum, char *buf, size_t size)
{
    tl_out h = tl_out_start(buf, size);
    hb_u64(&h, sum->packets);
    tl_out_str(&h, " packets (client ");
    hb_u64(&h, sum->side[TL_SIDE_CLIENT].packets);
    tl_out_str(&h, ", server ");
    hb_u64(&h, sum->side[TL_SIDE_SERVER].packets);
    tl_out_str(&h, "), ");
    hb_bytes(&h, sum->side[TL_SIDE_CLIENT].bytes);
    tl_out_str(&h, " B from client, ");
    hb_bytes(&h, sum->side[TL_SIDE_SERVER].bytes);
    tl_out_str(&h, " B from server, ");
    hb_ms(&h, sum->duration_ns);
}

static field_row fields[] = {
    ROW(V_ROOT, FT_STRING, ALWAYS, "Stream lifecycle", "tcplife.stream",
        "The stream's story (tcplife.stream.story), as the heading of its summary"),
    ROW(V_STORY, FT_STRING, ALWAYS, "Story", "tcplife.stream.story",
        "The connection in one line: conn_state, who opened, bytes each way, who closed, "
        "packets and duration (language: the tcplife.language preference)", WHEN_ASKED),
    ROW(V_INDEX, FT_UINT32, ALWAYS, "Stream index", "tcplife.stream.index", "tcp.stream", WHEN_ASKED),
    ROW(V_ENDPOINT, FT_STRING, TL_SIDE_CLIENT, "Client", "tcplife.stream.client", "Client address:port", WHEN_ASKED),
    ROW(V_ENDPOINT, FT_STRING, TL_SIDE_SERVER, "Server", "tcplife.stream.server", "Server address:port", WHEN_ASKED),
    ROW(V_BOOL, FT_BOOLEAN, OFF(roles_inferred), "Roles inferred", "tcplife.stream.roles_inferred",
        "The stream did not start with a SYN or SYN-ACK: the server is the lower port", IF_SET),
    ROW(V_NAME, FT_STRING, OFF(conn_state), "Zeek conn_state", "tcplife.stream.conn_state", NULL,
        .names = tl_conn_state_names, .nnames = TL_N_CONN_STATES),
    ROW(V_STRING, FT_STRING, OFF(history), "Zeek history", "tcplife.stream.history", NULL),
    ROW(V_BOOL, FT_BOOLEAN, OFF(complete), "Complete", "tcplife.stream.complete",
        "Handshake steps 1-3 and teardown steps 1-4 seen, no RST", IF_SET),

    GROUP(ALWAYS, "Handshake", "tcplife.stream.handshake", heading_handshake),
    ENUM8(V_U8, hs_kind, "Kind", "tcplife.stream.handshake.kind", vals_handshake_kind, NULL, WHEN_ASKED),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(rtt), "RTT", "tcplife.stream.handshake.rtt",
        "From the last SYN before step 3 to step 3", WHEN_ASKED),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(server_rtt), "Server RTT",
        "tcplife.stream.handshake.server_rtt", "From that SYN to the last SYN-ACK before step 3"),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(client_rtt), "Client RTT",
        "tcplife.stream.handshake.client_rtt", "From that SYN-ACK to step 3"),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[0]), "SYN", "tcplife.stream.handshake.syn_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[1]), "SYN-ACK", "tcplife.stream.handshake.synack_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[2]), "ACK", "tcplife.stream.handshake.ack_frame", NULL),

    GROUP(OFF(has_options), "Options", "tcplife.stream.options", heading_options),
    SIDE_OPTIONS(TL_SIDE_CLIENT, "Client", "client"),
    SIDE_OPTIONS(TL_SIDE_SERVER, "Server", "server"),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(wscale_on), "Window scaling in effect",
        "tcplife.stream.options.wscale", "Both sides sent the window scale option", IF_SET),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(sack_on), "SACK in effect",
        "tcplife.stream.options.sack_perm", "Both sides sent SACK permitted", IF_SET),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(ts_on), "Timestamps in effect",
        "tcplife.stream.options.timestamps", "Both sides sent the timestamps option", IF_SET),

    GROUP(ALWAYS, "Teardown", "tcplife.stream.teardown", heading_teardown),
    ENUM8(V_MAYBE_U32, td_initiator, "Initiator", "tcplife.stream.teardown.initiator", vals_initiator,
          NULL, WHEN_ASKED),
    ENUM8(V_U8, td_kind, "Kind", "tcplife.stream.teardown.kind", vals_teardown_kind, NULL, WHEN_ASKED),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(td_duration), "Duration", "tcplife.stream.teardown.duration",
        "From the first FIN until both FINs were acknowledged", WHEN_ASKED),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[0]), "Step 1 (first FIN)",
        "tcplife.stream.teardown.step1_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[1]), "Step 2 (its ACK)",
        "tcplife.stream.teardown.step2_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[2]), "Step 3 (second FIN)",
        "tcplife.stream.teardown.step3_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[3]), "Step 4 (its ACK)",
        "tcplife.stream.teardown.step4_frame", NULL),

    GROUP(OFF(has_reset), "Reset", "tcplife.stream.reset", heading_reset),
    ENUM8(V_MAYBE_U32, reset_kind, "Kind", "tcplife.stream.reset.kind", tcplife_vals_reset_kind,
          "Decided by the stream's first accepted RST", WHEN_ASKED),
    ENUM8(V_MAYBE_U32, reset_sender, "Sender", "tcplife.stream.reset.sender", tcplife_vals_role, NULL,
          WHEN_ASKED),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(reset_frame), "First accepted RST", "tcplife.stream.reset.frame", NULL),
    ROW(V_U32, FT_UINT32, OFF(resets), "RSTs", "tcplife.stream.reset.count", "Every RST, accepted or not"),
    ROW(V_U32, FT_UINT32, OFF(resets_ignored), "RSTs not accepted", "tcplife.stream.reset.ignored",
        "RSTs the receiver would ignore or answer with a challenge ACK (RFC 9293, RFC 5961)", IF_SET),

    GROUP(ALWAYS, "Totals", "tcplife.stream.totals", heading_totals),
    ROW(V_U32, FT_UINT32, OFF(side[TL_SIDE_CLIENT].packets), "Packets from client",
        "tcplife.stream.packets.client", NULL, WHEN_ASKED),
    ROW(V_U64, FT_UINT64, OFF(side[TL_SIDE_CLIENT].bytes), "Payload bytes from client",
        "tcplife.stream.bytes.client", NULL, WHEN_ASKED),
    ROW(V_U32, FT_UINT32, OFF(side[TL_SIDE_SERVER].packets), "Packets from server",
        "tcplife.stream.packets.server", NULL, WHEN_ASKED),
    ROW(V_U64, FT_UINT64, OFF(side[TL_SIDE_SERVER].bytes), "Payload bytes from server",
        "tcplife.stream.bytes.server", NULL, WHEN_ASKED),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[0]), "Handshake packets", "tcplife.stream.packets.handshake",
        NULL, IF_SET),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[1]), "Transfer packets", "tcplife.stream.packets.transfer",
        NULL, IF_SET),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[2]), "Teardown packets", "tcplife.stream.packets.teardown",
        NULL, IF_SET),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[3]), "Reset packets", "tcplife.stream.packets.reset", NULL,
        IF_SET),
    ROW(V_U32, FT_FRAMENUM, OFF(first_frame), "First frame", "tcplife.stream.first_frame", NULL),
    ROW(V_U32, FT_FRAMENUM, OFF(last_frame), "Last frame", "tcplife.stream.last_frame", NULL),
    ROW(V_NS, FT_RELATIVE_TIME, OFF(duration_ns), "Duration", "tcplife.stream.duration",
        "From the stream's first to its last packet", WHEN_ASKED),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(side[TL_SIDE_CLIENT].first_data_frame), "First data from client",
        "tcplife.stream.first_data.client", "The client's first frame carrying payload"),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(side[TL_SIDE_SERVER].first_data_frame), "First data from server",
        "tcplife.stream.first_data.server", "The server's first frame carrying payload"),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(ttfb), "Time to first byte", "tcplife.stream.ttfb",
        "From the client's first payload to the server's first payload after it"),
};

/* ---- registration ------------------------------------------------------------ */

static int base_of(enum ftenum type)
{
    switch (type) {
    case FT_UINT8: case FT_UINT32: case FT_UINT64:
        return BASE_DEC;
    default:
        return BASE_NONE;
    }
}

void tcplife_fields_register(int proto)
{
    /* Wireshark keeps pointers into both arrays: they live as long as the process. */
    static hf_register_info hf[array_length(fields)];
    static int *ett[array_length(fields)];
    int nett = 0;

    for (size_t i = 0; i < array_length(fields); i++) {
        field_row *f = &fields[i];
        hf_register_info h = { &f->hf, { f->name, f->abbrev, f->type, base_of(f->type),
                                         f->strings, 0x0, f->blurb, HFILL } };
        hf[i] = h;
        if (f->value == V_ROOT || f->value == V_GROUP)
            ett[nett++] = &f->ett;
    }
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, nett);
}

/* A visible tree shows the summary; in an invisible one (a display filter
 * in the GUI's packet list, tshark -Y without -V) only a referenced
 * tcplife.stream.* field needs it, and building ~40 faked items per packet
 * for nobody costs more than asking. */
bool tcplife_fields_wanted(proto_tree *tree)
{
    if (!tree)
        return false;
    if (PTREE_DATA(tree)->visible)
        return true;
    for (size_t i = 0; i < array_length(fields); i++)
        if (proto_field_is_referenced(tree, fields[i].hf))
            return true;
    return false;
}

/* ---- rendering ------------------------------------------------------------------ */

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

static proto_item *add_time(proto_tree *t, int hf, tvbuff_t *tvb, int64_t ns)
{
    nstime_t ts = ns_to_nstime(ns);
    return proto_tree_add_time(t, hf, tvb, 0, 0, &ts);
}

static proto_item *add_endpoint(proto_tree *t, const field_row *f, tvbuff_t *tvb,
                                const tcplife_stream *st)
{
    char buf[TCPLIFE_ENDPOINT_MAX];
    /* Formatting an address costs more than the item: only when shown. */
    if (!proto_field_is_referenced(t, f->hf))
        return NULL;
    return proto_tree_add_string(t, f->hf, tvb, 0, 0,
                                 tcplife_endpoint_format(st, (enum tl_side_index)f->offset, buf));
}

/* A present row's value.  An endpoint stays a side until its reader formats
 * it: the tree formats one only when the field is referenced. */
typedef struct row_value {
    enum { RV_UINT, RV_BOOL, RV_NS, RV_STRING, RV_ENDPOINT, RV_STORY } kind;
    uint64_t    uint;       /* RV_UINT; RV_ENDPOINT: the enum tl_side_index */
    int64_t     ns;
    bool        boolean;
    const char *string;
} row_value;

static bool put_uint(row_value *v, uint64_t x)
{
    v->kind = RV_UINT;
    v->uint = x;
    return true;
}

static bool put_bool(row_value *v, bool x)
{
    v->kind = RV_BOOL;
    v->boolean = x;
    return true;
}

static bool put_ns(row_value *v, int64_t ns)
{
    v->kind = RV_NS;
    v->ns = ns;
    return true;
}

static bool put_string(row_value *v, const char *s)
{
    v->kind = RV_STRING;
    v->string = s;
    return true;
}

/* Row f's value in *v; false where the summary says the fact is absent. */
static bool row_value_of(const field_row *f, const tcplife_stream *st, const tl_summary *sum,
                         row_value *v)
{
    const void *m = (const char *)sum + f->offset;
    switch (f->value) {
    case V_U8:     return put_uint(v, *(const uint8_t *)m);
    case V_U32:    return put_uint(v, *(const uint32_t *)m);
    case V_U64:    return put_uint(v, *(const uint64_t *)m);
    case V_INDEX:  return put_uint(v, st->ep.index);
    case V_BOOL:   return put_bool(v, *(const bool *)m);
    case V_NS:     return put_ns(v, *(const int64_t *)m);
    case V_STRING: return put_string(v, (const char *)m);
    case V_NAME:   return put_string(v, tl_name(f->names, f->nnames, *(const uint8_t *)m));
    case V_ENDPOINT:
        v->kind = RV_ENDPOINT;
        v->uint = f->offset;
        return true;
    case V_STORY:
        v->kind = RV_STORY;
        return true;
    case V_MAYBE_U32: {
        const tl_maybe_u32 *x = (const tl_maybe_u32 *)m;
        return x->set && put_uint(v, x->value);
    }
    case V_MAYBE_BOOL: {
        const tl_maybe_bool *x = (const tl_maybe_bool *)m;
        return x->set && put_bool(v, x->value);
    }
    case V_MAYBE_NS: {
        const tl_maybe_ns *x = (const tl_maybe_ns *)m;
        return x->set && put_ns(v, x->ns);
    }
    default:
        return false;
    }
}

static bool group_present(const field_row *f, const tl_summary *sum)
{
    return f->offset == ALWAYS || *(const bool *)((const char *)sum + f->offset);
}

/* The one walk over the table that the tree and tcplife_fields_visit()
 * share, so both show the same rows under the same presence rules: fn gets
 * the root and each present group heading (v NULL), then each present
 * field with its value, in table order. */
typedef void (*row_fn)(void *ctx, const field_row *f, const row_value *v);

static void walk_rows(const tcplife_stream *st, const tl_summary *sum, row_fn fn, void *ctx)
{
    bool skip = false;      /* inside an absent group */
    for (size_t i = 0; i < array_length(fields); i++) {
        const field_row *f = &fields[i];
        row_value v;
        if (f->value == V_ROOT) {
            fn(ctx, f, NULL);
        } else if (f->value == V_GROUP) {
            skip = !group_present(f, sum);
            if (!skip)
                fn(ctx, f, NULL);
        } else if (!skip && row_value_of(f, st, sum, &v)) {
            fn(ctx, f, &v);
        }
    }
}

/* The story, in the language of the tcplife.language preference. */
static const char *story_of(const tcplife_stream *st, const tl_summary *sum,
                            char buf[TL_EXPLAIN_MAX])
{
    char client[TCPLIFE_ENDPOINT_MAX], server[TCPLIFE_ENDPOINT_MAX];
    return tl_explain_story(&st->core, sum, tcplife_endpoint_format(st, TL_SIDE_CLIENT, client),
                            tcplife_endpoint_format(st, TL_SIDE_SERVER, server),
                            tcplife_language(), buf, TL_EXPLAIN_MAX);
}

static proto_item *add_story(proto_tree *t, const field_row *f, tvbuff_t *tvb,
                             const tcplife_stream *st, const tl_summary *sum)
{
    char buf[TL_EXPLAIN_MAX];
    if (!proto_field_is_referenced(t, f->hf))
        return NULL;
    return proto_tree_add_string(t, f->hf, tvb, 0, 0, story_of(st, sum, buf));
}

static proto_item *add_value(proto_tree *t, const field_row *f, tvbuff_t *tvb,
                             const tcplife_stream *st, const tl_summary *sum,
                             const row_value *v)
{
    switch (v->kind) {
    case RV_UINT:
        return f->type == FT_UINT64 ? proto_tree_add_uint64(t, f->hf, tvb, 0, 0, v->uint)
                                    : proto_tree_add_uint(t, f->hf, tvb, 0, 0, (uint32_t)v->uint);
    case RV_BOOL:     return proto_tree_add_boolean(t, f->hf, tvb, 0, 0, v->boolean);
    case RV_NS:       return add_time(t, f->hf, tvb, v->ns);
    case RV_STRING:   return proto_tree_add_string(t, f->hf, tvb, 0, 0, v->string);
    case RV_ENDPOINT: return add_endpoint(t, f, tvb, st);
    case RV_STORY:    return add_story(t, f, tvb, st, sum);
    default:          return NULL;
    }
}

typedef struct render_ctx {
    proto_tree           *tree, *root, *parent;
    tvbuff_t             *tvb;
    const tcplife_stream *st;
    const tl_summary     *sum;
    bool                  visible;     /* the tree is shown (-V, the GUI, -T fields) */
    const char           *story;       /* formatted once, for the heading and the field */
    char                  story_buf[TL_EXPLAIN_MAX];
} render_ctx;

static const char *render_story(render_ctx *r)
{
    if (!r->story)
        r->story = story_of(r->st, r->sum, r->story_buf);
    return r->story;
}

/* A heading; in a visible tree with its summary: "Handshake: three-way, RTT
 * 28.820 ms", and the root "Stream lifecycle: <story>", so that the folded
 * tree tells what happened. */
static proto_tree *add_subtree(render_ctx *r, proto_tree *t, const field_row *f)
{
    char summary[160];
    const char *text = "";
    if (r->visible || proto_field_is_referenced(t, f->hf)) {
        if (f->value == V_ROOT) {
            text = render_story(r);
        } else if (f->heading) {
            f->heading(r->sum, summary, sizeof summary);
            text = summary;
        }
    }
    proto_item *ti = proto_tree_add_string(t, f->hf, r->tvb, 0, 0, text);
    proto_item_set_generated(ti);
    return proto_item_add_subtree(ti, f->ett);
}

static bool value_is_set(const row_value *v)
{
    switch (v->kind) {
    case RV_UINT: return v->uint != 0;
    case RV_BOOL: return v->boolean;
    case RV_NS:   return v->ns != 0;
    default:      return true;
    }
}

/* A field the visible tree does not show is still added, hidden: tshark
 * -T fields reads a visible tree too, and Wireshark tells a post-dissector
 * nothing about which fields -e names (their ref_type stays NONE).  In an
 * invisible tree every present field is offered as before (Wireshark fakes
 * the ones nobody reads). */
static void render_field(render_ctx *r, const field_row *f, const row_value *v)
{
    bool shown = f->show == SHOW_ALWAYS || (f->show == SHOW_IF_SET && value_is_set(v));
    proto_item *ti = v->kind == RV_STORY && (r->visible || tcplife_asked(f->hf))
        ? proto_tree_add_string(r->parent, f->hf, r->tvb, 0, 0, render_story(r))
        : add_value(r->parent, f, r->tvb, r->st, r->sum, v);
    proto_item_set_generated(ti);
    if (r->visible && !shown)
        proto_item_set_hidden(ti);
}

static void render_row(void *ctx, const field_row *f, const row_value *v)
{
    render_ctx *r = (render_ctx *)ctx;
    if (f->value == V_ROOT)
        r->root = r->parent = add_subtree(r, r->tree, f);
    else if (f->value == V_GROUP)
        r->parent = add_subtree(r, r->root, f);
    else
        render_field(r, f, v);
}

void tcplife_fields_render(proto_tree *tree, tvbuff_t *tvb, const tcplife_stream *st)
{
    tl_summary sum;
    render_ctx r = { .tree = tree, .tvb = tvb, .st = st, .sum = &sum,
                     .visible = tree && PTREE_DATA(tree)->visible };

    tl_stream_summarize(&st->core, &sum);
    walk_rows(st, &sum, render_row, &r);
}

/* ---- report columns ---------------------------------------------------------------- */

static tcplife_cell cell_uint(uint64_t v)
{
    tcplife_cell c = { .kind = TCPLIFE_CELL_UINT, .uint = v };
    return c;
}

static tcplife_cell cell_string(const char *s)
{
    tcplife_cell c = { .kind = s ? TCPLIFE_CELL_STRING : TCPLIFE_CELL_NONE, .string = s };
    return c;
}

static tcplife_cell cell_time(tl_maybe_ns t)
{
    tcplife_cell c = { .kind = t.set ? TCPLIFE_CELL_TIME : TCPLIFE_CELL_NONE, .ns = t.ns };
    return c;
}

#define CELL_FN(name) \
    static tcplife_cell name(wmem_allocator_t *pool _U_, const tcplife_stream *st _U_, \
                             const tl_summary *sum _U_)

CELL_FN(cell_index) { return cell_uint(st->ep.index); }
CELL_FN(cell_client) { return cell_string(tcplife_endpoint_str(pool, st, TL_SIDE_CLIENT)); }
CELL_FN(cell_server) { return cell_string(tcplife_endpoint_str(pool, st, TL_SIDE_SERVER)); }
CELL_FN(cell_conn_state) { return cell_string(TL_NAME(tl_conn_state_names, sum->conn_state)); }
CELL_FN(cell_history) { return cell_string(sum->history[0] ? sum->history : "-"); }
CELL_FN(cell_rtt) { return cell_time(sum->rtt); }
CELL_FN(cell_ttfb) { return cell_time(sum->ttfb); }
CELL_FN(cell_bytes_client) { return cell_uint(sum->side[TL_SIDE_CLIENT].bytes); }
CELL_FN(cell_bytes_server) { return cell_uint(sum->side[TL_SIDE_SERVER].bytes); }
CELL_FN(cell_packets) { return cell_uint(sum->packets); }
CELL_FN(cell_first_frame) { return cell_uint(sum->first_frame); }

CELL_FN(cell_duration)
{
    tl_maybe_ns d = { sum->duration_ns, true };
    return cell_time(d);
}

/* "client four-way", or "-" without FIN. */
CELL_FN(cell_teardown)
{
    if (!sum->td_initiator.set)
        return cell_string("-");
    return cell_string(wmem_strdup_printf(pool, "%s %s",
                                          TL_NAME(tl_teardown_initiator_names, sum->td_initiator.value),
                                          TL_NAME(tl_teardown_kind_names, sum->td_kind)));
}

/* "refused by server", or "-" without an accepted RST. */
CELL_FN(cell_reset)
{
    if (!sum->reset_kind.set)
        return cell_string("-");
    return cell_string(wmem_strdup_printf(pool, "%s by %s",
                                          TL_NAME(tl_reset_kind_names, sum->reset_kind.value),
                                          TL_NAME(tl_role_names, sum->reset_sender.value)));
}

#define COLUMN(text, table, align_, kind_, fn, ...) \
    { .text_header = text, .table_header = table, .align = align_, .kind = kind_, .cell = fn, __VA_ARGS__ }

static const tcplife_column col_stream = COLUMN("stream", "Stream", 'r', TCPLIFE_CELL_UINT, cell_index);
static const tcplife_column col_client = COLUMN("client", "Client", 'l', TCPLIFE_CELL_STRING, cell_client);
static const tcplife_column col_server = COLUMN("server", "Server", 'l', TCPLIFE_CELL_STRING, cell_server);
static const tcplife_column col_state =
    COLUMN("conn_state", "conn_state", 'l', TCPLIFE_CELL_STRING, cell_conn_state);
static const tcplife_column col_history =
    COLUMN("history", "History", 'l', TCPLIFE_CELL_STRING, cell_history);
static const tcplife_column col_rtt = COLUMN("hs RTT", "Handshake RTT (ms)", 'r', TCPLIFE_CELL_TIME,
                                             cell_rtt, .unit_us = 1000, .decimals = 3, .unit = " ms");
static const tcplife_column col_bytes_c =
    COLUMN("bytes c\u2192s", "Bytes c\u2192s", 'r', TCPLIFE_CELL_UINT, cell_bytes_client);
static const tcplife_column col_bytes_s =
    COLUMN("bytes s\u2192c", "Bytes s\u2192c", 'r', TCPLIFE_CELL_UINT, cell_bytes_server);
static const tcplife_column col_teardown =
    COLUMN("teardown", "Teardown", 'l', TCPLIFE_CELL_STRING, cell_teardown);
static const tcplife_column col_reset = COLUMN("reset", "Reset", 'l', TCPLIFE_CELL_STRING, cell_reset);
static const tcplife_column col_duration = COLUMN("duration", "Duration (s)", 'r', TCPLIFE_CELL_TIME,
                                                  cell_duration, .unit_us = 1000000, .decimals = 6,
                                                  .unit = " s");
static const tcplife_column col_ttfb = COLUMN("ttfb", "TTFB (ms)", 'r', TCPLIFE_CELL_TIME,
                                              cell_ttfb, .unit_us = 1000, .decimals = 3, .unit = " ms");
static const tcplife_column col_packets =
    COLUMN("packets", "Packets", 'r', TCPLIFE_CELL_UINT, cell_packets);
static const tcplife_column col_first_frame =
    COLUMN("first frame", "First frame", 'r', TCPLIFE_CELL_UINT, cell_first_frame);

const tcplife_column *const tcplife_streams_columns[] = {
    &col_stream, &col_client, &col_server, &col_state, &col_history, &col_rtt, &col_bytes_c,
    &col_bytes_s, &col_teardown, &col_reset, &col_duration, &col_packets,
};
const unsigned tcplife_streams_ncolumns = array_length(tcplife_streams_columns);

/* In the order of -z tcplife,streams (the RTT after the history, whose first
 * letters are the handshake), with the first frame after the stream (the
 * dialog cannot go to a packet: Go › Go to Packet takes that number), and
 * TTFB last.  The table shows an absent value as "-", so a row never ends
 * early (tcplife_report_table.c). */
const tcplife_column *const tcplife_table_columns[] = {
    &col_stream, &col_first_frame, &col_client, &col_server, &col_state, &col_history, &col_rtt,
    &col_bytes_c, &col_bytes_s, &col_teardown, &col_reset, &col_duration, &col_packets, &col_ttfb,
};
const unsigned tcplife_table_ncolumns = array_length(tcplife_table_columns);

/* ---- the fields as values (-z tcplife,json) ------------------------------------------ */

typedef struct visit_ctx {
    const tcplife_stream        *st;
    const tl_summary            *sum;
    const tcplife_field_visitor *v;
    void                        *ctx;
} visit_ctx;

static void visit_row(void *ctx, const field_row *f, const row_value *v)
{
    const visit_ctx *c = (const visit_ctx *)ctx;
    char buf[TCPLIFE_ENDPOINT_MAX];
    char story[TL_EXPLAIN_MAX];

    if (v == NULL)      /* the root and the group headings: summaries of the rows below */
        return;
    switch (v->kind) {
    case RV_UINT:
        c->v->uint_value(c->ctx, f->abbrev, f->type, v->uint, (const value_string *)f->strings);
        break;
    case RV_BOOL:
        c->v->bool_value(c->ctx, f->abbrev, f->type, v->boolean);
        break;
    case RV_NS:
        c->v->time_value(c->ctx, f->abbrev, f->type, v->ns);
        break;
    case RV_STRING:
        c->v->string_value(c->ctx, f->abbrev, f->type, v->string);
        break;
    case RV_ENDPOINT:
        c->v->string_value(c->ctx, f->abbrev, f->type,
                           tcplife_endpoint_format(c->st, (enum tl_side_index)v->uint, buf));
        break;
    case RV_STORY:
        c->v->string_value(c->ctx, f->abbrev, f->type, story_of(c->st, c->sum, story));
        break;
    }
}

void tcplife_fields_visit(const tcplife_stream *st, const tl_summary *sum,
                          const tcplife_field_visitor *v, void *ctx)
{
    visit_ctx c = { .st = st, .sum = sum, .v = v, .ctx = ctx };
    walk_rows(st, sum, visit_row, &c);
}
