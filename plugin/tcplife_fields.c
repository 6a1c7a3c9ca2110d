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
    V_STRING,       /* a const char * member */
    V_INDEX,        /* the stream's tcp.stream: the epan layer's, not the core's */
    V_ENDPOINT,     /* .offset is the tl_side_index; formatted only when referenced */
};

#define ALWAYS SIZE_MAX

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
} field_row;

#define OFF(member) offsetof(tl_summary, member)
#define ROW(kind_, type_, member_, name_, abbrev_, blurb_, ...)                              \
    { .hf = TCPLIFE_ID_INIT, .ett = TCPLIFE_ID_INIT, .name = name_, .abbrev = abbrev_,    \
      .type = type_, .blurb = blurb_, .value = kind_, .offset = member_, __VA_ARGS__ }
#define GROUP(present, name, abbrev) ROW(V_GROUP, FT_NONE, present, name, abbrev, NULL)
#define ENUM8(kind, member, name, abbrev, vals, blurb) \
    ROW(kind, FT_UINT8, OFF(member), name, abbrev, blurb, .strings = VALS(vals))
/* What one side offered: tcplife.stream.options.<side>.<what>, in tree order. */
#define SIDE_OPTIONS(idx, who, abbrev_who)                                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].mss), who " MSS",                                  \
        "tcplife.stream.options." abbrev_who ".mss", NULL),                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].wscale), who " window scale shift",                \
        "tcplife.stream.options." abbrev_who ".wscale", NULL),                                   \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].sack_perm), who " SACK permitted",               \
        "tcplife.stream.options." abbrev_who ".sack_perm", NULL),                                \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].timestamps), who " timestamps",                  \
        "tcplife.stream.options." abbrev_who ".timestamps", NULL),                               \
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(side[idx].tfo), who " Fast Open option",                   \
        "tcplife.stream.options." abbrev_who ".tfo", NULL),                                      \
    ROW(V_MAYBE_U32, FT_UINT32, OFF(side[idx].syn_data), who " payload in SYN",                  \
        "tcplife.stream.options." abbrev_who ".syn_data",                                        \
        "Payload bytes carried by this side's first SYN or SYN-ACK (Fast Open)")

