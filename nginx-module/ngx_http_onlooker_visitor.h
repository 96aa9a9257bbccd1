/*
 * Which requests are page views, and who made them (see also
 * ngx_http_onlooker_visitor in ngx_http_onlooker_module.h).
 */
#ifndef NGX_HTTP_ONLOOKER_VISITOR_H
#define NGX_HTTP_ONLOOKER_VISITOR_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/* Puts the cookie-mode header filter (a new id for a view without a valid
 * cookie) into nginx's filter chain; once, at postconfiguration. */
void ngx_http_onlooker_visitor_filter_init(void);

/* A page view: a GET of the main request answered below 400 with HTML. */
ngx_int_t ngx_http_onlooker_is_view(ngx_http_request_t *r);

/* What the log handler records for r: ONLOOKER_KIND_VIEW, ONLOOKER_KIND_ERROR
 * (the same HTML page answered >= 500) or 0 (nothing). */
ngx_uint_t ngx_http_onlooker_tracked_kind(ngx_http_request_t *r);

/* $onlooker_visitor: the request's visitor id in hex. */
ngx_int_t ngx_http_onlooker_visitor_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

#endif /* NGX_HTTP_ONLOOKER_VISITOR_H */
