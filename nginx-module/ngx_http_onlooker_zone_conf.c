/*
 * The two zone directives, onlooker_zone and onlooker_viewers_zone: their
 * arguments checked with a message that says what is expected, then the file
 * mapped (ngx_http_onlooker_zone.c, ngx_http_onlooker_viewers.c).
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_module.h"
#include "ngx_http_onlooker_zone_conf.h"


static ngx_int_t ngx_http_onlooker_group(ngx_conf_t *cf, ngx_str_t *value,
    ngx_int_t *gid);


/* onlooker_zone PATH size=SIZE [group=NAME]; */
char *
ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_onlooker_main_conf_t  *omcf = conf;

    off_t                      size;
    ngx_str_t                 *value, s;
    ngx_http_onlooker_zone_t  *zone;

    if (omcf->zone != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_zone needs an absolute path, not \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (value[2].len <= 5 || ngx_strncmp(value[2].data, "size=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid onlooker_zone parameter \"%V\", "
                           "expected size=SIZE (e.g. size=16m)", &value[2]);
        return NGX_CONF_ERROR;
    }

    s.data = value[2].data + 5;
    s.len = value[2].len - 5;
    size = ngx_parse_offset(&s);  /* takes k, m and g, as the README does */

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->path = value[1];
    zone->group = -1;

    if (cf->args->nelts == 4
        && ngx_http_onlooker_group(cf, &value[3], &zone->group) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    zone->capacity = size == NGX_ERROR
                     ? 0 : onlooker_ring_capacity_for((uint64_t) size);

    if (zone->capacity == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid onlooker_zone size \"%V\": between %uDk "
                           "and %uDg", &value[2],
                           ONLOOKER_RING_MIN_SLOTS * ONLOOKER_SLOT_SIZE / 1024,
                           (uint32_t) ((uint64_t) ONLOOKER_RING_MAX_SLOTS
                                       * ONLOOKER_SLOT_SIZE >> 30));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_onlooker_zone_map(cf, zone) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    omcf->zone = zone;

    return NGX_CONF_OK;
}


/* onlooker_viewers_zone PATH size=SIZE [group=NAME]; */
char *
ngx_http_onlooker_viewers_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_onlooker_main_conf_t  *omcf = conf;

    off_t                              size;
    ngx_str_t                         *value, s;
    ngx_http_onlooker_viewers_zone_t  *zone;

    if (omcf->viewers != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_viewers_zone needs an absolute path, "
                           "not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_viewers_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }
    zone->path = value[1];
    zone->group = -1;

    size = NGX_ERROR;
    if (value[2].len > 5 && ngx_strncmp(value[2].data, "size=", 5) == 0) {
        s.data = value[2].data + 5;
        s.len = value[2].len - 5;
        size = ngx_parse_offset(&s);
    }
    zone->slots = size == NGX_ERROR
                  ? 0 : onlooker_viewers_slots_for((uint64_t) size);
    if (zone->slots == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid onlooker_viewers_zone parameter \"%V\", "
                           "expected size=SIZE between %uDk and %uDm",
                           &value[2],
                           (uint32_t) (onlooker_viewers_bytes(
                               ONLOOKER_VIEWERS_MIN_SLOTS) / 1024 + 1),
                           (uint32_t) (onlooker_viewers_bytes(
                               ONLOOKER_VIEWERS_MAX_SLOTS) >> 20));
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 4
        && ngx_http_onlooker_group(cf, &value[3], &zone->group) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_onlooker_viewers_map(cf, zone) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    omcf->viewers = zone;

    return NGX_CONF_OK;
}


/* group=NAME of onlooker_zone and onlooker_viewers_zone: the group that,
 * besides the owner, may read and write the file (onlookerd's). */
static ngx_int_t
ngx_http_onlooker_group(ngx_conf_t *cf, ngx_str_t *value, ngx_int_t *gid)
{
    ngx_str_t     *directive;
    struct group  *grp;

    directive = cf->args->elts;

    if (value->len <= 6 || ngx_strncmp(value->data, "group=", 6) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid %V parameter \"%V\", expected group=NAME",
                           &directive[0], value);
        return NGX_ERROR;
    }
    grp = getgrnam((const char *) value->data + 6);
    if (grp == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V: unknown group \"%s\"", &directive[0],
                           value->data + 6);
        return NGX_ERROR;
    }
    *gid = (ngx_int_t) grp->gr_gid;

    return NGX_OK;
}
