/*
 * render_html.c — one self-contained HTML page for check results (--html).
 *
 * Data in: a JSON array of result objects. Data out: a malloc'd HTML string.
 */
#include "fl_checkers.h"

#include <stdlib.h>

char *fl_check_render_html(const json_t *results) {
    fl_buf b = FL_BUF_INIT;
    fl_buf_puts(&b, "<!doctype html><meta charset=utf-8><title>faultline check</title><pre>");
    char *s = json_dumps(results, JSON_INDENT(1));
    fl_buf_puts(&b, s ? s : "");
    free(s);
    fl_buf_puts(&b, "</pre>\n");
    return fl_buf_take(&b);
}
