/*
 * onlooker_day_key.h: the visitor-hash key of each UTC day, in the ring
 * header, shared by every nginx worker (and, later, onlookerd).
 *
 * Promise: a fresh random key each UTC day; once the day is over its key is
 * zeroed and nothing kept can give it back, so nobody who later reads the
 * ring (or the database) can link a person across days. The ring lives in
 * /dev/shm, so the key is never written to a disk, except that the kernel
 * may swap shared memory out like any other: use encrypted swap or none.
 *
 * Slots: the key of day d lives in day_keys[d & 1]; the other slot holds the
 * previous day's key until it is wiped, or the next day's key when someone
 * installed it in advance. A slot's `day` word is its version: while a key
 * is written or wiped it carries ONLOOKER_DAY_KEY_BUSY, and a reader checks
 * that the word did not change across its copy of the key (a seqlock with a
 * single writer per slot, chosen by CAS). Nobody waits: a reader that finds
 * the slot busy retries a bounded number of times and then reports failure.
 *
 * Who installs: any process that maps the ring. Today each nginx worker keeps
 * a private candidate key drawn from getrandom() off the request path, and
 * the first request (or the worker's one-second timer) of a new day installs
 * its candidate by CAS; the losers keep theirs for another day. So the module
 * works with onlookerd down. Hook for several nodes: a process that knows the
 * key the cluster agreed for day d (onlookerd through Redis, say) calls
 * onlooker_day_key_install(h, d, key) before the day starts; workers then
 * find it and never install their own.
 */
#ifndef ONLOOKER_DAY_KEY_H
#define ONLOOKER_DAY_KEY_H

#include "onlooker_ring.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ONLOOKER_DAY_MS UINT64_C(86400000)
#define ONLOOKER_DAY_KEY_BUSY (UINT64_C(1) << 63)
/* Set in a slot's `day` word when the key is the one the cluster agreed
 * (onlooker_day_key_replace): a slot goes from a node's own key to the
 * cluster's at most once, so a reader's before/after check of the word can
 * never see the same value around a replace (no ABA). */
#define ONLOOKER_DAY_KEY_CLUSTER (UINT64_C(1) << 62)
#define ONLOOKER_DAY_KEY_DAY(word) ((word) & ~(ONLOOKER_DAY_KEY_BUSY | ONLOOKER_DAY_KEY_CLUSTER))
/* Reads of a busy slot before a reader gives up (a writer needs a few ns). */
#define ONLOOKER_DAY_KEY_SPINS 64

static inline uint64_t
onlooker_utc_day(uint64_t unix_ms)
{
    return unix_ms / ONLOOKER_DAY_MS;
}

/* Copies the key of slot k if it holds day `day` exactly. 1 on success, 0
 * when the slot holds another day (or nothing), -1 when it stayed busy. */
static inline int
onlooker_day_key_read(onlooker_day_key *k, uint64_t day, uint64_t key[2])
{
    int spin;

    for (spin = 0; spin < ONLOOKER_DAY_KEY_SPINS; spin++) {
        uint64_t before = __atomic_load_n(&k->day, __ATOMIC_ACQUIRE);

        if (before & ONLOOKER_DAY_KEY_BUSY) {
            continue;
        }
        if (ONLOOKER_DAY_KEY_DAY(before) != day) {
            return 0;
        }
        key[0] = __atomic_load_n(&k->key[0], __ATOMIC_RELAXED);
        key[1] = __atomic_load_n(&k->key[1], __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&k->day, __ATOMIC_RELAXED) == before) {
            return 1;
        }
    }
    return -1;
}

/* Puts `key` into the slot of `day` unless that slot already holds `day` or
 * a later day. Returns 1 when this call installed it, 0 when the slot holds
 * `day` already (someone else won: use theirs), -1 when it cannot (busy, or
 * a later day is there). */
