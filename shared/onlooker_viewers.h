/*
 * onlooker_viewers.h: the viewers table, the second shared file.
 *
 * onlookerd (one writer) publishes, once per push interval, how many people
 * the live set has per (host, path) and per host; nginx workers map the file
 * read-only and answer $onlooker_viewers / $onlooker_site_viewers from it.
 * nginx creates the file (onlooker_viewers_zone) so that it exists before
 * onlookerd starts; onlookerd is the only process that writes into it.
 *
 *   offset 0    header (128 bytes): magic, layout version, slots per table,
 *               active table index, published_ms, push_interval_ms
 *   offset 128  table 0: seq, hash key (6 words), entries (64 bytes), then `slots`
 *               entries of 8 bytes: the top 40 bits of the key's hash
 *               (never 0) over 24 bits of viewers
 *   then        table 1, the same
 *
 * Double buffer with a seqlock per table: the writer fills the table readers
 * are not pointed at (seq odd while it writes), then points `active` at it.
 * A reader takes `active`, reads that table's seq, probes, and reads seq
 * again; a change means the writer lapped it (two publishes during one
 * probe), and it tries again a bounded number of times. Readers never wait.
 *
 * Keys are a keyed multiply-mix of the texts (onlooker_viewers_hash.h) with
 * six random words onlookerd picks per run, so a visitor cannot aim two
 * pages at one slot. Open addressing, linear
 * probing, a table at most half full; entry 0 marks an empty slot. A slot
 * is picked by the hash's low bits and matched by its top 40: two keys
 * meet only if both agree, which a visitor without the key cannot arrange
 * (by chance: probes x 2^-40 a lookup). Layout 2 packs an entry into one
 * word (layout 1 had 16 bytes): half the memory for the same slots, and a
 * table of 100,000 pages is what a lookup's cache and TLB misses scale with.
 * Layout 3 replaces layout 2's SipHash-1-3 (key[2]) by that mix (key[6]):
 * the hash of a 120-byte path was a sixth of a lookup. No pointers inside: tables are addressed by index.
 *
 * C (the module) and valid C++ (onlookerd, tests); __atomic builtins.
 */
#ifndef ONLOOKER_VIEWERS_H
#define ONLOOKER_VIEWERS_H

#include <stddef.h>
#include <stdint.h>

#include "onlooker_ring.h"
#include "onlooker_viewers_hash.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ONLOOKER_VIEWERS_MAGIC UINT64_C(0x5352455745495621) /* "!VIEWERS" */
#define ONLOOKER_VIEWERS_LAYOUT_VERSION 3u
#define ONLOOKER_VIEWERS_HEADER_SIZE 128u
#define ONLOOKER_VIEWERS_TABLE_HEADER_SIZE 64u
#define ONLOOKER_VIEWERS_MIN_SLOTS 64u
#define ONLOOKER_VIEWERS_MAX_SLOTS (1u << 22)
#define ONLOOKER_VIEWERS_READ_ATTEMPTS 4

/* what a lookup found; a count is >= 0 */
#define ONLOOKER_VIEWERS_DOWN (-1)    /* no table, or older than 2 intervals */

typedef struct onlooker_viewers_header {
    uint64_t magic;             /* written last by the creator */
    uint32_t layout_version;
    uint32_t slots;             /* per table, a power of two */
    uint64_t active;            /* 0 or 1: the table readers use */
    uint64_t published_ms;      /* Unix ms of the last publish; 0: none/stopped */
    uint32_t push_interval_ms;  /* the writer's; stale after twice that */
    uint32_t reserved0;
    uint8_t  reserved[88];
} onlooker_viewers_header;

typedef struct onlooker_viewers_table {
    uint64_t seq;               /* odd while the writer fills this table */
    uint64_t key[ONLOOKER_VIEWERS_KEY_WORDS];  /* of this table's hashes */
    uint64_t entries;           /* slots in use */
} onlooker_viewers_table;

typedef struct onlooker_viewers_entry {
    uint64_t word;              /* tag << 24 | viewers; 0: empty */
} onlooker_viewers_entry;

#define ONLOOKER_VIEWERS_COUNT_BITS 24
#define ONLOOKER_VIEWERS_COUNT_MAX ((UINT64_C(1) << ONLOOKER_VIEWERS_COUNT_BITS) - 1)

ONLOOKER_STATIC_ASSERT(sizeof(onlooker_viewers_header) == ONLOOKER_VIEWERS_HEADER_SIZE,
                       "viewers header is 128 bytes");
ONLOOKER_STATIC_ASSERT(sizeof(onlooker_viewers_table) == ONLOOKER_VIEWERS_TABLE_HEADER_SIZE,
                       "viewers table header is 64 bytes");
ONLOOKER_STATIC_ASSERT(sizeof(onlooker_viewers_entry) == 8, "viewers entry is 8 bytes");

static inline uint64_t
onlooker_viewers_table_bytes(uint64_t slots)
{
    return ONLOOKER_VIEWERS_TABLE_HEADER_SIZE + slots * sizeof(onlooker_viewers_entry);
}

static inline uint64_t
onlooker_viewers_bytes(uint64_t slots)
{
    return ONLOOKER_VIEWERS_HEADER_SIZE + 2 * onlooker_viewers_table_bytes(slots);
}

/* Slots per table for a file of at most `bytes`: the largest power of two
 * that fits, or 0 when out of range. */
static inline uint32_t
onlooker_viewers_slots_for(uint64_t bytes)
{
    uint64_t slots = ONLOOKER_VIEWERS_MAX_SLOTS;

    while (slots >= ONLOOKER_VIEWERS_MIN_SLOTS && onlooker_viewers_bytes(slots) > bytes) {
        slots >>= 1;
    }
    return slots >= ONLOOKER_VIEWERS_MIN_SLOTS ? (uint32_t) slots : 0;
}

