/*
 * error.c — building and printing `fl_error` values.
 *
 * Deep code fills an fl_error and returns; the command front (server/) prints it once, in
 * the one style every command uses: `faultline: path:line:col: error: message`.
 */
#include "fl_common.h"

#include <string.h>

void fl_error_clear(fl_error *err) {
    if (!err) return;
    err->path[0] = '\0';
    err->line = 0;
    err->column = 0;
    err->message[0] = '\0';
}

void fl_error_vset(fl_error *err, const char *path, int line, int column, const char *fmt,
                   va_list ap) {
    if (!err) return;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

void fl_error_set(fl_error *err, const char *path, int line, int column, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fl_error_vset(err, path, line, column, fmt, ap);
    va_end(ap);
}

void fl_error_print(const fl_error *err, const char *prog, FILE *out) {
    if (prog && *prog) fprintf(out, "%s: ", prog);
    if (err->path[0]) {
        fputs(err->path, out);
        if (err->line > 0) fprintf(out, ":%d", err->line);
        if (err->line > 0 && err->column > 0) fprintf(out, ":%d", err->column);
        fputs(": ", out);
    }
    fprintf(out, "error: %s\n", err->message[0] ? err->message : "unknown error");
}
