/*
 * plan_internal.h — what the plan generator's files (plan_*.c) share and nobody outside
 * analyzers/ sees: the in-memory plan (one struct, rendered to JSON by plan_json.c and to
 * Markdown by plan_md.c), the loaded tree (files, texts, facts in an fl_index), the git
 * helpers of plan_scope.c, and small string-vector and table helpers.
 *
 * Data flow: plan_scope.c resolves revisions and diffs (fl_change) → plan_tree.c reads and
 * analyses the head tree or the work tree into an fl_index (reused, never rescanned) →
 * plan_build.c selects what is in scope, numbers the ids and fills every section, calling
 * plan_scenario.c for scenarios and run blocks → plan_json.c / plan_md.c render it.
 */
#ifndef FL_PLAN_INTERNAL_H
#define FL_PLAN_INTERNAL_H

#include "internal.h"

#include <git2.h>

/* ---- string vectors ---------------------------------------------------------------------- */

typedef struct fl_strv {
    char **v;
    size_t n;
} fl_strv;

void fl__strv_push(fl_strv *s, const char *str);
void fl__strv_pushf(fl_strv *s, const char *fmt, ...) FL_PRINTF(2, 3);
/* Pushes unless already present. */
void fl__strv_add(fl_strv *s, const char *str);
int fl__strv_has(const fl_strv *s, const char *str);
void fl__strv_sort(fl_strv *s);
void fl__strv_free(fl_strv *s);
/* "a, b, c" (or `empty` when there is nothing) into a new string. */
char *fl__strv_join(const fl_strv *s, const char *sep, const char *empty);
char *fl__strdupf(const char *fmt, ...) FL_PRINTF(1, 2);

/* ---- tables: the plan's row-shaped sections ---------------------------------------------- */

/* A table with fixed columns. A key starting with '*' is a list column: its cell holds
 * comma-separated ids and renders as a JSON array (the '*' is not part of the key). */
typedef struct fl_table {
    const char *const *keys;  /* JSON keys, ncol of them */
    const char *const *heads; /* Markdown column heads */
    int ncol;
    char ***rows; /* rows[i][c] */
    size_t n;
} fl_table;

void fl__table_init(fl_table *t, const char *const *keys, const char *const *heads, int ncol);
/* Adds a row: exactly ncol strings (copied; NULL becomes ""). */
void fl__table_add(fl_table *t, ...);
void fl__table_free(fl_table *t);
json_t *fl__table_json(const fl_table *t);
void fl__table_md(const fl_table *t, fl_buf *out);

/* ---- git: repositories, revisions, diffs (plan_scope.c) ------------------------------------ */

typedef struct fl_repo {
    git_repository *repo;
    char *workdir; /* absolute, ends with '/' */
    char *prefix;  /* the planned folder relative to workdir, "" or ending with '/' */
    char *abs_dir; /* the planned folder, absolute, no trailing '/' */
} fl_repo;

/* Opens the repository holding `dir` (must be inside its work tree). */
int fl__repo_open(const char *dir, fl_repo *r, fl_error *err);
void fl__repo_close(fl_repo *r);
/* Resolves REV to a commit; `flag` names the option in errors ("--base"). */
int fl__repo_commit(fl_repo *r, const char *rev, const char *flag, git_commit **out, fl_error *err);
/* The diff base..head (head NULL: the work tree with untracked files), renames followed,
 * limited to the planned folder, plans and sessions left out. */
int fl__change_diff(fl_repo *r, git_commit *base, git_commit *head, fl_change *out, fl_error *err);
/* YYYY-MM-DD (UTC) of a commit's committer date. */
void fl__commit_date(git_commit *c, char out[16]);
/* Paths faultline itself writes (plans, sessions): never analysed, never "changed". */
int fl__plan_output_path(const char *rel);

/* ---- the loaded tree (plan_tree.c) ------------------------------------------------------- */

enum { FL_STACK_ETCD = 1, FL_STACK_REDIS = 2, FL_STACK_SQL = 4 };

typedef struct fl_pfile {
    char *path; /* relative to the work tree */
    char *text; /* whole contents, NUL-terminated */
    size_t len;
    fl_file_facts *facts; /* owned by the index once put; NULL for unreadable languages */
    int *func_end_line;   /* per facts->funcs[i]: its last line */
    int is_test, is_doc;
    unsigned stack;              /* FL_STACK_* imported by this file */
    const char *stack_marker[3]; /* the import that proved each stack (static) */
} fl_pfile;

typedef struct fl_ptree {
    fl_pfile *files; /* sorted by path */
    size_t n;
    fl_index *ix;
    fl_scan_result res; /* fl_index_result of the whole tree */
    unsigned stack;     /* union of the files' stacks and the manifests' */
    char *stack_where[3];
} fl_ptree;

/* Reads the planned folder at `head` (NULL: the work tree, honouring .gitignore) and analyses
 * every file with `threads` workers. */
int fl__tree_load(fl_repo *r, git_commit *head, int threads, fl_ptree *out, fl_error *err);
void fl__tree_free(fl_ptree *t);
const fl_pfile *fl__tree_file(const fl_ptree *t, const char *path);
/* Is `path` a test file by its name (foo_test.go, test_foo.py, tests/…, *.spec.ts, …)? */
int fl__is_test_path(const char *path);
/* Does the text inject faults? Returns the marker found (static) or NULL; *line gets its
 * line. */
const char *fl__fault_marker(const char *text, size_t len, int *line);

/* ---- the plan ---------------------------------------------------------------------------- */

typedef struct fl_pclaim {
    char id[16];  /* "C<n>" */
    fl_claim c;   /* c.id is the scanner's stable id */
    int cited;    /* some in-scope hypothesis cites it */
    char mid[16]; /* "M<n>" when inferred (listed in §1c), else "" */
} fl_pclaim;

