/*
 * mem.c — allocation helpers that never return NULL.
 *
 * faultline treats running out of memory as fatal (checkers with a memory budget account
 * for their own use and answer "unknown" long before malloc fails).
 */
#include "fl_common.h"

#include <stdlib.h>
#include <string.h>

static void *oom(size_t n) {
    fprintf(stderr, "faultline: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *fl_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *fl_xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    return p ? p : oom(count * size);
}

void *fl_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *fl_xstrndup(const char *s, size_t n) {
    char *d = fl_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *fl_xstrdup(const char *s) {
    return fl_xstrndup(s, strlen(s));
}
