/*
 * lin_check.c — the linearizability checker (in progress).
 */
#include "checker.h"

int fl_checker_linearizable_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                fl_check_verdict *verdict, fl_error *err) {
    (void)h;
    (void)ctx;
    (void)err;
    json_object_set_new(result, "cause", json_string("not implemented yet"));
    *verdict = FL_CHECK_UNKNOWN;
    return 0;
}
