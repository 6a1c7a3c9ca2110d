/* ws_compat.h - what differs between Wireshark 4.0, 4.2, 4.4 and 4.6 for a
 * post-dissector plugin, behind one small API.
 *
 * Include this first, before any other Wireshark header.
 *
 * Checked against the headers and libraries of 4.0.17 (Debian 12),
 * 4.2.2 (Ubuntu 24.04), 4.4.19 (Debian 13) and 4.6.9 (Debian sid);
 * docs/wireshark-versions.md has the details.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPLIFE_WS_COMPAT_H
#define TCPLIFE_WS_COMPAT_H

/* Makes WS_DLL_PUBLIC mean "export" (it only matters on Windows; on ELF
 * WS_DLL_PUBLIC_DEF is visibility("default") either way).  As upstream's
 * doc/plugins.example/hello.c does. */
#ifndef WS_BUILD_DLL
#define WS_BUILD_DLL
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

/* All four versions install ws_version.h with WIRESHARK_VERSION_MAJOR,
 * _MINOR and _MICRO.  (The installed config.h of 4.2+ also has
 * VERSION_MAJOR/VERSION, but 4.0 installs no config.h, and including it
 * would clash with our own VERSION: never include config.h.) */
#include <ws_version.h>
#include <ws_symbol_export.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>
/* true_false_string / TFS(): epan/packet.h and epan/proto.h include tfs.h
 * up to 4.4, not in 4.6.  (value_string moved to wsutil/value_string.h in
 * 4.6 and epan/value_string.h is gone; proto.h still includes it, so get
 * it through epan/packet.h and never name the header.) */
#include <epan/tfs.h>

