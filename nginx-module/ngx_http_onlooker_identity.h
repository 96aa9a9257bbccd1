/*
 * Who a visitor is: a keyed hash whose key changes every UTC day (the
 * default, no cookie) or a random 128-bit id kept in a first-party cookie.
 */
#ifndef NGX_HTTP_ONLOOKER_IDENTITY_H
#define NGX_HTTP_ONLOOKER_IDENTITY_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "onlooker_ring.h"

#define NGX_HTTP_ONLOOKER_ID_LEN 16

/* Draws this worker's secrets (cookie-id key, a candidate day key) and,
 * with a ring, starts the timer that keeps the day keys (once, at start). */
ngx_int_t ngx_http_onlooker_identity_init_process(ngx_cycle_t *cycle,
    onlooker_ring_header *ring);

/* SipHash-2-4 (128 bits) keyed with the UTC day's key, over the client
 * address, User-Agent and served host. NGX_ERROR, rarely, when no key can be
 * had without waiting (another worker stalled while installing it). */
ngx_int_t ngx_http_onlooker_visitor_hash(ngx_http_request_t *r,
    onlooker_ring_header *ring, ngx_str_t *host, uint64_t now_ms, u_char id[16]);

/* NGX_OK with id filled when the request carries a well-formed cookie NAME
 * (32 hex digits); NGX_DECLINED otherwise. */
ngx_int_t ngx_http_onlooker_cookie_id(ngx_http_request_t *r, ngx_str_t *name,
    u_char id[16]);

/* A fresh unpredictable id: SipHash over a counter, keyed with this worker's
 * random key. No system call. */
void ngx_http_onlooker_new_id(u_char id[16]);

/* Adds "Set-Cookie: NAME=<hex id>; Max-Age=31536000; Path=/; HttpOnly;
 * SameSite=Lax" (and "; Secure" on https) to the response. */
ngx_int_t ngx_http_onlooker_set_cookie(ngx_http_request_t *r, ngx_str_t *name,
    const u_char id[16]);

#endif /* NGX_HTTP_ONLOOKER_IDENTITY_H */
