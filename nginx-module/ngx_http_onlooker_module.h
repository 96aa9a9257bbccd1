/*
 * What the module's files share: its configuration and the visitor id of a
 * request (hash or cookie).
 */
#ifndef NGX_HTTP_ONLOOKER_MODULE_H
#define NGX_HTTP_ONLOOKER_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_identity.h"
#include "ngx_http_onlooker_viewers.h"
#include "ngx_http_onlooker_zone.h"

#define NGX_HTTP_ONLOOKER_IDENTITY_HASH    0
#define NGX_HTTP_ONLOOKER_IDENTITY_COOKIE  1

typedef struct {
    ngx_http_onlooker_zone_t          *zone;     /* NULL without onlooker_zone */
    ngx_http_onlooker_viewers_zone_t  *viewers;  /* NULL without
                                                    onlooker_viewers_zone */
} ngx_http_onlooker_main_conf_t;

/* The matched server's exact server_name values, copied at configuration
 * time: nginx keeps its own list (cscf->server_names) in the configuration's
 * temporary pool, which is gone by the time requests run. */
typedef struct {
    ngx_array_t               *names;       /* of ngx_str_t, lowercase */
} ngx_http_onlooker_srv_conf_t;

typedef struct {
    ngx_flag_t                 enable;
    ngx_flag_t                 query;
    ngx_uint_t                 identity;
    ngx_str_t                  cookie;
    ngx_flag_t                 beacon;
} ngx_http_onlooker_loc_conf_t;

extern ngx_module_t  ngx_http_onlooker_module;

/* The id this request's visitor has: a cookie set on this very response,
 * else a valid cookie (cookie mode), else the daily hash over `host`.
 * NGX_ERROR when the hash has no key (rare; the caller records nothing). */
ngx_int_t ngx_http_onlooker_visitor(ngx_http_request_t *r,
    onlooker_ring_header *ring, ngx_http_onlooker_loc_conf_t *olcf,
    ngx_str_t *host, uint64_t now_ms, u_char id[16]);

/* The host to record for r: see ngx_http_onlooker_served_host. */
static ngx_inline void
ngx_http_onlooker_host(ngx_http_request_t *r, ngx_str_t *host)
{
    ngx_http_onlooker_srv_conf_t  *oscf;

    oscf = ngx_http_get_module_srv_conf(r, ngx_http_onlooker_module);
    ngx_http_onlooker_served_host(r, oscf->names, host);
}

/* The path to record for r: as the client sent it, the query string only
 * with onlooker_query on. */
static ngx_inline void
ngx_http_onlooker_page_path(ngx_http_request_t *r,
    ngx_http_onlooker_loc_conf_t *olcf, ngx_str_t *path)
{
    u_char  *q;

    *path = r->unparsed_uri;
    if (!olcf->query && path->data != NULL) {
        q = ngx_strlchr(path->data, path->data + path->len, '?');
        if (q != NULL) {
            path->len = q - path->data;
        }
    }
}

#endif /* NGX_HTTP_ONLOOKER_MODULE_H */
