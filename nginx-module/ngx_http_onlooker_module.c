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

#include "ngx_http_onlooker_identity.h"
#include "ngx_http_onlooker_record.h"
#include "ngx_http_onlooker_zone.h"
#include "onlooker_version.h"

#define NGX_HTTP_ONLOOKER_IDENTITY_HASH    0
#define NGX_HTTP_ONLOOKER_IDENTITY_COOKIE  1

typedef struct {
    ngx_http_onlooker_zone_t  *zone;        /* NULL without onlooker_zone */
} ngx_http_onlooker_main_conf_t;

typedef struct {
    ngx_flag_t                 enable;
    ngx_flag_t                 query;
    ngx_uint_t                 identity;
    ngx_str_t                  cookie;
    ngx_flag_t                 beacon;
} ngx_http_onlooker_loc_conf_t;

/* Only in cookie mode, only for a view that was given a new cookie. */
typedef struct {
    u_char                     visitor[NGX_HTTP_ONLOOKER_ID_LEN];
} ngx_http_onlooker_ctx_t;

static char *ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_onlooker_beacon(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_onlooker_add_variables(ngx_conf_t *cf);
static void *ngx_http_onlooker_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_onlooker_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_onlooker_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_onlooker_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_onlooker_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_onlooker_init_process(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_onlooker_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_onlooker_log_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_onlooker_beacon_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_onlooker_visitor_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_onlooker_is_view(ngx_http_request_t *r);
static void ngx_http_onlooker_visitor(ngx_http_request_t *r,
    onlooker_ring_header *ring, ngx_http_onlooker_loc_conf_t *olcf,
    uint64_t now_ms, u_char id[16]);
static uint64_t ngx_http_onlooker_beacon_tab(ngx_http_request_t *r);
static void ngx_http_onlooker_beacon_page(ngx_http_request_t *r,
    ngx_str_t *page, u_char *buf, size_t size);

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


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

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

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


/* onlooker_zone PATH size=SIZE [group=NAME]; */
static char *
ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_onlooker_main_conf_t  *omcf = conf;

    off_t                      size;
    ngx_str_t                 *value, s;
    struct group              *grp;
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

    if (cf->args->nelts == 4) {
        if (value[3].len <= 6 || ngx_strncmp(value[3].data, "group=", 6) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid onlooker_zone parameter \"%V\", "
                               "expected group=NAME", &value[3]);
            return NGX_CONF_ERROR;
        }
        grp = getgrnam((const char *) value[3].data + 6);
        if (grp == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "onlooker_zone: unknown group \"%s\"",
                               value[3].data + 6);
            return NGX_CONF_ERROR;
        }
        zone->group = (ngx_int_t) grp->gr_gid;
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
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &ngx_http_onlooker_visitor_name,
                                NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_onlooker_visitor_variable;

    return NGX_OK;
}


static void *
ngx_http_onlooker_create_main_conf(ngx_conf_t *cf)
{
    /* zone = NULL */
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_main_conf_t));
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

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_onlooker_header_filter;

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
    return ngx_http_onlooker_identity_init_process(cycle);
}


/* Cookie mode: a tracked page view without a valid cookie gets a new id. */
static ngx_int_t
ngx_http_onlooker_header_filter(ngx_http_request_t *r)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    ngx_http_onlooker_ctx_t        *ctx;
    ngx_http_onlooker_loc_conf_t   *olcf;

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);

    if (!olcf->enable
        || olcf->identity != NGX_HTTP_ONLOOKER_IDENTITY_COOKIE
        || !ngx_http_onlooker_is_view(r)
        || ngx_http_onlooker_cookie_id(r, &olcf->cookie, id) == NGX_OK)
    {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_onlooker_ctx_t));
    if (ctx == NULL) {
        return ngx_http_next_header_filter(r);   /* counted by hash instead */
    }
    ngx_http_onlooker_new_id(ctx->visitor);

    if (ngx_http_onlooker_set_cookie(r, &olcf->cookie, ctx->visitor) == NGX_OK) {
        ngx_http_set_ctx(r, ctx, ngx_http_onlooker_module);
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_onlooker_log_handler(ngx_http_request_t *r)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    u_char                         *q;
    uint64_t                        now_ms;
    ngx_str_t                       path;
    onlooker_ring_header           *ring;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    if (!olcf->enable || olcf->beacon || !ngx_http_onlooker_is_view(r)) {
        return NGX_DECLINED;
    }

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    ring = omcf->zone->ring;
    now_ms = ngx_http_onlooker_now_ms();

    /* the path as the client sent it; the query string only if asked for */
    path = r->unparsed_uri;
    if (!olcf->query && path.data != NULL) {
        q = ngx_strlchr(path.data, path.data + path.len, '?');
        if (q != NULL) {
            path.len = q - path.data;
        }
    }

    ngx_http_onlooker_visitor(r, ring, olcf, now_ms, id);
    ngx_http_onlooker_record(r, ring, ONLOOKER_KIND_VIEW, &path, id, 0, now_ms);

    return NGX_DECLINED;
}


