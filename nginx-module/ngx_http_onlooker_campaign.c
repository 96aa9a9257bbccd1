/*
 * Reading a view's campaign from the query string: one pass over r->args,
 * each value decoded into a buffer on the stack, then copied into the
 * record with the same UTF-8-safe cut as every other text field.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_campaign.h"

/* Decoded bytes kept of a value: one more than the cap, so that the cut can
 * find a character boundary (as the referrer's buffer). */
#define NGX_HTTP_ONLOOKER_CAMPAIGN_BUF  (ONLOOKER_CAMPAIGN_VALUE_MAX + 1)

typedef struct {
    u_char  bytes[NGX_HTTP_ONLOOKER_CAMPAIGN_BUF];
    size_t  len;
    ngx_flag_t  seen;
} ngx_http_onlooker_campaign_value_t;

static ngx_int_t ngx_http_onlooker_campaign_field(u_char *name, size_t len);
static void ngx_http_onlooker_campaign_decode(u_char *p, u_char *end,
    ngx_http_onlooker_campaign_value_t *value);

/* In enum onlooker_campaign_field's order. */
static ngx_str_t  ngx_http_onlooker_campaign_names[ONLOOKER_CAMPAIGN_FIELDS] = {
    ngx_string("utm_source"),
    ngx_string("utm_medium"),
    ngx_string("utm_campaign"),
    ngx_string("ref")
};


void
ngx_http_onlooker_campaign_put(ngx_http_request_t *r, onlooker_record *rec,
    size_t *used)
{
    u_char                              *p, *end, *pair_end, *eq;
    ngx_int_t                            field;
    ngx_uint_t                           i;
    ngx_http_onlooker_campaign_value_t   values[ONLOOKER_CAMPAIGN_FIELDS];

    for (i = 0; i < ONLOOKER_CAMPAIGN_FIELDS; i++) {
        values[i].len = 0;
        values[i].seen = 0;
    }

    p = r->args.data;
    end = p + r->args.len;

    while (p != NULL && p < end) {
        pair_end = ngx_strlchr(p, end, '&');
        if (pair_end == NULL) {
            pair_end = end;
        }
        eq = ngx_strlchr(p, pair_end, '=');
        if (eq != NULL) {
            field = ngx_http_onlooker_campaign_field(p, eq - p);
            if (field >= 0 && !values[field].seen) {
                values[field].seen = 1;
                ngx_http_onlooker_campaign_decode(eq + 1, pair_end, &values[field]);
            }
        }
        p = pair_end + 1;
    }

    for (i = 0; i < ONLOOKER_CAMPAIGN_FIELDS; i++) {
        rec->campaign_len[i] = (uint8_t) onlooker_record_put_text(rec, used,
                                   values[i].bytes, values[i].len,
                                   ONLOOKER_CAMPAIGN_VALUE_MAX);
    }
}


/* Which campaign field a query name is, or -1. */
static ngx_int_t
ngx_http_onlooker_campaign_field(u_char *name, size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < ONLOOKER_CAMPAIGN_FIELDS; i++) {
        if (len == ngx_http_onlooker_campaign_names[i].len
            && ngx_strncasecmp(name, ngx_http_onlooker_campaign_names[i].data,
                               len) == 0)
        {
            return (ngx_int_t) i;
        }
    }

    return -1;
}


/* Decodes the raw value [p, end) into value->bytes, keeping at most the
 * buffer's size but looking at every byte: a control character anywhere
 * (0x00-0x1f, 0x7f, raw or escaped) leaves the value out, so a cut never
 * hides one that a longer field would have kept. */
static void
ngx_http_onlooker_campaign_decode(u_char *p, u_char *end,
    ngx_http_onlooker_campaign_value_t *value)
{
    u_char     c;
    ngx_int_t  hex;

    value->len = 0;

    while (p < end) {
        c = *p++;
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && end - p >= 2) {
            hex = ngx_hextoi(p, 2);
            if (hex != NGX_ERROR) {
                c = (u_char) hex;
                p += 2;
            }
        }
        if (c < 0x20 || c == 0x7f) {
            value->len = 0;
            return;
        }
        if (value->len < sizeof(value->bytes)) {
            value->bytes[value->len++] = c;
        }
    }
}
