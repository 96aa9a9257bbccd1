/*
 * onlooker_ring.h: the one thing nginx and onlookerd share.
 *
 * A bounded multi-producer / single-consumer ring in a named shared mapping
 * (a file, normally under /dev/shm). Every nginx worker is a producer; the
 * onlookerd drain loop is the only consumer. It is C (nginx's module is C) and
 * valid C++ (onlookerd includes it); atomics are the GCC/Clang __atomic
 * builtins on plain 64-bit fields, which are lock-free and address-free, so
 * they work across processes that map the file at different addresses.
 *
 * What one slot holds, a record of one request, is in onlooker_record.h.
 *
 * Layout (offsets in bytes, everything little-endian, no pointers inside):
 *
 *   0     onlooker_ring_header (512 bytes, eight cache lines)
 *           0-127   magic, layout_version, slot_size, capacity, generation,
 *                   created_ms                             (written once)
 *           128     head: next position a producer claims  (producers)
 *           192     tail: next position the consumer frees, torn
 *                                                         (consumer)
 *           256     dropped, beats_limited                (producers, rare)
 *           320     day_keys[2]: {day, key[2], pad} each  (once a day)
 *           384-511 reserved, zero
 *   512   onlooker_slot[capacity]  (ONLOOKER_SLOT_SIZE bytes each)
 *
 * Protocol (Vyukov's bounded queue with per-slot sequence numbers):
 *   slot[i].seq == pos             free for the producer of position pos
 *   slot[i].seq == pos + 1         holds the published record of position pos
 *   slot[i].seq == pos + capacity  freed by the consumer (or skipped as torn)
 * A producer claims pos by CAS on head, fills the slot, then publishes it by
 * CAS seq pos -> pos + 1. The consumer frees a slot by storing
 * seq = pos + capacity and advancing tail. A slot claimed by a worker that
 * died before publishing stays at seq == pos while head > pos; after a
 * bounded time the consumer skips it with CAS seq pos -> pos + capacity and
 * counts it in `torn`; a producer that was only slow then fails its publish
 * CAS and its record is lost, but counted.
 *
 * The consumer zeroes the client address of each record it frees (before
 * handing the slot back), so that an address stays in the ring only until it
 * has been read.
 *
 * Written records = head, dropped = dropped, torn = torn, beats_limited: the
 * counters a user may ask about.
 *
 * day_keys hold the visitor-hash key of a UTC day (see onlooker_day_key.h):
 * the key of day d lives in day_keys[d & 1] and is wiped when day d is over.
 */
#ifndef ONLOOKER_RING_H
#define ONLOOKER_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "onlooker_record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ONLOOKER_RING_MAGIC UINT64_C(0x4b4f4f4c4e4f2e52) /* "R.ONLOOK" */
#define ONLOOKER_RING_LAYOUT_VERSION 4u
#define ONLOOKER_RING_HEADER_SIZE 512u
#define ONLOOKER_SLOT_SIZE 1024u
#define ONLOOKER_CACHE_LINE 64u

/* Limits that keep a ring sane: at least 64 slots, at most 2^24 (16 GiB). */
#define ONLOOKER_RING_MIN_SLOTS 64u
#define ONLOOKER_RING_MAX_SLOTS (1u << 24)

/* How many times a producer retries a lost head CAS before it drops. */
#define ONLOOKER_CLAIM_ATTEMPTS 64

/* One day's visitor-hash key. `day` is the UTC day number (unix ms /
 * 86400000) the key belongs to, 0 when the slot is empty, with
 * ONLOOKER_DAY_KEY_BUSY set while the key is being written or wiped. */
typedef struct onlooker_day_key {
    uint64_t day;
    uint64_t key[2];             /* SipHash-2-4 key, never on disk */
    uint64_t pad;
} onlooker_day_key;