/* GET|POST /beat?p=PAGE[&e=leave] -> 204, and a beat or leave record. */
static ngx_int_t
ngx_http_onlooker_beacon_handler(ngx_http_request_t *r)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    u_char                          page_buf[ONLOOKER_PATH_MAX];
    uint8_t                         kind;
    uint64_t                        now_ms;
    ngx_int_t                       rc;
    ngx_str_t                       event, page;
    ngx_table_elt_t                *cache_control;
    onlooker_ring_header           *ring;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    kind = ONLOOKER_KIND_BEAT;
    if (ngx_http_arg(r, (u_char *) "e", 1, &event) == NGX_OK
        && event.len == 5 && ngx_strncmp(event.data, "leave", 5) == 0)
    {
        kind = ONLOOKER_KIND_LEAVE;
    }

    ngx_http_onlooker_beacon_page(r, &page, page_buf, sizeof(page_buf));

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    ring = omcf->zone->ring;
    now_ms = ngx_http_onlooker_now_ms();

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    ngx_http_onlooker_visitor(r, ring, olcf, now_ms, id);
    ngx_http_onlooker_record(r, ring, kind, &page, id,
                             ngx_http_onlooker_beacon_tab(r), now_ms);

    cache_control = ngx_list_push(&r->headers_out.headers);
    if (cache_control != NULL) {
        cache_control->hash = 1;
        ngx_str_set(&cache_control->key, "Cache-Control");
        ngx_str_set(&cache_control->value, "no-store");
    }

    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}


/* The tab a heartbeat is from: ?t= as 16 hex digits (beacon.js's random
 * per-tab id), else 0 (none named; also for anything malformed). */
static uint64_t
ngx_http_onlooker_beacon_tab(ngx_http_request_t *r)
{
    ngx_int_t   digit;
    ngx_str_t   arg;
    ngx_uint_t  i;
    uint64_t    tab;

    if (ngx_http_arg(r, (u_char *) "t", 1, &arg) != NGX_OK || arg.len != 16) {
        return 0;
    }

    tab = 0;
    for (i = 0; i < arg.len; i++) {
        digit = ngx_hextoi(&arg.data[i], 1);
        if (digit == NGX_ERROR) {
            return 0;
        }
        tab = tab << 4 | (uint64_t) digit;
    }

    return tab;
}


/* The page a heartbeat is for: ?p= (percent-decoded once, as beacon.js
 * encodes location.pathname), else the path of the Referer. */
static void
ngx_http_onlooker_beacon_page(ngx_http_request_t *r, ngx_str_t *page, u_char *buf,
    size_t size)
{
    u_char     *src, *dst, *p, *end;
    ngx_str_t   arg;

    if (ngx_http_arg(r, (u_char *) "p", 1, &arg) == NGX_OK && arg.len > 0) {
        src = arg.data;
        dst = buf;
        ngx_unescape_uri(&dst, &src, ngx_min(arg.len, size), 0);
        page->data = buf;
        page->len = dst - buf;
    } else if (r->headers_in.referer != NULL) {
        p = r->headers_in.referer->value.data;
        end = p + r->headers_in.referer->value.len;
        src = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
        if (src != NULL) {
            p = ngx_strlchr(src + 3, end, '/');
            if (p == NULL) {
                p = end;
            }
        }
        page->data = p;
        page->len = end - p;
    } else {
        ngx_str_null(page);
    }

    /* a page, not a query: stop at '?' or '#' */
    for (p = page->data, end = p + page->len; p < end; p++) {
        if (*p == '?' || *p == '#') {
            page->len = p - page->data;
            break;
        }
    }
}


static ngx_int_t
ngx_http_onlooker_visitor_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    if (omcf->zone == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    ngx_http_onlooker_visitor(r, omcf->zone->ring, olcf,
                              ngx_http_onlooker_now_ms(), id);

    v->data = ngx_pnalloc(r->pool, 2 * NGX_HTTP_ONLOOKER_ID_LEN);
    if (v->data == NULL) {
        return NGX_ERROR;
    }
    ngx_hex_dump(v->data, id, NGX_HTTP_ONLOOKER_ID_LEN);
    v->len = 2 * NGX_HTTP_ONLOOKER_ID_LEN;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/* A page view: a GET of the main request answered below 400 with HTML.
 * Assets, errors, redirects to error pages and subrequests are not views. */
static ngx_int_t
ngx_http_onlooker_is_view(ngx_http_request_t *r)
{
    ngx_str_t   *type;
    ngx_uint_t   status;

    if (r != r->main || r->method != NGX_HTTP_GET) {
        return 0;
    }

    status = r->err_status ? r->err_status : r->headers_out.status;
    if (status == 0 || status >= NGX_HTTP_BAD_REQUEST) {
        return 0;
    }

    type = &r->headers_out.content_type;

    return type->len >= 9
           && ngx_strncasecmp(type->data, (u_char *) "text/html", 9) == 0
           && (type->len == 9 || type->data[9] == ';' || type->data[9] == ' ');
}


/* The id this request's visitor has: a cookie set on this very response,
 * else a valid cookie (cookie mode), else the daily hash. Without a cookie
 * in cookie mode (cookies refused) the hash stands in. */
static void
ngx_http_onlooker_visitor(ngx_http_request_t *r, onlooker_ring_header *ring,
    ngx_http_onlooker_loc_conf_t *olcf, uint64_t now_ms, u_char id[16])
{
    ngx_http_onlooker_ctx_t  *ctx;

    if (olcf->identity == NGX_HTTP_ONLOOKER_IDENTITY_COOKIE) {
        ctx = ngx_http_get_module_ctx(r, ngx_http_onlooker_module);
        if (ctx != NULL) {
            ngx_memcpy(id, ctx->visitor, NGX_HTTP_ONLOOKER_ID_LEN);
            return;
        }
        if (ngx_http_onlooker_cookie_id(r, &olcf->cookie, id) == NGX_OK) {
            return;
        }
    }

    ngx_http_onlooker_visitor_hash(r, ring, now_ms, id);
}
