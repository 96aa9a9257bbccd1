/*
 * The viewers table on the nginx side: onlooker_viewers_zone creates or
 * reopens the file onlookerd publishes live counts into and maps it
 * read-only; $onlooker_viewers and $onlooker_site_viewers read it.
 */
#ifndef NGX_HTTP_ONLOOKER_VIEWERS_H
#define NGX_HTTP_ONLOOKER_VIEWERS_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "onlooker_viewers.h"

typedef struct {
    ngx_str_t                  path;
    uint32_t                   slots;      /* per table, from size= */
    ngx_int_t                  group;      /* gid from group=, or -1: 0600 */
    onlooker_viewers_header   *table;      /* NULL until mapped */
    size_t                     mapped;
} ngx_http_onlooker_viewers_zone_t;

/* Maps zone->path read-only for this configuration cycle, creating the file
 * (header only, no counts yet) when it is new; released with cf->pool. */
char *ngx_http_onlooker_viewers_map(ngx_conf_t *cf,
    ngx_http_onlooker_viewers_zone_t *zone);

/* $onlooker_viewers (data 0) and $onlooker_site_viewers (data 1). */
ngx_int_t ngx_http_onlooker_viewers_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

#endif /* NGX_HTTP_ONLOOKER_VIEWERS_H */