typedef struct onlooker_ring_header {
    /* lines 0-1: identity, written once when the file is created */
    uint64_t magic;              /* last field stored at creation */
    uint32_t layout_version;
    uint32_t slot_size;
    uint64_t capacity;           /* number of slots, a power of two */
    uint64_t generation;         /* random, new for every new ring file */
    uint64_t created_ms;
    uint8_t pad0[2 * ONLOOKER_CACHE_LINE - 40];
    /* line 2: producers */
    uint64_t head;
    uint8_t pad1[ONLOOKER_CACHE_LINE - 8];
    /* line 3: the consumer */
    uint64_t tail;
    uint64_t torn;
    uint8_t pad2[ONLOOKER_CACHE_LINE - 16];
    /* line 4: producers, only when the ring is full or a visitor beats too
     * often (the module's per-visitor limit on beats and leaves) */
    uint64_t dropped;
    uint64_t beats_limited;
    uint8_t pad3[ONLOOKER_CACHE_LINE - 16];
    /* line 5: the visitor-hash keys of today and of one neighbouring day */
    onlooker_day_key day_keys[2];
    uint8_t reserved[2 * ONLOOKER_CACHE_LINE];
} onlooker_ring_header;

typedef struct onlooker_slot {
    uint64_t seq;
    onlooker_record record;
} onlooker_slot;

#define ONLOOKER_TEXT_CAPACITY \
    (ONLOOKER_SLOT_SIZE - 8u - ONLOOKER_RECORD_FIXED_SIZE)

ONLOOKER_STATIC_ASSERT(sizeof(onlooker_ring_header) == ONLOOKER_RING_HEADER_SIZE,
                       "ring header is eight cache lines");
ONLOOKER_STATIC_ASSERT(offsetof(onlooker_ring_header, head) == 128, "head on its own line");
ONLOOKER_STATIC_ASSERT(offsetof(onlooker_ring_header, tail) == 192, "tail on its own line");
ONLOOKER_STATIC_ASSERT(offsetof(onlooker_ring_header, dropped) == 256, "dropped on its own line");
ONLOOKER_STATIC_ASSERT(offsetof(onlooker_ring_header, day_keys) == 320, "day keys on their own line");
ONLOOKER_STATIC_ASSERT(sizeof(onlooker_day_key) == 32, "two day keys per cache line");
ONLOOKER_STATIC_ASSERT(offsetof(onlooker_slot, record) == 8, "record follows seq");
ONLOOKER_STATIC_ASSERT(ONLOOKER_HOST_MAX + ONLOOKER_PATH_MAX + ONLOOKER_REFERRER_MAX
                       + ONLOOKER_UA_MAX + ONLOOKER_CAMPAIGN_MAX == ONLOOKER_TEXT_CAPACITY,
                       "field caps fill the text area exactly");
ONLOOKER_STATIC_ASSERT(__atomic_always_lock_free(sizeof(uint64_t), 0),
                       "64-bit atomics must be lock-free to be shared across processes");

/* Size of the mapping for a ring of `capacity` slots. */
static inline uint64_t
onlooker_ring_bytes(uint64_t capacity)
{
    return ONLOOKER_RING_HEADER_SIZE + capacity * ONLOOKER_SLOT_SIZE;
}

/* What onlooker_ring_check finds wrong with a header read from a file. */
enum onlooker_ring_fault {
    ONLOOKER_RING_OK = 0,
    ONLOOKER_RING_NOT_A_RING,    /* wrong magic number */
    ONLOOKER_RING_OTHER_LAYOUT,  /* another layout version or slot size */
    ONLOOKER_RING_BAD_SIZE       /* capacity not a power of two within the
                                    limits, or not the file's size */
};

/* The one check of a ring file's header, for both sides (each words its own
 * message): `file_size` is the size of the file the header was read from. */
