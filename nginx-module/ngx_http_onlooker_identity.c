/*
 * Visitor identity. The hash mode stores nothing in the browser and nothing
 * that can be turned back into an address: SipHash-2-4 keyed with the UTC
 * day's random key (onlooker_day_key.h), which is wiped when the day is
 * over, so ids change daily and yesterday's cannot be recomputed.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_identity.h"
#include "ngx_http_onlooker_random.h"
#include "onlooker_day_key.h"
#include "onlooker_siphash.h"

#define NGX_HTTP_ONLOOKER_COOKIE_ATTRS \
    "; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax"

/* How often a worker refills its candidate key and checks the day. */
#define NGX_HTTP_ONLOOKER_KEY_TICK_MS 1000

static ngx_int_t ngx_http_onlooker_draw_candidate(ngx_log_t *log);
static void ngx_http_onlooker_key_tick(ngx_event_t *ev);

/* Per-worker secrets, process-local by design (each worker draws its own,
 * like the start values nginx's userid filter keeps): the key and counter
 * of the cookie-id generator, and a candidate for the next day's key, drawn
 * ahead so that installing it at midnight needs no system call. */
static struct {
    uint64_t     cookie_key[2];
    uint64_t     counter;
    uint64_t     candidate[2];
    ngx_uint_t   have_candidate;
    ngx_event_t  tick;
} ngx_http_onlooker_id_state;


ngx_int_t
ngx_http_onlooker_identity_init_process(ngx_cycle_t *cycle,
    onlooker_ring_header *ring)
{
    ngx_event_t  *tick = &ngx_http_onlooker_id_state.tick;

    if (ngx_http_onlooker_random_bytes(ngx_http_onlooker_id_state.cookie_key,
                                       sizeof(ngx_http_onlooker_id_state.cookie_key))
        != NGX_OK
        || ngx_http_onlooker_draw_candidate(cycle->log) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      "onlooker: getrandom() failed for the visitor keys");
        return NGX_ERROR;
    }
    ngx_http_onlooker_id_state.counter = (uint64_t) ngx_pid << 32;

    if (ring != NULL) {
        tick->handler = ngx_http_onlooker_key_tick;
        tick->data = ring;
        tick->log = cycle->log;
        tick->cancelable = 1;   /* never holds a worker back from exiting */
        ngx_add_timer(tick, NGX_HTTP_ONLOOKER_KEY_TICK_MS);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_onlooker_draw_candidate(ngx_log_t *log)
{
    if (ngx_http_onlooker_random_bytes(ngx_http_onlooker_id_state.candidate,
                                       sizeof(ngx_http_onlooker_id_state.candidate))
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "onlooker: getrandom() failed for a day key");
        return NGX_ERROR;
    }
    ngx_http_onlooker_id_state.have_candidate = 1;
    return NGX_OK;
}


/* The day's key for a request: the ring's, or this worker's candidate,
 * installed (first request of a new day). No system call, no allocation. */
static ngx_int_t
ngx_http_onlooker_day_key(onlooker_ring_header *ring, uint64_t day,
    uint64_t key[2])
{
    int  installed;

    if (!onlooker_day_key_get(ring, day,
                              ngx_http_onlooker_id_state.have_candidate
                              ? ngx_http_onlooker_id_state.candidate : NULL,
                              key, &installed))
    {
        return NGX_ERROR;
    }
    if (installed) {
        /* it is the ring's now; the timer draws the next one */
        ngx_explicit_memzero(ngx_http_onlooker_id_state.candidate,
                             sizeof(ngx_http_onlooker_id_state.candidate));
        ngx_http_onlooker_id_state.have_candidate = 0;
    }
    return NGX_OK;
}


/* Off the request path, every second: a fresh candidate if the last one was
 * installed, today's key even without traffic, yesterday's wiped. */
static void
ngx_http_onlooker_key_tick(ngx_event_t *ev)
{
    uint64_t               key[2], day;
    onlooker_ring_header  *ring = ev->data;

    if (!ngx_http_onlooker_id_state.have_candidate) {
        (void) ngx_http_onlooker_draw_candidate(ev->log);
    }

    day = onlooker_utc_day((uint64_t) ngx_time() * 1000);
    if (ngx_http_onlooker_day_key(ring, day, key) == NGX_OK) {
        onlooker_day_key_wipe_before(ring, day);
    }
    ngx_explicit_memzero(key, sizeof(key));

    if (!ngx_exiting) {
        ngx_add_timer(ev, NGX_HTTP_ONLOOKER_KEY_TICK_MS);
    }
}


