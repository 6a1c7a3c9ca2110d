# robust.cmake - robustness tests (docs/robustness.md).  Included from
# tests/CMakeLists.txt, whose PYTHON3, CAPTURES, all_captures, TSHARK_ENV,
# TCPLIFE_ROBUST_QUICK and targets tcplife, tcplife_asan it uses.  All carry
# the ctest label "robust" (ctest -L robust), as does unit.flags (every flag
# combination in every lifecycle state, registered with the unit tests).
#
#   robust.corrupt              every sample capture mutated (editcap -E, fixed seeds) and cut
#                               (editcap -s), through tshark with tcplife_asan.so: no sanitizer
#                               report, same exit status as stock tshark
#   robust.crafted              pcapng timestamps beyond int64 nanoseconds, ten nested TCP layers
#                               per frame, through tshark with tcplife_asan.so
#   robust.flood                100k / 200k SYNs and RSTs, one stream each: peak RSS per stream
#   robust.valgrind             memcheck over three captures, failing only on the plugin's errors
#   robust.state_reset          several captures loaded in one sharkd are annotated as each alone
# A test exits 77 (ctest: skipped) when its tool (valgrind, sharkd) is missing.
#
# TCPLIFE_ROBUST_QUICK=ON keeps the checks but runs robust.corrupt on 6
# mutations instead of 13, and leaves out robust.flood and robust.valgrind.

set(ROBUST_DIR ${CMAKE_CURRENT_LIST_DIR})
if(TCPLIFE_ROBUST_QUICK)
    set(robust_corrupt_options --probs 0.01,0.1 --snaplens 40,60)
else()
    set(robust_corrupt_options)
endif()

# ---- the plugin in tshark ---------------------------------------------------------
function(tcplife_robust_test name)
    cmake_parse_arguments(ARG "" "" "ENV;COMMAND" ${ARGN})
    add_test(NAME ${name} COMMAND ${PYTHON3} ${ARG_COMMAND})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENV}" LABELS "robust"
                         SKIP_RETURN_CODE 77 TIMEOUT 1200)
endfunction()

set(robust_env ${TSHARK_ENV})
if(TARGET tcplife_asan)
    # TCPLIFE_SANITIZER_PRELOAD: the runtimes found for sanitize.corpus.
    list(APPEND robust_env TCPLIFE_ASAN_PLUGIN=$<TARGET_FILE:tcplife_asan>
                           TCPLIFE_SANITIZER_PRELOAD=${TCPLIFE_SANITIZER_PRELOAD})

    tcplife_robust_test(robust.corrupt ENV ${robust_env}
        COMMAND ${ROBUST_DIR}/corrupt_captures.py corrupt ${robust_corrupt_options} ${all_captures})
    tcplife_robust_test(robust.crafted ENV ${robust_env}
        COMMAND ${ROBUST_DIR}/corrupt_captures.py crafted)
else()
    message(STATUS "tcplife: no tcplife_asan target: robust.corrupt and "
                   "robust.crafted are not run")
endif()

if(NOT TCPLIFE_ROBUST_QUICK)
    tcplife_robust_test(robust.flood ENV ${TSHARK_ENV}
        COMMAND ${ROBUST_DIR}/flood.py --sizes 100000,200000)

    tcplife_robust_test(robust.valgrind ENV ${TSHARK_ENV}
        COMMAND ${ROBUST_DIR}/valgrind_check.py
                ${CAPTURES}/seed-baidu.pcap ${CAPTURES}/half-close.pcap
                ${CAPTURES}/linux-interleaved.pcap)
endif()

tcplife_robust_test(robust.state_reset ENV ${robust_env}
    COMMAND ${ROBUST_DIR}/state_reset.py
            ${CAPTURES}/linux-interleaved.pcap ${CAPTURES}/seed-baidu.pcap
            ${CAPTURES}/linux-port-reuse.pcap ${CAPTURES}/refused.pcap
            ${CAPTURES}/gre-tunnel.pcap)
