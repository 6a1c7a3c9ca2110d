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

file(GLOB report_goldens RELATIVE ${EXPECTED}
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
