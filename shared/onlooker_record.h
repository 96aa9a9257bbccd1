/*
 * onlooker_record.h: one record of the ring (onlooker_ring.h), what the
 * module writes for a page view, beat, leave, hide, show or error: its
 * kinds, the fixed part, the text fields and their caps, and the helpers
 * that cut text into them. C for the module, valid C++ for onlookerd.
 */
#ifndef ONLOOKER_RECORD_H
#define ONLOOKER_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
#define ONLOOKER_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
extern "C" {
#else
#define ONLOOKER_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

enum onlooker_kind {
    ONLOOKER_KIND_VIEW = 1,
    ONLOOKER_KIND_BEAT = 2,
    ONLOOKER_KIND_LEAVE = 3,
    ONLOOKER_KIND_ERROR = 4,     /* a tracked GET answered >= 500: not a view */
    ONLOOKER_KIND_HIDE = 5,      /* beacon.js: the tab went to the background */
    ONLOOKER_KIND_SHOW = 6       /* beacon.js: the tab came back to the front */
};

/* The per-field budget of a record's text area. Longer values are cut (at a
 * UTF-8 character boundary) by the producer; the caps sum to the text area. */
#define ONLOOKER_HOST_MAX 96u
#define ONLOOKER_PATH_MAX 256u
#define ONLOOKER_REFERRER_MAX 168u
#define ONLOOKER_UA_MAX 240u
/* A view's campaign: the landing URL's utm_source, utm_medium, utm_campaign
 * and ref, in this order, each a field of its own with its own cap (layout
 * 4; layout 3 had one 64-byte field of utm values joined by tabs, never
 * written). */
enum onlooker_campaign_field {
    ONLOOKER_UTM_SOURCE = 0,
    ONLOOKER_UTM_MEDIUM = 1,
    ONLOOKER_UTM_CAMPAIGN = 2,
    ONLOOKER_REF = 3,
    ONLOOKER_CAMPAIGN_FIELDS = 4
};
#define ONLOOKER_CAMPAIGN_VALUE_MAX 40u
#define ONLOOKER_CAMPAIGN_MAX (ONLOOKER_CAMPAIGN_FIELDS * ONLOOKER_CAMPAIGN_VALUE_MAX)

typedef struct onlooker_record {
    uint64_t generation;         /* ring generation the record was written in */
    uint64_t seq;                /* its position in the ring */
    uint64_t ts_ms;              /* unix time, milliseconds */
    uint64_t bytes_sent;
    uint32_t request_ms;
    uint16_t status;
    uint8_t kind;                /* enum onlooker_kind */
    uint8_t addr_family;         /* 4, 6, or 0 when unknown */
    uint8_t addr[16];            /* client address, network order */
    uint8_t visitor[16];         /* visitor id */
    uint64_t tab;                /* beacon.js's id of the browser tab (beats,
                                    leaves), 0 when not given (page views) */
    uint16_t host_len;
    uint16_t path_len;
    uint16_t referrer_len;
    uint16_t ua_len;
    uint32_t visible_ms;         /* leave, hide: how long the tab was visible
                                    on this page (beacon.js), 0 otherwise */
    uint8_t campaign_len[ONLOOKER_CAMPAIGN_FIELDS];
                                 /* a view's utm_source, utm_medium,
                                    utm_campaign, ref (percent-decoded, no
                                    control characters); 0 when absent */
    char text[];                 /* host, path, referrer, user agent, then the
                                    campaign fields in their order */
} onlooker_record;

#define ONLOOKER_RECORD_FIXED_SIZE 96u

ONLOOKER_STATIC_ASSERT(sizeof(onlooker_record) == ONLOOKER_RECORD_FIXED_SIZE,
                       "record fixed part");
ONLOOKER_STATIC_ASSERT(ONLOOKER_CAMPAIGN_VALUE_MAX <= UINT8_MAX, "campaign lengths fit a byte");

/* How many of `len` bytes of `src` a field of `cap` bytes keeps: cut
 * without splitting a UTF-8 sequence. The viewers table hashes the same cut
 * (onlooker_viewers.h). Any byte value is carried as is: the lengths, not
 * terminators, delimit fields. */
static inline size_t
onlooker_text_fit(const void *src, size_t len, size_t cap)
{
    const unsigned char *bytes = (const unsigned char *) src;
    size_t               cut = cap;

    if (len <= cap) {
        return len;
    }
    /* back off over continuation bytes (10xxxxxx) to a character start */
    while (cut > 0 && cap - cut < 3 && (bytes[cut] & 0xC0) == 0x80) {
        cut--;
    }
    return (bytes[cut] & 0xC0) == 0x80 ? cap : cut;
}

/* Appends src to the record text at *used, cut by onlooker_text_fit;
 * returns the stored length. */
static inline uint16_t
onlooker_record_put_text(onlooker_record *rec, size_t *used, const void *src,
                         size_t len, size_t cap)
{
    const unsigned char *bytes = (const unsigned char *) src;

    len = onlooker_text_fit(src, len, cap);
    memcpy(rec->text + *used, bytes, len);
    *used += len;
    return (uint16_t) len;
}

#ifdef __cplusplus
}
#endif

#endif /* ONLOOKER_RECORD_H */
