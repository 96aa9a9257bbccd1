/*
 * ngx_http_onlooker_module: records page views, heartbeats and leaves into
 * the shared ring that onlookerd drains.
 *
 * Request time does the minimum: the log-phase handler decides whether the
 * request is a page view and writes one fixed-size record into a claimed
 * ring slot. No allocation, no lock, no system call (cookie mode allocates
 * the Set-Cookie header once per new visitor). The module never fails a
 * request and never changes a response but for that cookie and the beacon.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_beacon.h"
#include "ngx_http_onlooker_beat_limit.h"
#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_module.h"
#include "ngx_http_onlooker_record.h"
#include "ngx_http_onlooker_visitor.h"
#include "ngx_http_onlooker_zone_conf.h"
#include "onlooker_version.h"


static char *ngx_http_onlooker_beacon(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_onlooker_add_variables(ngx_conf_t *cf);
static void *ngx_http_onlooker_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_onlooker_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_onlooker_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_onlooker_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_onlooker_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_onlooker_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_onlooker_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_onlooker_init_process(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_onlooker_log_handler(ngx_http_request_t *r);


static ngx_conf_enum_t  ngx_http_onlooker_identities[] = {
    { ngx_string("hash"), NGX_HTTP_ONLOOKER_IDENTITY_HASH },
    { ngx_string("cookie"), NGX_HTTP_ONLOOKER_IDENTITY_COOKIE },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_onlooker_commands[] = {

    { ngx_string("onlooker_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE23,
      ngx_http_onlooker_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("onlooker_viewers_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE23,
      ngx_http_onlooker_viewers_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("onlooker"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_onlooker_loc_conf_t, enable),
      NULL },

    { ngx_string("onlooker_query"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_onlooker_loc_conf_t, query),
      NULL },

    { ngx_string("onlooker_identity"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_onlooker_loc_conf_t, identity),
      &ngx_http_onlooker_identities },

    { ngx_string("onlooker_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_onlooker_loc_conf_t, cookie),
      NULL },

    { ngx_string("onlooker_beacon"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_onlooker_beacon,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_onlooker_module_ctx = {
    ngx_http_onlooker_add_variables,       /* preconfiguration */
    ngx_http_onlooker_init,                /* postconfiguration */

    ngx_http_onlooker_create_main_conf,    /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_onlooker_create_srv_conf,     /* create server configuration */
    ngx_http_onlooker_merge_srv_conf,      /* merge server configuration */

    ngx_http_onlooker_create_loc_conf,     /* create location configuration */
    ngx_http_onlooker_merge_loc_conf       /* merge location configuration */
};


ngx_module_t  ngx_http_onlooker_module = {
    NGX_MODULE_V1,
    &ngx_http_onlooker_module_ctx,         /* module context */
    ngx_http_onlooker_commands,            /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_onlooker_init_module,         /* init module */
    ngx_http_onlooker_init_process,        /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_str_t  ngx_http_onlooker_visitor_name = ngx_string("onlooker_visitor");

/* indexed by the variables' data: 0 the page, 1 the host */
static ngx_str_t  ngx_http_onlooker_viewers_names[] = {
    ngx_string("onlooker_viewers"),
    ngx_string("onlooker_site_viewers")
};


/* onlooker_beacon; — this location answers 204 and records a heartbeat. */
static char *
ngx_http_onlooker_beacon(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_onlooker_loc_conf_t  *olcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (olcf->beacon != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    olcf->beacon = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_onlooker_beacon_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_onlooker_add_variables(ngx_conf_t *cf)
{
    ngx_uint_t            i;
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &ngx_http_onlooker_visitor_name,
                                NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_onlooker_visitor_variable;

    for (i = 0; i < 2; i++) {
        var = ngx_http_add_variable(cf, &ngx_http_onlooker_viewers_names[i],
                                    NGX_HTTP_VAR_NOCACHEABLE);
        if (var == NULL) {
            return NGX_ERROR;
        }
        var->get_handler = ngx_http_onlooker_viewers_variable;
        var->data = i;
    }

    return NGX_OK;
}


static void *
ngx_http_onlooker_create_main_conf(ngx_conf_t *cf)
{
    /* zone = NULL */
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_main_conf_t));
}


static void *
ngx_http_onlooker_create_srv_conf(ngx_conf_t *cf)
{
    /* names = NULL */
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_srv_conf_t));
}


