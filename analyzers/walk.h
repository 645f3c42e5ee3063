/*
 * walk.h — the file list of a scan (walk.c) and the generated-code checks the scanner's
 * workers apply to file contents. Internal to analyzers/.
 */
#ifndef FL_ANALYZERS_WALK_H
#define FL_ANALYZERS_WALK_H

#include "internal.h"

#include <sys/types.h>

typedef struct fl_walk_item {
    char *abs;         /* absolute path, for reading */
    char *rel;         /* path shown in results: relative to the root, or absolute outside it */
    size_t size;       /* bytes on disk when listed */
    int explicit_file; /* named on the command line: read even when generated */
} fl_walk_item;

typedef struct fl_walk_list {
    fl_walk_item *items;
    size_t count, cap;
} fl_walk_list;

/* Lists the files to read (see walk.c) and the root paths are relative to. Returns 0, or -1
 * with `err` when a path does not exist. */
int fl__walk(const char *const *paths, size_t count, const fl_scan_options *opts, fl_walk_list *out,
             char **root_out, fl_error *err);
void fl__walk_list_free(fl_walk_list *l);

/* Generated code: by file name, and by the markers in the first 2 KB of its text. */
int fl__generated_name(const char *name);
int fl__generated_text(const char *text, size_t n);

#endif
