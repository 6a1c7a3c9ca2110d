# reports.cmake - the tshark reports of the "tcplife" tap (docs/reports.md).
#
# Included at the end of tests/CMakeLists.txt, whose tcplife_tshark_test(),
# CAPTURES and EXPECTED it uses:
#   tshark.report.<golden>     -z tcplife,streams / -z tcplife,ladder against a
#                              hand-written tests/expected/*.streams-report.txt or
#                              *.ladder.txt (each file names its capture, -z and passes)
#   tshark.report.bad_arguments  unusable -z arguments make tshark fail, saying why
#   tshark.report.table*       -z tcplife,table, the GUI's Statistics table, has the
#                              right cells in one pass and with -2
#   tshark.report.empty        no TCP: "no TCP streams" in streams, ladder, table
#   tshark.report.ladder_single  a one-SYN stream's ladder: "1 packet", server silent
#   tshark.report.streams_note a one-pass FILTER on tcplife.stream.*: a note on stderr
#   tshark.report.profile      the tcplife profile zip, through tshark -C tcplife
set(CHECK_REPORTS ${CMAKE_CURRENT_LIST_DIR}/tshark/check_reports.py)

file(GLOB report_goldens CONFIGURE_DEPENDS RELATIVE ${EXPECTED}
     ${EXPECTED}/*.ladder.txt ${EXPECTED}/*.streams-report.txt ${EXPECTED}/*.explain*.txt)
foreach(file ${report_goldens})
    string(REGEX REPLACE "\\.txt$" "" name ${file})
    tcplife_tshark_test(tshark.report.${name} ${CHECK_REPORTS} golden
                        ${CAPTURES} ${EXPECTED}/${file})
endforeach()

tcplife_tshark_test(tshark.report.bad_arguments ${CHECK_REPORTS} bad-arg
                    ${CAPTURES}/seed-baidu.pcap
                    tcplife,ladder,x tcplife,ladder,-1 tcplife,ladder,0,,all
                    tcplife,streamsX "tcplife,streams,tcp.port==")

# -z tcplife,table: every row has every cell, in the columns' order (Stream,
# First frame, Client, Server, conn_state, History, Handshake RTT (ms),
# Bytes c→s, Bytes s→c, Teardown, Reset, Duration (s), Packets, TTFB (ms));
# times in the column's unit with its decimals, "-" where a value is absent.
# Stream 1 of reset-after-close, as in reset-after-close.streams-report.txt
# (RTT 20.100 ms, duration 0.070000 s); its first packet is frame 13 (stream
# 0 is frames 1-12: reset-after-close.packets.tsv); no TTFB: the server sent
# no payload.
tcplife_tshark_test(tshark.report.table ${CHECK_REPORTS} table
                    ${CAPTURES}/reset-after-close.pcap
                    1 13 10.0.0.1:40051 10.0.0.2:80 RSTR ShADaFr 20.100 50 0 "client reset"
                    "after-close by server" 0.070000 7 -)
# An S0 stream (the client's SYN sent four times, never answered: frames at
# 0 s and 3.074530 s): no RTT, no teardown, reset or TTFB, and still 14 cells.
tcplife_tshark_test(tshark.report.table_s0 ${CHECK_REPORTS} table
                    ${CAPTURES}/linux-unanswered-syn.pcap
                    0 1 10.200.1.1:40001 10.200.1.2:5000 S0 S - 0 0 - - 3.074530 4 -)
# A capture without packets and one without TCP: "no TCP streams" in
# -z tcplife,streams, ladder and table (whose title line says it: tshark
# still prints the column headers, that line is Wireshark's).
tcplife_tshark_test(tshark.report.empty ${CHECK_REPORTS} empty)
# The ladder of a one-packet stream (a SYN): "1 packet", "the server sent nothing".
tcplife_tshark_test(tshark.report.ladder_single ${CHECK_REPORTS} single)
# -z tcplife,streams,FILTER on tcplife.stream.* without -2: a note on stderr.
tcplife_tshark_test(tshark.report.streams_note ${CHECK_REPORTS} note
                    ${CAPTURES}/seed-baidu.pcap)

# The "tcplife" configuration profile (extras/profile.cmake builds
# tcplife-profile.zip): tshark -C tcplife shows its columns and colours.
include(${PROJECT_SOURCE_DIR}/extras/profile.cmake)
if(TARGET tcplife_profile)
    tcplife_tshark_test(tshark.report.profile ${CMAKE_CURRENT_LIST_DIR}/tshark/check_profile.py
                        ${TCPLIFE_PROFILE_ZIP} ${PROJECT_SOURCE_DIR}/extras/tcplife.colorfilters
                        ${EXPECTED}/seed-baidu.packets.tsv ${CAPTURES}/seed-baidu.pcap)
endif()

# -z tcplife,conn and -z tcplife,json (docs/reports.md), with check_outputs.py:
#   tshark.report.<name>.conn   hand-written tests/expected/*.conn.txt goldens (check_reports.py)
#   tshark.output.conn.zeek     Zeek's traces: conn_state, history, orig_pkts, resp_pkts agree
#                               with Zeek's conn.log, or explained (tests/zeek/explained.tsv)
#   tshark.output.corpus.*      every capture, both reports: zeek-cut parses the log (Zeek's
#                               #fields/#types, a row per stream); every JSON line parses, each
#                               object equals -T fields; the seed's values; -2 prints the same
#   tshark.output.filter        FILTER lists the streams with a passing packet, in both
#   tshark.report.bad_arguments_outputs  unusable -z tcplife,conn / json arguments fail
set(CHECK_OUTPUTS ${CMAKE_CURRENT_LIST_DIR}/tshark/check_outputs.py)
file(GLOB zeek_traces CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/zeek/traces/*.pcap)

file(GLOB output_goldens CONFIGURE_DEPENDS RELATIVE ${EXPECTED} ${EXPECTED}/*.conn.txt)
foreach(file ${output_goldens})
    string(REGEX REPLACE "\\.txt$" "" name ${file})
    tcplife_tshark_test(tshark.report.${name} ${CHECK_REPORTS} golden
                        ${CAPTURES} ${EXPECTED}/${file})
endforeach()

tcplife_tshark_test(tshark.output.conn.zeek ${CHECK_OUTPUTS} zeek ${CMAKE_CURRENT_LIST_DIR}/zeek)
# Two halves, so that ctest -j runs them side by side: 3 tshark runs per capture.
tcplife_tshark_test(tshark.output.corpus.samples ${CHECK_OUTPUTS} corpus
                    ${CMAKE_CURRENT_LIST_DIR}/zeek/baselines/core.vlan-mpls.conn.log
                    ${CAPTURES}/seed-baidu.pcap ${all_captures})
tcplife_tshark_test(tshark.output.corpus.zeek ${CHECK_OUTPUTS} corpus
                    ${CMAKE_CURRENT_LIST_DIR}/zeek/baselines/core.vlan-mpls.conn.log - ${zeek_traces})
set_tests_properties(tshark.output.corpus.samples tshark.output.corpus.zeek PROPERTIES TIMEOUT 900)
tcplife_tshark_test(tshark.output.filter ${CHECK_OUTPUTS} filter ${CAPTURES}/reset-after-close.pcap
                    "tcp.port == 40051" 1)
tcplife_tshark_test(tshark.report.bad_arguments_outputs ${CHECK_REPORTS} bad-arg
                    ${CAPTURES}/seed-baidu.pcap
                    tcplife,connX "tcplife,conn,tcp.port==" tcplife,jsonX "tcplife,json,tcp.port==")
tcplife_tshark_test(tshark.output.filter_none ${CHECK_OUTPUTS} filter ${CAPTURES}/reset-after-close.pcap
                    "tcp.port == 1")
