/* libjwt peer of the verify comparison (built and run by run.py against Debian's libjwt-dev 1.10).
 *
 *   libjwt_peer DIR ALG SECONDS WARMUP
 *
 * libjwt 1.10 has no claim validation and takes the algorithm from the token's header:
 * jwt_decode(&jwt, token, key, key_len) checks only the signature, with the key given as bytes
 * (the raw secret for HS256, the PEM text for RS256 and ES256, parsed again on every call; the
 * API has no pre-parsed key). So each iteration calls jwt_decode and then checks what the other
 * peers check for it: alg is the expected one, iss and aud equal the expected values, exp is
 * present and in the future, sub is the expected subject. It has no EdDSA.
 *
 * The wrong-signature token must be rejected and the token accepted before timing; every timed
 * verification is checked. Prints one JSON line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char* g_alg = "";

static void die(const char* message) {
    fprintf(stderr, "libjwt %s: %s\n", g_alg, message);
    exit(1);
}

static char* read_file(const char* dir, const char* name, size_t* len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE* f = fopen(path, "rb");
    if (f == NULL) die("cannot open an input file");
    if (fseek(f, 0, SEEK_END) != 0) die("cannot seek");
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) die("cannot size an input file");
    char* data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) die("cannot read");
    fclose(f);
    data[size] = '\0';
    if (len != NULL) *len = (size_t)size;
    return data;
}

/* The value of "name":"..." in meta.json (a flat object of strings written by signet_peer). */
static char* meta_string(const char* meta, const char* name) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", name);
    const char* start = strstr(meta, pattern);
    if (start == NULL) die("meta.json lacks a value");
    start += strlen(pattern);
    const char* end = strchr(start, '"');
    if (end == NULL) die("meta.json is malformed");
    return strndup(start, (size_t)(end - start));
}

struct expected {
    jwt_alg_t alg;
    const char* issuer;
    const char* audience;
    const char* subject;
    const unsigned char* key;
    int key_len;
};

/* 1 when the token verifies and its claims pass the checks. */
static int verify(const char* token, const struct expected* e) {
    jwt_t* jwt = NULL;
    if (jwt_decode(&jwt, token, e->key, e->key_len) != 0) return 0;
    int ok = jwt_get_alg(jwt) == e->alg;
    const char* iss = jwt_get_grant(jwt, "iss");
    const char* aud = jwt_get_grant(jwt, "aud");
    const char* sub = jwt_get_grant(jwt, "sub");
    ok = ok && iss != NULL && strcmp(iss, e->issuer) == 0;
    ok = ok && aud != NULL && strcmp(aud, e->audience) == 0;
    ok = ok && sub != NULL && strcmp(sub, e->subject) == 0;
    errno = 0;
    long exp = jwt_get_grant_int(jwt, "exp");
    ok = ok && errno == 0 && exp > (long)time(NULL);
    jwt_free(jwt);
    return ok;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long run(const char* token, const struct expected* e, double budget, double* elapsed) {
    const double start = now();
    long long n = 0;
    do {
        for (int i = 0; i < 64; ++i) {
            if (!verify(token, e)) die("verification failed during the timed loop");
        }
        n += 64;
        *elapsed = now() - start;
    } while (*elapsed < budget);
    return n;
}

int main(int argc, char** argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: libjwt_peer DIR ALG SECONDS WARMUP\n");
        return 2;
    }
    const char* dir = argv[1];
    g_alg = argv[2];
    const double seconds = strtod(argv[3], NULL);
    const double warmup = strtod(argv[4], NULL);

    struct expected e;
    e.alg = jwt_str_alg(g_alg);
    if (e.alg == JWT_ALG_INVAL || e.alg == JWT_ALG_NONE) die("algorithm not supported by libjwt");
    char* meta = read_file(dir, "meta.json", NULL);
    e.issuer = meta_string(meta, "issuer");
    e.audience = meta_string(meta, "audience");
    e.subject = meta_string(meta, "subject");
    char name[64];
    size_t key_len = 0;
    snprintf(name, sizeof name, "%s.%s", g_alg, e.alg <= JWT_ALG_HS512 ? "key" : "pem");
    e.key = (const unsigned char*)read_file(dir, name, &key_len);
    e.key_len = (int)key_len;
    snprintf(name, sizeof name, "%s.token", g_alg);
    char* token = read_file(dir, name, NULL);
    snprintf(name, sizeof name, "%s.bad.token", g_alg);
    char* bad = read_file(dir, name, NULL);

    if (verify(bad, &e)) die("a token with a wrong signature verified");
    if (!verify(token, &e)) die("the token does not verify");

    double elapsed = 0;
    run(token, &e, warmup, &elapsed);
    const long long n = run(token, &e, seconds, &elapsed);
    printf(
        "{\"peer\":\"libjwt\",\"alg\":\"%s\",\"ops_per_s\":%.1f,\"iterations\":%lld,"
        "\"seconds\":%.3f}\n",
        g_alg, (double)n / elapsed, n, elapsed);
    return 0;
}
