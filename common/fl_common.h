/*
 * fl_common.h — the small base every faultline module shares.
 *
 * Errors travel as values: a function that can fail takes an `fl_error *` and fills it with
 * the file, line, column and a sentence saying what was expected; only the command front
 * prints it. Text is built in `fl_buf`, a growable byte buffer that is always
 * NUL-terminated. Files are read whole and written atomically (temporary file + fsync +
 * rename), so nothing faultline writes is ever left half-written.
 */
#ifndef FL_COMMON_H
#define FL_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define FL_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define FL_PRINTF(fmt_idx, arg_idx)
#endif

/* ---- errors ---------------------------------------------------------------------------- */

typedef struct fl_error {
    char path[1024];    /* file the error is about; "" when it is about no file */
    int line;           /* 1-based line, 0 when unknown */
    int column;         /* 1-based column, 0 when unknown */
    char message[1024]; /* what was wrong / what was expected, one sentence, no newline */
} fl_error;

void fl_error_clear(fl_error *err);
/* Fills `err` (may be NULL: then nothing happens). `path` may be NULL. */
void fl_error_set(fl_error *err, const char *path, int line, int column, const char *fmt, ...)
    FL_PRINTF(5, 6);
void fl_error_vset(fl_error *err, const char *path, int line, int column, const char *fmt,
                   va_list ap);
/* "path:line:col: error: message\n" (parts that are unknown are left out). */
void fl_error_print(const fl_error *err, const char *prog, FILE *out);

/* ---- memory ---------------------------------------------------------------------------- */

/* Allocation that cannot return NULL: out of memory prints a line and aborts. */
void *fl_xmalloc(size_t n);
void *fl_xcalloc(size_t count, size_t size);
void *fl_xrealloc(void *p, size_t n);
char *fl_xstrdup(const char *s);
char *fl_xstrndup(const char *s, size_t n);

/* ---- text buffer ----------------------------------------------------------------------- */

typedef struct fl_buf {
    char *data; /* NUL-terminated once anything was appended; NULL before */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
} fl_buf;

#define FL_BUF_INIT {NULL, 0, 0}

void fl_buf_free(fl_buf *b);
void fl_buf_reset(fl_buf *b); /* len = 0, keeps memory */
void fl_buf_reserve(fl_buf *b, size_t extra);
void fl_buf_append(fl_buf *b, const void *data, size_t n);
void fl_buf_puts(fl_buf *b, const char *s);
void fl_buf_putc(fl_buf *b, char c);
void fl_buf_printf(fl_buf *b, const char *fmt, ...) FL_PRINTF(2, 3);
void fl_buf_vprintf(fl_buf *b, const char *fmt, va_list ap);
/* The contents as a C string ("" when empty); stays owned by the buffer. */
const char *fl_buf_cstr(const fl_buf *b);
/* Hands the allocation to the caller (never NULL) and leaves the buffer empty. */
char *fl_buf_take(fl_buf *b);

/* ---- files ----------------------------------------------------------------------------- */

/* Reads the whole file into `out` (appending). Returns 0, or -1 with `err` set. */
int fl_file_read(const char *path, fl_buf *out, fl_error *err);
/* Writes `data` to `path` through a temporary file in the same folder, fsync and rename.
 * Creates missing parent folders. Returns 0, or -1 with `err` set. */
int fl_file_write_atomic(const char *path, const void *data, size_t len, fl_error *err);
/* mkdir -p. Returns 0, or -1 with `err` set. */
int fl_mkdirs(const char *path, fl_error *err);

#endif
