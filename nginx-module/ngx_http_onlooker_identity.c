/*
 * Visitor identity. The hash mode stores nothing in the browser and nothing
 * that can be turned back into an address: the key is the ring's secret
 * salt (in shared memory only) plus the UTC day, so ids also change daily.
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_md5.h>

#include "ngx_http_onlooker_identity.h"

#define NGX_HTTP_ONLOOKER_COOKIE_ATTRS \
    "; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax"

/* Per-worker generator state: a secret read once at worker start and a
 * counter. Process-local by design (each worker seeds its own), like the
 * start values nginx's own userid filter keeps. */
static struct {
    u_char    secret[32];
    uint64_t  counter;
} ngx_http_onlooker_id_state;


ngx_int_t
ngx_http_onlooker_identity_init_process(ngx_cycle_t *cycle)
{
    int        fd;
    ssize_t    n;
    ngx_pid_t  pid;

    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    n = fd == -1 ? -1 : read(fd, ngx_http_onlooker_id_state.secret,
                             sizeof(ngx_http_onlooker_id_state.secret));
    if (fd != -1) {
        close(fd);
    }

    if (n != (ssize_t) sizeof(ngx_http_onlooker_id_state.secret)) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      "onlooker: cannot read /dev/urandom for cookie ids");
        return NGX_ERROR;
    }

    /* distinct even if two workers were somehow given the same secret */
    pid = ngx_pid;
    ngx_memcpy(ngx_http_onlooker_id_state.secret, &pid, sizeof(pid));
    ngx_http_onlooker_id_state.counter = 0;

    return NGX_OK;
}


void
ngx_http_onlooker_visitor_hash(ngx_http_request_t *r, onlooker_ring_header *ring,
    uint64_t now_ms, u_char id[16])
{
    uint64_t              day;
    ngx_md5_t             md5;
    ngx_str_t            *ua;
    struct sockaddr      *sa;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    day = now_ms / 86400000;

    ngx_md5_init(&md5);
    ngx_md5_update(&md5, ring->salt, sizeof(ring->salt));
    ngx_md5_update(&md5, &day, sizeof(day));

    sa = r->connection->sockaddr;
    switch (sa->sa_family) {
    case AF_INET:
        sin = (struct sockaddr_in *) sa;
        ngx_md5_update(&md5, &sin->sin_addr, 4);
        break;
#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;
        ngx_md5_update(&md5, &sin6->sin6_addr, 16);
        break;
#endif
    }

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    ngx_md5_update(&md5, "\0", 1);
    if (ua != NULL) {
        ngx_md5_update(&md5, ua->data, ua->len);
    }
    ngx_md5_update(&md5, "\0", 1);
    ngx_md5_update(&md5, r->headers_in.server.data, r->headers_in.server.len);
    ngx_md5_final(id, &md5);
}


ngx_int_t
ngx_http_onlooker_cookie_id(ngx_http_request_t *r, ngx_str_t *name, u_char id[16])
{
    ngx_int_t  hi, lo;
    ngx_str_t  value;
    ngx_uint_t i;

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, name, &value)
        == NGX_DECLINED
        || value.len != 2 * NGX_HTTP_ONLOOKER_ID_LEN)
    {
        return NGX_DECLINED;
    }

    for (i = 0; i < NGX_HTTP_ONLOOKER_ID_LEN; i++) {
        hi = ngx_hextoi(&value.data[2 * i], 1);
        lo = ngx_hextoi(&value.data[2 * i + 1], 1);
        if (hi == NGX_ERROR || lo == NGX_ERROR) {
            return NGX_DECLINED;
        }
        id[i] = (u_char) (hi << 4 | lo);
    }

    return NGX_OK;
}


void
ngx_http_onlooker_new_id(u_char id[16])
{
    ngx_md5_t  md5;

    ngx_http_onlooker_id_state.counter++;

    ngx_md5_init(&md5);
    ngx_md5_update(&md5, ngx_http_onlooker_id_state.secret,
                   sizeof(ngx_http_onlooker_id_state.secret));
    ngx_md5_update(&md5, &ngx_http_onlooker_id_state.counter,
                   sizeof(ngx_http_onlooker_id_state.counter));
    ngx_md5_final(id, &md5);
}


ngx_int_t
ngx_http_onlooker_set_cookie(ngx_http_request_t *r, ngx_str_t *name,
    const u_char id[16])
{
    u_char           *p;
    size_t            len;
    ngx_table_elt_t  *set_cookie;

    len = name->len + 1 + 2 * NGX_HTTP_ONLOOKER_ID_LEN
          + sizeof(NGX_HTTP_ONLOOKER_COOKIE_ATTRS) - 1 + sizeof("; Secure") - 1;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    set_cookie = ngx_list_push(&r->headers_out.headers);
    if (set_cookie == NULL) {
        return NGX_ERROR;
    }

    set_cookie->hash = 1;
    ngx_str_set(&set_cookie->key, "Set-Cookie");
    set_cookie->value.data = p;

    p = ngx_copy(p, name->data, name->len);
    *p++ = '=';
    p = ngx_hex_dump(p, (u_char *) id, NGX_HTTP_ONLOOKER_ID_LEN);
    p = ngx_cpymem(p, NGX_HTTP_ONLOOKER_COOKIE_ATTRS,
                   sizeof(NGX_HTTP_ONLOOKER_COOKIE_ATTRS) - 1);
#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }
#endif

    set_cookie->value.len = p - set_cookie->value.data;

    return NGX_OK;
}
