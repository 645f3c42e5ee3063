/*
 * fl_analyzers.h — sites, claims and hypotheses: what `faultline scan`, the language server
 * and the plan generator read out of a source tree.
 *
 * Data flow:
 *   1. fl_analyzer_new() holds the query files of every language (the built-in
 *      grammars/<lang>/queries/<name>.scm plus the tree's own
 *      .faultline/queries/<lang>/<name>.scm), each language compiled once, on first use
 *      (languages with user files at once, so a broken file is reported up front). An
 *      analyzer may be shared by threads.
 *   2. fl_analyze_text() reads ONE file's text (from disk or from an editor buffer, optionally
 *      reusing an edited TSTree for an incremental reparse) and returns that file's facts:
 *      its sites, its claims (doc comments, error type names, test names, Markdown) and the
 *      structure needed for cross-file facts (functions, calls).
 *   3. An fl_index holds the facts of many files (a workspace). fl_index_put() replaces one
 *      file's facts; fl_index_result() resolves the cross-file facts (callers of functions
 *      whose body is a retry loop become retry sites, inferred claims where the docs are
 *      silent, hypotheses) and returns everything sorted, with stable ids.
 *   4. fl_scan() does 1–3 for files and folders on disk: it walks trees honouring .gitignore
 *      (libgit2), skips vendored and generated code unless asked, and uses worker threads.
 *      fl_index_add_tree() does the walk and analysis into an index the caller keeps.
 *   5. fl_scan_result_json() / fl_scan_write() turn a result into the SPEC's JSON shapes,
 *      text lines (path:line:col: rule: message) or SARIF 2.1.0.
 *
 * Ids are stable while the code they point at is unchanged: a site id hashes its rule, path,
 * enclosing function and its ordinal among sites of that rule in that function; claim and
 * hypothesis ids hash their defining content the same way. Positions are 1-based; columns
 * count bytes. All strings in results are owned by the result and freed with it.
 */
#ifndef FL_ANALYZERS_H
#define FL_ANALYZERS_H

#include "fl_common.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* ---- categories -------------------------------------------------------------------------- */

/* Site categories (SPEC §1). */
typedef enum fl_site_category {
    FL_SITE_RETRY,
    FL_SITE_TIMEOUT,
    FL_SITE_LEASE,
    FL_SITE_COMMIT,
    FL_SITE_IDEMPOTENCY,
    FL_SITE_CLOCK,
    FL_SITE_CATEGORY_COUNT
} fl_site_category;

/* "retry", "timeout", ...; NULL for an out-of-range value. */
const char *fl_site_category_name(fl_site_category c);
/* By name; -1 when unknown. */
int fl_site_category_from_name(const char *name);

/* Claim categories: the 11 of the reference, in its order. */
typedef enum fl_claim_category {
    FL_CLAIM_SAFETY,
    FL_CLAIM_LIVENESS,
    FL_CLAIM_DURABILITY,
    FL_CLAIM_PERFORMANCE_SLO,
    FL_CLAIM_OPERATIONAL,
    FL_CLAIM_IDEMPOTENCY,
    FL_CLAIM_ISOLATION,
    FL_CLAIM_ORDERING,
    FL_CLAIM_MEMBERSHIP,
    FL_CLAIM_BOUNDARY,
    FL_CLAIM_FAIRNESS,
    FL_CLAIM_CATEGORY_COUNT
} fl_claim_category;

/* "safety", "performance-SLO", ...; NULL for an out-of-range value. */
const char *fl_claim_category_name(fl_claim_category c);

/* ---- results ----------------------------------------------------------------------------- */

/* A place in code where a distributed-systems risk lives. */
typedef struct fl_site {
    char id[24];               /* "site-" + 12 hex digits, stable (see top of file) */
    char *rule;                /* the query capture name, e.g. "retry.loop", "lease.renew" */
    fl_site_category category; /* the rule's first component */
    const char *language;      /* language id ("go", ...); static storage */
    char *path;                /* relative to the scan root ('/' separators) */
    int line, column;          /* start, 1-based (column in bytes) */
    int end_line, end_column;  /* end, 1-based, exclusive column */
    int column_utf16, end_column_utf16; /* the same columns in UTF-16 code units (LSP,
                                         * SARIF), 1-based */
    uint32_t start_byte, end_byte;      /* byte range in the file */
    char *function;                     /* enclosing function's name; "" at file level */
    char *target;                       /* what it acts on: the retried call, the committed
                                         * transaction, the lease call...; "" when unknown */
    char *message;                      /* one sentence for people */
} fl_site;

