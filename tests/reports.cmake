# reports.cmake - the tshark reports of the "tcplife" tap (docs/reports.md).
#
# Included at the end of tests/CMakeLists.txt, whose tcplife_tshark_test(),
# CAPTURES and EXPECTED it uses:
#   tshark.report.<golden>     -z tcplife,streams / -z tcplife,ladder against a
#                              hand-written tests/expected/*.streams-report.txt or
#                              *.ladder.txt (each file names its capture, -z and passes)
#   tshark.report.bad_arguments  unusable -z arguments make tshark fail, saying why
#   tshark.report.table        -z tcplife,table, the GUI's Statistics table, has the
#                              right cells in one pass and with -2
set(CHECK_REPORTS ${CMAKE_CURRENT_LIST_DIR}/tshark/check_reports.py)

file(GLOB report_goldens CONFIGURE_DEPENDS RELATIVE ${EXPECTED}
     ${EXPECTED}/*.ladder.txt ${EXPECTED}/*.streams-report.txt)
foreach(file ${report_goldens})
    string(REGEX REPLACE "\\.txt$" "" name ${file})
    tcplife_tshark_test(tshark.report.${name} ${CHECK_REPORTS} golden
                        ${CAPTURES} ${EXPECTED}/${file})
endforeach()

tcplife_tshark_test(tshark.report.bad_arguments ${CHECK_REPORTS} bad-arg
                    ${CAPTURES}/seed-baidu.pcap
                    tcplife,ladder,x tcplife,ladder,-1 tcplife,ladder,0,,all
                    tcplife,streamsX "tcplife,streams,tcp.port==")

# Stream 1 of reset-after-close, as in reset-after-close.streams-report.txt; the
# float columns (duration, RTT) are left out: their format is Wireshark's.
tcplife_tshark_test(tshark.report.table ${CHECK_REPORTS} table
                    ${CAPTURES}/reset-after-close.pcap
                    1 10.0.0.1:40051 10.0.0.2:80 RSTR ShADaFr "client reset"
                    "after-close by server" 7 50 0)

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
