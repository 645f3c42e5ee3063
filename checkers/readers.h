/*
 * readers.h — the per-format history readers behind fl_history_read (read_detect.c).
 * Internal to the checkers module.
 *
 * Data in: the bytes of a history and a builder; data out: events added to the builder in
 * real-time order, or -1 with an fl_error naming the line and what was expected.
 */
#ifndef FL_CHECKERS_READERS_H
#define FL_CHECKERS_READERS_H

#include "history.h"

/* Event JSONL, or one JSON array of event objects. */
int fl_read_events_json(const char *name, const char *data, size_t len, fl_history_builder *b,
                        fl_error *err);
/* Op-record JSONL (12 fields). */
int fl_read_op_records(const char *name, const char *data, size_t len, fl_history_builder *b,
                       fl_error *err);
/* Jepsen EDN: a stream of op maps, or one vector/list of them. */
int fl_read_edn(const char *name, const char *data, size_t len, fl_history_builder *b,
                fl_error *err);
/* jepsen.util log lines; other lines are skipped. */
int fl_read_jepsen_log(const char *name, const char *data, size_t len, fl_history_builder *b,
                       fl_error *err);

/* The timeline page Knossos renders (read_knossos_html.c). */
int fl_read_knossos_html(const char *name, const char *data, size_t len, fl_history_builder *b,
                         fl_error *err);

/* Adds one event given as a JSON object (from JSON or EDN) with fields process, type, f,
 * key, value, error, time. */
int fl_add_event_object(const char *name, json_t *obj, int line, fl_history_builder *b,
                        fl_error *err);

#endif