/* A promise the product makes. */
typedef struct fl_claim {
    char id[24]; /* "claim-" + 12 hex digits, stable */
    char *text;  /* the sentence or name the claim was read from (trimmed) */
    fl_claim_category category;
    char *topic;  /* the claim pattern that matched, e.g. "exactly-once" */
    char *path;   /* relative to the scan root; for an inferred claim, the first site
                   * that implies it */
    int line;     /* 1-based */
    int inferred; /* 1 when only the code implies it */
    char *kind;   /* "doc", "comment", "error-type", "test-name", "inferred" */
} fl_claim;

/* How a claim could fail at some sites under a fault. */
typedef struct fl_hypothesis {
    char id[24]; /* "hyp-" + 12 hex digits, stable */
    char *title;
    char **claims; /* claim ids */
    size_t claim_count;
    char **missing_claims; /* ids of inferred claims: what the code relies on that
                            * no doc states (the plan's missing claims) */
    size_t missing_claim_count;
    char **sites; /* site ids */
    size_t site_count;
    int pitfall;              /* 1..16, the reference's pitfall catalogue */
    const char *pitfall_name; /* static storage */
    const char *fault;        /* e.g. "partition", "kill", "clock-skew"; static */
    const char *model;        /* e.g. "register", "lease", "ledger"; static */
    const char *checker;      /* e.g. "linearizable", "lease", "exactly-once"; static */
} fl_hypothesis;

/* A file that was read but had a problem that did not stop the scan. */
typedef struct fl_scan_note {
    char *path;
    int line, column;
    char *message; /* e.g. "3 parse errors; sites outside them are kept" */
} fl_scan_note;

typedef struct fl_scan_result {
    fl_site *sites; /* sorted by path, line, column, rule */
    size_t site_count;
    fl_claim *claims; /* sorted by path, line, topic; inferred ones last */
    size_t claim_count;
    fl_hypothesis *hypotheses; /* sorted by pitfall, then id */
    size_t hypothesis_count;
    fl_scan_note *notes; /* sorted by path */
    size_t note_count;
    size_t files; /* source and doc files read */
    size_t bytes; /* their total size */
} fl_scan_result;

void fl_scan_result_free(fl_scan_result *r);

/* ---- the analyzer ------------------------------------------------------------------------ */

typedef struct fl_analyzer fl_analyzer;

/* Compiles the built-in queries and claim patterns, plus the user rules found under
 * `user_query_dir` (a folder holding <lang>/<name>.scm, normally "<root>/.faultline/queries";
 * NULL or a missing folder means none). A query file that does not compile fails the whole
 * call with `err` naming that file, line and column. Returns NULL on error. */
fl_analyzer *fl_analyzer_new(const char *user_query_dir, fl_error *err);
void fl_analyzer_free(fl_analyzer *a);

/* ---- one file ---------------------------------------------------------------------------- */

/* The facts of one file. Opaque: put it into an fl_index, or read its sites with
 * fl_file_facts_sites(). */
typedef struct fl_file_facts fl_file_facts;

/* Analyses one file's text. `path` is the path relative to the scan root (it names the file
 * in results and picks the language by extension unless `language` is given). Markdown and
 * text docs (.md, .markdown, .rst, .txt, .adoc) yield claims only. `old_tree` may be a tree
 * of an earlier version of this text, already edited with ts_tree_edit (for incremental
 * reparsing); it is not consumed. When `tree_out` is not NULL it receives the new tree
 * (caller frees with ts_tree_delete). Returns NULL with `err` set when the language is
 * unknown; parse errors in the text are NOT errors: they stay local, and the file's note
 * says how many there were. */
fl_file_facts *fl_analyze_text(const fl_analyzer *a, const char *path, const char *language,
                               const char *text, size_t length, const TSTree *old_tree,
                               TSTree **tree_out, fl_error *err);
void fl_file_facts_free(fl_file_facts *f);

