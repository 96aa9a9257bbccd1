#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_onlooker_beat_limit.h"

typedef struct {
    uint64_t  tag;      /* first 8 bytes of the visitor id */
    uint64_t  due_ms;   /* GCRA's theoretical arrival time of the next beat */
} ngx_http_onlooker_beat_slot_t;

/* This worker's table; NULL when it could not be allocated (no limit). */
static ngx_http_onlooker_beat_slot_t  *ngx_http_onlooker_beat_slots;


ngx_int_t
ngx_http_onlooker_beat_limit_init_process(ngx_cycle_t *cycle)
{
    ngx_http_onlooker_beat_slots = ngx_pcalloc(cycle->pool,
        NGX_HTTP_ONLOOKER_BEAT_SLOTS * sizeof(ngx_http_onlooker_beat_slot_t));

    if (ngx_http_onlooker_beat_slots == NULL) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "onlooker: no memory for the beat limit table; "
                      "beats are not limited in this worker");
    }

    return NGX_OK;
}


ngx_uint_t
ngx_http_onlooker_beat_allowed(const u_char visitor[16], uint64_t now_ms)
{
    uint64_t                        tag;
    ngx_uint_t                      index;
    ngx_http_onlooker_beat_slot_t  *slot;

    if (ngx_http_onlooker_beat_slots == NULL) {
        return 1;
    }

    ngx_memcpy(&tag, visitor, sizeof(tag));
    index = ((ngx_uint_t) visitor[8] << 8 | visitor[9])
            & (NGX_HTTP_ONLOOKER_BEAT_SLOTS - 1);
    slot = &ngx_http_onlooker_beat_slots[index];

    if (slot->tag != tag || slot->due_ms < now_ms) {
        slot->tag = tag;
        slot->due_ms = now_ms;
    }

    if (slot->due_ms - now_ms
        > (uint64_t) (NGX_HTTP_ONLOOKER_BEAT_BURST - 1)
          * NGX_HTTP_ONLOOKER_BEAT_EVERY_MS)
    {
        return 0;
    }

    slot->due_ms += NGX_HTTP_ONLOOKER_BEAT_EVERY_MS;
    return 1;
}
