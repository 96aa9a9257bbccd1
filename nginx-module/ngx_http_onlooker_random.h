/*
 * The module's one source of random bytes: getrandom(2), the kernel's
 * CSPRNG. A system call, so never on the request path: the ring's generation
 * at creation, and each worker's secrets at start and from its timer.
 */
#ifndef NGX_HTTP_ONLOOKER_RANDOM_H
#define NGX_HTTP_ONLOOKER_RANDOM_H

#include <ngx_config.h>
#include <ngx_core.h>

/* Fills buf with len random bytes. NGX_ERROR (errno set) if the kernel
 * cannot give them. */
ngx_int_t ngx_http_onlooker_random_bytes(void *buf, size_t len);

#endif /* NGX_HTTP_ONLOOKER_RANDOM_H */
