/*
 * ngx_http_onlooker_module: records page views into the shared ring that
 * onlookerd drains.
 *
 * Request time is the log phase only: gather fields from the request, write
 * one fixed-size record into a claimed ring slot, publish it. No allocation,
 * no lock, no system call; when the ring is full the record is dropped and
 * counted in the ring header. The handler never fails a request.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_md5.h>

#include "ngx_http_onlooker_zone.h"

#define NGX_HTTP_ONLOOKER_VERSION "0.1.0"

typedef struct {
    ngx_http_onlooker_zone_t  *zone;   /* NULL without onlooker_zone */
} ngx_http_onlooker_main_conf_t;

typedef struct {
    ngx_flag_t                 enable;
} ngx_http_onlooker_loc_conf_t;

static char *ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_http_onlooker_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_onlooker_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_onlooker_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_onlooker_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_onlooker_log_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_onlooker_is_view(ngx_http_request_t *r);
static void ngx_http_onlooker_fill(ngx_http_request_t *r,
    onlooker_ring_header *ring, onlooker_record *rec, uint8_t kind);
static void ngx_http_onlooker_visitor_hash(ngx_http_request_t *r,
    onlooker_ring_header *ring, onlooker_record *rec, uint64_t now_ms);
static size_t ngx_http_onlooker_referrer(ngx_str_t *referer, u_char **start);


