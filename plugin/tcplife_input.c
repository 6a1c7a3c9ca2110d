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
 * 10,500 instructions a packet, their look-ups 2,800 more.  The tcp protocol
 * item alone locates the header (field_info.ds_tvb and .start) and names its
 * layer, so ports, seq, ack, flags, window and options are read from the
 * bytes, the way packet-tcp.c (dissect_tcp, tcp_dissect_options, 4.0 to 4.6)
 * turns them into the fields we used to read.  tcp.stream, tcp.len and
 * tcp.checksum.status are TCP's conclusions, not bytes: they stay fields.
 */
#include "tcplife_input.h"

#include <string.h>

#include <epan/proto.h>
#include <epan/tvbuff.h>

#include "ws_compat.h"

/* The TCP fields we read: X(input, filter name).  "tcp" is the protocol
 * item, which has an hf id like any field. */
#define TCP_INPUTS(X)                                   \
    X(IN_TCP, "tcp")                                    \
    X(IN_STREAM, "tcp.stream")                          \
    X(IN_LEN, "tcp.len")                                \
    X(IN_CHECKSUM_STATUS, "tcp.checksum.status")

#define AS_ENUM(id, name) id,
#define AS_NAME(id, name) name,
enum { TCP_INPUTS(AS_ENUM) IN_COUNT };
static const char *const input_name[IN_COUNT] = { TCP_INPUTS(AS_NAME) };
static int input_hf[IN_COUNT];

/* TCP adds tcp.stream only after reading the header up to the flags
 * (before 4.6, up to the window), and tcp.len only outside ICMP
 * errors and IP fragments, when the segment is at least as long as its
 * header.  The header fields we used to require (ports, seq, ack, flags)
 * came with these, flags and ack only for a data offset of at least 5
 * words: read_header() checks that. */
#define REQUIRED_INPUTS ((1u << IN_TCP) | (1u << IN_STREAM) | (1u << IN_LEN))

/* Header layout (RFC 9293). */
#define TCP_FLAGS_END 14            /* ports, seq, ack, data offset and flags */
#define TCP_MIN_HLEN 20
#define TCP_FLAGS_MASK 0x0FFF       /* packet-tcp.h TH_MASK: tcp.flags' bitmask */

enum { OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3, OPT_SACK_PERM = 4,
       OPT_SACK = 5, OPT_TIMESTAMP = 8, OPT_TFO = 34 };
#define SACK_BLOCK_OPTLEN 10        /* kind, length and one 8-byte block */

/* The network layer's source address; the destination follows it in both
 * IPv4 and IPv6 headers. */
enum { ADDR_IP_SRC, ADDR_IPV6_SRC, ADDR_COUNT };
static const char *const addr_name[ADDR_COUNT] = { "ip.src", "ipv6.src" };
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
    for (int i = 0; i < IN_COUNT; i++)
        if (input_hf[i] > 0)
            g_array_append_val(wanted, input_hf[i]);
    for (int i = 0; i < ADDR_COUNT; i++)
        if (addr_hf[i] > 0)
            g_array_append_val(wanted, addr_hf[i]);
    return wanted;
}

static void store_input(tcplife_layer_facts *l, const field_info **header, int in,
                        const field_info *fi)
{
    switch (in) {
    case IN_TCP:
        *header = fi;
        l->total_layer = fi->total_layer_num;
        break;
    case IN_STREAM:          l->stream = tcplife_fi_uint(fi); break;
    case IN_LEN:             l->len = tcplife_fi_uint(fi); break;
    case IN_CHECKSUM_STATUS: l->checksum_status = (uint8_t)tcplife_fi_uint(fi); break;
    default:                 return;
    }
    l->present |= 1u << in;
}

