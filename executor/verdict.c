/*
 * verdict.c — the reference's verdict decision tree (§2.6) and the session verdict.
 *
 * Facts about a scenario's runs enter as fl_verdict_input (attempted, environment gap,
 * checker results of the first run and of the same-seed re-run, faults scheduled and
 * proven, history weakness, ops checked, seeds that passed); one of the ten exact verdict
 * strings leaves, with the budget tier met and a one-line reason. No free-form verdicts:
 * the order of the tests below is the tree's order.
 */
#include "fl_executor.h"

#include <string.h>

void fl_verdict_decide(const fl_verdict_input *in, fl_verdict_output *out) {
    memset(out, 0, sizeof *out);
    out->budget_tier_met = "none";
    if (!in->attempted) {
        out->verdict = "NOT-RUN";
        snprintf(out->reason, sizeof out->reason, "declared in the plan, not run to completion");
        return;
    }
    if (in->env_gap) {
        out->verdict = "INCONCLUSIVE-env";
        snprintf(out->reason, sizeof out->reason, "a required capability was missing");
        return;
    }
    out->budget_tier_met = "smoke";
    if (in->first == FL_CHK_INVALID) {
        if (in->rerun == FL_CHK_INVALID) {
            out->verdict = "FAIL-reproducible";
            snprintf(out->reason, sizeof out->reason,
                     "the checker found a violation, and again on the re-run with the same seed");
        } else {
            out->verdict = "FAIL-nondeterministic";
            snprintf(out->reason, sizeof out->reason,
                     "the checker found a violation that the re-run with the same seed did not "
                     "show");
        }
        return;
    }
    if (in->faults_scheduled > 0 && in->faults_proven < in->faults_scheduled) {
        out->verdict = "INCONCLUSIVE-fault-not-proven";
        snprintf(out->reason, sizeof out->reason,
                 "%d of %d scheduled faults have no landing evidence from both sides",
                 in->faults_scheduled - in->faults_proven, in->faults_scheduled);
        return;
    }
    if (in->first == FL_CHK_NOT_RUN) {
        out->verdict = "PARTIAL-surface";
        snprintf(out->reason, sizeof out->reason, "the declared checker did not run");
        return;
    }
    if (in->weak_history || in->first == FL_CHK_UNKNOWN) {
        out->verdict = "INCONCLUSIVE-oracle-too-weak";
        snprintf(out->reason, sizeof out->reason, "%s",
                 in->first == FL_CHK_UNKNOWN
                     ? "the checker could not decide (budget hit): it cannot tell PASS from FAIL"
                     : "the history lacks fields the checker needs");
        return;
    }
    if (in->ops_checked < in->ops_recorded) {
        out->verdict = "PARTIAL-model";
        snprintf(out->reason, sizeof out->reason, "the checker consumed %d of %d ops",
                 in->ops_checked, in->ops_recorded);
        return;
    }
    if (in->faults_scheduled == 0) {
        out->verdict = "PASS-smoke";
        snprintf(out->reason, sizeof out->reason,
                 "no fault planned; the checker found no anomaly in the complete history");
        return;
    }
    if (in->seeds_passed < in->seeds_required || in->seeds_passed < 3) {
        out->verdict = "PARTIAL-model";
        snprintf(out->reason, sizeof out->reason,
                 "clean with proven faults on %d seed(s); hardening needs %d seeds to agree",
                 in->seeds_passed, in->seeds_required < 3 ? 3 : in->seeds_required);
        return;
    }
    out->verdict = "PASS-hardening";
    out->budget_tier_met = "hardening";
    snprintf(out->reason, sizeof out->reason,
             "every fault landed (injector and victim evidence), the checker consumed every op "
             "and found no anomaly, on %d seeds",
             in->seeds_passed);
}

const char *fl_exec_session_verdict(const char *const *v, int n) {
    int fail = 0, pass = 0, notrun = 0, other = 0;
    for (int i = 0; i < n; i++) {
        if (!strncmp(v[i], "FAIL", 4))
            fail++;
        else if (!strncmp(v[i], "PASS", 4))
            pass++;
        else if (!strcmp(v[i], "NOT-RUN"))
            notrun++;
        else
            other++;
    }
    if (fail) return "FAIL";
    if (pass && !notrun && !other) return "DONE";
    if (pass) return "DONE_WITH_CONCERNS";
    if (other) return "INCONCLUSIVE";
    return "BLOCKED";
}
