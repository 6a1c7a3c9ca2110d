# The Debian package "tcplife", for the one Wireshark this tree was built
# against:
#
#   cmake -S . -B build && cmake --build build -j2 --target tcplife
#   (cd build && cpack -G DEB)          # or: cmake --build build --target package
#   sudo apt-get install ./build/tcplife_*.deb
#
# It installs the plugin into Wireshark's system plugin folder (where every
# user's tshark, root's included, loads it), tcplife-check into /usr/bin,
# the colouring rules into /usr/share/tcplife and the docs into
# /usr/share/doc/tcplife.  A plugin loads only into the exact Wireshark
# major.minor it was built for, and uses libwireshark's internals, so the
# package depends on exactly the libwireshark package version it was built
# against.
#
# The package takes only the install rules of the component "deb" below,
# never the default per-user rule of the top CMakeLists.txt, and those
# rules are EXCLUDE_FROM_ALL: a plain "cmake --install" does not run them.

set(TCPLIFE_DEB_COMPONENT deb)

# Paths relative to "/", the package's install prefix (Wireshark's folder
# is absolute: /usr/lib/<triplet>/wireshark/plugins/<major.minor>).
string(REGEX REPLACE "^/" "" _tcplife_deb_plugin_dir "${Wireshark_PLUGIN_INSTALL_DIR}/epan")

install(TARGETS tcplife LIBRARY DESTINATION "${_tcplife_deb_plugin_dir}" NAMELINK_SKIP
        COMPONENT ${TCPLIFE_DEB_COMPONENT} EXCLUDE_FROM_ALL)
install(PROGRAMS scripts/tcplife-check DESTINATION usr/bin
        COMPONENT ${TCPLIFE_DEB_COMPONENT} EXCLUDE_FROM_ALL)
install(FILES extras/tcplife.colorfilters DESTINATION usr/share/tcplife
        COMPONENT ${TCPLIFE_DEB_COMPONENT} EXCLUDE_FROM_ALL)
# Debian wants a copyright file beside the docs; the licence is Wireshark's.
file(WRITE "${CMAKE_BINARY_DIR}/debian-copyright"
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tcplife

Files: *
Copyright: tcplife developers
License: GPL-2.0-or-later
 On Debian systems, the full text of the GNU General Public License
 version 2 is in /usr/share/common-licenses/GPL-2.
")
install(FILES README.md docs/LIFECYCLE.md DESTINATION usr/share/doc/tcplife
        COMPONENT ${TCPLIFE_DEB_COMPONENT} EXCLUDE_FROM_ALL)
install(FILES "${CMAKE_BINARY_DIR}/debian-copyright" DESTINATION usr/share/doc/tcplife
        RENAME copyright COMPONENT ${TCPLIFE_DEB_COMPONENT} EXCLUDE_FROM_ALL)

# The Debian package that owns the libwireshark found by find_package, and
# its exact version: "libwireshark16 (= 4.0.17-0+deb12u3)".
function(tcplife_libwireshark_dependency out)
    set(lib "")
    get_target_property(configs epan IMPORTED_CONFIGURATIONS)
    foreach(config IN LISTS configs)
        get_target_property(lib epan IMPORTED_LOCATION_${config})
        if(lib)
            break()
        endif()
    endforeach()
    if(NOT lib)
        get_target_property(lib epan IMPORTED_LOCATION)
    endif()
    if(NOT lib)
        set(lib "${Wireshark_LIB_DIR}/libwireshark.so")
    endif()
    get_filename_component(lib "${lib}" REALPATH)
    execute_process(COMMAND dpkg-query --search "${lib}"
                    OUTPUT_VARIABLE owner RESULT_VARIABLE rc ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    # "libwireshark16:amd64: /usr/lib/x86_64-linux-gnu/libwireshark.so.16.0.17"
    string(REGEX MATCH "^[^:, ]+(:[a-z0-9]+)?" package "${owner}")
    if(NOT rc EQUAL 0 OR NOT package)
        set(${out} "" PARENT_SCOPE)
        message(STATUS "tcplife package: ${lib} belongs to no Debian package; no DEB package")
        return()
    endif()
    execute_process(COMMAND dpkg-query --show --showformat=\${Version} "${package}"
                    OUTPUT_VARIABLE version RESULT_VARIABLE rc ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX REPLACE ":[a-z0-9]+$" "" name "${package}")
    if(NOT rc EQUAL 0 OR NOT version)
        set(${out} "" PARENT_SCOPE)
        message(STATUS "tcplife package: no version for ${package}; no DEB package")
        return()
    endif()
    set(${out} "${name} (= ${version})" PARENT_SCOPE)
endfunction()

tcplife_libwireshark_dependency(TCPLIFE_LIBWIRESHARK_DEPENDS)
if(TCPLIFE_LIBWIRESHARK_DEPENDS)
    message(STATUS "tcplife package: Depends ${TCPLIFE_LIBWIRESHARK_DEPENDS}, tshark, python3; "
                   "plugin in /${_tcplife_deb_plugin_dir}")
    set(CPACK_GENERATOR DEB)
    set(CPACK_PACKAGE_NAME tcplife)
    set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
    set(CPACK_PACKAGE_CONTACT "tcplife developers <dev@tcplife.invalid>")
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TCP connection lifecycle annotations for Wireshark")
    set(CPACK_PACKAGE_DESCRIPTION
        "A Wireshark post-dissector plugin that tells, on every TCP packet, what it does in its connection's life (handshake, transfer, teardown, reset) and per connection Zeek's conn_state and history; with tcplife-check, a fail-closed checker of captures for CI. Built for Wireshark ${Wireshark_VERSION}.")
    set(CPACK_DEBIAN_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${TCPLIFE_LIBWIRESHARK_DEPENDS}, tshark, python3")
    # No dpkg-shlibdeps (CPack's needs the "file" tool, absent from minimal
    # systems): libc and GLib come with the pinned libwireshark anyway.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
    set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)      # tcplife_0.1.0-1_amd64.deb
    set(CPACK_PACKAGING_INSTALL_PREFIX "/")
    # Only the "deb" component: never the per-user install rule.
    set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};${TCPLIFE_DEB_COMPONENT};/")
    include(CPack)
endif()