/* header[i] gets layer i + 1's tcp protocol item. */
static void gather_tcp_fields(proto_tree *tree, tcplife_layer_facts *out,
                              const field_info **header)
{
    for (int in = 0; in < IN_COUNT; in++) {
        GPtrArray *fis = input_hf[in] > 0 ? proto_get_finfo_ptr_array(tree, input_hf[in]) : NULL;
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

/* One option, as TCP's option dissectors add the fields we used to read
 * (dissect_tcpopt_mss, _wscale, _sack_perm, _timestamp, _tfo): a value field
 * only for the one right length, and only if its bytes were captured (else
 * the read throws); the SACK-permitted and Fast Open items for any length.
 * The shift count is the raw byte: Wireshark clamps it to 14 only for its
 * own window arithmetic.  Experimental options (kind 253/254, ExID 0xF989)
 * carry Fast Open too, but add only tcp.options.tfo.request/.cookie, never
 * tcp.options.tfo, so they do not count.  The first MSS and window scale
 * option win, like the first field did; *seen remembers them. */
static void read_option(tcplife_layer_facts *l, unsigned *seen, tvbuff_t *tvb, int off,
                        unsigned kind, unsigned len)
{
    switch (kind) {
    case OPT_MSS:
        if (len == 4 && !(*seen & (1u << OPT_MSS)) && tvb_bytes_exist(tvb, off + 2, 2)) {
            l->opts.mss = tvb_get_ntohs(tvb, off + 2);
            *seen |= 1u << OPT_MSS;
        }
        break;
    case OPT_WSCALE:
        if (len == 3 && !(*seen & (1u << OPT_WSCALE)) && tvb_bytes_exist(tvb, off + 2, 1)) {
            l->opts.wscale = tcplife_tvb_get_u8(tvb, off + 2);
            *seen |= 1u << OPT_WSCALE;
        }
        break;
    case OPT_SACK_PERM:
        l->opts.sack_perm = true;
        break;
    case OPT_TIMESTAMP:
        if (len == 10 && tvb_bytes_exist(tvb, off + 2, 4))
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

/* tcp_dissect_options' walk over the hlen - 20 option bytes.  EOL ends it
 * (after it TCP accepts only more EOLs), NOP is one byte, any other option
 * has a length byte that counts the kind and itself; a length below 2 or
 * past the options ends the walk.  Reading a byte that was not captured
 * throws, which ends TCP's dissection: we stop there too, and where a short
 * SACK option throws.  Not followed: the MPTCP and SCPS dissectors also
 * throw on some malformed options, depending on subtype-specific lengths or
 * on TCP's conversation state; we read on past them. */
static void read_options(tcplife_layer_facts *l, tvbuff_t *tvb, int off, unsigned left)
{
    unsigned seen = 0;

    while (left > 0 && tvb_bytes_exist(tvb, off, 1)) {
        unsigned kind = tcplife_tvb_get_u8(tvb, off);
        if (kind == OPT_EOL)
            return;
        if (kind == OPT_NOP) {
            off++;
            left--;
            continue;
        }
        if (left < 2 || !tvb_bytes_exist(tvb, off + 1, 1))
            return;
        unsigned len = tcplife_tvb_get_u8(tvb, off + 1);
        if (len < 2 || len > left)
            return;
        if (kind == OPT_SACK && sack_throws(len, l->flags, l->ack))
            return;
        read_option(l, &seen, tvb, off, kind, len);
        off += (int)len;
        left -= len;
    }
}

/* The fixed header and the options of the TCP layer whose protocol item is
 * fi.  False when TCP gave up on it: a data offset below 5 words (a bogus
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
    unsigned offset_flags = tvb_get_ntohs(tvb, off + 12);
    unsigned hlen = (offset_flags >> 12) * 4;
    if (hlen < TCP_MIN_HLEN)
        return false;
    l->srcport = tvb_get_ntohs(tvb, off);
    l->dstport = tvb_get_ntohs(tvb, off + 2);
    l->seq = tvb_get_ntohl(tvb, off + 4);
    l->ack = tvb_get_ntohl(tvb, off + 8);
    l->flags = (uint16_t)(offset_flags & TCP_FLAGS_MASK);
    if (tvb_bytes_exist(tvb, off + TCP_FLAGS_END, 2))
        l->window = tvb_get_ntohs(tvb, off + TCP_FLAGS_END);
    read_options(l, tvb, off + TCP_MIN_HLEN, hlen - TCP_MIN_HLEN);
    l->tvb = tvb;
    l->options_offset = off + TCP_MIN_HLEN;
    l->options_len = hlen - TCP_MIN_HLEN;
    return true;
}

/* The addresses of the IP header that carries a TCP layer: the innermost
 * one before it (the highest protocol layer number below the TCP layer's).
 * Not by pinfo->layers: some versions do not list IP over MPLS there.  Raw
 * bytes read the same in every Wireshark version, unlike address fvalues. */
static void gather_addresses(proto_tree *tree, tcplife_layer_facts *l)
{
    const field_info *best = NULL;
    int len = 0;

    for (int a = 0; a < ADDR_COUNT; a++) {
        GPtrArray *fis = addr_hf[a] > 0 ? proto_get_finfo_ptr_array(tree, addr_hf[a]) : NULL;
        for (unsigned i = 0; fis && i < fis->len; i++) {
            const field_info *fi = (const field_info *)g_ptr_array_index(fis, i);
            if (fi->total_layer_num < l->total_layer && fi->length == addr_len[a] &&
                (!best || fi->total_layer_num >= best->total_layer_num)) {
                best = fi;
                len = addr_len[a];
            }
        }
    }
    if (!best || !best->ds_tvb || !tvb_bytes_exist(best->ds_tvb, best->start, 2 * len))
        return;
    tvb_memcpy(best->ds_tvb, l->src, best->start, (size_t)len);
    tvb_memcpy(best->ds_tvb, l->dst, best->start + len, (size_t)len);
    l->addr_len = (uint8_t)len;
}

/* Walks the frame's protocol list: a TCP layer after an ICMP or ICMPv6
 * layer is the header an error message quotes, part of no stream. */
static int walk_layers(packet_info *pinfo, proto_tree *tree, tcplife_layer_facts *out,
                       const field_info **header)
{
    int tcp_n = 0;
    bool in_icmp = false;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp_id || id == proto_icmpv6_id) {
            in_icmp = true;
        } else if (id == proto_tcp_id && ++tcp_n <= TCPLIFE_MAX_LAYERS) {
            tcplife_layer_facts *l = &out[tcp_n - 1];
            l->usable = !in_icmp && (l->present & REQUIRED_INPUTS) == REQUIRED_INPUTS &&
                        read_header(l, header[tcp_n - 1]);
            if (l->usable)
                gather_addresses(tree, l);
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
    for (int i = 0; i < TCPLIFE_MAX_LAYERS; i++)
        out[i].opts.wscale = TL_WSCALE_ABSENT;
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
