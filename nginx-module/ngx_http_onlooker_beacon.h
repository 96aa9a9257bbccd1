/*
 * The heartbeat endpoint (`onlooker_beacon;`): GET|POST ?p=PAGE&t=TAB
 * [&e=leave] answers 204 and records a beat or a leave, at most as often as
 * the per-visitor beat limit allows.
 */
#ifndef NGX_HTTP_ONLOOKER_BEACON_H
#define NGX_HTTP_ONLOOKER_BEACON_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/* The content handler of a location with `onlooker_beacon;`. */
ngx_int_t ngx_http_onlooker_beacon_handler(ngx_http_request_t *r);

#endif /* NGX_HTTP_ONLOOKER_BEACON_H */
