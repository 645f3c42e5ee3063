/*
 * internal.h — what the analyzers' source files share and nobody outside analyzers/ sees:
 * compiled per-language rules, the per-thread scratch state, the facts of one file and the
 * helpers (hashing, claim patterns, hypotheses) the index and the scanner call.
 *
 * Capture names in query files (the same for every language):
 *   @<category>.<kind>   a site; rule id = the capture name ("retry.loop", "lease.renew")
 *   @target              what the site of the same match acts on (the retried call, ...)
 *   @function + @function.name   a function definition and its name
 *   @call + @call.name           a call and the callee's name
 *   @claim.doc / @claim.error_type / @claim.test_name   text mined for claims
 *   @_anything                   helper for predicates only
 * Predicates evaluated here: #eq? #not-eq? #match? #not-match? #any-of? #not-any-of?
 * (pcre2), and the directive (#set! message "...").
 */
#ifndef FL_ANALYZERS_INTERNAL_H
#define FL_ANALYZERS_INTERNAL_H

#include "fl_analyzers.h"
#include "fl_grammars.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <pthread.h>
#include <stdint.h>

/* ---- compiled rules ---------------------------------------------------------------------- */

enum fl_cap_kind {
    FL_CAP_HELPER,
    FL_CAP_SITE,
    FL_CAP_TARGET,
    FL_CAP_FUNCTION,
    FL_CAP_FUNCTION_NAME,
    FL_CAP_CALL,
    FL_CAP_CALL_NAME,
    FL_CAP_CLAIM_DOC,
    FL_CAP_CLAIM_ERROR_TYPE,
    FL_CAP_CLAIM_TEST_NAME,
};

typedef struct fl_capinfo {
    int kind;         /* enum fl_cap_kind */
    int category;     /* fl_site_category for FL_CAP_SITE, else -1 */
    const char *name; /* owned by the TSQuery */
} fl_capinfo;

enum fl_pred_op { FL_PRED_EQ, FL_PRED_MATCH, FL_PRED_ANY_OF };

typedef struct fl_pred {
    int op;     /* enum fl_pred_op */
    int negate; /* the not- form */
    uint32_t capture;
    int64_t capture2;     /* #eq? between two captures; -1 otherwise */
    const char *str;      /* #eq? with a string */
    uint32_t str_len;     /* its length */
    pcre2_code *re;       /* #match? */
    const char **values;  /* #any-of? */
    uint32_t *value_lens; /* their lengths */
    size_t value_count;
} fl_pred;

typedef struct fl_pattern_info {
    fl_pred *preds;
    size_t pred_count;
    const char *message; /* from (#set! message "..."), or NULL */
} fl_pattern_info;

typedef struct fl_lang_rules {
    const fl_language *lang;
    TSQuery *query; /* every query file of the language, concatenated */
    fl_capinfo *caps;
    uint32_t cap_count;
    fl_pattern_info *patterns;
    uint32_t pattern_count;
} fl_lang_rules;

struct fl_analyzer {
    fl_lang_rules *langs; /* same order as fl_grammar_languages(); query NULL when none */
    size_t lang_count;
    char *user_query_dir; /* NULL: none */
    int *compiled;        /* per language: 0 not yet, 1 done (built-ins compile on first use;
                           * languages with user files compile in fl_analyzer_new) */
    pthread_mutex_t lock; /* guards lazy compilation */
};

/* The compiled rules of one language (compiling them on first use); NULL when unknown. */
const fl_lang_rules *fl__analyzer_rules(const fl_analyzer *a, const fl_language *lang);

/* Per-thread scratch state: reuse it across files. */
typedef struct fl_worker {
    TSParser *parser;
    TSQueryCursor *cursor;
    pcre2_match_data *md;
} fl_worker;

void fl_worker_init(fl_worker *w);
void fl_worker_fini(fl_worker *w);

/* ---- one file's facts -------------------------------------------------------------------- */

typedef struct fl_func {
    char *name;
    uint32_t start_byte, end_byte;
    int retrying; /* its body holds a retry loop or it is declared retrying */
    int line;
} fl_func;

typedef struct fl_call {
    uint64_t name_hash; /* of the callee's last identifier */
    uint32_t start_byte, end_byte;
    uint32_t name_start, name_end; /* the callee name's byte range */
    int line, column, end_line, end_column, column_utf16, end_column_utf16;
} fl_call;

struct fl_file_facts {
    char *path;
    const char *language; /* static; "markdown" for docs */
    fl_site *sites;
    size_t site_count, site_cap;
    fl_claim *claims;
    size_t claim_count, claim_cap;
    fl_func *funcs; /* sorted by start byte */
    size_t func_count, func_cap;
    fl_call *calls; /* sorted by start byte */
    size_t call_count, call_cap;
    int parse_errors;
    int first_error_line, first_error_column;
    size_t bytes;
};

/* Analyses with caller-provided scratch state (the scanner's workers). */
fl_file_facts *fl__analyze(const fl_analyzer *a, fl_worker *w, const char *path,
                           const char *language, const char *text, size_t length,
                           const TSTree *old_tree, TSTree **tree_out, fl_error *err);