static field_row fields[] = {
    ROW(V_ROOT, FT_NONE, ALWAYS, "Stream lifecycle", "tcplife.stream", NULL),
    ROW(V_INDEX, FT_UINT32, ALWAYS, "Stream index", "tcplife.stream.index", "tcp.stream"),
    ROW(V_ENDPOINT, FT_STRING, TL_SIDE_CLIENT, "Client", "tcplife.stream.client", "Client address:port"),
    ROW(V_ENDPOINT, FT_STRING, TL_SIDE_SERVER, "Server", "tcplife.stream.server", "Server address:port"),
    ROW(V_BOOL, FT_BOOLEAN, OFF(roles_inferred), "Roles inferred", "tcplife.stream.roles_inferred",
        "The stream did not start with a SYN or SYN-ACK: the server is the lower port"),
    ROW(V_NAME, FT_STRING, OFF(conn_state), "Zeek conn_state", "tcplife.stream.conn_state", NULL,
        .names = tl_conn_state_names, .nnames = TL_N_CONN_STATES),
    ROW(V_STRING, FT_STRING, OFF(history), "Zeek history", "tcplife.stream.history", NULL),
    ROW(V_BOOL, FT_BOOLEAN, OFF(complete), "Complete", "tcplife.stream.complete",
        "Handshake steps 1-3 and teardown steps 1-4 seen, no RST"),

    GROUP(ALWAYS, "Handshake", "tcplife.stream.handshake"),
    ENUM8(V_U8, hs_kind, "Kind", "tcplife.stream.handshake.kind", vals_handshake_kind, NULL),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(rtt), "RTT", "tcplife.stream.handshake.rtt",
        "From the last SYN before step 3 to step 3"),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(server_rtt), "Server RTT",
        "tcplife.stream.handshake.server_rtt", "From that SYN to the last SYN-ACK before step 3"),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(client_rtt), "Client RTT",
        "tcplife.stream.handshake.client_rtt", "From that SYN-ACK to step 3"),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[0]), "SYN", "tcplife.stream.handshake.syn_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[1]), "SYN-ACK", "tcplife.stream.handshake.synack_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(hs_frame[2]), "ACK", "tcplife.stream.handshake.ack_frame", NULL),

    GROUP(OFF(has_options), "Options", "tcplife.stream.options"),
    SIDE_OPTIONS(TL_SIDE_CLIENT, "Client", "client"),
    SIDE_OPTIONS(TL_SIDE_SERVER, "Server", "server"),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(wscale_on), "Window scaling in effect",
        "tcplife.stream.options.wscale", "Both sides sent the window scale option"),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(sack_on), "SACK in effect",
        "tcplife.stream.options.sack_perm", "Both sides sent SACK permitted"),
    ROW(V_MAYBE_BOOL, FT_BOOLEAN, OFF(ts_on), "Timestamps in effect",
        "tcplife.stream.options.timestamps", "Both sides sent the timestamps option"),

    GROUP(ALWAYS, "Teardown", "tcplife.stream.teardown"),
    ENUM8(V_MAYBE_U32, td_initiator, "Initiator", "tcplife.stream.teardown.initiator", vals_initiator, NULL),
    ENUM8(V_U8, td_kind, "Kind", "tcplife.stream.teardown.kind", vals_teardown_kind, NULL),
    ROW(V_MAYBE_NS, FT_RELATIVE_TIME, OFF(td_duration), "Duration", "tcplife.stream.teardown.duration",
        "From the first FIN until both FINs were acknowledged"),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[0]), "Step 1 (first FIN)",
        "tcplife.stream.teardown.step1_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[1]), "Step 2 (its ACK)",
        "tcplife.stream.teardown.step2_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[2]), "Step 3 (second FIN)",
        "tcplife.stream.teardown.step3_frame", NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(td_frame[3]), "Step 4 (its ACK)",
        "tcplife.stream.teardown.step4_frame", NULL),

    GROUP(OFF(has_reset), "Reset", "tcplife.stream.reset"),
    ENUM8(V_MAYBE_U32, reset_kind, "Kind", "tcplife.stream.reset.kind", tcplife_vals_reset_kind,
          "Decided by the stream's first accepted RST"),
    ENUM8(V_MAYBE_U32, reset_sender, "Sender", "tcplife.stream.reset.sender", tcplife_vals_role, NULL),
    ROW(V_MAYBE_U32, FT_FRAMENUM, OFF(reset_frame), "First accepted RST", "tcplife.stream.reset.frame", NULL),
    ROW(V_U32, FT_UINT32, OFF(resets), "RSTs", "tcplife.stream.reset.count", "Every RST, accepted or not"),
    ROW(V_U32, FT_UINT32, OFF(resets_ignored), "RSTs not accepted", "tcplife.stream.reset.ignored",
        "RSTs the receiver would ignore or answer with a challenge ACK (RFC 9293, RFC 5961)"),

    GROUP(ALWAYS, "Totals", "tcplife.stream.totals"),
    ROW(V_U32, FT_UINT32, OFF(side[TL_SIDE_CLIENT].packets), "Packets from client",
        "tcplife.stream.packets.client", NULL),
    ROW(V_U64, FT_UINT64, OFF(side[TL_SIDE_CLIENT].bytes), "Payload bytes from client",
        "tcplife.stream.bytes.client", NULL),
    ROW(V_U32, FT_UINT32, OFF(side[TL_SIDE_SERVER].packets), "Packets from server",
        "tcplife.stream.packets.server", NULL),
    ROW(V_U64, FT_UINT64, OFF(side[TL_SIDE_SERVER].bytes), "Payload bytes from server",
        "tcplife.stream.bytes.server", NULL),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[0]), "Handshake packets", "tcplife.stream.packets.handshake", NULL),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[1]), "Transfer packets", "tcplife.stream.packets.transfer", NULL),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[2]), "Teardown packets", "tcplife.stream.packets.teardown", NULL),
    ROW(V_U32, FT_UINT32, OFF(phase_packets[3]), "Reset packets", "tcplife.stream.packets.reset", NULL),
    ROW(V_U32, FT_FRAMENUM, OFF(first_frame), "First frame", "tcplife.stream.first_frame", NULL),
    ROW(V_U32, FT_FRAMENUM, OFF(last_frame), "Last frame", "tcplife.stream.last_frame", NULL),
    ROW(V_NS, FT_RELATIVE_TIME, OFF(duration_ns), "Duration", "tcplife.stream.duration",
        "From the stream's first to its last packet"),
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
    enum { RV_UINT, RV_BOOL, RV_NS, RV_STRING, RV_ENDPOINT } kind;
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
    case V_INDEX:  return put_uint(v, st->index);
    case V_BOOL:   return put_bool(v, *(const bool *)m);
    case V_NS:     return put_ns(v, *(const int64_t *)m);
    case V_STRING: return put_string(v, *(const char *const *)m);
    case V_NAME:   return put_string(v, tl_name(f->names, f->nnames, *(const uint8_t *)m));
    case V_ENDPOINT:
        v->kind = RV_ENDPOINT;
        v->uint = f->offset;
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