static inline enum onlooker_ring_fault
onlooker_ring_check(const onlooker_ring_header *h, uint64_t file_size)
{
    if (h->magic != ONLOOKER_RING_MAGIC) {
        return ONLOOKER_RING_NOT_A_RING;
    }
    if (h->layout_version != ONLOOKER_RING_LAYOUT_VERSION
        || h->slot_size != ONLOOKER_SLOT_SIZE)
    {
        return ONLOOKER_RING_OTHER_LAYOUT;
    }
    if (h->capacity < ONLOOKER_RING_MIN_SLOTS || h->capacity > ONLOOKER_RING_MAX_SLOTS
        || (h->capacity & (h->capacity - 1)) != 0
        || file_size != onlooker_ring_bytes(h->capacity))
    {
        return ONLOOKER_RING_BAD_SIZE;
    }
    return ONLOOKER_RING_OK;
}

/* The largest power-of-two slot count whose slots fit in `size` bytes, or 0
 * when `size` is outside the limits. `size=` in nginx.conf means slot space. */
static inline uint64_t
onlooker_ring_capacity_for(uint64_t size)
{
    uint64_t slots = size / ONLOOKER_SLOT_SIZE;
    uint64_t capacity = 1;

    if (slots < ONLOOKER_RING_MIN_SLOTS || slots > ONLOOKER_RING_MAX_SLOTS) {
        return 0;
    }
    while (capacity * 2 <= slots) {
        capacity *= 2;
    }
    return capacity;
}

static inline onlooker_slot *
onlooker_ring_slot(onlooker_ring_header *h, uint64_t pos)
{
    return (onlooker_slot *) ((char *) h + ONLOOKER_RING_HEADER_SIZE
                              + (pos & (h->capacity - 1)) * ONLOOKER_SLOT_SIZE);
}

/* Prepares a fresh mapping of onlooker_ring_bytes(capacity) zeroed bytes.
 * `magic` is stored last, with release order, so that a reader that sees it
 * sees a complete header. */
static inline void
onlooker_ring_init(onlooker_ring_header *h, uint64_t capacity, uint64_t generation,
                   uint64_t now_ms)
{
    uint64_t pos;

    h->layout_version = ONLOOKER_RING_LAYOUT_VERSION;
    h->slot_size = ONLOOKER_SLOT_SIZE;
    h->capacity = capacity;
    h->generation = generation;
    h->created_ms = now_ms;
    h->head = 0;
    h->tail = 0;
    h->torn = 0;
    h->dropped = 0;
    h->beats_limited = 0;
    memset(h->day_keys, 0, sizeof(h->day_keys));
    for (pos = 0; pos < capacity; pos++) {
        onlooker_ring_slot(h, pos)->seq = pos;
    }
    __atomic_store_n(&h->magic, ONLOOKER_RING_MAGIC, __ATOMIC_RELEASE);
}

/* Producer, step 1: claims the next position. Returns the slot to fill, with
 * *pos_out set, or NULL when the ring is full (the record is then counted in
 * `dropped`). A bounded number of atomic operations; never waits. */
static inline onlooker_slot *
onlooker_ring_claim(onlooker_ring_header *h, uint64_t *pos_out)
{
    uint64_t pos = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
    int attempt;

    for (attempt = 0; attempt < ONLOOKER_CLAIM_ATTEMPTS; attempt++) {
        onlooker_slot *slot = onlooker_ring_slot(h, pos);
        uint64_t seq = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
        int64_t diff = (int64_t) (seq - pos);

        if (diff == 0) {
            if (__atomic_compare_exchange_n(&h->head, &pos, pos + 1, 1,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                *pos_out = pos;
                return slot;
            }
            /* lost the race: pos now holds the current head */
        } else if (diff < 0) {
            break; /* the slot still holds a record of the previous lap: full */
        } else {
            pos = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
        }
    }
    __atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELAXED);
    return NULL;
}

/* Producer, step 2: makes the filled slot visible to the consumer. Returns 0
 * when the consumer had already skipped the slot as torn (the producer was
 * stalled past the consumer's patience; the record is counted in `torn`). */