static inline int
onlooker_day_key_install(onlooker_ring_header *h, uint64_t day, const uint64_t key[2])
{
    onlooker_day_key *k = &h->day_keys[day & 1];
    uint64_t          seen = __atomic_load_n(&k->day, __ATOMIC_ACQUIRE);

    if (ONLOOKER_DAY_KEY_DAY(seen) == day && !(seen & ONLOOKER_DAY_KEY_BUSY)) {
        return 0;
    }
    if ((seen & ONLOOKER_DAY_KEY_BUSY) || ONLOOKER_DAY_KEY_DAY(seen) > day
        || !__atomic_compare_exchange_n(&k->day, &seen, day | ONLOOKER_DAY_KEY_BUSY, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
        return ONLOOKER_DAY_KEY_DAY(seen) == day && !(seen & ONLOOKER_DAY_KEY_BUSY) ? 0 : -1;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&k->key[0], key[0], __ATOMIC_RELAXED);
    __atomic_store_n(&k->key[1], key[1], __ATOMIC_RELAXED);
    __atomic_store_n(&k->day, day, __ATOMIC_RELEASE);
    return 1;
}

/* Installs the cluster's key for `day` (onlookerd, from Redis), replacing a
 * node-local key of that day if one is there. Returns 1 when the slot now
 * holds `key` as the cluster's, 0 when it held a cluster key of `day`
 * already (never replaced: the cluster agrees on one key per day), -1 when
 * it cannot (busy, or a later day is there). Records hashed before the
 * replace keep the node's own id for that person (documented). */
static inline int
onlooker_day_key_replace(onlooker_ring_header *h, uint64_t day, const uint64_t key[2])
{
    onlooker_day_key *k = &h->day_keys[day & 1];
    uint64_t          seen = __atomic_load_n(&k->day, __ATOMIC_ACQUIRE);

    if (seen == (day | ONLOOKER_DAY_KEY_CLUSTER)) {
        return 0;
    }
    if ((seen & ONLOOKER_DAY_KEY_BUSY) || ONLOOKER_DAY_KEY_DAY(seen) > day
        || !__atomic_compare_exchange_n(&k->day, &seen, day | ONLOOKER_DAY_KEY_BUSY, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
        return -1;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&k->key[0], key[0], __ATOMIC_RELAXED);
    __atomic_store_n(&k->key[1], key[1], __ATOMIC_RELAXED);
    __atomic_store_n(&k->day, day | ONLOOKER_DAY_KEY_CLUSTER, __ATOMIC_RELEASE);
    return 1;
}

/* Zeroes every key of a day before `today` (yesterday's, at midnight). */
static inline void
onlooker_day_key_wipe_before(onlooker_ring_header *h, uint64_t today)
{
    int i;

    for (i = 0; i < 2; i++) {
        onlooker_day_key *k = &h->day_keys[i];
        uint64_t          seen = __atomic_load_n(&k->day, __ATOMIC_ACQUIRE);

        if (seen == 0 || (seen & ONLOOKER_DAY_KEY_BUSY) || ONLOOKER_DAY_KEY_DAY(seen) >= today
            || !__atomic_compare_exchange_n(&k->day, &seen, seen | ONLOOKER_DAY_KEY_BUSY, 0,
                                            __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        {
            continue;
        }
        __atomic_thread_fence(__ATOMIC_RELEASE);
        __atomic_store_n(&k->key[0], 0, __ATOMIC_RELAXED);
        __atomic_store_n(&k->key[1], 0, __ATOMIC_RELAXED);
        __atomic_store_n(&k->day, 0, __ATOMIC_RELEASE);
    }
}

/* The key to hash with on `day`, as a request needs it: the day's own key,
 * else a later day's (this clock lags another worker's by a few ms at
 * midnight), else `candidate` installed as the day's key (*installed = 1:
 * the caller must draw a new candidate). 1 with key filled, 0 when there is
 * none (a writer stalled mid-install; the caller drops the record). */
static inline int
onlooker_day_key_get(onlooker_ring_header *h, uint64_t day, const uint64_t *candidate,
                     uint64_t key[2], int *installed)
{
    int rc;

    *installed = 0;
    rc = onlooker_day_key_read(&h->day_keys[day & 1], day, key);
    if (rc != 0) {
        return rc == 1;
    }
    if (onlooker_day_key_read(&h->day_keys[(day + 1) & 1], day + 1, key) == 1) {
        return 1;
    }
    if (candidate == NULL) {
        return 0;
    }
    rc = onlooker_day_key_install(h, day, candidate);
    if (rc == 1) {
        *installed = 1;
        key[0] = candidate[0];
        key[1] = candidate[1];
        onlooker_day_key_wipe_before(h, day);
        return 1;
    }
    return onlooker_day_key_read(&h->day_keys[day & 1], day, key) == 1;
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_DAY_KEY_H */
