/* tcplife_input.c - one TCP header's facts per TCP layer, from primed fields.
 *
 * Why not pinfo->src/dst and a single tcp.stream?  A frame may carry several
 * TCP layers (tunnels) and an ICMP error quotes a TCP header that belongs to
 * no stream.  Each field_info knows which layer of its protocol it came from
 * (proto_layer_num, the number behind the display filter's "tcp.port#2"), and
 * pinfo->layers lists the frame's protocols in order, so both questions are
 * answered without walking the tree.
 */
#include "tcplife_input.h"

#include <string.h>

#include <epan/proto.h>
#include <epan/tvbuff.h>

#include "ws_compat.h"

/* The TCP fields we read: X(input, filter name). */
#define TCP_INPUTS(X)                                   \
    X(IN_STREAM, "tcp.stream")                          \
    X(IN_SRCPORT, "tcp.srcport")                        \
    X(IN_DSTPORT, "tcp.dstport")                        \
    X(IN_FLAGS, "tcp.flags")                            \
    X(IN_SEQ, "tcp.seq_raw")                            \
    X(IN_ACK, "tcp.ack_raw")                            \
    X(IN_LEN, "tcp.len")                                \
    X(IN_WINDOW, "tcp.window_size_value")               \
    X(IN_CHECKSUM_STATUS, "tcp.checksum.status")        \
    X(IN_MSS, "tcp.options.mss_val")                    \
    X(IN_WSCALE, "tcp.options.wscale.shift")            \
    X(IN_SACK_PERM, "tcp.options.sack_perm")            \
    X(IN_TSVAL, "tcp.options.timestamp.tsval")          \
    X(IN_TFO, "tcp.options.tfo")

#define AS_ENUM(id, name) id,
#define AS_NAME(id, name) name,
enum { TCP_INPUTS(AS_ENUM) IN_COUNT };
static const char *const input_name[IN_COUNT] = { TCP_INPUTS(AS_NAME) };
static int input_hf[IN_COUNT];

/* Without these a header cannot be classified (truncated or bogus header). */
#define REQUIRED_INPUTS                                                  \
    ((1u << IN_STREAM) | (1u << IN_SRCPORT) | (1u << IN_DSTPORT) |       \
     (1u << IN_FLAGS) | (1u << IN_SEQ) | (1u << IN_ACK) | (1u << IN_LEN))

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

static void store_input(tcplife_layer_facts *l, int in, const field_info *fi)
{
    switch (in) {
    case IN_STREAM:          l->stream = tcplife_fi_uint(fi); break;
    case IN_SRCPORT:         l->srcport = (uint16_t)tcplife_fi_uint(fi); break;
    case IN_DSTPORT:         l->dstport = (uint16_t)tcplife_fi_uint(fi); break;
    case IN_FLAGS:           l->flags = (uint16_t)tcplife_fi_uint(fi); break;
    case IN_SEQ:             l->seq = tcplife_fi_uint(fi); break;
    case IN_ACK:             l->ack = tcplife_fi_uint(fi); break;
    case IN_LEN:             l->len = tcplife_fi_uint(fi); break;
    case IN_WINDOW:          l->window = (uint16_t)tcplife_fi_uint(fi); break;
    case IN_CHECKSUM_STATUS: l->checksum_status = (uint8_t)tcplife_fi_uint(fi); break;
    case IN_MSS:             l->mss = (uint16_t)tcplife_fi_uint(fi); break;
    case IN_WSCALE:          l->wscale = (uint8_t)tcplife_fi_uint(fi); break;
    case IN_SACK_PERM:       l->sack_perm = true; break;
    case IN_TSVAL:           l->timestamps = true; break;
    case IN_TFO:             l->tfo = true; break;
    default:                 return;
    }
    l->present |= 1u << in;
}

static void gather_tcp_fields(proto_tree *tree, tcplife_layer_facts *out)
{
    for (int in = 0; in < IN_COUNT; in++) {
        GPtrArray *fis = input_hf[in] > 0 ? proto_get_finfo_ptr_array(tree, input_hf[in]) : NULL;
        for (unsigned i = 0; fis && i < fis->len; i++) {
            const field_info *fi = (const field_info *)g_ptr_array_index(fis, i);
            int layer = fi->proto_layer_num;
            /* The first occurrence in a layer is the header's own field. */
            if (layer < 1 || layer > TCPLIFE_MAX_LAYERS || (out[layer - 1].present & (1u << in)))
                continue;
            store_input(&out[layer - 1], in, fi);
            if (in == IN_SRCPORT)
                out[layer - 1].total_layer = fi->total_layer_num;
        }
    }
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
static int walk_layers(packet_info *pinfo, proto_tree *tree, tcplife_layer_facts *out)
{
    int tcp_n = 0;
    bool in_icmp = false;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp_id || id == proto_icmpv6_id) {
            in_icmp = true;
        } else if (id == proto_tcp_id && ++tcp_n <= TCPLIFE_MAX_LAYERS) {
            tcplife_layer_facts *l = &out[tcp_n - 1];
            l->usable = !in_icmp && (l->present & REQUIRED_INPUTS) == REQUIRED_INPUTS;
            if (l->usable)
                gather_addresses(tree, l);
        }
    }
    return tcp_n < TCPLIFE_MAX_LAYERS ? tcp_n : TCPLIFE_MAX_LAYERS;
}

int tcplife_input_gather(packet_info *pinfo, proto_tree *tree,
                         tcplife_layer_facts out[TCPLIFE_MAX_LAYERS])
{
    if (!tree || !pinfo->layers)
        return 0;
    memset(out, 0, sizeof(tcplife_layer_facts) * TCPLIFE_MAX_LAYERS);
    for (int i = 0; i < TCPLIFE_MAX_LAYERS; i++)
        out[i].wscale = TCPLIFE_NO_WSCALE;
    gather_tcp_fields(tree, out);
    if (out[0].present == 0)
        return 0;       /* no TCP in this frame: the common fast exit */
    return walk_layers(pinfo, tree, out);
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
