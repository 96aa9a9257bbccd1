/*
 * Filling a ring slot from a request. Every field is copied with its length
 * and cut at its cap on a UTF-8 character boundary; bytes of any value are
 * carried as they are (onlookerd escapes them where they are shown).
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_record.h"

static void ngx_http_onlooker_fill(ngx_http_request_t *r, onlooker_record *rec,
    uint8_t kind, ngx_str_t *path, const u_char visitor[16], uint64_t tab,
    uint64_t now_ms);
static size_t ngx_http_onlooker_referrer(ngx_str_t *referer, u_char **start);


void
ngx_http_onlooker_record(ngx_http_request_t *r, onlooker_ring_header *ring,
    uint8_t kind, ngx_str_t *path, const u_char visitor[16], uint64_t tab,
    uint64_t now_ms)
{
    uint64_t        pos;
    onlooker_slot  *slot;

    slot = onlooker_ring_claim(ring, &pos);
    if (slot == NULL) {
        return;   /* full: counted in ring->dropped */
    }

    slot->record.generation = ring->generation;
    slot->record.seq = pos;
    ngx_http_onlooker_fill(r, &slot->record, kind, path, visitor, tab, now_ms);

    if (!onlooker_ring_publish(slot, pos)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "onlooker: record %uL was skipped by onlookerd before "
                      "this worker published it", pos);
    }

    onlooker_ring_prefetch_next(ring, pos);
}


uint64_t
ngx_http_onlooker_now_ms(void)
{
    ngx_time_t  *tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}


static void
ngx_http_onlooker_fill(ngx_http_request_t *r, onlooker_record *rec, uint8_t kind,
    ngx_str_t *path, const u_char visitor[16], uint64_t tab, uint64_t now_ms)
{
    size_t                used, len;
    u_char               *p;
    ngx_str_t            *host, *ua;
    ngx_msec_int_t        ms;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    rec->ts_ms = now_ms;
    ms = (ngx_msec_int_t) (now_ms - ((uint64_t) r->start_sec * 1000
                                     + r->start_msec));
    rec->request_ms = (uint32_t) ngx_max(ms, 0);
    rec->bytes_sent = (uint64_t) r->connection->sent;
    rec->status = (uint16_t) (r->err_status ? r->err_status
                                            : r->headers_out.status);
    rec->kind = kind;
    ngx_memcpy(rec->visitor, visitor, sizeof(rec->visitor));
    rec->tab = tab;

    ngx_memzero(rec->addr, sizeof(rec->addr));
    rec->addr_family = 0;
    switch (r->connection->sockaddr->sa_family) {
    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        ngx_memcpy(rec->addr, &sin->sin_addr, 4);
        rec->addr_family = 4;
        break;
#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;
        ngx_memcpy(rec->addr, &sin6->sin6_addr, 16);
        rec->addr_family = 6;
        break;
#endif
    }

    used = 0;
    host = &r->headers_in.server;
    rec->host_len = onlooker_record_put_text(rec, &used, host->data, host->len,
                                             ONLOOKER_HOST_MAX);
    rec->path_len = onlooker_record_put_text(rec, &used, path->data, path->len,
                                             ONLOOKER_PATH_MAX);

    if (r->headers_in.referer != NULL) {
        len = ngx_http_onlooker_referrer(&r->headers_in.referer->value, &p);
        rec->referrer_len = onlooker_record_put_text(rec, &used, p, len,
                                                     ONLOOKER_REFERRER_MAX);
    } else {
        rec->referrer_len = 0;
    }

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    rec->ua_len = ua ? onlooker_record_put_text(rec, &used, ua->data, ua->len,
                                                ONLOOKER_UA_MAX)
                     : 0;
}


/* "https://example.com/a/b?q#f" -> "example.com/a/b": the Referer without
 * scheme, query or fragment, which may carry tokens nobody should keep. */
static size_t
ngx_http_onlooker_referrer(ngx_str_t *referer, u_char **start)
{
    u_char  *p, *end, *q;

    p = referer->data;
    end = p + referer->len;

    q = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
    if (q != NULL) {
        p = q + 3;
    }

    for (q = p; q < end && *q != '?' && *q != '#'; q++) { /* void */ }

    *start = p;
    return (size_t) (q - p);
}
