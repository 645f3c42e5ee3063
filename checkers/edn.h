/*
 * edn.h — a reader for the EDN subset Jepsen histories use, producing jansson JSON
 * (the mapping is documented in history.h). Internal to the checkers module.
 *
 * Data in: a byte range and a cursor; data out: one json_t per form read, or an fl_error
 * with the line and column where the form went wrong.
 */
#ifndef FL_CHECKERS_EDN_H
#define FL_CHECKERS_EDN_H

#include "fl_common.h"

#include <jansson.h>
#include <stddef.h>

typedef struct fl_edn {
    const char *name; /* file name for errors */
    const char *s;    /* input bytes */
    size_t len;
    size_t pos;        /* cursor */
    int line;          /* 1-based line of the cursor */
    size_t line_start; /* offset of the cursor's line start (for columns) */
} fl_edn;

/* Character classes: FL_EDN_WS (space, tab, CR, LF, FF, comma) and FL_EDN_DELIM (whitespace,
 * brackets, quote, semicolon: what ends a token). */
enum { FL_EDN_WS = 1, FL_EDN_DELIM = 2 };
extern const unsigned char fl_edn_class[256];

void fl_edn_init(fl_edn *p, const char *name, const char *s, size_t len);
/* Skips whitespace, commas, `;` comments and `#_` discarded forms. Returns -1 with err set
 * when a discarded form is malformed, else 0. */
int fl_edn_skip(fl_edn *p, fl_error *err);
/* 1 when only whitespace/comments remain (call fl_edn_skip first). */
int fl_edn_at_end(const fl_edn *p);
/* Reads one form (after skipping). NULL with err set on a malformed form. New reference. */
json_t *fl_edn_read(fl_edn *p, fl_error *err);

#endif
