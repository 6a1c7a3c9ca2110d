/* tcplife_input.c - one TCP header's facts per TCP layer, from primed fields
 * and the header bytes.
 *
 * Why not pinfo->src/dst and a single tcp.stream?  A frame may carry several
 * TCP layers (tunnels) and an ICMP error quotes a TCP header that belongs to
 * no stream.  Each field_info knows which layer of its protocol it came from
 * (proto_layer_num, the number behind the display filter's "tcp.port#2"), and
 * pinfo->layers lists the frame's protocols in order, so both questions are
 * answered without walking the tree.
 *
 * Why read the header bytes instead of TCP's header fields?  Every primed
 * field becomes a real tree item and an entry in the tree's
 * interesting-fields hash on every packet: the 14 header fields cost about
 * 10,500 instructions a packet, their look-ups 2,800 more.  tcp.stream
 * locates the header (TCP adds it with the header's offset and no length,
 * 4.0 to 4.6: field_info.ds_tvb and .start) and names its layer, so ports,
 * seq, ack, flags, window and options are read from the bytes, the way
 * packet-tcp.c (dissect_tcp, tcp_dissect_options) turns them into the
 * fields we used to read.  tcp.stream, tcp.len and tcp.checksum.status are
 * TCP's conclusions, not bytes: they stay fields.
 */
#include "tcplife_input.h"

#include <string.h>

#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>

#include "ws_compat.h"

/* The TCP fields we read: X(input, filter name). */
#define TCP_INPUTS(X)                                   \
    X(IN_STREAM, "tcp.stream")                          \
    X(IN_LEN, "tcp.len")                                \
    X(IN_CHECKSUM_STATUS, "tcp.checksum.status")

/* tcp.checksum.status says more than "unverified" only when TCP checks
 * checksums (its preference, off by default).  Priming a field costs
 * about 700 instructions a packet (a real item, an array in the
 * interesting-fields hash, its look-up and its freeing), so it is primed
 * only then; absent, the status is "unverified". */
static bool tcp_checks_checksums(void)
{
    module_t *tcp = prefs_find_module("tcp");
    pref_t *check = tcp ? prefs_find_preference(tcp, "check_checksum") : NULL;
    return check && prefs_get_bool_value(check, pref_current);
}

#define AS_ENUM(id, name) id,
#define AS_NAME(id, name) name,
enum { TCP_INPUTS(AS_ENUM) IN_COUNT };
static const char *const input_name[IN_COUNT] = { TCP_INPUTS(AS_NAME) };
static int input_hf[IN_COUNT];
static bool input_primed[IN_COUNT];     /* asked for: only those are looked up */

/* TCP adds tcp.stream only after reading the header up to the flags
 * (before 4.6, up to the window), and tcp.len only outside ICMP
 * errors and IP fragments, when the segment is at least as long as its
 * header.  The header fields we used to require (ports, seq, ack, flags)
 * came with these, flags and ack only for a data offset of at least 5
 * words: read_header() checks that. */
#define REQUIRED_INPUTS ((1u << IN_STREAM) | (1u << IN_LEN))

/* Header layout (RFC 9293). */
#define TCP_FLAGS_END 14            /* ports, seq, ack, data offset and flags */
#define TCP_MIN_HLEN 20
#define TCP_MAX_HLEN 60
#define TCP_FLAGS_MASK 0x0FFF       /* packet-tcp.h TH_MASK: tcp.flags' bitmask */

enum { OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3, OPT_SACK_PERM = 4,
       OPT_SACK = 5, OPT_TIMESTAMP = 8, OPT_TFO = 34 };
#define SACK_BLOCK_OPTLEN 10        /* kind, length and one 8-byte block */

/* The network layer's destination address; the source comes right before
 * it in both IPv4 and IPv6 headers.  Why the destination: Wireshark's
 * default colouring rules read ip.dst, so in the GUI, where colouring
 * forces every packet's tree, that item exists anyway and priming it
 * costs nothing more. */
enum { ADDR_IP_DST, ADDR_IPV6_DST, ADDR_COUNT };
static const char *const addr_name[ADDR_COUNT] = { "ip.dst", "ipv6.dst" };
static const int addr_len[ADDR_COUNT] = { 4, 16 };
static int addr_hf[ADDR_COUNT];

static int proto_tcp_id, proto_icmp_id, proto_icmpv6_id;

