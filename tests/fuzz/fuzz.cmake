# fuzz.cmake - the core's fuzz harness (docs/robustness.md, "Fuzzing the core").
#
# Included from tests/CMakeLists.txt.  Builds, from TCPLIFE_CORE_SOURCES (the
# core's sources, listed in the top CMakeLists.txt) under the sanitizers:
#   fuzz_core_replay  always (gcc or clang): tests/fuzz/fuzz_driver.c's main()
#                     over the harness, under ASan+UBSan.  Test fuzz.core.replay
#                     replays the seed corpus, then mutates it for
#                     TCPLIFE_FUZZ_REPLAY_SECONDS.
#   fuzz_core         when a clang with libFuzzer is found: the libFuzzer
#                     build.  Test fuzz.core.libfuzzer runs it for
#                     TCPLIFE_FUZZ_SECONDS from the seed corpus.
# TCPLIFE_ROBUST_QUICK=ON (tests/CMakeLists.txt) shortens both defaults
# (45 s and 15 s -> 20 s and 5 s).
if(TCPLIFE_ROBUST_QUICK)
    set(fuzz_default_seconds 20)
    set(fuzz_default_replay_seconds 5)
else()
    set(fuzz_default_seconds 45)
    set(fuzz_default_replay_seconds 15)
endif()
set(TCPLIFE_FUZZ_SECONDS ${fuzz_default_seconds} CACHE STRING
    "How long ctest runs the libFuzzer harness (seconds)")
set(TCPLIFE_FUZZ_REPLAY_SECONDS ${fuzz_default_replay_seconds} CACHE STRING
    "How long ctest mutates the corpus with the standalone driver (seconds)")

set(FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FUZZ_CORPUS ${FUZZ_DIR}/corpus)

# The core's sources (relative to the project), its headers beside them.
list(TRANSFORM TCPLIFE_CORE_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/ OUTPUT_VARIABLE FUZZ_CORE_SOURCES)
set(FUZZ_INCLUDES)
foreach(src ${FUZZ_CORE_SOURCES})
    get_filename_component(dir ${src} DIRECTORY)
    list(APPEND FUZZ_INCLUDES ${dir})
endforeach()
list(APPEND FUZZ_INCLUDES ${FUZZ_DIR})
list(REMOVE_DUPLICATES FUZZ_INCLUDES)
set(FUZZ_CORE_HEADERS)
foreach(dir ${FUZZ_INCLUDES})
    file(GLOB headers CONFIGURE_DEPENDS ${dir}/*.h)
    list(APPEND FUZZ_CORE_HEADERS ${headers})
endforeach()

# ---- the standalone driver (every compiler) ---------------------------------
add_executable(fuzz_core_replay ${FUZZ_DIR}/fuzz_core.c ${FUZZ_DIR}/fuzz_driver.c ${FUZZ_CORE_SOURCES})
target_include_directories(fuzz_core_replay PRIVATE ${FUZZ_INCLUDES})
target_compile_options(fuzz_core_replay PRIVATE ${TCPLIFE_SANITIZER_FLAGS})
target_link_options(fuzz_core_replay PRIVATE -fsanitize=address,undefined)
add_test(NAME fuzz.core.replay
         COMMAND fuzz_core_replay -t ${TCPLIFE_FUZZ_REPLAY_SECONDS} -s 1
                 -a ${CMAKE_CURRENT_BINARY_DIR}/fuzz-replay-crash.bin ${FUZZ_CORPUS})
set_tests_properties(fuzz.core.replay PROPERTIES LABELS "fuzz" TIMEOUT 600
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1")

# ---- libFuzzer (clang only) ---------------------------------------------------
if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(fuzz_clang ${CMAKE_C_COMPILER})
else()
    find_program(fuzz_clang NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14)
endif()
set(fuzz_libfuzzer_ok FALSE)
if(fuzz_clang)
    # Does this clang link -fsanitize=fuzzer (Debian: package libclang-rt-N-dev)?
    set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz-probe)
    file(MAKE_DIRECTORY ${probe_dir})
    file(WRITE ${probe_dir}/probe.c
         "#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
    execute_process(COMMAND ${fuzz_clang} -fsanitize=fuzzer,address,undefined probe.c -o probe
                    WORKING_DIRECTORY ${probe_dir} RESULT_VARIABLE probe_rc
                    OUTPUT_QUIET ERROR_QUIET)
    if(probe_rc EQUAL 0)
        set(fuzz_libfuzzer_ok TRUE)
    endif()
endif()

if(fuzz_libfuzzer_ok)
    set(fuzz_include_flags)
    foreach(dir ${FUZZ_INCLUDES})
        list(APPEND fuzz_include_flags -I${dir})
    endforeach()
    set(fuzz_bin ${CMAKE_CURRENT_BINARY_DIR}/fuzz_core)
    add_custom_command(
        OUTPUT ${fuzz_bin}
        COMMAND ${fuzz_clang} -std=c11 -g -O2 -Wall -Wextra
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
                -fno-omit-frame-pointer ${fuzz_include_flags}
                ${FUZZ_DIR}/fuzz_core.c ${FUZZ_CORE_SOURCES} -o ${fuzz_bin}
        DEPENDS ${FUZZ_DIR}/fuzz_core.c ${FUZZ_DIR}/fuzz_core.h ${FUZZ_CORE_SOURCES}
                ${FUZZ_CORE_HEADERS}
        COMMENT "Building the libFuzzer harness fuzz_core with ${fuzz_clang}"
        VERBATIM)
    add_custom_target(fuzz_core ALL DEPENDS ${fuzz_bin})
    add_test(NAME fuzz.core.libfuzzer
             COMMAND ${PYTHON3} ${FUZZ_DIR}/run_fuzz.py ${fuzz_bin} ${TCPLIFE_FUZZ_SECONDS}
                     ${CMAKE_CURRENT_BINARY_DIR}/fuzz-artifacts ${FUZZ_CORPUS})
    set_tests_properties(fuzz.core.libfuzzer PROPERTIES
        LABELS "fuzz" TIMEOUT 600 ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1")
    message(STATUS "tcplife: libFuzzer harness fuzz_core built with ${fuzz_clang}")
else()
    message(STATUS "tcplife: no clang with libFuzzer (Debian: clang and libclang-rt-N-dev): "
                   "the fuzz_core target is not built; fuzz_core_replay still runs the harness")
endif()