ngx_int_t
ngx_http_onlooker_visitor_hash(ngx_http_request_t *r, onlooker_ring_header *ring,
    ngx_str_t *host, uint64_t now_ms, u_char id[16])
{
    u_char             addr[16];
    uint8_t            family;
    uint64_t           key[2], ua_len;
    ngx_str_t         *ua;
    onlooker_siphash   sip;

    if (ngx_http_onlooker_day_key(ring, onlooker_utc_day(now_ms), key) != NGX_OK) {
        return NGX_ERROR;
    }

    onlooker_siphash_init(&sip, key);

    family = ngx_http_onlooker_client_address(r, addr);
    onlooker_siphash_update(&sip, &family, 1);
    onlooker_siphash_update(&sip, addr, ngx_http_onlooker_address_len(family));

    /* lengths first, so that no two inputs run together */
    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    ua_len = ua ? ua->len : 0;
    onlooker_siphash_update(&sip, &ua_len, sizeof(ua_len));
    if (ua != NULL) {
        onlooker_siphash_update(&sip, ua->data, ua->len);
    }
    onlooker_siphash_update(&sip, host->data, host->len);

    onlooker_siphash_final(&sip, id);

    return NGX_OK;
}


ngx_int_t
ngx_http_onlooker_cookie_id(ngx_http_request_t *r, ngx_str_t *name, u_char id[16])
{
    ngx_int_t  hi, lo;
    ngx_str_t  value;
    ngx_uint_t i;

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, name, &value)
        == NGX_DECLINED
        || value.len != 2 * NGX_HTTP_ONLOOKER_ID_LEN)
    {
        return NGX_DECLINED;
    }

    for (i = 0; i < NGX_HTTP_ONLOOKER_ID_LEN; i++) {
        hi = ngx_hextoi(&value.data[2 * i], 1);
        lo = ngx_hextoi(&value.data[2 * i + 1], 1);
        if (hi == NGX_ERROR || lo == NGX_ERROR) {
            return NGX_DECLINED;
        }
        id[i] = (u_char) (hi << 4 | lo);
    }

    return NGX_OK;
}


void
ngx_http_onlooker_new_id(u_char id[16])
{
    onlooker_siphash  sip;

    ngx_http_onlooker_id_state.counter++;

    onlooker_siphash_init(&sip, ngx_http_onlooker_id_state.cookie_key);
    onlooker_siphash_update(&sip, &ngx_http_onlooker_id_state.counter,
                            sizeof(ngx_http_onlooker_id_state.counter));
    onlooker_siphash_final(&sip, id);
}


ngx_int_t
ngx_http_onlooker_set_cookie(ngx_http_request_t *r, ngx_str_t *name,
    const u_char id[16])
{
    u_char           *p;
    size_t            len;
    ngx_table_elt_t  *set_cookie;

    len = name->len + 1 + 2 * NGX_HTTP_ONLOOKER_ID_LEN
          + sizeof(NGX_HTTP_ONLOOKER_COOKIE_ATTRS) - 1 + sizeof("; Secure") - 1;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    set_cookie = ngx_list_push(&r->headers_out.headers);
    if (set_cookie == NULL) {
        return NGX_ERROR;
    }

    set_cookie->hash = 1;
    ngx_str_set(&set_cookie->key, "Set-Cookie");
    set_cookie->value.data = p;

    p = ngx_copy(p, name->data, name->len);
    *p++ = '=';
    p = ngx_hex_dump(p, (u_char *) id, NGX_HTTP_ONLOOKER_ID_LEN);
    p = ngx_cpymem(p, NGX_HTTP_ONLOOKER_COOKIE_ATTRS,
                   sizeof(NGX_HTTP_ONLOOKER_COOKIE_ATTRS) - 1);
#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }
#endif

    set_cookie->value.len = p - set_cookie->value.data;

    return NGX_OK;
}
