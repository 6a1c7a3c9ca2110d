/* tcplife_report_json.c - tshark -q -z tcplife,json[,FILTER]: JSON Lines, one object per stream.
 *
 * Each object holds every tcplife.stream.* field the stream's tree shows,
 * under its filter name, in the field table's order: the report walks the
 * table (tcplife_fields_visit), so a new row appears here unchanged.  An
 * absent fact is left out, as in the tree.  docs/reports.md has the format.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include "tcplife_report.h"

#include <inttypes.h>
#include <stdio.h>

#define JSON_CLI "tcplife,json"
#define JSON_NAME_SUFFIX "_name"    /* "<field>_name": a numbered field's value name */

/* s between quotes, escaped as RFC 8259 asks.  tcplife's strings are
 * ASCII (addresses, ports, Zeek's letters); bytes above 0x7f pass as they are. */
static void json_chars(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
    }
}

typedef struct json_object {
    bool started;   /* a member was written: the next one needs a comma */
} json_object;

/* `"<abbrev><suffix>":`, after a comma unless it is the first member. */
static void json_key(json_object *o, const char *abbrev, const char *suffix)
{
    fputs(o->started ? ",\"" : "\"", stdout);
    json_chars(abbrev);
    json_chars(suffix);
    fputs("\":", stdout);
    o->started = true;
}

static void json_string(const char *s)
{
    putchar('"');
    json_chars(s ? s : "");
    putchar('"');
}

static void json_uint(void *ctx, const char *abbrev, enum ftenum type _U_, uint64_t value,
                      const value_string *names)
{
    json_object *o = (json_object *)ctx;
    json_key(o, abbrev, "");
    printf("%" PRIu64, value);
    /* A jq user filters on names ("four-way"), not on the contract's numbers. */
    const char *name = names && value <= UINT32_MAX ? try_val_to_str((uint32_t)value, names) : NULL;
    if (name) {
        json_key(o, abbrev, JSON_NAME_SUFFIX);
        json_string(name);
    }
}

/* Seconds with 9 decimals, from the integer nanoseconds: exact, and the
 * same digits as tshark -T fields prints for a relative time. */
static void json_time(void *ctx, const char *abbrev, enum ftenum type _U_, int64_t ns)
{
    uint64_t mag = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    json_key((json_object *)ctx, abbrev, "");
    printf("%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", mag / 1000000000, mag % 1000000000);
}

static void json_bool(void *ctx, const char *abbrev, enum ftenum type _U_, bool value)
{
    json_key((json_object *)ctx, abbrev, "");
    fputs(value ? "true" : "false", stdout);
}

static void json_text(void *ctx, const char *abbrev, enum ftenum type _U_, const char *value)
{
    json_key((json_object *)ctx, abbrev, "");
    json_string(value);
}

static const tcplife_field_visitor json_visitor = {
    .uint_value = json_uint,
    .time_value = json_time,
    .bool_value = json_bool,
    .string_value = json_text,
};

static void json_draw(wmem_allocator_t *pool _U_, const uint32_t *streams, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        tcplife_stream buf;
        const tcplife_stream *st = tcplife_stream_view(streams[i], &buf);
        tl_summary sum;
        json_object o = { false };
        tl_stream_summarize(&st->core, &sum);
        putchar('{');
        tcplife_fields_visit(st, &sum, &json_visitor, &o);
        fputs("}\n", stdout);
    }
}

static bool json_start(const char *opt)
{
    return stream_list_start(opt, JSON_CLI, json_draw);
}

void tcplife_report_json_register(void)
{
    static report_def def = { .cli = JSON_CLI, .title = "TCP lifecycle: JSON Lines", .start = json_start };
    report_register(&def);
}