/* The file's own sites (no cross-file facts), sorted; owned by `f`. */
const fl_site *fl_file_facts_sites(const fl_file_facts *f, size_t *count);
/* The file's own claims, sorted; owned by `f`. */
const fl_claim *fl_file_facts_claims(const fl_file_facts *f, size_t *count);
/* Number of ERROR/MISSING nodes in the parse (0 for docs). */
int fl_file_facts_parse_errors(const fl_file_facts *f);

/* ---- workspace index --------------------------------------------------------------------- */

/* Not thread-safe: one thread at a time per index (fl_index_add_tree's own workers are
 * internal to the call). */
typedef struct fl_index fl_index;

fl_index *fl_index_new(void);
void fl_index_free(fl_index *ix);
/* Replaces the facts of `facts`'s path (takes ownership of `facts`). */
void fl_index_put(fl_index *ix, fl_file_facts *facts);
/* Forgets one path (no-op when absent). */
void fl_index_remove(fl_index *ix, const char *path);
/* Everything the index knows, cross-file facts resolved, sorted, stable ids. `only_path`
 * (may be NULL) keeps only the sites and claims of that path (hypotheses still reference
 * the whole workspace). Returns 0. */
int fl_index_result(const fl_index *ix, const char *only_path, fl_scan_result *out);

/* ---- whole trees -------------------------------------------------------------------------- */

typedef struct fl_scan_options {
    const char *root;     /* paths in results are relative to it; NULL: see fl_scan */
    int include_vendored; /* 1: also read vendor/, node_modules/, third_party/, generated code */
    int no_ignore;        /* 1: do not honour .gitignore */
    int threads;          /* worker threads; 0 = number of online CPUs (at most 8) */
    int parse_only;       /* 1: parse every file, run no queries (the benchmark's floor) */
} fl_scan_options;

/* Scans files and folders. Folders are walked honouring .gitignore files (libgit2) and skip
 * vendored/generated code unless `include_vendored`. The root defaults to the work tree of
 * the git repository holding the first path, else to the first path when it is a folder,
 * else to the current directory. User rules are read from "<root>/.faultline/queries". A
 * path that does not exist or a broken user query fails with `err` and returns -1;
 * otherwise 0 and `out` holds the result (free with fl_scan_result_free). */
int fl_scan(const char *const *paths, size_t path_count, const fl_scan_options *opts,
            fl_scan_result *out, fl_error *err);

/* The walk and analysis of fl_scan, into an existing index (a language server indexing its
 * workspace, then updating files one by one with fl_analyze_text + fl_index_put using the
 * same root-relative paths). `a` may be NULL: then an analyzer with the root's user rules is
 * made for the call. When `root_out` is not NULL it receives the root (caller frees).
 * Returns 0, or -1 with `err` set. */
int fl_index_add_tree(fl_index *ix, const fl_analyzer *a, const char *const *paths,
                      size_t path_count, const fl_scan_options *opts, char **root_out,
                      fl_error *err);

/* ---- output ------------------------------------------------------------------------------ */

/* JSON shapes of SPEC §1 (new references). */
json_t *fl_site_json(const fl_site *s);
json_t *fl_claim_json(const fl_claim *c);
json_t *fl_hypothesis_json(const fl_hypothesis *h);
/* {"sites": [...], "claims": [...], "hypotheses": [...]} */
json_t *fl_scan_result_json(const fl_scan_result *r);

typedef enum fl_scan_format { FL_SCAN_TEXT, FL_SCAN_JSON, FL_SCAN_SARIF } fl_scan_format;

/* Appends the result in one format to `out`. Text: one "path:line:col: rule: message" line
 * per site, then claims and hypotheses as "path:line: claim[category]: text" and
 * "hypothesis H: title" lines. SARIF: 2.1.0, one run, one rule per site rule. */
void fl_scan_write(const fl_scan_result *r, fl_scan_format format, fl_buf *out);

/* ==== plans and reviews (faultline plan, faultline review) ===================================
 * Added by the plan issue; implemented in analyzers/plan_*.c.
 *
 * A change is the diff base..head (or base..work tree, untracked files included, ignored
 * files not), renames followed, limited to the planned folder. A plan is built once in
 * memory (fl_plan_build) and rendered twice: fl_plan_json (SPEC §4 fields plus the
 * reference's sections) and fl_plan_markdown (the reference's headings §0–§9, §7.M, §7.M.S,
 * §7b–§7d). The same repository state gives byte-identical renderings: the date is the head
 * commit's committer date (UTC) unless given, the default slug derives from the folder name
 * and the revisions, and ids are numbers derived from the scanner's stable hashes:
 * C<n>/M<n> from the claim, H<n> from the hypothesis, S<n> from the scenario's group key,
 * n in 1..9999 (1..99999 past 5000 ids of a kind; the next free number when two keys
 * collide).
 */