#define TCPLIFE_WS_AT_LEAST(maj, min)                        \
    (WIRESHARK_VERSION_MAJOR > (maj) ||                      \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

#if !TCPLIFE_WS_AT_LEAST(4, 0)
#error "tcplife needs Wireshark 4.0 or later"
#endif

/* 4.4+: wsutil/plugins.h is installed and has the WS_PLUGIN_DESC_* flags.
 * 4.0 and 4.2 do not install it and have no plugin_describe(). */
#if TCPLIFE_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#define TCPLIFE_HAVE_PLUGIN_DESCRIBE 1
#else
#define TCPLIFE_HAVE_PLUGIN_DESCRIBE 0
#endif

/* ------------------------------------------------------------------------
 * Ids: hf_*, ett_*, proto_*, expert_field
 *
 * 4.0, 4.2: proto_register_subtree_array() aborts unless every ett is -1
 *           ("subtree item type (ett_...) not -1"); hf and ei ids may be
 *           -1 or 0.
 * 4.4, 4.6: ett, hf and ei may each be -1 or 0 (upstream now writes
 *           "static int hf_x;"), and 4.6 changed EI_INIT to {0, 0}.
 * So -1 is the one value every version accepts everywhere.
 */
#define TCPLIFE_ID_INIT  (-1)
#define TCPLIFE_EI_INIT  { TCPLIFE_ID_INIT, TCPLIFE_ID_INIT }

/* ------------------------------------------------------------------------
 * Types that went from glib's gboolean (int) to C99 bool.  A pointer or
 * callback of the wrong one is an incompatible-pointer-type error.
 */

/* prefs_register_bool_preference(..., var): gboolean * in 4.0 and 4.2,
 * bool * from 4.4. */
#if TCPLIFE_WS_AT_LEAST(4, 4)
typedef bool tcplife_pref_bool_t;
#else
typedef gboolean tcplife_pref_bool_t;
#endif

/* tvb_get_guint8() is deprecated from 4.4 (an error under -Werror), and its
 * replacement tvb_get_uint8() does not exist before. */
#if TCPLIFE_WS_AT_LEAST(4, 4)
#define tcplife_tvb_get_u8 tvb_get_uint8
#else
#define tcplife_tvb_get_u8 tvb_get_guint8
#endif

/* stat_tap_ui.tap_init_cb (the "-z name" start-up callback) returns void up
 * to 4.4 and bool from 4.6 (false makes tshark fail).  Declare it as
 *   static tcplife_stat_init_ret_t init(const char *opt, void *ud)
 * and end it with TCPLIFE_STAT_INIT_RETURN(ok).  Before 4.6 a failed start
 * exits, as tshark's own reports do. */
#if TCPLIFE_WS_AT_LEAST(4, 6)
typedef bool tcplife_stat_init_ret_t;
#define TCPLIFE_STAT_INIT_RETURN(ok)  return (ok)
#else
typedef void tcplife_stat_init_ret_t;
#define TCPLIFE_STAT_INIT_RETURN(ok)  do { if (!(ok)) exit(EXIT_FAILURE); return; } while (0)
#endif

/* ------------------------------------------------------------------------
 * Reading a field_info's value.
 *
 * field_info.value is an embedded fvalue_t in 4.0 and an fvalue_t * from
 * 4.2.  field_info.hfinfo is "header_field_info *" up to 4.2 and
 * "const header_field_info *" from 4.4: always read it into a const
 * pointer.  The fvalue_get_*() getters take a non-const fvalue_t * in every
 * version, and assert (or, in release builds, misread) when asked for the
 * wrong type, so these helpers look at the field's type first.
 */
#if TCPLIFE_WS_AT_LEAST(4, 2)
#define TCPLIFE_FI_FVALUE(fi)  ((fi)->value)
#else
#define TCPLIFE_FI_FVALUE(fi)  ((fvalue_t *)&(fi)->value)
#endif

/* FT_UINT8..32, FT_CHAR and FT_FRAMENUM are read with fvalue_get_uinteger;
 * FT_UINT40..64 and FT_BOOLEAN (a 64-bit value in every version) with
 * fvalue_get_uinteger64.  Anything else reads as 0. */
static inline uint64_t
tcplife_fi_uint64(const field_info *fi)
{
    if (fi == NULL || fi->hfinfo == NULL)
        return 0;
    switch (fi->hfinfo->type) {
    case FT_CHAR:
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
        return fvalue_get_uinteger(TCPLIFE_FI_FVALUE(fi));
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
    case FT_BOOLEAN:
        return fvalue_get_uinteger64(TCPLIFE_FI_FVALUE(fi));
    default:
        return 0;
    }
}

/* The same, truncated to 32 bits: for FT_UINT8..32 and FT_FRAMENUM. */
static inline uint32_t
tcplife_fi_uint(const field_info *fi)
{
    return (uint32_t)tcplife_fi_uint64(fi);
}

/* ------------------------------------------------------------------------
 * Plugin entry points.
 *
 * All four versions load an epan plugin from
 *   <plugindir>/<major>.<minor>/epan/NAME.so
 * and require the exported symbols plugin_version (string),
 * plugin_want_major / plugin_want_minor (int, must equal the running
 * version) and plugin_register(void), which calls proto_register_plugin().
 * 4.4+ also calls plugin_describe() if it exists (optional) to show what
 * kind of plugin it is in "tshark -G plugins" / About > Plugins.
 *
 * Usage, at file scope, once:
 *   TCPLIFE_DEFINE_PLUGIN(proto_register_tcplife, proto_reg_handoff_tcplife)
 * with the version from -DTCPLIFE_VERSION=\"x.y.z\" (or -DVERSION=...).
 * Define TCPLIFE_PLUGIN_DESC before including this header to describe the
 * plugin otherwise (4.4+ only; default: a dissector).
 */
#ifndef TCPLIFE_VERSION
# ifdef VERSION
#  define TCPLIFE_VERSION VERSION
# else
#  error "define TCPLIFE_VERSION, e.g. -DTCPLIFE_VERSION=\"0.1.0\""
# endif
#endif

#if TCPLIFE_HAVE_PLUGIN_DESCRIBE
# ifndef TCPLIFE_PLUGIN_DESC
#  define TCPLIFE_PLUGIN_DESC  WS_PLUGIN_DESC_DISSECTOR
# endif
# define TCPLIFE_DEFINE_PLUGIN_DESCRIBE_                               \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);                      \
    uint32_t plugin_describe(void) { return (uint32_t)(TCPLIFE_PLUGIN_DESC); }
#else
# define TCPLIFE_DEFINE_PLUGIN_DESCRIBE_  /* no plugin_describe before 4.4 */
#endif

#define TCPLIFE_DEFINE_PLUGIN(register_fn, handoff_fn)                 \
    WS_DLL_PUBLIC const char plugin_version[];                         \
    WS_DLL_PUBLIC const int plugin_want_major;                         \
    WS_DLL_PUBLIC const int plugin_want_minor;                         \
    WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPLIFE_VERSION;   \
    WS_DLL_PUBLIC_DEF const int plugin_want_major =                    \
        WIRESHARK_VERSION_MAJOR;                                       \
    WS_DLL_PUBLIC_DEF const int plugin_want_minor =                    \
        WIRESHARK_VERSION_MINOR;                                       \
    WS_DLL_PUBLIC void plugin_register(void);                          \
    void plugin_register(void)                                         \
    {                                                                  \
        static proto_plugin plug;                                      \
        plug.register_protoinfo = (register_fn);                       \
        plug.register_handoff = (handoff_fn);                          \
        proto_register_plugin(&plug);                                  \
    }                                                                  \
    TCPLIFE_DEFINE_PLUGIN_DESCRIBE_                                    \
    extern int tcplife_plugin_defined_ /* swallows the caller's ';' */

#endif /* TCPLIFE_WS_COMPAT_H */