void tcplife_input_init(void)
{
    for (int i = 0; i < IN_COUNT; i++)
        input_hf[i] = proto_registrar_get_id_byname(input_name[i]);
    for (int i = 0; i < ADDR_COUNT; i++)
        addr_hf[i] = proto_registrar_get_id_byname(addr_name[i]);
    proto_tcp_id = proto_get_id_by_filter_name("tcp");
    proto_icmp_id = proto_get_id_by_filter_name("icmp");
    proto_icmpv6_id = proto_get_id_by_filter_name("icmpv6");
}

GArray *tcplife_input_wanted(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (unsigned)sizeof(int));
    bool checksums = tcp_checks_checksums();
    for (int i = 0; i < IN_COUNT; i++) {
        input_primed[i] = input_hf[i] > 0 && (i != IN_CHECKSUM_STATUS || checksums);
        if (input_primed[i])
            g_array_append_val(wanted, input_hf[i]);
    }
    for (int i = 0; i < ADDR_COUNT; i++)
        if (addr_hf[i] > 0)
            g_array_append_val(wanted, addr_hf[i]);
    return wanted;
}

static void store_input(tcplife_layer_facts *l, const field_info **header, int in,
                        const field_info *fi)
{
    switch (in) {
    case IN_STREAM:
        l->stream = tcplife_fi_uint(fi);
        *header = fi;
        l->total_layer = fi->total_layer_num;
        break;
    case IN_LEN:             l->len = tcplife_fi_uint(fi); break;
    case IN_CHECKSUM_STATUS: l->checksum_status = (uint8_t)tcplife_fi_uint(fi); break;
    default:                 return;
    }
    l->present |= 1u << in;
}

/* header[i] gets layer i + 1's tcp.stream item. */
static void gather_tcp_fields(proto_tree *tree, tcplife_layer_facts *out,
                              const field_info **header)
{
    for (int in = 0; in < IN_COUNT; in++) {
        GPtrArray *fis = input_primed[in] ? proto_get_finfo_ptr_array(tree, input_hf[in]) : NULL;
        for (unsigned i = 0; fis && i < fis->len; i++) {
            const field_info *fi = (const field_info *)g_ptr_array_index(fis, i);
            int layer = fi->proto_layer_num;
            /* The first occurrence in a layer is the header's own field. */
            if (layer < 1 || layer > TCPLIFE_MAX_LAYERS || (out[layer - 1].present & (1u << in)))
                continue;
            store_input(&out[layer - 1], &header[layer - 1], in, fi);
        }
    }
}

/* The captured bytes of one TCP header, read once (tvb_get_ptr) instead of
 * through a bounds-checked tvb call per field: the header is at most 60
 * bytes, and "captured" is exactly what a tvb read would not throw on. */
typedef struct header_bytes {
    const uint8_t *p;
    unsigned captured;      /* bytes of p that exist, at most TCP_MAX_HLEN */
} header_bytes;

static bool has(const header_bytes *h, unsigned off, unsigned n)
{
    return off + n <= h->captured;
}

static unsigned get16(const header_bytes *h, unsigned off)
{
    return (unsigned)h->p[off] << 8 | h->p[off + 1];
}

static uint32_t get32(const header_bytes *h, unsigned off)
{
    return (uint32_t)get16(h, off) << 16 | get16(h, off + 2);
}

/* One option, as TCP's option dissectors add the fields we used to read
 * (dissect_tcpopt_mss, _wscale, _sack_perm, _timestamp, _tfo): a value field
 * only for the one right length, and only if its bytes were captured (else
 * the read throws); the SACK-permitted and Fast Open items for any length.
 * The shift count is the raw byte: Wireshark clamps it to 14 only for its
 * own window arithmetic.  Experimental options (kind 253/254, ExID 0xF989)
 * carry Fast Open too, but add only tcp.options.tfo.request/.cookie, never
 * tcp.options.tfo, so they do not count.  The first MSS and window scale
 * option win, like the first field did; *seen remembers them. */