/* Appends a site / claim (fields copied; strings duplicated). */
fl_site *fl__facts_add_site(fl_file_facts *f);
fl_claim *fl__facts_add_claim(fl_file_facts *f);
void fl__site_copy(fl_site *dst, const fl_site *src);
/* Gives the site the exact range of a call (lines, byte and UTF-16 columns, bytes). */
void fl__site_at_call(fl_site *s, const fl_call *c);
void fl__site_fini(fl_site *s);
void fl__claim_copy(fl_claim *dst, const fl_claim *src);
void fl__claim_fini(fl_claim *c);

/* Index of the innermost function of `f` containing [start, end); -1 when none. */
long fl__enclosing_function(const fl_file_facts *f, uint32_t start, uint32_t end);

/* ---- rules ------------------------------------------------------------------------------ */

/* Compiles `source` (builtin + user files concatenated) for one language. `files` maps
 * offsets in `source` back to file names for error positions. */
typedef struct fl_query_part {
    const char *path; /* shown in errors */
    size_t offset;    /* where this file starts in the concatenation */
    size_t length;
} fl_query_part;

int fl__rules_compile(fl_lang_rules *r, const char *source, size_t length,
                      const fl_query_part *parts, size_t part_count, fl_error *err);
void fl__rules_free(fl_lang_rules *r);
/* 1 when every predicate of `pattern` holds for `m`. */
int fl__rules_match_ok(const fl_lang_rules *r, const TSQueryMatch *m, const char *text,
                       pcre2_match_data *md);

/* ---- claims ----------------------------------------------------------------------------- */

/* Finds claim topics in `text` (prose, or an identifier split into words) and adds one
 * claim per topic to `f`. `display` is the claim text to keep (NULL: the sentence around the
 * match). `kind` is "doc", "comment", "error-type" or "test-name". */
void fl__claims_scan(fl_file_facts *f, const char *text, size_t length, const char *display,
                     int line, const char *kind, pcre2_match_data *md);
/* Claims of a Markdown / text doc, line by line (code fences skipped). */
void fl__claims_scan_doc(fl_file_facts *f, const char *text, size_t length, pcre2_match_data *md);

/* ---- small helpers ---------------------------------------------------------------------- */

uint64_t fl__hash(const void *data, size_t n, uint64_t seed);
uint64_t fl__hash_str(const char *s, uint64_t seed);
/* "prefix" + 12 hex digits of `h` into `out` (24 bytes). */
void fl__make_id(char out[24], const char *prefix, uint64_t h);
/* The last identifier of a callee expression ("client.Put" -> "Put"). */
void fl__last_ident(const char *s, size_t n, const char **start, size_t *len);
/* UTF-16 column (1-based) of byte `col0` (0-based) on the line starting at `line_start`. */
int fl__utf16_column(const char *line_start, uint32_t col0);
/* Is `path` (a file name) a doc file faultline mines for claims? */
int fl__is_doc_path(const char *path);

/* ---- SARIF 2.1.0 (sarif.c) --------------------------------------------------------------- */
/* One SARIF log with one run, built the same way for `faultline scan` (output.c) and
 * `faultline review` (plan_review.c): the driver's rules with the texts and properties GitHub
 * code scanning asks for, UTF-16 columns (run.columnKind), locations relative to %SRCROOT%
 * and a stable partial fingerprint per result. Add rules first, then results naming them. */

/* A rule as the caller describes it; strings are copied. */
typedef struct fl__sarif_rule {
    const char *id;         /* the rule id, also used as its name */
    const char *short_text; /* shortDescription: one line */
    const char *full_text;  /* fullDescription: what can go wrong */
    const char *help_text;  /* help.text: how to fix and test it (help.markdown is built
                             * from the three texts) */
    const char *level;      /* defaultConfiguration.level: "note", "warning" or "error" */
    const char *severity;   /* properties["problem.severity"]: "recommendation", "warning"
                             * or "error" */
    const char *tags[4];    /* properties.tags after "reliability"; NULL-terminated */
} fl__sarif_rule;

/* Where a result is: a path relative to the repository root, 1-based lines, 1-based UTF-16
 * columns (end exclusive); column 0 means the whole line (no columns are written). */
typedef struct fl__sarif_loc {
    const char *path;
    int line, column, end_line, end_column;
} fl__sarif_loc;

typedef struct fl__sarif {
    json_t *rules;   /* driver.rules */
    json_t *index;   /* rule id -> index in rules */
    json_t *results; /* run.results */
} fl__sarif;

void fl__sarif_init(fl__sarif *s);
/* Adds the rule unless a rule with its id is there already. */
void fl__sarif_add_rule(fl__sarif *s, const fl__sarif_rule *r);
int fl__sarif_has_rule(const fl__sarif *s, const char *id);
/* Adds a result of rule `rule_id` (added before) at `loc`, with level "note", "warning" or
 * "error" and the partial fingerprint `fp_key` = `fp`. */
void fl__sarif_add_result(fl__sarif *s, const char *rule_id, const char *level, const char *message,
                          const fl__sarif_loc *loc, const char *fp_key, const char *fp);
/* Writes the log (2-space indented JSON and a newline) to `out` and frees `s`. */
void fl__sarif_write(fl__sarif *s, fl_buf *out);

/* Hypotheses and inferred claims for a resolved set of sites and claims (index.c). */
void fl__hypotheses_build(fl_scan_result *r);

#endif
