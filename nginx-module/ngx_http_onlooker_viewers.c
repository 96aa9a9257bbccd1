/*
 * The viewers table: mapping (configuration time, master process; workers
 * inherit the read-only mapping) and the two variables (request time: one
 * hash and a few probes in shared memory, no lock, no system call).
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sys/file.h>
#include <sys/mman.h>

#include "ngx_http_onlooker_module.h"
#include "ngx_http_onlooker_record.h"
#include "ngx_http_onlooker_viewers.h"

static void ngx_http_onlooker_viewers_unmap(void *data);


char *
ngx_http_onlooker_viewers_map(ngx_conf_t *cf,
    ngx_http_onlooker_viewers_zone_t *zone)
{
    int                        fd;
    char                      *rv;
    size_t                     bytes;
    ngx_file_info_t            fi;
    ngx_pool_cleanup_t        *cln;
    onlooker_viewers_header    found;
    void                      *table;

    rv = NGX_CONF_ERROR;

    fd = open((const char *) zone->path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_viewers_zone: cannot open \"%V\"",
                           &zone->path);
        return NGX_CONF_ERROR;
    }

    if (flock(fd, LOCK_EX) == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_viewers_zone: cannot lock \"%V\"",
                           &zone->path);
        goto done;
    }

    /* onlookerd writes it: owner, or owner and its group */
    if ((zone->group >= 0 && fchown(fd, (uid_t) -1, (gid_t) zone->group) == -1)
        || fchmod(fd, zone->group >= 0 ? 0660 : 0600) == -1
        || ngx_fd_info(fd, &fi) == NGX_FILE_ERROR)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_viewers_zone: cannot set the group or "
                           "mode of \"%V\"", &zone->path);
        goto done;
    }

    ngx_memzero(&found, sizeof(found));
    if (ngx_file_size(&fi) > 0
        && pread(fd, &found, sizeof(found), 0) == (ssize_t) sizeof(found)
        && found.magic != 0)
    {
        if (!onlooker_viewers_valid(&found, (uint64_t) ngx_file_size(&fi))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "onlooker_viewers_zone: \"%V\" is not a viewers "
                               "table of layout version %uD; stop onlookerd, "
                               "remove the file and reload", &zone->path,
                               (uint32_t) ONLOOKER_VIEWERS_LAYOUT_VERSION);
            goto done;
        }
        /* a table of another size is kept: readers follow its header */
        zone->slots = found.slots;

    } else {
        /* new (or its creator died before the magic): header only */
        ngx_memzero(&found, sizeof(found));
        onlooker_viewers_init(&found, zone->slots);
        bytes = (size_t) onlooker_viewers_bytes(zone->slots);
        if (ftruncate(fd, 0) == -1 || ftruncate(fd, (off_t) bytes) == -1
            || pwrite(fd, &found, sizeof(found), 0) != (ssize_t) sizeof(found))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "onlooker_viewers_zone: cannot write \"%V\"",
                               &zone->path);
            goto done;
        }
    }

    bytes = (size_t) onlooker_viewers_bytes(zone->slots);
    table = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
    if (table == MAP_FAILED) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_viewers_zone: cannot map \"%V\"",
                           &zone->path);
        goto done;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        munmap(table, bytes);
        goto done;
    }
    cln->handler = ngx_http_onlooker_viewers_unmap;
    cln->data = zone;

    zone->table = table;
    zone->mapped = bytes;
    rv = NGX_CONF_OK;

done:
    (void) flock(fd, LOCK_UN);
    close(fd);
    return rv;
}


static void
ngx_http_onlooker_viewers_unmap(void *data)
{
    ngx_http_onlooker_viewers_zone_t  *zone = data;

    if (zone->table != NULL) {
        munmap(zone->table, zone->mapped);
        zone->table = NULL;
    }
}


/* The page is the main request's (an SSI include shows its page's count),
 * host and path as the log handler records them. "-" when the table is
 * missing or stale: onlookerd is down. */
ngx_int_t
ngx_http_onlooker_viewers_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                            *p;
    int64_t                            viewers;
    ngx_str_t                          host, path;
    ngx_http_request_t                *page;
    ngx_http_onlooker_main_conf_t     *omcf;
    ngx_http_onlooker_loc_conf_t      *olcf;
    ngx_http_onlooker_viewers_zone_t  *zone;

    omcf = ngx_http_get_module_main_conf(r, ngx_http_onlooker_module);
    zone = omcf->viewers;
    viewers = ONLOOKER_VIEWERS_DOWN;

    if (zone != NULL) {
        page = r->main;
        olcf = ngx_http_get_module_loc_conf(page, ngx_http_onlooker_module);
        ngx_http_onlooker_host(page, &host);
        ngx_http_onlooker_page_path(page, olcf, &path);
        viewers = onlooker_viewers_lookup(zone->table,
                                          ngx_http_onlooker_now_ms(),
                                          host.data, host.len,
                                          data == 0 ? path.data : NULL,
                                          path.len);
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    if (viewers == ONLOOKER_VIEWERS_DOWN) {
        v->len = 1;
        v->data = (u_char *) "-";
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }
    v->len = ngx_sprintf(p, "%L", viewers) - p;
    v->data = p;

    return NGX_OK;
}