static void read_option(tcplife_layer_facts *l, unsigned *seen, const header_bytes *h,
                        unsigned off, unsigned kind, unsigned len)
{
    switch (kind) {
    case OPT_MSS:
        if (len == 4 && !(*seen & (1u << OPT_MSS)) && has(h, off + 2, 2)) {
            l->opts.mss = (uint16_t)get16(h, off + 2);
            *seen |= 1u << OPT_MSS;
        }
        break;
    case OPT_WSCALE:
        if (len == 3 && !(*seen & (1u << OPT_WSCALE)) && has(h, off + 2, 1)) {
            l->opts.wscale = h->p[off + 2];
            *seen |= 1u << OPT_WSCALE;
        }
        break;
    case OPT_SACK_PERM:
        l->opts.sack_perm = true;
        break;
    case OPT_TIMESTAMP:
        if (len == 10 && has(h, off + 2, 4))
            l->opts.timestamps = true;
        break;
    case OPT_TFO:
        l->opts.tfo = true;
        break;
    default:
        break;
    }
}

/* TCP's SACK dissector reads the option's first block for a D-SACK check
 * (RFC 2883) whenever the right edge of the header's first SACK block (0
 * while there is none) is at or before the segment's ack number: in an
 * option too short for a block the read throws and ends TCP's walk.  That
 * ack number is the raw one without the ACK flag; with it, it is relative
 * to the peer's ISN, which we take to be at most 2^31 (it is 1 in a
 * SYN-ACK, and only handshake options matter to us). */
static bool sack_throws(unsigned len, uint16_t flags, uint32_t ack)
{
    return len < SACK_BLOCK_OPTLEN && ((flags & TL_ACK) || ack <= 0x80000000u);
}

/* tcp_dissect_options' walk over the option bytes [off, end).  EOL ends it
 * (after it TCP accepts only more EOLs), NOP is one byte, any other option
 * has a length byte that counts the kind and itself; a length below 2 or
 * past the options ends the walk.  Reading a byte that was not captured
 * throws, which ends TCP's dissection: we stop there too, and where a short
 * SACK option throws.  Not followed: the MPTCP and SCPS dissectors also
 * throw on some malformed options, depending on subtype-specific lengths or
 * on TCP's conversation state; we read on past them. */
static void read_options(tcplife_layer_facts *l, const header_bytes *h, unsigned off,
                         unsigned end)
{
    unsigned seen = 0;

    while (off < end && has(h, off, 1)) {
        unsigned kind = h->p[off];
        if (kind == OPT_EOL)
            return;
        if (kind == OPT_NOP) {
            off++;
            continue;
        }
        if (end - off < 2 || !has(h, off + 1, 1))
            return;
        unsigned len = h->p[off + 1];
        if (len < 2 || len > end - off)
            return;
        if (kind == OPT_SACK && sack_throws(len, l->flags, l->ack))
            return;
        read_option(l, &seen, h, off, kind, len);
        off += len;
    }
}

/* The fixed header and the options of the TCP layer whose tcp.stream item
 * is fi.  False when TCP gave up on it: a data offset below 5 words (a bogus
 * header length, after which TCP adds neither flags nor ack).  In 4.6 the
 * window may be cut off (its field was then missing: 0).  The options need
 * the checksum and urgent pointer captured first (TCP reads them before),
 * which read_options' first byte check implies. */
static bool read_header(tcplife_layer_facts *l, const field_info *fi)
{
    tvbuff_t *tvb = fi ? fi->ds_tvb : NULL;
    int off = fi ? fi->start : -1;

    if (!tvb || off < 0 || !tvb_bytes_exist(tvb, off, TCP_FLAGS_END))
        return false;
    int captured = tvb_captured_length_remaining(tvb, off);
    header_bytes h = { .captured = captured < TCP_MAX_HLEN ? (unsigned)captured : TCP_MAX_HLEN };
    h.p = tvb_get_ptr(tvb, off, (int)h.captured);
    unsigned offset_flags = get16(&h, 12);
    unsigned hlen = (offset_flags >> 12) * 4;
    if (hlen < TCP_MIN_HLEN)
        return false;
    l->srcport = (uint16_t)get16(&h, 0);
    l->dstport = (uint16_t)get16(&h, 2);
    l->seq = get32(&h, 4);
    l->ack = get32(&h, 8);
    l->flags = (uint16_t)(offset_flags & TCP_FLAGS_MASK);
    if (has(&h, TCP_FLAGS_END, 2))
        l->window = (uint16_t)get16(&h, TCP_FLAGS_END);
    read_options(l, &h, TCP_MIN_HLEN, hlen);
    l->tvb = tvb;
    l->options_offset = off + TCP_MIN_HLEN;
    l->options_len = hlen - TCP_MIN_HLEN;
    return true;
}

