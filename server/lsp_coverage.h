/*
 * lsp_coverage.h — what the plans and the test sessions say about each hypothesis.
 *
 * Reads the <root>/docs/testing-plans/ JSON files (SPEC §4) and, for each plan slug, the newest
 * session under <root>/test-sessions/<slug>/ (its scenarios/<id>/verdict.json, or
 * report.json) (SPEC §5). A hypothesis of the live analysis is matched to a plan's
 * hypothesis through its site ids, or through the site's path, rule and function. The
 * result decides diagnostic severities (uncovered: Warning; covered by a PASS:
 * Information; a FAIL: Error) and answers faultline/coverage.
 */
#ifndef FL_LSP_COVERAGE_H
#define FL_LSP_COVERAGE_H

#include "lsp.h"

typedef enum lsp_cov_status {
    LSP_COV_UNCOVERED = 0, /* no scenario closes it */
    LSP_COV_PLANNED,       /* a scenario closes it, with no verdict yet (or not conclusive) */
    LSP_COV_PASS,          /* a scenario that closes it passed */
    LSP_COV_FAIL,          /* a scenario that closes it failed */
} lsp_cov_status;

typedef struct lsp_cov_answer {
    lsp_cov_status status;
    char scenario[64];  /* the deciding scenario id, "" when none */
    char verdict[64];   /* its verdict, "" when none */
    char plan[1024];    /* the plan file that holds it, "" when none */
    char session[1024]; /* the session folder of the verdict, "" when none */
} lsp_cov_answer;

void lsp_coverage_load(lsp_server *s);
void lsp_coverage_reload(lsp_server *s); /* load again; bumps s->coverage_generation */
void lsp_coverage_free(lsp_server *s);
/* True for a path that coverage reads (a plan JSON or a session JSON). */
bool lsp_coverage_is_input(const char *path);
/* Coverage of a site: matched by site id, else by (path, rule, function). */
lsp_cov_answer lsp_coverage_for_site(lsp_server *s, const char *site_id, const char *path,
                                     const char *rule, const char *function);
const char *lsp_cov_status_name(lsp_cov_status st);
/* faultline/coverage's answer for the whole workspace. */
json_t *lsp_coverage_json(lsp_server *s);
/* The plan file a new scenario should go to (the first plan), NULL when there is none. */
const char *lsp_coverage_first_plan(lsp_server *s);

#endif
