/*
 * onlooker_siphash.h: SipHash-2-4 with 128-bit output, as a stream.
 *
 * The keyed hash behind visitor ids (nginx module) and the geo cache key
 * (onlookerd). Follows the reference implementation by Jean-Philippe
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

static inline void
onlooker_sip_compress(onlooker_siphash *s, uint64_t m)
{
    s->v3 ^= m;
    onlooker_sip_round(s);
    onlooker_sip_round(s);
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

static inline void
onlooker_siphash_update(onlooker_siphash *s, const void *data, size_t len)
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
        onlooker_sip_compress(s, s->tail);
        s->tail = 0;
    }

    for (; end - in >= 8; in += 8) {
        onlooker_sip_compress(s, onlooker_sip_load(in, 8));
    }

    if (in < end) {
        s->tail = onlooker_sip_load(in, (size_t) (end - in));
    }
}

/* Writes the 16-byte digest (little-endian halves, as the reference does). */
static inline void
onlooker_siphash_final(onlooker_siphash *s, uint8_t out[16])
{
    uint64_t b = s->tail | s->length << 56;
    int      i, half;

    onlooker_sip_compress(s, b);
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

/* The digest's first 8 bytes only, as a little-endian integer: the same
 * value onlooker_siphash_final() writes there, without the 4 rounds of the
 * second half (the viewers table keys on 64 bits). */
static inline uint64_t
onlooker_siphash_final_low64(onlooker_siphash *s)
{
    onlooker_sip_compress(s, s->tail | s->length << 56);
    s->v2 ^= 0xee;
    onlooker_sip_round(s);
    onlooker_sip_round(s);
    onlooker_sip_round(s);
    onlooker_sip_round(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_SIPHASH_H */
