/* old visitor hash (nginx's MD5 over salt, day, address, UA, host) vs new
 * (SipHash-2-4/128 over family, address, UA length, UA, host), interleaved. */
#include <openssl/md5.h>
#include <stdio.h>
#include <string.h>
typedef unsigned char u_char;
#include <time.h>
#include "onlooker_siphash.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(void) {
    const char *ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    size_t ualen = strlen(ua); const char *host = "www.example.com"; size_t hlen = strlen(host);
    u_char salt[32] = {1}, addr[16] = {10, 1, 1, 1}, out[16]; uint64_t key[2] = {3, 4}, day = 20000, sink = 0;
    const int N = 2000000;
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (int i = 0; i < N; i++) {
            MD5_CTX md5; addr[3] = (u_char) i;
            MD5_Init(&md5); MD5_Update(&md5, salt, 32); MD5_Update(&md5, &day, 8);
            MD5_Update(&md5, addr, 4); MD5_Update(&md5, "\0", 1); MD5_Update(&md5, ua, ualen);
            MD5_Update(&md5, "\0", 1); MD5_Update(&md5, host, hlen); MD5_Final(out, &md5);
            sink += out[0];
        }
        double t1 = now();
        for (int i = 0; i < N; i++) {
            onlooker_siphash s; uint8_t fam = 4; uint64_t l = ualen; addr[3] = (u_char) i;
            onlooker_siphash_init(&s, key); onlooker_siphash_update(&s, &fam, 1); onlooker_siphash_update(&s, addr, 4);
            onlooker_siphash_update(&s, &l, 8); onlooker_siphash_update(&s, ua, ualen);
            onlooker_siphash_update(&s, host, hlen); onlooker_siphash_final(&s, out);
            sink += out[0];
        }
        double t2 = now();
        printf("round %d: md5 %.1f ns  siphash %.1f ns  ratio %.2f\n", round, (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, (t2 - t1) / (t1 - t0));
    }
    return sink == 42 ? 1 : 0;   /* keeps the digests live */
}
