#include <ngx_config.h>
#include <ngx_core.h>

#include <sys/random.h>

#include "ngx_http_onlooker_random.h"


ngx_int_t
ngx_http_onlooker_random_bytes(void *buf, size_t len)
{
    u_char   *p = buf;
    ssize_t   n;

    while (len > 0) {
        n = getrandom(p, len, 0);
        if (n == -1) {
            if (ngx_errno == NGX_EINTR) {
                continue;
            }
            return NGX_ERROR;
        }
        p += n;
        len -= (size_t) n;
    }

    return NGX_OK;
}
