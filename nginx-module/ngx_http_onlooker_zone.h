/*
 * The ring's mapping on the nginx side: create or reopen the file named by
 * onlooker_zone, check that it holds a compatible ring, map it shared.
 */
#ifndef NGX_HTTP_ONLOOKER_ZONE_H
#define NGX_HTTP_ONLOOKER_ZONE_H

#include <ngx_config.h>
#include <ngx_core.h>

#include "onlooker_ring.h"

typedef struct {
    ngx_str_t              path;
    uint64_t               capacity;    /* slots, from size= */
    ngx_int_t              group;       /* gid from group=, or -1: 0600 */
    onlooker_ring_header  *ring;        /* NULL until mapped */
    size_t                 mapped;
} ngx_http_onlooker_zone_t;

/* Maps zone->path for this configuration cycle, creating and initialising
 * the ring when the file is new. The mapping is released with cf->pool, that
 * is when the cycle that parsed this configuration ends; the file and what
 * is in it outlive reloads, restarts and onlookerd. */
char *ngx_http_onlooker_zone_map(ngx_conf_t *cf, ngx_http_onlooker_zone_t *zone);

#endif /* NGX_HTTP_ONLOOKER_ZONE_H */
