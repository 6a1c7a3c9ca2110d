# profile.cmake - the "tcplife" Wireshark configuration profile, as a zip that
# Edit › Configuration Profiles › Import › from zip file takes (4.0 to 4.6):
#
#   cmake --build build --target tcplife_profile    (also part of "all")
#   -> build/tcplife-profile.zip: tcplife/preferences (the Lifecycle and Stream
#      columns) and tcplife/colorfilters (extras/tcplife.colorfilters, then
#      the installed Wireshark's default rules)
#
# Built by extras/make-profile.py from extras/profile/preferences,
# extras/tcplife.colorfilters and Wireshark's own default colorfilters
# (<prefix>/share/wireshark/colorfilters, or -DTCPLIFE_WS_COLORFILTERS=FILE).
# Needs PYTHON3 (tests/CMakeLists.txt finds it).
find_file(TCPLIFE_WS_COLORFILTERS colorfilters
          PATHS ${Wireshark_INSTALL_PREFIX}/share/wireshark /usr/share/wireshark NO_DEFAULT_PATH)
set(TCPLIFE_PROFILE_ZIP ${CMAKE_BINARY_DIR}/tcplife-profile.zip)
if(TCPLIFE_WS_COLORFILTERS)
    set(_profile_dir ${CMAKE_CURRENT_LIST_DIR})
    add_custom_command(OUTPUT ${TCPLIFE_PROFILE_ZIP}
        COMMAND ${PYTHON3} ${_profile_dir}/make-profile.py ${TCPLIFE_PROFILE_ZIP} ${TCPLIFE_WS_COLORFILTERS}
        DEPENDS ${_profile_dir}/make-profile.py ${_profile_dir}/profile/preferences
                ${_profile_dir}/tcplife.colorfilters ${TCPLIFE_WS_COLORFILTERS}
        COMMENT "Building the tcplife configuration profile ${TCPLIFE_PROFILE_ZIP}")
    add_custom_target(tcplife_profile ALL DEPENDS ${TCPLIFE_PROFILE_ZIP})
else()
    message(WARNING "Wireshark's default colorfilters not found: no tcplife-profile.zip "
                    "(set TCPLIFE_WS_COLORFILTERS)")
endif()
