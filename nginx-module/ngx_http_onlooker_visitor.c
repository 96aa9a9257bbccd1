/*
 * Which requests are page views, and who made them: the visitor id (cookie
 * or daily hash), the cookie-mode header filter and $onlooker_visitor.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_client.h"
#include "ngx_http_onlooker_module.h"
#include "ngx_http_onlooker_record.h"
#include "ngx_http_onlooker_visitor.h"

/* Only in cookie mode, only for a view that was given a new cookie. */
typedef struct {
    u_char                     visitor[NGX_HTTP_ONLOOKER_ID_LEN];
} ngx_http_onlooker_ctx_t;

static ngx_int_t ngx_http_onlooker_header_filter(ngx_http_request_t *r);

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


void
ngx_http_onlooker_visitor_filter_init(void)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_onlooker_header_filter;
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

ngx_int_t
ngx_http_onlooker_visitor_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                          id[NGX_HTTP_ONLOOKER_ID_LEN];
    ngx_str_t                       host;
    ngx_http_onlooker_loc_conf_t   *olcf;
    ngx_http_onlooker_main_conf_t  *omcf;

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    olcf = ngx_http_get_module_loc_conf(r, ngx_http_onlooker_module);
    ngx_http_onlooker_host(r, &host);

    if (omcf->zone == NULL
        || ngx_http_onlooker_visitor(r, omcf->zone->ring, olcf, &host,
                                     ngx_http_onlooker_now_ms(), id)
           != NGX_OK)
    {
        v->not_found = 1;
        return NGX_OK;
    }

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
 * Assets, 4xx answers, redirects to error pages and subrequests are not
 * views. The same page answered >= 500 (nginx's own error page, an
 * error_page document, an upstream's HTML error) is an error record: what
 * status5xx_share counts, never a view. */
ngx_uint_t
ngx_http_onlooker_tracked_kind(ngx_http_request_t *r)
{
    ngx_str_t   *type;
    ngx_uint_t   status;

    if (r != r->main || r->method != NGX_HTTP_GET) {
        return 0;
    }

    status = r->err_status ? r->err_status : r->headers_out.status;
    if (status == 0
        || (status >= NGX_HTTP_BAD_REQUEST
            && status < NGX_HTTP_INTERNAL_SERVER_ERROR))
    {
        return 0;
    }

    type = &r->headers_out.content_type;
    if (type->len < 9
        || ngx_strncasecmp(type->data, (u_char *) "text/html", 9) != 0
        || (type->len > 9 && type->data[9] != ';' && type->data[9] != ' '))
    {
        return 0;
    }

    return status >= NGX_HTTP_INTERNAL_SERVER_ERROR ? ONLOOKER_KIND_ERROR
                                                    : ONLOOKER_KIND_VIEW;
}


ngx_int_t
ngx_http_onlooker_is_view(ngx_http_request_t *r)
{
    return ngx_http_onlooker_tracked_kind(r) == ONLOOKER_KIND_VIEW;
}


/* Without a cookie in cookie mode (cookies refused) the hash stands in. */
ngx_int_t
ngx_http_onlooker_visitor(ngx_http_request_t *r, onlooker_ring_header *ring,
    ngx_http_onlooker_loc_conf_t *olcf, ngx_str_t *host, uint64_t now_ms,
    u_char id[16])
{
    ngx_http_onlooker_ctx_t  *ctx;

    if (olcf->identity == NGX_HTTP_ONLOOKER_IDENTITY_COOKIE) {
        ctx = ngx_http_get_module_ctx(r, ngx_http_onlooker_module);
        if (ctx != NULL) {
            ngx_memcpy(id, ctx->visitor, NGX_HTTP_ONLOOKER_ID_LEN);
            return NGX_OK;
        }
        if (ngx_http_onlooker_cookie_id(r, &olcf->cookie, id) == NGX_OK) {
            return NGX_OK;
        }
    }

    return ngx_http_onlooker_visitor_hash(r, ring, host, now_ms, id);
}