/* The addresses of the IP header that carries a TCP layer: the innermost
 * one before it (the highest protocol layer number below the TCP layer's).
 * Not by pinfo->layers: some versions do not list IP over MPLS there.  Raw
 * bytes read the same in every Wireshark version, unlike address fvalues.
 * dst[a] holds the frame's ip.dst / ipv6.dst items (NULL: none). */
static void gather_addresses(GPtrArray *const dst[ADDR_COUNT], tcplife_layer_facts *l)
{
    const field_info *best = NULL;
    int len = 0;

    for (int a = 0; a < ADDR_COUNT; a++) {
        for (unsigned i = 0; dst[a] && i < dst[a]->len; i++) {
            const field_info *fi = (const field_info *)g_ptr_array_index(dst[a], i);
            if (fi->total_layer_num < l->total_layer && fi->length == addr_len[a] &&
                (!best || fi->total_layer_num >= best->total_layer_num)) {
                best = fi;
                len = addr_len[a];
            }
        }
    }
    if (!best || !best->ds_tvb || best->start < len ||
        !tvb_bytes_exist(best->ds_tvb, best->start - len, 2 * len))
        return;
    tvb_memcpy(best->ds_tvb, l->src, best->start - len, (size_t)len);
    tvb_memcpy(best->ds_tvb, l->dst, best->start, (size_t)len);
    l->addr_len = (uint8_t)len;
}

/* A look-up in the tree's interesting-fields hash costs ~200 instructions:
 * once per frame, not per TCP layer.  Not skipped for an IP version absent
 * from pinfo->layers, which misses IP over MPLS in some versions. */
static void address_items(proto_tree *tree, bool *looked_up, GPtrArray *dst[ADDR_COUNT])
{
    for (int a = 0; a < ADDR_COUNT && !*looked_up; a++)
        dst[a] = addr_hf[a] > 0 ? proto_get_finfo_ptr_array(tree, addr_hf[a]) : NULL;
    *looked_up = true;
}

/* Walks the frame's protocol list: a TCP layer after an ICMP or ICMPv6
 * layer is the header an error message quotes, part of no stream. */
static int walk_layers(packet_info *pinfo, proto_tree *tree, tcplife_layer_facts *out,
                       const field_info **header)
{
    int tcp_n = 0;
    bool in_icmp = false;
    bool looked_up = false;
    GPtrArray *dst[ADDR_COUNT] = { NULL };

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp_id || id == proto_icmpv6_id) {
            in_icmp = true;
        } else if (id == proto_tcp_id && ++tcp_n <= TCPLIFE_MAX_LAYERS) {
            tcplife_layer_facts *l = &out[tcp_n - 1];
            l->usable = !in_icmp && (l->present & REQUIRED_INPUTS) == REQUIRED_INPUTS &&
                        read_header(l, header[tcp_n - 1]);
            if (l->usable) {
                address_items(tree, &looked_up, dst);
                gather_addresses(dst, l);
            }
        }
    }
    return tcp_n < TCPLIFE_MAX_LAYERS ? tcp_n : TCPLIFE_MAX_LAYERS;
}

int tcplife_input_gather(packet_info *pinfo, proto_tree *tree,
                         tcplife_layer_facts out[TCPLIFE_MAX_LAYERS])
{
    const field_info *header[TCPLIFE_MAX_LAYERS] = { NULL };

    if (!tree || !pinfo->layers)
        return 0;
    memset(out, 0, sizeof(tcplife_layer_facts) * TCPLIFE_MAX_LAYERS);
    for (int i = 0; i < TCPLIFE_MAX_LAYERS; i++) {
        out[i].opts.wscale = TL_WSCALE_ABSENT;
        out[i].checksum_status = PROTO_CHECKSUM_E_UNVERIFIED;
    }
    gather_tcp_fields(tree, out, header);
    if (out[0].present == 0)
        return 0;       /* no TCP in this frame: the common fast exit */
    return walk_layers(pinfo, tree, out, header);
}

/* pcapng times reach far beyond what int64 nanoseconds hold.  Clamping to
 * +-INT64_MAX / 2 ns keeps every time and every difference of two times
 * (RTTs, durations) representable. */
int64_t tcplife_time_ns(const nstime_t *t)
{
    const int64_t limit_secs = INT64_MAX / 2 / 1000000000;
    int64_t secs = (int64_t)t->secs;
    if (secs > limit_secs)
        secs = limit_secs;
    else if (secs < -limit_secs)
        secs = -limit_secs;
    return secs * 1000000000 + t->nsecs;
}