static proto_item *add_value(proto_tree *t, const field_row *f, tvbuff_t *tvb,
                             const tcplife_stream *st, const row_value *v)
{
    switch (v->kind) {
    case RV_UINT:
        return f->type == FT_UINT64 ? proto_tree_add_uint64(t, f->hf, tvb, 0, 0, v->uint)
                                    : proto_tree_add_uint(t, f->hf, tvb, 0, 0, (uint32_t)v->uint);
    case RV_BOOL:     return proto_tree_add_boolean(t, f->hf, tvb, 0, 0, v->boolean);
    case RV_NS:       return add_time(t, f->hf, tvb, v->ns);
    case RV_STRING:   return proto_tree_add_string(t, f->hf, tvb, 0, 0, v->string);
    case RV_ENDPOINT: return add_endpoint(t, f, tvb, st);
    default:          return NULL;
    }
}

static proto_tree *add_subtree(proto_tree *t, const field_row *f, tvbuff_t *tvb)
{
    proto_item *ti = proto_tree_add_item(t, f->hf, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    return proto_item_add_subtree(ti, f->ett);
}

typedef struct render_ctx {
    proto_tree           *tree, *root, *parent;
    tvbuff_t             *tvb;
    const tcplife_stream *st;
} render_ctx;

static void render_row(void *ctx, const field_row *f, const row_value *v)
{
    render_ctx *r = (render_ctx *)ctx;
    if (f->value == V_ROOT)
        r->root = r->parent = add_subtree(r->tree, f, r->tvb);
    else if (f->value == V_GROUP)
        r->parent = add_subtree(r->root, f, r->tvb);
    else
        proto_item_set_generated(add_value(r->parent, f, r->tvb, r->st, v));
}

void tcplife_fields_render(proto_tree *tree, tvbuff_t *tvb, const tcplife_stream *st)
{
    tl_summary sum;
    render_ctx r = { .tree = tree, .tvb = tvb, .st = st };

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

CELL_FN(cell_index) { return cell_uint(st->index); }
CELL_FN(cell_client) { return cell_string(tcplife_endpoint_str(pool, st, TL_SIDE_CLIENT)); }
CELL_FN(cell_server) { return cell_string(tcplife_endpoint_str(pool, st, TL_SIDE_SERVER)); }
CELL_FN(cell_conn_state) { return cell_string(TL_NAME(tl_conn_state_names, sum->conn_state)); }
CELL_FN(cell_history) { return cell_string(sum->history[0] ? sum->history : "-"); }
CELL_FN(cell_rtt) { return cell_time(sum->rtt); }
CELL_FN(cell_ttfb) { return cell_time(sum->ttfb); }
CELL_FN(cell_bytes_client) { return cell_uint(sum->side[TL_SIDE_CLIENT].bytes); }
CELL_FN(cell_bytes_server) { return cell_uint(sum->side[TL_SIDE_SERVER].bytes); }
CELL_FN(cell_packets) { return cell_uint(sum->packets); }

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

const tcplife_column *const tcplife_streams_columns[] = {
    &col_stream, &col_client, &col_server, &col_state, &col_history, &col_rtt, &col_bytes_c,
    &col_bytes_s, &col_teardown, &col_reset, &col_duration, &col_packets,
};
const unsigned tcplife_streams_ncolumns = array_length(tcplife_streams_columns);

/* tshark's printer of this table stops a row at its first empty cell, so the
 * columns that can be empty come last. */
const tcplife_column *const tcplife_table_columns[] = {
    &col_stream, &col_client, &col_server, &col_state, &col_history, &col_teardown, &col_reset,
    &col_packets, &col_bytes_c, &col_bytes_s, &col_duration, &col_rtt, &col_ttfb,
};
const unsigned tcplife_table_ncolumns = array_length(tcplife_table_columns);

/* ---- the fields as values (-z tcplife,json) ------------------------------------------ */

typedef struct visit_ctx {
    const tcplife_stream        *st;
    const tcplife_field_visitor *v;
    void                        *ctx;
} visit_ctx;

static void visit_row(void *ctx, const field_row *f, const row_value *v)
{
    const visit_ctx *c = (const visit_ctx *)ctx;
    char buf[TCPLIFE_ENDPOINT_MAX];

    if (v == NULL)      /* the root and the group headings (FT_NONE) carry no value */
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
    }
}

void tcplife_fields_visit(const tcplife_stream *st, const tl_summary *sum,
                          const tcplife_field_visitor *v, void *ctx)
{
    visit_ctx c = { .st = st, .v = v, .ctx = ctx };
    walk_rows(st, sum, visit_row, &c);
}
