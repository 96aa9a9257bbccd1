/*
 * Who asked, as the ring records it: the client address (one helper for
 * the record and the visitor hash) and the host, which is a name the matched
 * server serves, never an arbitrary Host header.
 */
#ifndef NGX_HTTP_ONLOOKER_CLIENT_H
#define NGX_HTTP_ONLOOKER_CLIENT_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/* The client address in network order, zero padded to 16 bytes; returns the
 * family as the record writes it: 4, 6, or 0 when neither (unix sockets). */
uint8_t ngx_http_onlooker_client_address(ngx_http_request_t *r, u_char addr[16]);

/* Number of address bytes a family carries: 4, 16 or 0. */
#define ngx_http_onlooker_address_len(family) \
    ((family) == 4 ? 4 : (family) == 6 ? 16 : 0)

/* The Host when it equals one of `names` (the matched server's exact
 * server_name values; nginx already lowercased the Host and stripped the
 * port), else the server's primary name: a client cannot make up hosts. */
void ngx_http_onlooker_served_host(ngx_http_request_t *r, ngx_array_t *names,
    ngx_str_t *host);

/* Copies the exact (not wildcard, not regex) server_name values of the
 * server being configured into an array of ngx_str_t from cf->pool; NULL on
 * allocation failure. For the module's merge_srv_conf. */
ngx_array_t *ngx_http_onlooker_served_names(ngx_conf_t *cf);

#endif /* NGX_HTTP_ONLOOKER_CLIENT_H */