static inline int
onlooker_ring_publish(onlooker_slot *slot, uint64_t pos)
{
    uint64_t expected = pos;

    return __atomic_compare_exchange_n(&slot->seq, &expected, pos + 1, 0,
                                       __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* Producer, a hint after publishing pos: the slot at pos + 1 is the one this
 * producer most likely claims next, and claiming it stalls on loading its
 * sequence number (the ring cycles through more memory than the caches keep
 * near this core). Fetching its first lines now overlaps that miss with the
 * rest of the request. Only a hint: nothing is read or written. */
/* always_inline: left a call, GCC 12 finds the function free of side
 * effects and deletes the call, prefetches and all. */
static inline __attribute__((always_inline)) void
onlooker_ring_prefetch_next(onlooker_ring_header *h, uint64_t pos)
{
    char *next = (char *) onlooker_ring_slot(h, pos + 1);

    __builtin_prefetch(next, 1, 3);
    __builtin_prefetch(next + 64, 1, 3);
    __builtin_prefetch(next + 128, 1, 3);
    __builtin_prefetch(next + 192, 1, 3);
}

/* What the consumer finds at position pos. */
enum onlooker_slot_state {
    ONLOOKER_SLOT_EMPTY = 0,     /* nothing claimed at pos yet */
    ONLOOKER_SLOT_READY = 1,     /* a published record */
    ONLOOKER_SLOT_PENDING = 2,   /* claimed, not yet published (or torn) */
    ONLOOKER_SLOT_FREED = 3      /* already freed or skipped by a consumer */
};

static inline enum onlooker_slot_state
onlooker_ring_peek(onlooker_ring_header *h, uint64_t pos)
{
    uint64_t seq = __atomic_load_n(&onlooker_ring_slot(h, pos)->seq, __ATOMIC_ACQUIRE);
    int64_t diff = (int64_t) (seq - pos);

    if (diff == 1) {
        return ONLOOKER_SLOT_READY;
    }
    if (diff == 0) {
        return __atomic_load_n(&h->head, __ATOMIC_ACQUIRE) > pos
               ? ONLOOKER_SLOT_PENDING : ONLOOKER_SLOT_EMPTY;
    }
    if (diff >= (int64_t) h->capacity) {
        return ONLOOKER_SLOT_FREED;   /* freed or skipped at pos already */
    }
    /* diff < 0: the slot still holds an earlier lap, so nothing has been
     * written at pos yet (the ring is full behind the reader). */
    return ONLOOKER_SLOT_EMPTY;
}

/* Consumer: hands the slot of pos back to producers and advances tail.
 * Positions are freed in order. A published record's client address is
 * zeroed first, while the slot is still the consumer's: no address outlives
 * its reading. (A slot skipped as torn is not touched: its late writer may
 * still be filling it, and its next-lap writer may already own it.) */
static inline void
onlooker_ring_free(onlooker_ring_header *h, uint64_t pos)
{
    onlooker_slot *slot = onlooker_ring_slot(h, pos);
    uint64_t seq = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);

    if (seq == pos + 1) {
        memset(slot->record.addr, 0, sizeof(slot->record.addr));
        slot->record.addr_family = 0;
        __atomic_store_n(&slot->seq, pos + h->capacity, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&h->tail, pos + 1, __ATOMIC_RELEASE);
}

/* Consumer: gives up on a slot stuck in PENDING. Returns 1 when it was
 * skipped (and counted as torn), 0 when the producer published it meanwhile. */
static inline int
onlooker_ring_skip_torn(onlooker_ring_header *h, uint64_t pos)
{
    uint64_t expected = pos;

    if (!__atomic_compare_exchange_n(&onlooker_ring_slot(h, pos)->seq, &expected,
                                     pos + h->capacity, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        return 0;
    }
    __atomic_fetch_add(&h->torn, 1, __ATOMIC_RELAXED);
    return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_RING_H */
