/* fuzz_core.h - the core fuzz harness's input format, shared by the harness,
 * the standalone driver and (in Python) tests/fuzz/make_seeds.py.
 *
 * An input is a sequence of FUZZ_RECORD_SIZE-byte records, one TCP segment
 * each (a trailing partial record is ignored).  All integers little-endian.
 *
 *   off size field
 *    0   1   ctl: bits 0-1 stream slot (0..3)
 *                 bit 2    from_first (forced on for a slot's first segment,
 *                          as the epan layer guarantees)
 *                 bit 3    bad_checksum
 *                 bit 4    payload_cut
 *                 bit 5    seq is relative: seq = this direction's next
 *                          sequence number + (int32)seq
 *                 bit 6    ack is relative: ack = the other direction's next
 *                          sequence number + (int32)ack
 *                 bit 7    the slot starts afresh (tl_stream_init) first: a
 *                          new tcp.stream reusing the slot
 *    1   2   flags (TL_* bits; any 16 bits, as tcp.flags may carry NS/reserved)
 *    3   4   seq
 *    7   4   ack
 *   11   4   len (payload bytes)
 *   15   2   window
 *   17   2   srcport
 *   19   2   dstport
 *   21   1   time step, int8, milliseconds (negative: the capture goes back in time)
 *   22   1   options: bit 0 sack_perm, bit 1 timestamps, bit 2 tfo,
 *                     bits 3-7 wscale (31: absent)
 *   23   2   mss
 *
 * "Next sequence number" of a direction: seq + len (+1 for SYN, +1 for FIN)
 * of its previous segment in that slot, 0 before any.
 */
#ifndef TCPLIFE_FUZZ_CORE_H
#define TCPLIFE_FUZZ_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "tcplife_flags.h"   /* TL_FIN ... TL_CWR: the record's flag bits */

#define FUZZ_RECORD_SIZE 25
#define FUZZ_SLOTS 4

enum {
    FUZZ_CTL_SLOT = 0x03,
    FUZZ_CTL_FROM_FIRST = 0x04,
    FUZZ_CTL_BAD_CHECKSUM = 0x08,
    FUZZ_CTL_PAYLOAD_CUT = 0x10,
    FUZZ_CTL_SEQ_REL = 0x20,
    FUZZ_CTL_ACK_REL = 0x40,
    FUZZ_CTL_NEW_STREAM = 0x80,
};

/* Runs one input through the core, aborting (after a message on stderr) at
 * the first broken invariant.  Returns the number of segments fed. */
size_t fuzz_core_run(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