/* A header fit to map: magic, layout and size agree. */
static inline int
onlooker_viewers_valid(const onlooker_viewers_header *h, uint64_t file_size)
{
    return h->magic == ONLOOKER_VIEWERS_MAGIC
           && h->layout_version == ONLOOKER_VIEWERS_LAYOUT_VERSION
           && h->slots >= ONLOOKER_VIEWERS_MIN_SLOTS
           && h->slots <= ONLOOKER_VIEWERS_MAX_SLOTS
           && (h->slots & (h->slots - 1)) == 0
           && file_size == onlooker_viewers_bytes(h->slots);
}

static inline onlooker_viewers_table *
onlooker_viewers_table_at(const onlooker_viewers_header *h, uint64_t index)
{
    return (onlooker_viewers_table *) ((char *) h + ONLOOKER_VIEWERS_HEADER_SIZE
                                       + index * onlooker_viewers_table_bytes(h->slots));
}

static inline onlooker_viewers_entry *
onlooker_viewers_entries(onlooker_viewers_table *t)
{
    return (onlooker_viewers_entry *) ((char *) t + ONLOOKER_VIEWERS_TABLE_HEADER_SIZE);
}

/* The hash of a page (path != NULL) or of a whole host (path == NULL), over
 * the texts as the ring stores them (cut by onlooker_text_fit). */
static inline uint64_t
onlooker_viewers_hash(const uint64_t key[ONLOOKER_VIEWERS_KEY_WORDS], const void *host,
                      size_t host_len, const void *path, size_t path_len)
{
    return onlooker_vh_key(key, host, onlooker_text_fit(host, host_len, ONLOOKER_HOST_MAX), path,
                           path != NULL ? onlooker_text_fit(path, path_len, ONLOOKER_PATH_MAX) : 0);
}

/* The part of a hash an entry keeps: its top 40 bits, never 0. */
static inline uint64_t
onlooker_viewers_tag(uint64_t hash)
{
    uint64_t tag = hash >> ONLOOKER_VIEWERS_COUNT_BITS;

    return tag != 0 ? tag : 1;
}

/* An entry of `tag` with `viewers` people (saturating: a page with more than
 * 16,777,215 shows that many). */
static inline uint64_t
onlooker_viewers_word(uint64_t tag, uint64_t viewers)
{
    return tag << ONLOOKER_VIEWERS_COUNT_BITS
           | (viewers < ONLOOKER_VIEWERS_COUNT_MAX ? viewers : ONLOOKER_VIEWERS_COUNT_MAX);
}

/* Readers (nginx workers). Viewers of the page or host, 0 when it is not in
 * the table, ONLOOKER_VIEWERS_DOWN when the table is missing or stale, or the
 * writer lapped every attempt. Bounded work, no lock, no system call. */
static inline int64_t
onlooker_viewers_lookup(const onlooker_viewers_header *h, uint64_t now_ms,
                        const void *host, size_t host_len,
                        const void *path, size_t path_len)
{
    onlooker_viewers_table *t;
    onlooker_viewers_entry *e;
    uint64_t                published, interval, seq, key[ONLOOKER_VIEWERS_KEY_WORDS];
    uint64_t                hash, tag, mask, i, probes;
    uint64_t                word, viewers;
    int                     attempt;

    if (h == NULL) {
        return ONLOOKER_VIEWERS_DOWN;
    }
    published = __atomic_load_n(&h->published_ms, __ATOMIC_ACQUIRE);
    interval = __atomic_load_n(&h->push_interval_ms, __ATOMIC_RELAXED);
    if (published == 0 || now_ms > published + 2 * interval) {
        return ONLOOKER_VIEWERS_DOWN;
    }
    mask = h->slots - 1;

    for (attempt = 0; attempt < ONLOOKER_VIEWERS_READ_ATTEMPTS; attempt++) {
        t = onlooker_viewers_table_at(h, __atomic_load_n(&h->active, __ATOMIC_ACQUIRE) & 1);
        seq = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
        if (seq & 1) {
            continue;
        }
        for (i = 0; i < ONLOOKER_VIEWERS_KEY_WORDS; i++) {
            key[i] = __atomic_load_n(&t->key[i], __ATOMIC_RELAXED);
        }
        hash = onlooker_viewers_hash(key, host, host_len, path, path_len);
        tag = onlooker_viewers_tag(hash);
        e = onlooker_viewers_entries(t);
        viewers = 0;
        for (i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            word = __atomic_load_n(&e[i].word, __ATOMIC_RELAXED);
            if (word == 0) {
                break;
            }
            if (word >> ONLOOKER_VIEWERS_COUNT_BITS == tag) {
                viewers = word & ONLOOKER_VIEWERS_COUNT_MAX;
                break;
            }
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&t->seq, __ATOMIC_RELAXED) == seq) {
            return (int64_t) viewers;
        }
    }
    return ONLOOKER_VIEWERS_DOWN;
}

/* The creator (nginx, configuration time) on a zeroed mapping. */
static inline void
onlooker_viewers_init(onlooker_viewers_header *h, uint32_t slots)
{
    h->layout_version = ONLOOKER_VIEWERS_LAYOUT_VERSION;
    h->slots = slots;
    h->active = 0;
    h->published_ms = 0;
    h->push_interval_ms = 0;
    __atomic_store_n(&h->magic, ONLOOKER_VIEWERS_MAGIC, __ATOMIC_RELEASE);
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_VIEWERS_H */
