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
 *   @claim.doc_above             the comments right above this node (a declaration), as one
 *                                text: a doc comment found from the node it documents
 *   @_anything                   helper for predicates only
 * Predicates evaluated here: #eq? #not-eq? #match? #not-match? #any-of? #not-any-of?
 * (pcre2), and the directive (#set! message "...").
 *
 * How a language's patterns run (query_shape.c splits them, rules.c compiles, facts.c runs):
 *   - main: walk mode, when every pattern starts at one node of known types: the scanner
 *     visits each node once and runs main only at nodes where a pattern can start (and whose
 *     predicates on that node, or on a capture along a fixed path below it, hold);
 *     otherwise a query cursor over the whole file.
 *   - dispatch: call patterns keyed by a name in the call (`#any-of? @_fn "Grant" ...`),
 *     run only at calls holding one of those names.
 *   - siblings: patterns of sibling nodes (walk mode), run once at each parent.
 * Every pattern's own predicates still decide, so results equal one cursor over all
 * patterns (FAULTLINE_QUERY_DISPATCH=0 runs that, for comparison).
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

/* The deepest path below a pattern's root the walk checks predicates along. */
#define FL_QUERY_PATH_MAX 6

enum fl_cap_kind {
    FL_CAP_HELPER,
    FL_CAP_SITE,
    FL_CAP_TARGET,
    FL_CAP_FUNCTION,
    FL_CAP_FUNCTION_NAME,
    FL_CAP_CALL,
    FL_CAP_CALL_NAME,
    FL_CAP_CLAIM_DOC,
    FL_CAP_CLAIM_DOC_ABOVE,
    FL_CAP_CLAIM_ERROR_TYPE,
    FL_CAP_CLAIM_TEST_NAME,
};

typedef struct fl_capinfo {
    int kind;         /* enum fl_cap_kind */
    int category;     /* fl_site_category for FL_CAP_SITE, else -1 */
    const char *name; /* owned by the TSQuery */
} fl_capinfo;

/* FL_PRED_TYPE: the capture's node is of type `str` (the lean patterns' @__t.<type>) */
enum fl_pred_op { FL_PRED_EQ, FL_PRED_MATCH, FL_PRED_ANY_OF, FL_PRED_TYPE };

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
    const char *message;  /* from (#set! message "..."), or NULL */
    int call_root;        /* the structure pattern matching every call: its matches run the
                           * dispatch query (query_shape.c) */
    uint32_t *root_preds; /* indices into preds of those on the pattern's root node alone: a
                           * node failing one of them cannot start a match */
    size_t root_pred_count;
    struct fl_path_pred *path_preds; /* ... and those on a capture below it: a node with no
                                      * descendant on the way that passes cannot either */
    size_t path_pred_count;
    uint32_t *start_caps; /* sibling patterns: captures on the first node (where a match
                           * starts) */
    size_t start_cap_count;
} fl_pattern_info;

/* A predicate on a capture at the end of a path below a pattern's root (walk mode). */
typedef struct fl_path_pred {
    uint32_t pred;         /* index into the pattern's preds */
    const char *root_type; /* the node type it applies to (language-owned); NULL: any */
    uint32_t steps;
    TSFieldId fields[FL_QUERY_PATH_MAX];  /* 0: any child */
    const char *types[FL_QUERY_PATH_MAX]; /* NULL: any node; "_": any named node */
} fl_path_pred;

/* One compiled query and what the C API leaves to us about it. */
typedef struct fl_rule_query {
    TSQuery *query; /* NULL when there is none */
    fl_capinfo *caps;
    uint32_t cap_count;
    fl_pattern_info *patterns;
    uint32_t pattern_count;
} fl_rule_query;

/* Identifiers dispatched patterns need: an open-addressing set of whole names (NULL: empty
 * slot) and a list of prefixes. Strings point into the split's names, kept by the rules. */
typedef struct fl_name_set {
    const char **slots;
    uint32_t *lens;
    size_t mask; /* slots - 1; 0 with no slots */
    const char **prefixes;
    uint32_t *prefix_lens;
    size_t prefix_count;
} fl_name_set;

