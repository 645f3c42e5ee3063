/*
 * plan_util.c — small helpers of the plan generator: string vectors, fixed-column tables
 * rendered to both JSON and Markdown (so the two renderings cannot drift), and the stable
 * short ids (C<n>, H<n>, ...) derived from the scanner's hashed ids.
 * Input: strings and hashes; output: owned strings, jansson values, Markdown in an fl_buf.
 */
#include "plan_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void fl__strv_push(fl_strv *s, const char *str) {
    s->v = fl_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = fl_xstrdup(str ? str : "");
}

void fl__strv_pushf(fl_strv *s, const char *fmt, ...) {
    fl_buf b = FL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fl_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    s->v = fl_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = fl_buf_take(&b);
}

int fl__strv_has(const fl_strv *s, const char *str) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], str) == 0) return 1;
    return 0;
}

void fl__strv_add(fl_strv *s, const char *str) {
    if (!fl__strv_has(s, str)) fl__strv_push(s, str);
}

/* ids sort by their number: "C9" before "C10" */
static int cmp_idstr(const void *a, const void *b) {
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    size_t px = strcspn(x, "0123456789"), py = strcspn(y, "0123456789");
    if (px == py && strncmp(x, y, px) == 0 && x[px] && y[py] && !strchr(x + px, '/') &&
        !strchr(y + py, '/')) {
        long nx = strtol(x + px, NULL, 10), ny = strtol(y + py, NULL, 10);
        if (nx != ny) return nx < ny ? -1 : 1;
    }
    return strcmp(x, y);
}

void fl__strv_sort(fl_strv *s) {
    if (s->n > 1) qsort(s->v, s->n, sizeof *s->v, cmp_idstr);
}

void fl__strv_free(fl_strv *s) {
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

char *fl__strv_join(const fl_strv *s, const char *sep, const char *empty) {
    if (s->n == 0) return fl_xstrdup(empty);
    fl_buf b = FL_BUF_INIT;
    for (size_t i = 0; i < s->n; i++) {
        if (i) fl_buf_puts(&b, sep);
        fl_buf_puts(&b, s->v[i]);
    }
    return fl_buf_take(&b);
}

char *fl__strdupf(const char *fmt, ...) {
    fl_buf b = FL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fl_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return fl_buf_take(&b);
}

/* ---- tables ------------------------------------------------------------------------------ */

void fl__table_init(fl_table *t, const char *const *keys, const char *const *heads, int ncol) {
    memset(t, 0, sizeof *t);
    t->keys = keys;
    t->heads = heads;
    t->ncol = ncol;
}

void fl__table_add(fl_table *t, ...) {
    t->rows = fl_xrealloc(t->rows, (t->n + 1) * sizeof *t->rows);
    char **row = fl_xcalloc((size_t)t->ncol, sizeof *row);
    va_list ap;
    va_start(ap, t);
    for (int c = 0; c < t->ncol; c++) {
        const char *s = va_arg(ap, const char *);
        row[c] = fl_xstrdup(s ? s : "");
    }
    va_end(ap);
    t->rows[t->n++] = row;
}

void fl__table_free(fl_table *t) {
    for (size_t i = 0; i < t->n; i++) {
        for (int c = 0; c < t->ncol; c++) free(t->rows[i][c]);
        free(t->rows[i]);
    }
    free(t->rows);
    t->rows = NULL;
    t->n = 0;
}

static json_t *list_cell(const char *s) {
    json_t *a = json_array();
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m > 0 && p[m - 1] == ' ') m--;
        if (m > 0) {
            char *x = fl_xstrndup(p, m);
            if (strcmp(x, "none") != 0 && strcmp(x, "—") != 0)
                json_array_append_new(a, json_string(x));
            free(x);
        }
        p += n;
    }
    return a;
}

json_t *fl__table_json(const fl_table *t) {
    json_t *a = json_array();
    for (size_t i = 0; i < t->n; i++) {
        json_t *o = json_object();
        for (int c = 0; c < t->ncol; c++) {
            const char *k = t->keys[c];
            if (k[0] == '*')
                json_object_set_new(o, k + 1, list_cell(t->rows[i][c]));
            else
                json_object_set_new(o, k, json_string(t->rows[i][c]));
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* A Markdown table cell: pipes escaped, newlines folded. */
static void md_cell(fl_buf *out, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            fl_buf_puts(out, "\\|");
        else if (*s == '\n')
            fl_buf_puts(out, "<br>");
        else
            fl_buf_putc(out, *s);
    }
}

void fl__table_md(const fl_table *t, fl_buf *out) {
    fl_buf_puts(out, "|");
    for (int c = 0; c < t->ncol; c++) fl_buf_printf(out, " %s |", t->heads[c]);
    fl_buf_puts(out, "\n|");
    for (int c = 0; c < t->ncol; c++) fl_buf_puts(out, "---|");
    fl_buf_putc(out, '\n');
    for (size_t i = 0; i < t->n; i++) {
        fl_buf_puts(out, "|");
        for (int c = 0; c < t->ncol; c++) {
            fl_buf_putc(out, ' ');
            md_cell(out, t->rows[i][c]);
            fl_buf_puts(out, " |");
        }
        fl_buf_putc(out, '\n');
    }
}

/* ---- ids --------------------------------------------------------------------------------- */

uint64_t fl__hex_hash(const char *scanner_id) {
    const char *dash = strrchr(scanner_id, '-');
    const char *hex = dash ? dash + 1 : scanner_id;
    return strtoull(hex, NULL, 16);
}

void fl__idalloc_init(fl_idalloc *a, size_t count) {
    a->mod = 9999;
    while ((size_t)a->mod < count * 2) a->mod = a->mod * 10 + 9;
    a->used = fl_xcalloc((size_t)a->mod + 1, 1);
}

void fl__idalloc_fini(fl_idalloc *a) {
    free(a->used);
    a->used = NULL;
}

void fl__id_number(fl_idalloc *a, uint64_t h, const char *prefix, char out[16]) {
    unsigned n = (unsigned)(h % a->mod) + 1u;
    for (unsigned tries = 0; tries < a->mod && a->used[n]; tries++) n = n % a->mod + 1u;
    a->used[n] = 1;
    snprintf(out, 16, "%s%u", prefix, n);
}
