/*
 * onlooker_siphash.h: SipHash-2-4 with 128-bit output, as a stream.
 *
 * The keyed hash behind visitor ids (nginx module) and the geo cache key
 * (onlookerd). The _rounds variants (SipHash-1-3, as Rust's HashMap uses)
 * keyed the viewers table up to its layout 2; layout 3 has its own faster
 * keyed mix (onlooker_viewers_hash.h). Follows the reference implementation by Jean-Philippe
 * Aumasson and Daniel J. Bernstein (CC0, github.com/veorq/SipHash), with
 * input fed in pieces so that the module hashes request fields where they
 * lie: no copy, no allocation, no system call. tests/siphash_test.cpp checks
 * it against the reference's published 128-bit test vectors.
 *
 * C (the module) and valid C++ (onlookerd, tests); no dependencies.
 */
#ifndef ONLOOKER_SIPHASH_H
#define ONLOOKER_SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onlooker_siphash {
    uint64_t v0, v1, v2, v3;
    uint64_t tail;       /* up to 7 bytes not yet compressed, little-endian */
    uint64_t length;     /* bytes fed so far */
} onlooker_siphash;

#define ONLOOKER_SIP_ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

static inline void
onlooker_sip_round(onlooker_siphash *s)
{
    s->v0 += s->v1;
    s->v1 = ONLOOKER_SIP_ROTL(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ONLOOKER_SIP_ROTL(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ONLOOKER_SIP_ROTL(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ONLOOKER_SIP_ROTL(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ONLOOKER_SIP_ROTL(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ONLOOKER_SIP_ROTL(s->v2, 32);
}

/* `rounds` is a constant at every call: inlined, the loop unrolls. */
static inline void
onlooker_sip_compress_rounds(onlooker_siphash *s, uint64_t m, int rounds)
{
    int i;

    s->v3 ^= m;
    for (i = 0; i < rounds; i++) {
        onlooker_sip_round(s);
    }
    s->v0 ^= m;
}

/* key: the two little-endian 64-bit halves of the 16-byte key. */
static inline void
onlooker_siphash_init(onlooker_siphash *s, const uint64_t key[2])
{
    s->v0 = UINT64_C(0x736f6d6570736575) ^ key[0];
    s->v1 = UINT64_C(0x646f72616e646f6d) ^ key[1] ^ 0xee;   /* 128-bit output */
    s->v2 = UINT64_C(0x6c7967656e657261) ^ key[0];
    s->v3 = UINT64_C(0x7465646279746573) ^ key[1];
    s->tail = 0;
    s->length = 0;
}

/* Up to 8 bytes as a little-endian word: one memcpy on little-endian
 * machines (the pieces of a viewers key are short and rarely aligned to
 * words: a byte loop here was a good part of the lookup). */
static inline uint64_t
onlooker_sip_load(const uint8_t *in, size_t n)
{
    uint64_t m = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&m, in, n);
#else
    size_t   i;

    for (i = n; i > 0; i--) {
        m = m << 8 | in[i - 1];
    }
#endif
    return m;
}

/* Feeds `len` bytes, compressing each word with `rounds` rounds (2 for
 * SipHash-2-4, 1 for SipHash-1-3). */
static inline void
onlooker_siphash_update_rounds(onlooker_siphash *s, const void *data, size_t len, int rounds)
{
    const uint8_t *in = (const uint8_t *) data;
    const uint8_t *end = in + len;
    unsigned       have = (unsigned) (s->length & 7);
    size_t         n;

    s->length += len;

    /* complete a word begun by an earlier piece */
    if (have != 0) {
        n = (size_t) (end - in) < 8 - have ? (size_t) (end - in) : 8 - have;
        s->tail |= onlooker_sip_load(in, n) << (8 * have);
        in += n;
        if (have + n < 8) {
            return;
        }
        onlooker_sip_compress_rounds(s, s->tail, rounds);
        s->tail = 0;
    }

    for (; end - in >= 8; in += 8) {
        onlooker_sip_compress_rounds(s, onlooker_sip_load(in, 8), rounds);
    }

    if (in < end) {
        s->tail = onlooker_sip_load(in, (size_t) (end - in));
    }
}

static inline void
onlooker_siphash_update(onlooker_siphash *s, const void *data, size_t len)
{
    onlooker_siphash_update_rounds(s, data, len, 2);
}

/* Writes the 16-byte digest (little-endian halves, as the reference does). */
static inline void
onlooker_siphash_final(onlooker_siphash *s, uint8_t out[16])
{
    uint64_t b = s->tail | s->length << 56;
    int      i, half;

    onlooker_sip_compress_rounds(s, b, 2);
    s->v2 ^= 0xee;
    for (half = 0; half < 2; half++) {
        for (i = 0; i < 4; i++) {
            onlooker_sip_round(s);
        }
        b = s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
        for (i = 0; i < 8; i++) {
            out[8 * half + i] = (uint8_t) (b >> (8 * i));
        }
        s->v1 ^= 0xdd;
    }
}

/* The digest's first 8 bytes only, as a little-endian integer, with
 * `rounds` compression rounds (as fed) and `final_rounds` finalization
 * rounds: for (2, 4) the value onlooker_siphash_final() writes there,
 * without the rounds of the second half (the viewers table keys on 64 bits). */
static inline uint64_t
onlooker_siphash_final_low64_rounds(onlooker_siphash *s, int rounds, int final_rounds)
{
    int i;

    onlooker_sip_compress_rounds(s, s->tail | s->length << 56, rounds);
    s->v2 ^= 0xee;
    for (i = 0; i < final_rounds; i++) {
        onlooker_sip_round(s);
    }
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static inline uint64_t
onlooker_siphash_final_low64(onlooker_siphash *s)
{
    return onlooker_siphash_final_low64_rounds(s, 2, 4);
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_SIPHASH_H */
