/*
 * Writing one record into the ring for a request: claim a slot, fill it
 * from the request, publish it. The only code that runs per tracked request.
 */
#ifndef NGX_HTTP_ONLOOKER_RECORD_H
#define NGX_HTTP_ONLOOKER_RECORD_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "onlooker_ring.h"

/* Records a `kind` hit of request r on page `path` of `host` (a served name,
 * ngx_http_onlooker_served_host) by `visitor`, from browser tab `tab` (0:
 * none named), visible on the page for `visible_ms` (a leave's or hide's,
 * else 0). A full ring drops the record (counted in the ring); nothing
 * here fails the request. */
void ngx_http_onlooker_record(ngx_http_request_t *r, onlooker_ring_header *ring,
    uint8_t kind, ngx_str_t *path, ngx_str_t *host, const u_char visitor[16],
    uint64_t tab, uint32_t visible_ms, uint64_t now_ms);

/* Unix time in milliseconds from nginx's cached clock (no system call). */
uint64_t ngx_http_onlooker_now_ms(void);

#endif /* NGX_HTTP_ONLOOKER_RECORD_H */
