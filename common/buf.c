/*
 * buf.c — `fl_buf`, the growable NUL-terminated byte buffer used to build all output text
 * (reports, JSON, diagnostics) before it is written in one piece.
 */
#include "fl_common.h"

#include <stdlib.h>
#include <string.h>

void fl_buf_free(fl_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void fl_buf_reset(fl_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void fl_buf_reserve(fl_buf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = fl_xrealloc(b->data, cap);
    b->cap = cap;
}

void fl_buf_append(fl_buf *b, const void *data, size_t n) {
    fl_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void fl_buf_puts(fl_buf *b, const char *s) {
    fl_buf_append(b, s, strlen(s));
}

void fl_buf_putc(fl_buf *b, char c) {
    fl_buf_append(b, &c, 1);
}

void fl_buf_vprintf(fl_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    fl_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void fl_buf_printf(fl_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fl_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *fl_buf_cstr(const fl_buf *b) {
    return b->data ? b->data : "";
}

char *fl_buf_take(fl_buf *b) {
    char *p = b->data ? b->data : fl_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
