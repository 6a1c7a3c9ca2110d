/* tcplife_text_zh.c - every sentence tcplife writes, in Simplified Chinese.
 * The wording follows the seed article (../shared/seed/, "三次握手四次挥手之
 * 抓包讲解"): each sentence of the seed's walkthrough carries what the article
 * says of that line.  Templates: see tcplife_text.h. */
#include "tcplife_text.h"

const char *const tl_text_zh[TL_N_MSGS] = {
    [TL_W_CLIENT] = "客户端",
    [TL_W_SERVER] = "服务端",
    [TL_W_SENTENCE_SEP] = "",
    [TL_W_SEP] = "；",
    [TL_W_LIST_SEP] = "、",
    [TL_W_NO_OPTIONS] = "无选项",
    [TL_W_SACK] = "SACK",
    [TL_W_TIMESTAMPS] = "时间戳",
    [TL_W_MSS] = "MSS {n}",
    [TL_W_WSCALE] = "窗口扩大因子 {n}",
    [TL_W_TFO] = "Fast Open",
    [TL_W_HANDSHAKE] = "握手",
    [TL_W_TRANSFER] = "数据传输",
    [TL_W_TEARDOWN] = "挥手",
    [TL_W_RESET] = "重置",
    [TL_W_START] = "第一个包",
    [TL_W_HS_THREE_WAY] = "三次握手",
    [TL_W_HS_SIMULTANEOUS] = "同时打开",
    [TL_W_HS_INCOMPLETE] = "未完成",
    [TL_W_HS_NOT_SEEN] = "未抓到",
    [TL_W_TD_FOUR_WAY] = "四次挥手",
    [TL_W_TD_THREE_WAY] = "三次挥手",
    [TL_W_TD_SIMULTANEOUS] = "同时关闭",
    [TL_W_TD_HALF_CLOSED] = "半关闭",
    [TL_W_TD_RESET] = "重置",
    [TL_W_RK_REFUSED] = "拒绝连接",
    [TL_W_RK_ABORT] = "中止",
    [TL_W_RK_AFTER_CLOSE] = "关闭之后",

    [TL_P_MIDSTREAM] = "抓包开始时连接已经建立：tcplife 按端口推断角色（端口小的一方是服务端）。",
    [TL_P_SYN] = "{who}发送 SYN（初始序列号 ISN {isn}），发起建立连接请求；提供选项：{opts}。"
                 "第一次握手。",
    [TL_P_SYN_SIMULTANEOUS] = "{who}在{peer}的 SYN 尚未得到应答时也发送了自己的 SYN（ISN {isn}）："
                              "双方同时打开连接；提供选项：{opts}。",
    [TL_P_SYN_REXMIT] = "{who}再次发送 SYN（ISN {isn}）：没有及时收到应答，于是重传。",
    [TL_P_SYNACK] = "{who}回复 SYN+ACK：确认{peer}的 SYN（ack {ack_raw} = ISN {peer_isn} + 1），"
                    "并发送自己的初始序列号 ISN {isn}；提供选项：{opts}。第二次握手：此时能确定"
                    "{peer}的输出能力和{who}的输入接收能力。",
    [TL_P_SYNACK_REXMIT] = "{who}再次发送 SYN+ACK（ISN {isn}，ack {ack_raw}）：上一个没有及时得到确认。",
    [TL_P_HS_ACK] = "{who}发送 ACK，确认{peer}的 SYN+ACK（ack {ack_raw} = ISN {peer_isn} + 1）："
                    "连接建立，距 SYN {rtt} ms。第三次握手：此时能确定{peer}的输出能力和{who}的"
                    "输入接收能力。",
    [TL_P_HS_ACK_NO_RTT] = "{who}发送 ACK，确认{peer}的 SYN+ACK（ack {ack_raw} = ISN {peer_isn} + 1）："
                           "连接建立。第三次握手。",
    [TL_P_HS_ACK_REXMIT] = "{who}再次确认{peer}的 SYN+ACK（ack {ack_raw}）。",
    [TL_P_SYN_DATA] = "它已经携带了 {len} 字节数据（TCP Fast Open）。",

    [TL_P_DATA] = "{who}发送 {len} 字节数据，即本方向的第 {from}–{to} 字节。",
    [TL_P_DATA_REPLY] = "{who}发送 {len} 字节数据，即本方向的第 {from}–{to} 字节：返回响应数据。",
    [TL_P_DATA_MORE] = "{who}又发送了 {len} 字节数据，即本方向的第 {from}–{to} 字节："
                       "数据量大时拆分成小的数据包进行传输。",
    [TL_P_DATA_REXMIT] = "{who}再次发送第 {from}–{to} 字节（{len} 字节）：重传，上一份丢失或确认来得太晚。",
    [TL_P_DATA_PARTIAL] = "{who}发送 {len} 字节，即第 {from}–{to} 字节，其中一部分之前已经发送过：部分重传。",
    [TL_P_DATA_GAP] = "{who}发送 {len} 字节，即第 {from}–{to} 字节；第 {from} 字节之前的数据不在抓包中。",
    [TL_P_PSH] = "PSH：推送数据，请{peer}立即交给应用程序。",
    [TL_P_KEEPALIVE] = "{who}发送保活探测（keep-alive）：seq {seq} 比下一个要发送的字节小 1，"
                       "{peer}若仍在线就会回复 ACK。",
    [TL_P_ACK_FRAMES1] = "{who}发送 ACK，确认收到了第 {last} 字节及之前的所有数据（ack {ack}），"
                         "即第 {first_frame} 帧的数据。",
    [TL_P_ACK_FRAMES] = "{who}发送 ACK，确认收到了第 {last} 字节及之前的所有数据（ack {ack}），"
                        "即第 {first_frame} 到 {last_frame} 帧的数据。",
    [TL_P_ACK_BYTES] = "{who}发送 ACK，确认收到了第 {last} 字节及之前的所有数据（ack {ack}）。",
    [TL_P_ALSO_ACK_FRAMES1] = "同时确认收到了第 {last} 字节及之前的数据（ack {ack}），"
                              "即第 {first_frame} 帧的数据。",
    [TL_P_ALSO_ACK_FRAMES] = "同时确认收到了第 {last} 字节及之前的数据（ack {ack}），"
                             "即第 {first_frame} 到 {last_frame} 帧的数据。",
    [TL_P_ALSO_ACK_BYTES] = "同时确认收到了第 {last} 字节及之前的数据（ack {ack}）。",
    [TL_P_ACK_SAME] = "{who}发送 ACK（ack {ack}），没有新的数据需要确认。",
    [TL_P_DUP_ACK] = "{who}重复发送 ack {ack}：重复确认，它仍在等待第 {ack} 字节；可能有数据包丢失或乱序。",
    [TL_P_WINDOW_UPDATE] = "{who}把接收窗口更新为 {win}（ack {ack} 不变）：可以接收更多数据了。",
    [TL_P_ZERO_WINDOW] = "它的窗口为 0：接收缓冲区已满，{peer}必须等待。",
    [TL_P_BARE] = "{who}发送了一个不携带数据、也不确认任何数据的报文段（标志 {flags}）。",
    [TL_P_HALF_OPEN] = "{peer}已经关闭了它的方向；这个方向仍然打开（半关闭）。",
    [TL_P_CHALLENGE_ACK] = "它用挑战 ACK（challenge ACK，RFC 5961）回应前面的 RST："
                           "那个 RST 在窗口内但序号不精确。",
    [TL_P_DATA_AFTER_FIN] = "这些数据在{who}自己的 FIN 之后：FIN 表示它不再发送数据。",

    [TL_P_FIN1] = "{who}发送 FIN（{flags}，seq {seq}），发起断开请求：它没有数据要发送了，"
                  "{peer}仍可发送。第一次挥手。",
    [TL_P_FIN3] = "{who}也发送 FIN（{flags}，seq {seq}），{who}也同意断开：它也没有数据要发送了。"
                  "第三次挥手。",
    [TL_P_FIN_SIMULTANEOUS] = "{who}在确认{peer}的 FIN 之前发送了自己的 FIN（{flags}，seq {seq}）："
                              "双方同时关闭。",
    [TL_P_FIN_REXMIT] = "{who}再次发送 FIN（seq {seq}）：没有及时得到确认。",
    [TL_P_FIN_DATA] = "FIN 同时携带最后 {len} 字节数据，即第 {from}–{to} 字节。",
    [TL_P_ACK_FIN1] = "{who}确认收到了{peer}的 FIN（第 {first_frame} 帧，ack {ack}）："
                      "{peer}到{who}的方向已关闭。第二次挥手。",
    [TL_P_ACK_FIN3] = "{who}收到了{peer}的 FIN（第 {first_frame} 帧）后，通知{peer}已收到（ack {ack}）："
                      "双方向都已关闭，本次为{kind}，历时 {dur} ms。第四次挥手。",
    [TL_P_ACK_FIN_LAST] = "{who}确认收到了{peer}的 FIN（第 {first_frame} 帧，ack {ack}）："
                          "双方向都已关闭，本次为{kind}，历时 {dur} ms。",
    [TL_P_ACK_FIN_ONE_WAY] = "{who}确认收到了{peer}的 FIN（第 {first_frame} 帧，ack {ack}）："
                             "{peer}到{who}的方向已关闭；{who}自己的 FIN 还在等待确认。",
    [TL_P_SYNACK_DATA] = "{who}回复 SYN+ACK：确认{peer}的 SYN 及其携带的 {n} 字节数据"
                         "（ack {ack_raw} = ISN {peer_isn} + 1 + {n}），并发送自己的初始序列号 "
                         "ISN {isn}；提供选项：{opts}。第二次握手。",
    [TL_P_ACK_AND_FIN] = "{who}确认{peer}的 FIN（第 {first_frame} 帧，ack {ack}），并在同一个包里发送"
                         "自己的 FIN（{flags}，seq {seq}）：第二次和第三次挥手合在一起。",
    [TL_P_AFTER_CLOSE] = "连接此前已经关闭：这个包不再改变什么。",

    [TL_P_RST_REFUSED] = "{who}用 RST 回应 SYN：该端口上没有程序接受连接，连接被拒绝。",
    [TL_P_RST_ABORT] = "{who}在{phase}阶段用 RST 中止连接：它放弃了，双方都不再发送。",
    [TL_P_RST_AFTER_CLOSE] = "{who}在连接关闭之后发送 RST：已没有可重置的连接。",
    [TL_P_RST_CHALLENGED] = "{who}发送的 RST 在{peer}的窗口内，但不是它期待的下一个字节："
                            "{peer}会回复挑战 ACK 并保持连接（RFC 5961）。",
    [TL_P_RST_OUTSIDE] = "{who}发送的 RST 在{peer}的窗口之外（seq {seq}）：{peer}会忽略它；"
                         "它是伪造的或过时的。",
    [TL_P_RST_NOT_SYN_ANSWER] = "{who}发送的 RST 没有确认{peer}的 SYN：{peer}会忽略它。",

    [TL_S_OPENED] = "{client} 向 {server} 建立连接（{hs}）",
    [TL_S_OPENED_SIMULTANEOUS] = "{client} 与 {server} 同时打开连接（{hs}）",
    [TL_S_OPEN_INCOMPLETE] = "{client} 尝试向 {server} 建立连接（握手{hs}）",
    [TL_S_OPEN_NOT_SEEN] = "{client} 与 {server} 在抓包开始前已经连接（角色为推断）",
    [TL_S_BYTES] = "发送 {sent} 字节，接收 {received} 字节",
    [TL_S_CLOSED] = "{who}发起关闭（{td}）",
    [TL_S_CLOSED_BOTH] = "双方同时关闭（{td}）",
    [TL_S_HALF_CLOSED] = "{who}只关闭了自己的方向（半关闭）",
    [TL_S_RESET] = "被{who}重置（{kind}）",
    [TL_S_OPEN_AT_END] = "抓包结束时仍然打开",
    [TL_S_PACKET] = "共 1 个包",
    [TL_S_PACKETS] = "共 {packets} 个包，历时 {dur}",

    [TL_R_STREAM] = "流 {stream}：客户端 {client}，服务端 {server}",
    [TL_R_TRACE] = "简化后的抓包（tcpdump 格式；握手之后 seq 和 ack 为相对值）：",
    [TL_R_PHASE_HANDSHAKE] = "一、握手",
    [TL_R_PHASE_TRANSFER] = "二、传输数据",
    [TL_R_PHASE_TEARDOWN] = "三、挥手",
    [TL_R_PHASE_RESET] = "重置",
    [TL_R_LINE] = "{n}）第 {line} 行：{text}",
    [TL_R_LINES] = "第 {line}–{last_line} 行",
    [TL_R_FOLDED] = "……另有 {count} 个数据传输包（第 {line}–{last_line} 行）未显示；"
                    "-z tcplife,explain,{stream},all 可全部显示……",
    [TL_R_SUMMARY] = "总结",
    [TL_R_WHY_THREE_WAY] = "三次握手是为了确定客户端和服务端双方的输入输出能力，从而判断是否能建立稳定的连接。",
    [TL_R_WHY_SIMULTANEOUS_OPEN] = "双方同时发送了 SYN：各自确认对方的 SYN，打开连接用了四个包而不是三个。",
    [TL_R_WHY_FOUR_WAY] = "四次挥手是为了确定双方都同意断开：每个方向各用一个 FIN 和一个 ACK 单独关闭，"
                          "然后将为连接而分配的空间释放掉。",
    [TL_R_WHY_THREE_WAY_CLOSE] = "三次挥手：第二个 FIN 与对第一个 FIN 的确认合在一个包里（第二次和第三次挥手合并）。",
    [TL_R_WHY_SIMULTANEOUS_CLOSE] = "双方在看到对方的 FIN 之前都发送了 FIN：每个 FIN 各自得到确认。",
    [TL_R_WHY_HALF_CLOSED] = "抓包结束时只有一个方向关闭（半关闭）：另一方仍可发送。",
    [TL_R_WHY_RESET] = "RST 立即结束了连接，没有 FIN 交换：之后的数据都不再被确认。",
    [TL_R_WHY_NO_HANDSHAKE] = "抓包中没有握手：抓包开始时连接已经建立。",
    [TL_R_PICK] = "共 {count} 条流。讲解其中一条：tshark -q -z tcplife,explain,STREAM"
                  "（STREAM 即 tcp.stream，可用 -z tcplife,streams 列出）。",
    [TL_R_NO_STREAM] = "流 {stream}：不在此抓包中",
    [TL_R_NO_STREAMS] = "没有 TCP 流",
};