typedef struct fl_psite {
    fl_site s;
    const char *scope; /* change-scoped: "changed", "caller" or "context"; NULL otherwise */
} fl_psite;

typedef struct fl_phyp {
    char id[16];  /* "H<n>" */
    char ref[24]; /* the scanner's hypothesis id, or "claim-…" based for plan-level ones */
    char *title;
    int pitfall;
    const char *pitfall_name, *fault, *model, *checker; /* static */
    const char *lang;  /* language of its first site (static), "" without sites */
    int from_claim;    /* 1: added by the plan for a boundary/fairness claim (no sites) */
    fl_strv claims;    /* C ids */
    fl_strv missing;   /* M ids */
    fl_strv sites;     /* scanner site ids */
    fl_strv scenarios; /* S ids that close it */
    char *subsystem;   /* the folder of its file */
    char *because;     /* "Suspected because:" */
    unsigned stack;    /* FL_STACK_* bit that picks the adapter (0: none) */
    char *stack_evidence;
    fl_strv tests; /* existing test files referencing its functions */
    int tests_inject;
} fl_phyp;

typedef struct fl_pscenario {
    char id[16];
    char *name;
    fl_strv falsifies; /* C ids */
    fl_strv closes;    /* H ids */
    char *technique, *workload, *faults, *oracle, *observability;
    char *model;        /* faultline checker model ("cas-register", "lease", ...) */
    char *model_ref;    /* the reference's model vocabulary ("register", "lease", ...) */
    char *checker;      /* faultline checker name */
    char *checker_text; /* §7.M Checker: prose */
    fl_strv history_fields;
    char *history_recording;
    char *landing_evidence, *ambiguous_outcomes, *reduction_plan;
    int serious;  /* falsifies a gated category: §7.M required */
    int surfaced; /* falsifies boundary/fairness: §7.M.S required */
    fl_strv surfaces, arms;
    char *operations, *adversarial, *positive, *negative, *delayed, *obs_paths;
    char *smoke, *hardening, *release;
    char *target_test_file, *skeleton_language, *skeleton;
    char *stack;  /* "etcd", "redis", "sql" or "" */
    json_t *run;  /* SPEC §4 run block, or NULL */
    char *status; /* "runnable" or "NOT-RUN" */
    char *status_reason;
} fl_pscenario;

typedef struct fl_ptest {
    char *path;
    fl_strv functions;
    const char *marker; /* fault-injection marker found, or NULL */
    int marker_line;
} fl_ptest;

typedef struct fl_pfunc {
    char *path, *name;
    int start_line, end_line;
    const char *why; /* "changed" or "caller" */
} fl_pfunc;

struct fl_plan {
    char *slug, *date, *mode, *sut, *status, *root;
    char *change_label; /* "Change under test:" */
    int change_scoped;
    fl_change change;
    char *early_exit; /* reason, NULL when the plan is a full plan */
    char *early_kind; /* "docs-only", "tests-only", "formatting-only", "no-change", "no-sites" */
    char *recommendation;
    fl_strv architecture;
    char *scope_text;
    fl_strv in_scope, out_of_scope;
    char *sut_model[7];
    fl_pfunc *funcs; /* functions in scope (change-scoped) */
    size_t func_count;
    fl_pclaim *claims;
    size_t claim_count;
    fl_psite *sites;
    size_t site_count;
    fl_phyp *hyps;
    size_t hyp_count;
    fl_pscenario *scen;
    size_t scen_count;
    fl_ptest *tests;
    size_t test_count;
    fl_table missing;     /* §1c */
    fl_table sweep;       /* §4 category sweep */
    fl_table matrix;      /* §5 */
    fl_table techniques;  /* §6 */
    fl_table environment; /* §6b */
    fl_table adequacy;    /* §7b */
    fl_table residual;    /* §7c */
    char *confidence;     /* §7d statement */
    fl_table aspects;     /* §7d per-aspect table */
    fl_strv not_covered;  /* §8 */
    fl_table questions;   /* §9 */
    fl_table self_check;  /* self-check results */
    fl_scan_result scan;  /* kept: hypotheses point into it */
};

/* plan_scenario.c: fills p->scen from p->hyps (grouped) and the claims. */
void fl__plan_scenarios(fl_plan *p, const fl_ptree *t);
/* Names a reference model for a faultline model ("cas-register" -> "register"). */
const char *fl__model_ref(const char *model);
/* The categories whose falsification makes a scenario serious (§7.M). */
int fl__category_serious(fl_claim_category c);
/* A claim of the plan by C id or NULL. */
const fl_pclaim *fl__plan_claim(const fl_plan *p, const char *cid);
/* Stable short numbers for id hashes: "<prefix><n>", n in 1..mod where mod is 9999 (99999,
 * ... when more than mod/2 ids are numbered at once), the next free number on a collision
 * (the caller hands keys in sorted order). */
typedef struct fl_idalloc {
    unsigned char *used;
    unsigned mod;
} fl_idalloc;
void fl__idalloc_init(fl_idalloc *a, size_t count);
void fl__idalloc_fini(fl_idalloc *a);
void fl__id_number(fl_idalloc *a, uint64_t h, const char *prefix, char out[16]);
uint64_t fl__hex_hash(const char *scanner_id);

/* pitfalls.c: what a pitfall of the catalogue (1..16) means and how to test for it, for
 * review's SARIF rules; an out-of-range number gets a generic text. */
typedef struct fl_pitfall_doc {
    const char *description; /* the failure, one or two sentences */
    const char *help;        /* how to prevent it and which test falsifies it */
} fl_pitfall_doc;
const fl_pitfall_doc *fl__pitfall_doc(int pitfall);

#endif
