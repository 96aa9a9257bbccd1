#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_onlooker_client.h"


uint8_t
ngx_http_onlooker_client_address(ngx_http_request_t *r, u_char addr[16])
{
    struct sockaddr      *sa;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    ngx_memzero(addr, 16);
    sa = r->connection->sockaddr;

    switch (sa->sa_family) {
    case AF_INET:
        ngx_memcpy(addr, &((struct sockaddr_in *) sa)->sin_addr, 4);
        return 4;
#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;
        ngx_memcpy(addr, &sin6->sin6_addr, 16);
        return 6;
#endif
    default:
        return 0;
    }
}


void
ngx_http_onlooker_served_host(ngx_http_request_t *r, ngx_array_t *names,
    ngx_str_t *host)
{
    ngx_str_t                 *sent, *name;
    ngx_uint_t                 i;
    ngx_http_core_srv_conf_t  *cscf;

    sent = &r->headers_in.server;
    name = names ? names->elts : NULL;

    for (i = 0; name != NULL && sent->len > 0 && i < names->nelts; i++) {
        if (name[i].len == sent->len
            && ngx_strncmp(name[i].data, sent->data, sent->len) == 0)
        {
            *host = *sent;
            return;
        }
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    *host = cscf->server_name;
}


ngx_array_t *
ngx_http_onlooker_served_names(ngx_conf_t *cf)
{
    ngx_str_t                 *copy;
    ngx_uint_t                 i;
    ngx_array_t               *names;
    ngx_http_server_name_t    *name;
    ngx_http_core_srv_conf_t  *cscf;

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    names = ngx_array_create(cf->pool, cscf->server_names.nelts + 1,
                             sizeof(ngx_str_t));
    if (names == NULL) {
        return NULL;
    }

    /* Exact names only: a wildcard or regex name would let a client choose
     * any number of hosts again. server_name values are lowercase already. */
    name = cscf->server_names.elts;
    for (i = 0; i < cscf->server_names.nelts; i++) {
#if (NGX_PCRE)
        if (name[i].regex != NULL) {
            continue;
        }
#endif
        if (name[i].name.len == 0 || name[i].name.data[0] == '*'
            || name[i].name.data[0] == '.'
            || name[i].name.data[name[i].name.len - 1] == '*')
        {
            continue;
        }
        copy = ngx_array_push(names);
        if (copy == NULL) {
            return NULL;
        }
        *copy = name[i].name;
    }

    return names;
}
