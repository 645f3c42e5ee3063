/*
 * check.c — the executor's glue to the checkers library (checkers/fl_checkers.h).
 *
 * A recorded history (event JSONL in memory) and the scenario's checker block enter; the
 * checker's verdict and its SPEC §3 result object leave. The executor never checks a
 * history itself: without the checkers library the declared checker "did not run".
 */
#include "exec.h"

#include <string.h>

#if __has_include("fl_checkers.h")
#include "fl_checkers.h"
#define FL_HAVE_CHECKERS 1
#endif

fl_chk_state fl_exec_check(const fl_scenario *sc, const char *name, const fl_buf *history,
                           json_t **result, char *why, size_t cap) {
    *result = NULL;
#ifdef FL_HAVE_CHECKERS
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = sc->checker_model ? sc->checker_model : sc->model;
    o.checker = sc->checker_name;
    o.format = "events";
    o.timeout_s = 60;
    fl_check_result r;
    fl_error err;
    fl_error_clear(&err);
    if (fl_check_buffer(name, history->data ? history->data : "", history->len, &o, &r, &err) < 0) {
        snprintf(why, cap, "the checker rejected the history: %s:%d: %s", err.path, err.line,
                 err.message);
        return FL_CHK_NOT_RUN;
    }
    *result = json_incref(r.json);
    fl_chk_state s = r.verdict == FL_CHECK_VALID     ? FL_CHK_VALID
                     : r.verdict == FL_CHECK_INVALID ? FL_CHK_INVALID
                                                     : FL_CHK_UNKNOWN;
    fl_check_result_free(&r);
    return s;
#else
    (void)sc;
    (void)name;
    (void)history;
    snprintf(why, cap, "the checkers library is not built into this faultline");
    return FL_CHK_NOT_RUN;
#endif
}
