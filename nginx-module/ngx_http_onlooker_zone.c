/*
 * Creating, validating and mapping the ring file. This all runs at
 * configuration time in the master process (and in `nginx -t`); workers
 * inherit the mapping, so they never open the file themselves.
 */
#include <ngx_config.h>
#include <ngx_core.h>

#include <sys/file.h>
#include <sys/mman.h>

#include "ngx_http_onlooker_random.h"
#include "ngx_http_onlooker_zone.h"

static void ngx_http_onlooker_zone_unmap(void *data);
static char *ngx_http_onlooker_zone_check(ngx_conf_t *cf,
    ngx_http_onlooker_zone_t *zone, const onlooker_ring_header *found,
    off_t file_size);


char *
ngx_http_onlooker_zone_map(ngx_conf_t *cf, ngx_http_onlooker_zone_t *zone)
{
    int                    fd;
    char                  *rv;
    uint64_t               generation;
    ngx_file_info_t        fi;
    ngx_pool_cleanup_t    *cln;
    onlooker_ring_header   found, *ring;
    size_t                 bytes;
    ngx_time_t            *tp;

    bytes = (size_t) onlooker_ring_bytes(zone->capacity);
    rv = NGX_CONF_ERROR;

    fd = open((const char *) zone->path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot open \"%V\"", &zone->path);
        return NGX_CONF_ERROR;
    }

    /* Two nginx instances starting at once must not both initialise it. */
    if (flock(fd, LOCK_EX) == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot lock \"%V\"", &zone->path);
        goto done;
    }

    /* Owner only, or owner and one group (onlookerd's) read and write: the
     * ring carries client addresses, and onlookerd frees slots in it. */
    if ((zone->group >= 0 && fchown(fd, (uid_t) -1, (gid_t) zone->group) == -1)
        || fchmod(fd, zone->group >= 0 ? 0660 : 0600) == -1)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot set the owner group or mode "
                           "of \"%V\"", &zone->path);
        goto done;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot stat \"%V\"", &zone->path);
        goto done;
    }

    ngx_memzero(&found, sizeof(found));
    if (ngx_file_size(&fi) > 0) {
        if (pread(fd, &found, sizeof(found), 0) != (ssize_t) sizeof(found)) {
            found.magic = 0;
        }
        /* A file whose creator died before writing magic is started anew. */
        if (found.magic != 0
            && ngx_http_onlooker_zone_check(cf, zone, &found, ngx_file_size(&fi))
               != NGX_CONF_OK)
        {
            goto done;
        }
    }

    if (found.magic == 0 && ftruncate(fd, (off_t) bytes) == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot size \"%V\" to %uz bytes",
                           &zone->path, bytes);
        goto done;
    }

    ring = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "onlooker_zone: cannot map \"%V\"", &zone->path);
        goto done;
    }

    if (found.magic == 0) {
        if (ngx_http_onlooker_random_bytes(&generation, sizeof(generation))
            != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "onlooker_zone: getrandom() failed");
            munmap(ring, bytes);
            goto done;
        }
        tp = ngx_timeofday();
        ngx_memzero(ring, sizeof(onlooker_ring_header));
        onlooker_ring_init(ring, zone->capacity, generation,
                           (uint64_t) tp->sec * 1000 + tp->msec);
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        munmap(ring, bytes);
        goto done;
    }
    cln->handler = ngx_http_onlooker_zone_unmap;
    cln->data = zone;

    zone->ring = ring;
    zone->mapped = bytes;
    rv = NGX_CONF_OK;

done:
    /* Unlock explicitly: the mapping keeps the open file description alive,
     * and with it a flock that close() alone would leave held. */
    (void) flock(fd, LOCK_UN);
    close(fd);
    return rv;
}


static char *
ngx_http_onlooker_zone_check(ngx_conf_t *cf, ngx_http_onlooker_zone_t *zone,
    const onlooker_ring_header *found, off_t file_size)
{
    switch (onlooker_ring_check(found, (uint64_t) file_size)) {

    case ONLOOKER_RING_NOT_A_RING:
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_zone: \"%V\" exists and is not an onlooker "
                           "ring; remove it or name another file", &zone->path);
        return NGX_CONF_ERROR;

    case ONLOOKER_RING_OTHER_LAYOUT:
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_zone: \"%V\" holds a ring of layout "
                           "version %uD, this module writes version %uD; stop "
                           "onlookerd, remove the file and reload",
                           &zone->path, found->layout_version,
                           (uint32_t) ONLOOKER_RING_LAYOUT_VERSION);
        return NGX_CONF_ERROR;

    case ONLOOKER_RING_BAD_SIZE:
    case ONLOOKER_RING_OK:
        break;
    }

    /* a sound ring of another size, or a corrupt size: the same remedy */
    if (found->capacity != zone->capacity
        || file_size != (off_t) onlooker_ring_bytes(found->capacity))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "onlooker_zone: \"%V\" holds a ring of %uL slots "
                           "(size=%uLk), the configuration asks for %uL slots; "
                           "use the same size, or stop onlookerd and remove the "
                           "file to start a new ring",
                           &zone->path, found->capacity,
                           found->capacity * ONLOOKER_SLOT_SIZE / 1024,
                           zone->capacity);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_onlooker_zone_unmap(void *data)
{
    ngx_http_onlooker_zone_t  *zone = data;

    if (zone->ring != NULL) {
        munmap(zone->ring, zone->mapped);
        zone->ring = NULL;
    }
}