typedef struct fl_lang_rules {
    const fl_language *lang;
    size_t bytes_hint;        /* bytes of this language the scan will read, set before compiling;
                               * 0: unknown (see wild_roots in rules.c) */
    fl_rule_query main;       /* every pattern not below (walk mode: run node by node) */
    fl_rule_query dispatch;   /* tried only at calls holding one of the names below */
    fl_rule_query siblings;   /* walk mode: patterns of sibling nodes, run at their parent */
    fl_name_set callee_names; /* a dispatched pattern needs one of these in the callee */
    fl_name_set call_names;   /* ... or one of these anywhere in the call */
    const char *few[4];       /* call_names when it is a few whole names (memmem finds them) */
    uint32_t few_lens[4];
    size_t few_count;
    struct fl_query_name *owned_names; /* the strings the sets point to */
    size_t owned_name_count;
    /* Node by node: when every main pattern starts at one node of known types, the scanner
     * walks the tree itself and runs main only at nodes of those types (fl__rules_node_may_match
     * says which), instead of a query cursor keeping states across the whole tree. */
    int walk;
    uint32_t symbol_count;
    uint32_t
        *sym_start; /* patterns rooted at symbol s: sym_patterns[sym_start[s]..sym_start[s+1]) */
    uint32_t *sym_patterns;
    unsigned char *sib_start;   /* per symbol: a sibling pattern can start at such a node */
    unsigned char *sym_comment; /* when main has @claim.doc_above: per symbol 0 anonymous,
                                 * 1 named, 2 a comment; NULL otherwise */
    /* per symbol: its only main pattern is a call root, whose match the scanner makes itself:
     * the callee is the child under field native_field[s] (0: not native), a named node of
     * type native_type[s] unless NULL */
    uint16_t *native_field;
    const char **native_type;
} fl_lang_rules;

/* ---- query_shape.c ----------------------------------------------------------------------- */

/* An identifier (or the start of one) a dispatched pattern needs in its call. */
typedef struct fl_query_name {
    char *text;
    int prefix; /* an identifier starting with text will do */
    int callee; /* in the callee (else anywhere in the call) */
} fl_query_name;

/* A call root: the structure pattern that matches every call node of type `type`, naming
 * its callee, the child under `field` (of type `child_type` unless "_"). */
typedef struct fl_query_call_root {
    size_t start; /* the pattern's offset in the source */
    char *type, *field, *child_type;
} fl_query_call_root;

/* The way from a pattern's root down to a capture every match binds. */
typedef struct fl_query_path {
    char *capture;
    char *root_type; /* the alternative of an alternation root it is in; NULL: the root */
    size_t steps;
    char *fields[FL_QUERY_PATH_MAX]; /* per step: the field, or NULL */
    char *types[FL_QUERY_PATH_MAX];  /* per step: node type, "_" any named node, NULL any node */
} fl_query_path;

/* One pattern of the source as query_shape.c reads it. */
typedef struct fl_query_form {
    size_t start, end; /* its bytes in the source (start = ts_query_start_byte_for_pattern) */
    int dispatched;    /* tried only at calls naming one of the split's names */
    int rooted;        /* it starts at one node whose type is one of `types` */
    int sibling;       /* a sequence of siblings starting at a node of types[0] */
    char **types;      /* node type names (rooted: the root's; sibling: the first node's) */
    size_t type_count;
    char **root_caps; /* captures on that node */
    size_t root_cap_count;
    struct fl_query_path *paths; /* rooted: where every match binds a capture */
    size_t path_count;
    int user;        /* from a user's file (set by the caller) */
    char *lean;      /* dispatched or rooted: the lean form (see fl__query_lean_text) */
    char *lean_wild; /* rooted: the lean form with a wildcard root, type-checked too */
} fl_query_form;

/* One language's query source as patterns (NULL forms: text the reader did not understand;
 * then all of it is one main query). */
typedef struct fl_query_split {
    fl_query_form *forms; /* in source order */
    size_t form_count;
    size_t dispatch_count, sibling_count;
    int walkable;                /* every pattern is dispatched, rooted or a sibling sequence */
    struct fl_query_name *names; /* what a dispatched pattern needs in the call */
    size_t name_count;
    struct fl_query_call_root *roots; /* the call-root patterns, (T F: (_) @call.name) @call */
    size_t root_count;
} fl_query_split;

enum { FL_FORM_OTHER = 1, FL_FORM_DISPATCH = 2, FL_FORM_SIBLING = 4 };

void fl__query_split(const char *src, size_t len, fl_query_split *out);
/* FL_FORM_DISPATCH, FL_FORM_SIBLING (when the split is walkable) or FL_FORM_OTHER. */
int fl__query_form_class(const fl_query_split *sp, const fl_query_form *f);
/* The source with every pattern not of `classes` (a mask) blanked, newlines kept: same length
 * and offsets, so tree-sitter's error positions stay right. Caller frees. */
char *fl__query_text(const char *src, size_t len, const fl_query_split *sp, int classes);
/* The patterns of class `cls` (FL_FORM_OTHER or FL_FORM_DISPATCH), one per line, in source
 * order: built-in ones in their lean form (every parent step below the root as `_` with a
 * capture `@__t.<type>` the scanner type-checks; a dispatched pattern's root as `_` too, as
 * the dispatch query only runs at nodes of the one call-root type), the user's as written.
 * Offsets differ from the source: on a compile error, compile fl__query_text's plain text
 * for the position. Pattern i of the result is the i-th form of that class. wild_roots: a
 * rooted pattern's root becomes `_` with its own @__t capture (cheaper to compile on a large
 * grammar, dearer to run: every pattern then starts at every node the query runs at). */
char *fl__query_lean_text(const char *src, const fl_query_split *sp, int cls, int wild_roots);
void fl__query_split_free(fl_query_split *q);

