/*
 * The heartbeat endpoint: beats and leaves from beacon.js, answered with
 * 204 whatever happens to the record (limited, ring full).
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_beacon.h"
#include "ngx_http_onlooker_beat_limit.h"
#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_module.h"
#include "ngx_http_onlooker_record.h"

static uint8_t ngx_http_onlooker_beacon_kind(ngx_http_request_t *r);
static uint64_t ngx_http_onlooker_beacon_tab(ngx_http_request_t *r);
static uint32_t ngx_http_onlooker_beacon_visible_ms(ngx_http_request_t *r);
static void ngx_http_onlooker_beacon_page(ngx_http_request_t *r,
    ngx_str_t *page, u_char *buf, size_t size);


/* GET|POST /beat?p=PAGE[&t=TAB][&e=leave|hide|show][&v=VISIBLE_MS] -> 204,
 * and a beat, leave, hide or show record unless this visitor beats too often
 * (counted in the ring). */
ngx_int_t
ngx_http_onlooker_beacon_handler(ngx_http_request_t *r)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    u_char                          page_buf[ONLOOKER_PATH_MAX];
    uint8_t                         kind;
    uint64_t                        now_ms;
    ngx_int_t                       rc;
    ngx_str_t                       page, host;
    ngx_table_elt_t                *cache_control;
    onlooker_ring_header           *ring;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    kind = ngx_http_onlooker_beacon_kind(r);

    ngx_http_onlooker_beacon_page(r, &page, page_buf, sizeof(page_buf));

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    ring = omcf->zone->ring;
    now_ms = ngx_http_onlooker_now_ms();

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    ngx_http_onlooker_host(r, &host);
    if (ngx_http_onlooker_visitor(r, ring, olcf, &host, now_ms, id) != NGX_OK) {
        __atomic_fetch_add(&ring->dropped, 1, __ATOMIC_RELAXED);
    } else if (!ngx_http_onlooker_beat_allowed(id, now_ms)) {
        __atomic_fetch_add(&ring->beats_limited, 1, __ATOMIC_RELAXED);
    } else {
        ngx_http_onlooker_record(r, ring, kind, &page, &host, id,
                                 ngx_http_onlooker_beacon_tab(r),
                                 kind == ONLOOKER_KIND_LEAVE
                                 || kind == ONLOOKER_KIND_HIDE
                                 ? ngx_http_onlooker_beacon_visible_ms(r) : 0,
                                 now_ms);
    }

    cache_control = ngx_list_push(&r->headers_out.headers);
    if (cache_control != NULL) {
        cache_control->hash = 1;
        ngx_str_set(&cache_control->key, "Cache-Control");
        ngx_str_set(&cache_control->value, "no-store");
    }

    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}


/* What a heartbeat says happened: ?e=leave, hide or show, else (none, or
 * anything else) a beat. */
static uint8_t
ngx_http_onlooker_beacon_kind(ngx_http_request_t *r)
{
    ngx_str_t  event;

    if (ngx_http_arg(r, (u_char *) "e", 1, &event) != NGX_OK) {
        return ONLOOKER_KIND_BEAT;
    }

    if (event.len == 5 && ngx_strncmp(event.data, "leave", 5) == 0) {
        return ONLOOKER_KIND_LEAVE;
    }

    if (event.len == 4 && ngx_strncmp(event.data, "hide", 4) == 0) {
        return ONLOOKER_KIND_HIDE;
    }

    if (event.len == 4 && ngx_strncmp(event.data, "show", 4) == 0) {
        return ONLOOKER_KIND_SHOW;
    }

    return ONLOOKER_KIND_BEAT;
}


/* How long the tab was visible on the page, as beacon.js counts it: ?v= as
 * at most 9 decimal digits (under 12 days, so no overflow), else 0. Untrusted:
 * onlookerd caps it by the time since the page was opened. */
static uint32_t
ngx_http_onlooker_beacon_visible_ms(ngx_http_request_t *r)
{
    ngx_str_t  arg;
    ngx_int_t  ms;

    if (ngx_http_arg(r, (u_char *) "v", 1, &arg) != NGX_OK
        || arg.len == 0 || arg.len > 9)
    {
        return 0;
    }

    ms = ngx_atoi(arg.data, arg.len);   /* NGX_ERROR for anything not digits */

    return ms == NGX_ERROR ? 0 : (uint32_t) ms;
}


/* The tab a heartbeat is from: ?t= as 16 hex digits (beacon.js's random
 * per-tab id), else 0 (none named; also for anything malformed). */
static uint64_t
ngx_http_onlooker_beacon_tab(ngx_http_request_t *r)
{
    ngx_int_t   digit;
    ngx_str_t   arg;
    ngx_uint_t  i;
    uint64_t    tab;

    if (ngx_http_arg(r, (u_char *) "t", 1, &arg) != NGX_OK || arg.len != 16) {
        return 0;
    }

    tab = 0;
    for (i = 0; i < arg.len; i++) {
        digit = ngx_hextoi(&arg.data[i], 1);
        if (digit == NGX_ERROR) {
            return 0;
        }
        tab = tab << 4 | (uint64_t) digit;
    }

    return tab;
}


/* The page a heartbeat is for: ?p= (percent-decoded once, as beacon.js
 * encodes location.pathname), else the path of the Referer. */
static void
ngx_http_onlooker_beacon_page(ngx_http_request_t *r, ngx_str_t *page, u_char *buf,
    size_t size)
{
    u_char     *src, *dst, *p, *end;
    ngx_str_t   arg;

    if (ngx_http_arg(r, (u_char *) "p", 1, &arg) == NGX_OK && arg.len > 0) {
        src = arg.data;
        dst = buf;
        ngx_unescape_uri(&dst, &src, ngx_min(arg.len, size), 0);
        page->data = buf;
        page->len = dst - buf;
    } else if (r->headers_in.referer != NULL) {
        p = r->headers_in.referer->value.data;
        end = p + r->headers_in.referer->value.len;
        src = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
        if (src != NULL) {
            p = ngx_strlchr(src + 3, end, '/');
            if (p == NULL) {
                p = end;
            }
        }
        page->data = p;
        page->len = end - p;
    } else {
        ngx_str_null(page);
    }

    /* a page, not a query: stop at '?' or '#' */
    for (p = page->data, end = p + page->len; p < end; p++) {
        if (*p == '?' || *p == '#') {
            page->len = p - page->data;
            break;
        }
    }
}
