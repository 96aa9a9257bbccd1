/*
 * A per-visitor limit on heartbeats and leaves: one client beating
 * thousands of times a second must not fill the ring for everyone else.
 * Each worker keeps a small direct-mapped table, visitor id -> when its next
 * beat is due (GCRA, the generic cell rate algorithm), allocated once at
 * worker start: no lock, no allocation, no system call per request.
 */
#ifndef NGX_HTTP_ONLOOKER_BEAT_LIMIT_H
#define NGX_HTTP_ONLOOKER_BEAT_LIMIT_H

#include <ngx_config.h>
#include <ngx_core.h>

/* A visitor may send NGX_HTTP_ONLOOKER_BEAT_BURST beats or leaves at once
 * (a leave right after a beat, a browser closing many tabs), then one per
 * NGX_HTTP_ONLOOKER_BEAT_EVERY_MS: beacon.js beats every 30 s per visible
 * tab, far below that. Per worker: a client whose requests reach W workers
 * gets up to W times as many. */
#define NGX_HTTP_ONLOOKER_BEAT_BURST     16
#define NGX_HTTP_ONLOOKER_BEAT_EVERY_MS  4000
#define NGX_HTTP_ONLOOKER_BEAT_SLOTS     4096   /* 64 KiB per worker */

ngx_int_t ngx_http_onlooker_beat_limit_init_process(ngx_cycle_t *cycle);

/* 1 when `visitor` may record a beat or leave at now_ms (and it is counted
 * against its allowance), 0 when it beats too often. Two visitors sharing a
 * table entry reset each other's allowance: a collision lets beats through,
 * it never limits a visitor below its own rate. */
ngx_uint_t ngx_http_onlooker_beat_allowed(const u_char visitor[16],
    uint64_t now_ms);

#endif /* NGX_HTTP_ONLOOKER_BEAT_LIMIT_H */
