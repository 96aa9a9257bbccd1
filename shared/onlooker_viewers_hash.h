/*
 * onlooker_viewers_hash.h: the keyed hash of the viewers table (layout 3).
 *
 * A wyhash-style multiply-mix (after Wang Yi's wyhash, public domain, and
 * rapidhash): 64x64->128-bit products folded to 64 bits, 48 bytes a round in
 * three independent lanes, with six random words onlookerd draws per run
 * (a seed pair and four secrets, kept in the table header) instead of
 * wyhash's fixed secret. A 136-byte host + path costs a few multiplies
 * where SipHash-1-3 (layout 2) spent ~17 compressions of four rounds each.
 *
 * Not a PRF: a visitor who could see hashes might learn to aim paths at one
 * slot. They cannot see them (the table is readable by nginx and onlookerd
 * only), the key changes every onlookerd run, and the worst a collision can
 * do here is a longer probe run, or (with the 40-bit tag too) two pages
 * showing one count; the writer is onlookerd, not the visitor. That is why
 * a fast keyed mix is enough (docs/DESIGN.md).
 *
 * Both sides run on one machine, so byte order is whatever memcpy loads.
 * C (the module) and valid C++ (onlookerd, tests); needs __uint128_t (GCC,
 * Clang on 64-bit targets).
 */
#ifndef ONLOOKER_VIEWERS_HASH_H
#define ONLOOKER_VIEWERS_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONLOOKER_VIEWERS_KEY_WORDS 6   /* seed[2], secret[4] */

/* The product of a and b, its halves folded by xor. */
static inline uint64_t
onlooker_vh_mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t) a * b;

    return (uint64_t) r ^ (uint64_t) (r >> 64);
}

static inline uint64_t
onlooker_vh_r8(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t
onlooker_vh_r4(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

/* One text with `seed`; key[2..5] are the secrets. */
static inline uint64_t
onlooker_vh_text(const uint64_t key[ONLOOKER_VIEWERS_KEY_WORDS], const void *data, size_t len,
                 uint64_t seed)
{
    const uint8_t *p = (const uint8_t *) data;
    uint64_t       a, b, lane1, lane2;
    size_t         i = len;

    seed ^= onlooker_vh_mix(seed ^ key[2], key[3] ^ (uint64_t) len);
    if (len <= 16) {
        if (len >= 4) {
            a = onlooker_vh_r4(p) << 32 | onlooker_vh_r4(p + ((len >> 3) << 2));
            b = onlooker_vh_r4(p + len - 4) << 32 | onlooker_vh_r4(p + len - 4 - ((len >> 3) << 2));
        } else if (len > 0) {
            a = (uint64_t) p[0] << 16 | (uint64_t) p[len >> 1] << 8 | p[len - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        if (i > 48) {
            lane1 = lane2 = seed;
            do {
                seed = onlooker_vh_mix(onlooker_vh_r8(p) ^ key[3], onlooker_vh_r8(p + 8) ^ seed);
                lane1 = onlooker_vh_mix(onlooker_vh_r8(p + 16) ^ key[4], onlooker_vh_r8(p + 24) ^ lane1);
                lane2 = onlooker_vh_mix(onlooker_vh_r8(p + 32) ^ key[5], onlooker_vh_r8(p + 40) ^ lane2);
                p += 48;
                i -= 48;
            } while (i > 48);
            seed ^= lane1 ^ lane2;
        }
        while (i > 16) {
            seed = onlooker_vh_mix(onlooker_vh_r8(p) ^ key[3], onlooker_vh_r8(p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        a = onlooker_vh_r8(p + i - 16);
        b = onlooker_vh_r8(p + i - 8);
    }
    return onlooker_vh_mix(a ^ key[3] ^ (uint64_t) len, b ^ seed ^ key[4]);
}

/* A page: the host's hash seeds the path's (seed 0 and 1 tell a page from a
 * host, whose hash is the host's text alone, folded once more). */
static inline uint64_t
onlooker_vh_key(const uint64_t key[ONLOOKER_VIEWERS_KEY_WORDS], const void *host,
                size_t host_len, const void *path, size_t path_len)
{
    uint64_t h = onlooker_vh_text(key, host, host_len, key[0]);

    if (path == NULL) {
        return onlooker_vh_mix(h ^ key[5], key[1] ^ UINT64_C(0x9e3779b97f4a7c15));
    }
    return onlooker_vh_text(key, path, path_len, h ^ key[1]);
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_VIEWERS_HASH_H */
