/*
 * Filling a ring slot from a request. Every field is copied with its length
 * and cut at its cap on a UTF-8 character boundary; bytes of any value are
 * carried as they are (onlookerd escapes them where they are shown).
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_campaign.h"
#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_record.h"

static void ngx_http_onlooker_fill(ngx_http_request_t *r, onlooker_record *rec,
    uint8_t kind, ngx_str_t *path, ngx_str_t *host, const u_char visitor[16],
    uint64_t tab, uint32_t visible_ms, uint64_t now_ms);
static size_t ngx_http_onlooker_referrer(ngx_str_t *referer, u_char *buf,
    size_t size);


void
ngx_http_onlooker_record(ngx_http_request_t *r, onlooker_ring_header *ring,
    uint8_t kind, ngx_str_t *path, ngx_str_t *host, const u_char visitor[16],
    uint64_t tab, uint32_t visible_ms, uint64_t now_ms)
{
    uint64_t        pos;
    onlooker_slot  *slot;

    slot = onlooker_ring_claim(ring, &pos);
    if (slot == NULL) {
        return;   /* full: counted in ring->dropped */
    }

    slot->record.generation = ring->generation;
    slot->record.seq = pos;
    ngx_http_onlooker_fill(r, &slot->record, kind, path, host, visitor, tab,
                           visible_ms, now_ms);

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
    ngx_str_t *path, ngx_str_t *host, const u_char visitor[16], uint64_t tab,
    uint32_t visible_ms, uint64_t now_ms)
{
    u_char           referrer[ONLOOKER_REFERRER_MAX + 1];
    size_t           used, len;
    ngx_str_t       *ua;
    ngx_msec_int_t   ms;

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
    rec->visible_ms = visible_ms;
    rec->addr_family = ngx_http_onlooker_client_address(r, rec->addr);

    used = 0;
    rec->host_len = onlooker_record_put_text(rec, &used, host->data, host->len,
                                             ONLOOKER_HOST_MAX);
    rec->path_len = onlooker_record_put_text(rec, &used, path->data, path->len,
                                             ONLOOKER_PATH_MAX);

    if (r->headers_in.referer != NULL) {
        len = ngx_http_onlooker_referrer(&r->headers_in.referer->value,
                                         referrer, sizeof(referrer));
        rec->referrer_len = onlooker_record_put_text(rec, &used, referrer, len,
                                                     ONLOOKER_REFERRER_MAX);
    } else {
        rec->referrer_len = 0;
    }

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    rec->ua_len = ua ? onlooker_record_put_text(rec, &used, ua->data, ua->len,
                                                ONLOOKER_UA_MAX)
                     : 0;

    /* Only a view lands on a page with a campaign in its URL; beats and
     * leaves name their page with ?p= and carry none. */
    if (kind == ONLOOKER_KIND_VIEW) {
        ngx_http_onlooker_campaign_put(r, rec, &used);
    } else {
        ngx_memzero(rec->campaign_len, sizeof(rec->campaign_len));
    }
}


/* "https://alice:pw@example.com/a;jsessionid=1/b?q#f" -> "example.com/a/b":
 * the Referer without scheme, userinfo, `;` path parameters, query or
 * fragment, which may carry passwords and tokens nobody should keep. Writes
 * at most `size` bytes (one more than the field's cap, so that the cut can
 * find a character boundary) and returns how many. */
static size_t
ngx_http_onlooker_referrer(ngx_str_t *referer, u_char *buf, size_t size)
{
    size_t       n;
    u_char      *p, *end, *q, *authority_end;
    ngx_uint_t   parameter;

    p = referer->data;
    end = p + referer->len;

    q = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
    if (q != NULL) {
        p = q + 3;
    }

    for (q = p; q < end && *q != '?' && *q != '#'; q++) { /* void */ }
    end = q;

    /* userinfo ends at the last '@' before the path */
    authority_end = ngx_strlchr(p, end, '/');
    if (authority_end == NULL) {
        authority_end = end;
    }
    for (q = authority_end; q > p; q--) {
        if (q[-1] == '@') {
            p = q;
            break;
        }
    }

    /* a ';' parameter runs to the end of its path segment */
    n = 0;
    parameter = 0;
    for ( /* void */ ; p < end && n < size; p++) {
        if (*p == ';') {
            parameter = 1;
        } else if (*p == '/') {
            parameter = 0;
        }
        if (!parameter) {
            buf[n++] = *p;
        }
    }

    return n;
}