/* One hunk: line ranges on both sides (1-based; a side with 0 lines names the line after
 * which lines were added or removed). */
typedef struct fl_hunk {
    int old_start, old_lines, new_start, new_lines;
} fl_hunk;

typedef struct fl_changed_file {
    char *path;          /* head side, relative to the repository's work tree */
    char *old_path;      /* base side (differs for renames) */
    char status;         /* 'A' added, 'M' modified, 'D' deleted, 'R' renamed, 'T' type */
    int binary;          /* no hunks are listed for binary files */
    int untracked;       /* a work-tree file git does not track yet */
    int whitespace_only; /* every hunk vanishes when whitespace is ignored */
    fl_hunk *hunks;
    size_t hunk_count;
} fl_changed_file;

typedef struct fl_change {
    char base[41], head[41]; /* commit ids; head "" = the work tree */
    fl_changed_file *files;  /* sorted by path */
    size_t file_count;
} fl_change;

/* The change base..head in the repository holding `dir` (head NULL: the work tree). Fails
 * (returns -1, `err` set) when `dir` is not inside a git work tree or a revision does not
 * name a commit (the message says when the clone is shallow). */
int fl_change_compute(const char *dir, const char *base, const char *head, fl_change *out,
                      fl_error *err);
void fl_change_free(fl_change *c);

typedef struct fl_plan_options {
    const char *repo; /* the folder to plan for (NULL: "."); inside a git work tree */
    const char *base; /* NULL: project-wide */
    const char *head; /* NULL: the work tree */
    const char *slug; /* NULL: "<folder>-project-wide" or "<folder>-<base7>-<head7|worktree>" */
    const char *date; /* NULL: the head commit's date (HEAD for the work tree) */
    int threads;      /* analysis workers; 0 = online CPUs (at most 8) */
} fl_plan_options;

typedef struct fl_plan fl_plan;

/* Builds the plan. Returns 0, or -1 with `err` (bad folder, bad revision, broken user
 * query). */
int fl_plan_build(const fl_plan_options *o, fl_plan **out, fl_error *err);
void fl_plan_free(fl_plan *p);
const char *fl_plan_slug(const fl_plan *p);
/* The repository's work tree (absolute, ends with '/'): plans go to <root>docs/testing-plans/ */
const char *fl_plan_root(const fl_plan *p);
/* 1 when the plan exited early (trivial change) */
int fl_plan_early_exit(const fl_plan *p);
json_t *fl_plan_json(const fl_plan *p);
void fl_plan_markdown(const fl_plan *p, fl_buf *out);

/* One problem of a (hand-edited) plan JSON: where (a JSON path like
 * "$.scenarios[2].falsifies[0]") and what is wrong. */
typedef struct fl_plan_problem {
    char *where;
    char *what;
} fl_plan_problem;

/* Validates a plan JSON: shapes, broken references (claims, missing claims, hypotheses,
 * sites, scenarios), serious scenarios without a checker, run blocks with unknown nemeses,
 * targets, checkers or models. Returns the number of problems (0: valid). */
size_t fl_plan_check(const json_t *plan, fl_plan_problem **out);
void fl_plan_problems_free(fl_plan_problem *v, size_t n);

typedef enum fl_review_format { FL_REVIEW_MD, FL_REVIEW_SARIF, FL_REVIEW_RDJSON } fl_review_format;

typedef struct fl_review_summary {
    size_t hypotheses; /* new or affected by the change */
    size_t covered;    /* closed by a passing scenario of the latest session */
    size_t failed;     /* closed by a scenario that FAILed there */
    size_t uncovered;  /* neither */
} fl_review_summary;

/* The PR-bot output for a change: builds the change-scoped plan with `o` and reads the
 * latest session under <root>/test-sessions/ (`sessions` overrides that folder). */
int fl_review(const fl_plan_options *o, const char *sessions, fl_review_format format,
              fl_buf *out, fl_review_summary *sum, fl_error *err);

#endif