static ngx_command_t  ngx_http_onlooker_commands[] = {

    { ngx_string("onlooker_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
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

      ngx_null_command
};


static ngx_http_module_t  ngx_http_onlooker_module_ctx = {
    NULL,                                  /* preconfiguration */
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
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* onlooker_zone PATH size=SIZE; */
static char *
ngx_http_onlooker_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_onlooker_main_conf_t  *omcf = conf;

    ssize_t                    size;
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
    size = ngx_parse_size(&s);

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_onlooker_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->path = value[1];
    zone->capacity = size == NGX_ERROR
                     ? 0 : onlooker_ring_capacity_for((uint64_t) size);

    if (zone->capacity == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid onlooker_zone size \"%V\": between %uDk "
                           "and %uDm", &value[2],
                           ONLOOKER_RING_MIN_SLOTS * ONLOOKER_SLOT_SIZE / 1024,
                           (uint32_t) ((uint64_t) ONLOOKER_RING_MAX_SLOTS
                                       * ONLOOKER_SLOT_SIZE >> 20));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_onlooker_zone_map(cf, zone) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    omcf->zone = zone;

    return NGX_CONF_OK;
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

    conf = ngx_palloc(cf->pool, sizeof(ngx_http_onlooker_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    conf->enable = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_onlooker_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_onlooker_loc_conf_t  *prev = parent;
    ngx_http_onlooker_loc_conf_t  *conf = child;

    ngx_http_onlooker_main_conf_t  *omcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    omcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_onlooker_module);
    if (conf->enable && omcf->zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"onlooker on\" needs an \"onlooker_zone\" "
                           "in the http block");
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

    return NGX_OK;
}


static ngx_int_t
ngx_http_onlooker_log_handler(ngx_http_request_t *r)
{
    uint64_t                        pos;
    onlooker_slot                  *slot;
    onlooker_ring_header           *ring;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    if (!olcf->enable || !ngx_http_onlooker_is_view(r)) {
        return NGX_DECLINED;
    }

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    ring = omcf->zone->ring;

    slot = onlooker_ring_claim(ring, &pos);
    if (slot == NULL) {
        return NGX_DECLINED;   /* full: counted in ring->dropped */
    }

    slot->record.generation = ring->generation;
    slot->record.seq = pos;
    ngx_http_onlooker_fill(r, ring, &slot->record, ONLOOKER_KIND_VIEW);

    if (!onlooker_ring_publish(slot, pos)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "onlooker: record %uL was skipped by onlookerd before "
                      "this worker published it", pos);
    }

    return NGX_DECLINED;
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


static void
ngx_http_onlooker_fill(ngx_http_request_t *r, onlooker_ring_header *ring,
    onlooker_record *rec, uint8_t kind)
{
    size_t                used;
    u_char               *p, *q;
    ngx_str_t            *host, *ua;
    ngx_time_t           *tp;
    ngx_msec_int_t        ms;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    tp = ngx_timeofday();
    rec->ts_ms = (uint64_t) tp->sec * 1000 + tp->msec;
    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    rec->request_ms = (uint32_t) ngx_max(ms, 0);
    rec->bytes_sent = (uint64_t) r->connection->sent;
    rec->status = (uint16_t) (r->err_status ? r->err_status
                                            : r->headers_out.status);
    rec->kind = kind;

    ngx_memzero(rec->addr, sizeof(rec->addr));
    rec->addr_family = 0;
    switch (r->connection->sockaddr->sa_family) {
    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        ngx_memcpy(rec->addr, &sin->sin_addr, 4);
        rec->addr_family = 4;
        break;
#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;
        ngx_memcpy(rec->addr, &sin6->sin6_addr, 16);
        rec->addr_family = 6;
        break;
#endif
    }

    host = &r->headers_in.server;

    used = 0;
    rec->host_len = onlooker_record_put_text(rec, &used, host->data, host->len,
                                             ONLOOKER_HOST_MAX);

    /* the path as the client sent it, without the query string */
    p = r->unparsed_uri.data;
    q = p ? ngx_strlchr(p, p + r->unparsed_uri.len, '?') : NULL;
    rec->path_len = onlooker_record_put_text(rec, &used, p,
                                             q ? (size_t) (q - p)
                                               : r->unparsed_uri.len,
                                             ONLOOKER_PATH_MAX);

    if (r->headers_in.referer != NULL) {
        size_t len = ngx_http_onlooker_referrer(&r->headers_in.referer->value, &p);
        rec->referrer_len = onlooker_record_put_text(rec, &used, p, len,
                                                     ONLOOKER_REFERRER_MAX);
    } else {
        rec->referrer_len = 0;
    }

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    rec->ua_len = ua ? onlooker_record_put_text(rec, &used, ua->data, ua->len,
                                                ONLOOKER_UA_MAX)
                     : 0;

    ngx_http_onlooker_visitor_hash(r, ring, rec, rec->ts_ms);
}


/* The visitor id without cookies: MD5 over a key that changes every UTC
 * day (the ring's secret salt and the day number), the client address, the
 * User-Agent and the host. Nothing stored can be turned back into an
 * address, and the same person gets a new id tomorrow. */
static void
ngx_http_onlooker_visitor_hash(ngx_http_request_t *r, onlooker_ring_header *ring,
    onlooker_record *rec, uint64_t now_ms)
{
    uint64_t    day;
    ngx_md5_t   md5;
    ngx_str_t  *ua;

    day = now_ms / 86400000;

    ngx_md5_init(&md5);
    ngx_md5_update(&md5, ring->salt, sizeof(ring->salt));
    ngx_md5_update(&md5, &day, sizeof(day));
    ngx_md5_update(&md5, &rec->addr_family, 1);
    ngx_md5_update(&md5, rec->addr, sizeof(rec->addr));
    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    if (ua != NULL) {
        ngx_md5_update(&md5, ua->data, ua->len);
    }
    ngx_md5_update(&md5, "\0", 1);
    ngx_md5_update(&md5, r->headers_in.server.data, r->headers_in.server.len);
    ngx_md5_final(rec->visitor, &md5);
}


/* "https://example.com/a/b?q#f" -> "example.com/a/b": the Referer without
 * scheme, query or fragment, which may carry tokens nobody should keep. */
static size_t
ngx_http_onlooker_referrer(ngx_str_t *referer, u_char **start)
{
    u_char  *p, *end, *q;

    p = referer->data;
    end = p + referer->len;

    q = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
    if (q != NULL) {
        p = q + 3;
    }

    for (q = p; q < end && *q != '?' && *q != '#'; q++) { /* void */ }

    *start = p;
    return (size_t) (q - p);
}
