/*
 * json_fast.h — a fast JSON reader for the hot paths of the JSON-lines readers (checkers
 * module internal; json_fast.c). Returns "not handled" on anything unusual so the caller
 * can fall back to jansson, whose loader reports errors precisely.
 */
#ifndef FL_CHECKERS_JSON_FAST_H
#define FL_CHECKERS_JSON_FAST_H

#include "history.h"

#include <jansson.h>

/* One JSON value filling s[0..n) (surrounding whitespace allowed), or NULL. New reference. */
json_t *fl_json_fast_value(const char *s, size_t n);

/* The fields of a flat event object whose keys are all among process, type, f, key, value,
 * error, time and index. */
typedef struct fl_json_event {
    json_t *process, *value, *key, *error; /* owned; NULL when absent */
    char type[16];                         /* "" when absent */
    char f[128];
    int has_f;
    int64_t time; /* FL_TIME_NONE when absent */
} fl_json_event;

/* 1 when s[0..n) is such an object (fields filled; free with fl_json_event_free), else 0. */
int fl_json_fast_event(const char *s, size_t n, fl_json_event *ev);
void fl_json_event_free(fl_json_event *ev);

#endif
