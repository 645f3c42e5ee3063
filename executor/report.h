/*
 * report.h — the session folder's reports (SPEC §5): session-log.md, report.md,
 * report.json and report.sarif, rewritten atomically after every event so a crash keeps
 * what already ran.
 */
#ifndef FL_REPORT_H
#define FL_REPORT_H

#include "exec.h"

typedef struct fl_session {
    const fl_plan *plan;
    char dir[800];
    char started[32];    /* UTC timestamp */
    json_t *scenarios;   /* verdict objects in plan order */
    fl_buf timeline;     /* Markdown rows of the Scenario timeline */
    const char *verdict; /* session verdict once finished, NULL before */
    json_t *env;         /* capability matrix rows */
    json_t *toolbox;     /* discovered tools */
    char commit[64];     /* HEAD of the git repository holding the plan, "" if none */
} fl_session;

void fl_exec_session_init(fl_session *s, const fl_plan *plan, const char *dir);
void fl_exec_session_event(fl_session *s, const char *scenario, const char *event,
                           const char *notes);
void fl_exec_session_add(fl_session *s, const fl_scenario *sc, json_t *verdict /* stolen */);
const char *fl_exec_session_finish(fl_session *s);
/* Rewrites every report file. */
void fl_exec_session_write(fl_session *s);
void fl_exec_session_free(fl_session *s);

#endif