/* Runs for each server with that server's core configuration in cf->ctx,
 * while nginx's own list of its names still exists. */
static char *
ngx_http_onlooker_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_onlooker_srv_conf_t  *conf = child;

    conf->names = ngx_http_onlooker_served_names(cf);

    return conf->names ? NGX_CONF_OK : NGX_CONF_ERROR;
}


static void *
ngx_http_onlooker_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_onlooker_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /* cookie = { 0, NULL } */
    conf->enable = NGX_CONF_UNSET;
    conf->query = NGX_CONF_UNSET;
    conf->identity = NGX_CONF_UNSET_UINT;
    conf->beacon = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_onlooker_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_onlooker_loc_conf_t  *prev = parent;
    ngx_http_onlooker_loc_conf_t  *conf = child;

    ngx_uint_t                      i;
    ngx_http_onlooker_main_conf_t  *omcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->query, prev->query, 0);
    ngx_conf_merge_uint_value(conf->identity, prev->identity,
                              NGX_HTTP_ONLOOKER_IDENTITY_HASH);
    ngx_conf_merge_str_value(conf->cookie, prev->cookie, "_onl");
    /* the beacon belongs to its own location: not inherited */
    if (conf->beacon == NGX_CONF_UNSET) {
        conf->beacon = 0;
    }

    for (i = 0; i < conf->cookie.len; i++) {
        if (conf->cookie.data[i] <= ' ' || conf->cookie.data[i] >= 0x7f
            || ngx_strchr("()<>@,;:\\\"/[]?={}", conf->cookie.data[i]))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid onlooker_cookie name \"%V\"",
                               &conf->cookie);
            return NGX_CONF_ERROR;
        }
    }
    if (conf->cookie.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_cookie needs a name");
        return NGX_CONF_ERROR;
    }

    omcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_onlooker_module);
    if ((conf->enable || conf->beacon) && omcf->zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" needs an \"onlooker_zone\" in the http block",
                           conf->beacon ? "onlooker_beacon" : "onlooker on");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_onlooker_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_onlooker_log_handler;

    ngx_http_onlooker_visitor_filter_init();

    return NGX_OK;
}


/* Says which module and ring layout this nginx runs, once per (re)load. */
static ngx_int_t
ngx_http_onlooker_init_module(ngx_cycle_t *cycle)
{
    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                  "onlooker module " ONLOOKER_VERSION " (ring layout %uD)",
                  (uint32_t) ONLOOKER_RING_LAYOUT_VERSION);

    return NGX_OK;
}


static ngx_int_t
ngx_http_onlooker_init_process(ngx_cycle_t *cycle)
{
    ngx_http_onlooker_main_conf_t  *omcf;

    omcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_onlooker_module);
    if (omcf == NULL) {
        return NGX_OK;   /* no http block */
    }

    if (ngx_http_onlooker_beat_limit_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_onlooker_identity_init_process(cycle,
               omcf->zone ? omcf->zone->ring : NULL);
}



static ngx_int_t
ngx_http_onlooker_log_handler(ngx_http_request_t *r)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    uint64_t                        now_ms;
    ngx_str_t                       path, host;
    ngx_uint_t                      kind;
    onlooker_ring_header           *ring;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    if (!olcf->enable || olcf->beacon) {
        return NGX_DECLINED;
    }
    kind = ngx_http_onlooker_tracked_kind(r);
    if (kind == 0) {
        return NGX_DECLINED;
    }

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    ring = omcf->zone->ring;
    now_ms = ngx_http_onlooker_now_ms();

    ngx_http_onlooker_page_path(r, olcf, &path);

    ngx_http_onlooker_host(r, &host);
    if (ngx_http_onlooker_visitor(r, ring, olcf, &host, now_ms, id) != NGX_OK) {
        __atomic_fetch_add(&ring->dropped, 1, __ATOMIC_RELAXED);
        return NGX_DECLINED;
    }
    ngx_http_onlooker_record(r, ring, (uint8_t) kind, &path, &host, id, 0,
                             0, now_ms);

    return NGX_DECLINED;
}


