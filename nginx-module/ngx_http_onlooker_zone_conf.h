/*
 * The handlers of the onlooker_zone and onlooker_viewers_zone directives.
 */
#ifndef NGX_HTTP_ONLOOKER_ZONE_CONF_H
#define NGX_HTTP_ONLOOKER_ZONE_CONF_H

#include <ngx_config.h>
#include <ngx_core.h>

/* onlooker_zone PATH size=SIZE [group=NAME]; maps the ring. */
char *ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* onlooker_viewers_zone PATH size=SIZE [group=NAME]; maps the viewers table. */
char *ngx_http_onlooker_viewers_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

#endif /* NGX_HTTP_ONLOOKER_ZONE_CONF_H */
