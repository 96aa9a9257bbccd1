/*
 * A view's campaign: utm_source, utm_medium, utm_campaign and ref read from
 * the request's query string, whether or not onlooker_query keeps the query
 * in the recorded path (off, the default: the path has no query at all, and
 * these four are the only part of it that is kept; on: the path keeps the
 * whole query as before, these four included).
 */
#ifndef NGX_HTTP_ONLOOKER_CAMPAIGN_H
#define NGX_HTTP_ONLOOKER_CAMPAIGN_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "onlooker_ring.h"

/* Appends r's campaign fields to rec's text at *used and sets
 * rec->campaign_len. A value is percent-decoded ('+' as a space, a '%' not
 * followed by two hex digits kept as it is), cut at ONLOOKER_CAMPAIGN_VALUE_MAX
 * bytes on a UTF-8 boundary, and left out (length 0) when empty or when it
 * holds a control character (raw or decoded). The first occurrence of a name
 * counts, names match without regard to case (as ngx_http_arg). No
 * allocation; one pass over the query. */
void ngx_http_onlooker_campaign_put(ngx_http_request_t *r, onlooker_record *rec,
    size_t *used);

#endif /* NGX_HTTP_ONLOOKER_CAMPAIGN_H */