struct fl_analyzer {
    fl_lang_rules *langs; /* same order as fl_grammar_languages(); main.query NULL: none */
    size_t lang_count;
    char *user_query_dir; /* NULL: none */
    int *compiled;        /* per language: 0 not yet, 1 done (built-ins compile on first use;
                           * languages with user files compile in fl_analyzer_new) */
    pthread_mutex_t lock; /* guards lazy compilation */
};

/* The compiled rules of one language (compiling them on first use); NULL when unknown. */
const fl_lang_rules *fl__analyzer_rules(const fl_analyzer *a, const fl_language *lang);
/* How many bytes of `lang` a scan is about to read, before its rules compile (a small tree
 * compiles them in the form that compiles fastest). Not for an analyzer in use elsewhere. */
void fl__analyzer_hint_bytes(fl_analyzer *a, const fl_language *lang, size_t bytes);

/* A byte range of a file's text and its first line (has: 0 while empty). */
typedef struct fl_text_span {
    int has, line;
    uint32_t s, e;
} fl_text_span;

/* Per-thread scratch state: reuse it across files. */
typedef struct fl_worker {
    TSParser *parser;
    TSQueryCursor *cursor;  /* the main query over a whole file */
    TSQueryCursor *dcursor; /* the dispatch query at one call (max start depth 0) */
    TSQueryCursor *scursor; /* the sibling patterns at one parent (max start depth 1) */
    TSTreeCursor children[FL_QUERY_PATH_MAX]; /* walk mode: look through children, per level */
    fl_tree_walk *walk;                       /* walk mode: the file's nodes, in pre-order */
    TSNode *stack;                            /* walk mode: the ancestors of the current node */
    unsigned char *sib_done;                  /* per ancestor: its sibling patterns ran */
    fl_text_span *above; /* per depth: the comments right before the next sibling */
    size_t stack_cap;
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
    int user; /* the user's file (built-in files are tested, so they may skip checks) */
} fl_query_part;

int fl__rules_compile(fl_lang_rules *r, const char *source, size_t length,
                      const fl_query_part *parts, size_t part_count, fl_error *err);
void fl__rules_free(fl_lang_rules *r);
/* Does predicate `p` hold for `node` (a capture of match `m`; `m` may be NULL unless the
 * predicate compares two captures)? The not- forms are the caller's to apply. */
int fl__pred_holds(const fl_pred *p, TSNode node, const TSQueryMatch *m, const char *text,
                   pcre2_match_data *md);

/* rules_walk.c: the walk tables from the forms of main's and the siblings' patterns (forms[i]
 * is pattern i's); leaves r->walk 0 when some pattern cannot run node by node. */
void fl__rules_build_walk(fl_lang_rules *r, const fl_query_split *sp,
                          const fl_query_form **main_forms, const fl_query_form **sib_forms);
/* The type checks of q's @__t.<type> captures; -1 when a type is not a plain node type. */
int fl__rules_add_type_preds(fl_lang_rules *r, fl_rule_query *q);
void fl__rules_walk_free(fl_lang_rules *r);
/* rules_dispatch.c: takes the split's names into the rules' sets. */
void fl__rules_take_names(fl_lang_rules *r, fl_query_split *sp);
void fl__rules_names_free(fl_lang_rules *r);

/* 1 when every predicate of `pattern` holds for `m`. */
int fl__rules_match_ok(const fl_rule_query *q, const TSQueryMatch *m, const char *text,
                       pcre2_match_data *md);
/* 1 when a main pattern may start at node `n` (walk mode): one rooted at its type whose
 * predicates on the root node hold. */
int fl__rules_node_may_match(const fl_lang_rules *r, TSSymbol sym, TSNode n, const char *text,
                             pcre2_match_data *md, TSTreeCursor *cursors);
/* 1 when a call may match a dispatched pattern: its callee (text[cs, ce)) or the whole call
 * (text[s, e)) holds one of the identifiers they need (or is too long to look through). */
int fl__rules_dispatch_candidate(const fl_lang_rules *r, const char *text, uint32_t s, uint32_t e,
                                 uint32_t cs, uint32_t ce);

/* ---- claims ----------------------------------------------------------------------------- */

/* Finds claim topics in `text` (prose, or an identifier split into words) and adds one
 * claim per topic to `f`. `display` is the claim text to keep (NULL: the sentence around the
 * match). `kind` is "doc", "comment", "error-type" or "test-name". */
void fl__claims_scan(fl_file_facts *f, const char *text, size_t length, const char *display,
                     int line, const char *kind, pcre2_match_data *md);
/* Claims of a Markdown / text doc, line by line (code fences skipped). */
/* The literals that prefilter a claim topic (tests read them); returns how many (0: none,
 * the topic always runs). */
size_t fl__claims_topic_literals(const char *topic, const char **out, size_t cap);
/* 0 turns the literal prefilter off (tests compare the two; not thread-safe to change while
 * a scan runs). */
extern int fl__claims_prefilter;
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
