/*
 * analyzer.c — builds an fl_analyzer: for each language, the built-in query files embedded in
 * fl_grammars plus the user's .faultline/queries/<lang>/<name>.scm, concatenated and compiled
 * once. Grammars derived from another share its queries: typescript reads javascript's files
 * then its own, tsx reads javascript's and typescript's then its own, cpp reads c's then its
 * own (each derived grammar keeps the base grammar's node types and fields).
 * Also: category names and the per-thread scratch state.
 */
#include "internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *site_names[FL_SITE_CATEGORY_COUNT] = {"retry",  "timeout",     "lease",
                                                         "commit", "idempotency", "clock"};
static const char *claim_names[FL_CLAIM_CATEGORY_COUNT] = {
    "safety",    "liveness", "durability", "performance-SLO", "operational", "idempotency",
    "isolation", "ordering", "membership", "boundary",        "fairness"};

const char *fl_site_category_name(fl_site_category c) {
    return (unsigned)c < FL_SITE_CATEGORY_COUNT ? site_names[c] : NULL;
}

int fl_site_category_from_name(const char *name) {
    for (int i = 0; i < FL_SITE_CATEGORY_COUNT; i++)
        if (strcmp(site_names[i], name) == 0) return i;
    return -1;
}

const char *fl_claim_category_name(fl_claim_category c) {
    return (unsigned)c < FL_CLAIM_CATEGORY_COUNT ? claim_names[c] : NULL;
}

/* The languages whose query files `lang` reads, base first. */
static void query_langs(const char *lang, const char *out[3], size_t *n) {
    *n = 0;
    if (strcmp(lang, "typescript") == 0 || strcmp(lang, "tsx") == 0) {
        out[(*n)++] = "javascript";
        out[(*n)++] = "typescript";
        if (strcmp(lang, "tsx") == 0) out[(*n)++] = "tsx";
    } else if (strcmp(lang, "cpp") == 0) {
        out[(*n)++] = "c";
        out[(*n)++] = "cpp";
    } else {
        out[(*n)++] = lang;
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct qsrc {
    fl_buf text;
    fl_query_part *parts;
    size_t part_count;
    char **owned_paths;
    size_t owned_count;
} qsrc;

static void add_part(qsrc *q, const char *path, const char *text, size_t len, int own_path) {
    q->parts = fl_xrealloc(q->parts, (q->part_count + 1) * sizeof *q->parts);
    const char *p = path;
    if (own_path) {
        q->owned_paths = fl_xrealloc(q->owned_paths, (q->owned_count + 1) * sizeof(char *));
        p = q->owned_paths[q->owned_count++] = fl_xstrdup(path);
    }
    q->parts[q->part_count].path = p;
    q->parts[q->part_count].offset = q->text.len;
    q->parts[q->part_count].length = len;
    q->parts[q->part_count].user = own_path;
    q->part_count++;
    fl_buf_append(&q->text, text, len);
    fl_buf_putc(&q->text, '\n');
}

/* Appends the user's <dir>/<lang>/<name>.scm, sorted. */
static int add_user_files(qsrc *q, const char *dir, const char *lang, fl_error *err) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/%s", dir, lang);
    DIR *d = opendir(folder);
    if (!d) return 0;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".scm") == 0) {
            names = fl_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = fl_xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", folder, names[i]);
        fl_buf b = FL_BUF_INIT;
        if (rc == 0 && fl_file_read(path, &b, err) != 0) rc = -1;
        if (rc == 0) add_part(q, path, fl_buf_cstr(&b), b.len, 1);
        fl_buf_free(&b);
        free(names[i]);
    }
    free(names);
    return rc;
}

static void qsrc_free(qsrc *q) {
    fl_buf_free(&q->text);
    free(q->parts);
    for (size_t i = 0; i < q->owned_count; i++) free(q->owned_paths[i]);
    free(q->owned_paths);
}

/* Compiles language `i` (built-in files, then the user's). Returns 0 or -1 with err. */
static int compile_lang(fl_analyzer *a, size_t i, fl_error *err) {
    fl_lang_rules *r = &a->langs[i];
    qsrc q;
    memset(&q, 0, sizeof q);
    const char *srcs[3];
    size_t ns = 0;
    query_langs(r->lang->name, srcs, &ns);
    for (size_t k = 0; k < ns; k++) {
        size_t nq = 0;
        const fl_query_source *qs = fl_grammar_queries(srcs[k], &nq);
        for (size_t j = 0; j < nq; j++) add_part(&q, qs[j].path, qs[j].text, qs[j].length, 0);
    }
    int rc = 0;
    if (a->user_query_dir)
        for (size_t k = 0; k < ns && rc == 0; k++)
            rc = add_user_files(&q, a->user_query_dir, srcs[k], err);
    if (rc == 0 && q.part_count)
        rc = fl__rules_compile(r, fl_buf_cstr(&q.text), q.text.len, q.parts, q.part_count, err);
    qsrc_free(&q);
    a->compiled[i] = 1;
    return rc;
}

static int has_user_files(const char *dir, const char *lang) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/%s", dir, lang);
    DIR *d = opendir(folder);
    if (!d) return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        found = l > 4 && strcmp(e->d_name + l - 4, ".scm") == 0;
    }
    closedir(d);
    return found;
}

fl_analyzer *fl_analyzer_new(const char *user_query_dir, fl_error *err) {
    size_t count = 0;
    const fl_language *langs = fl_grammar_languages(&count);
    fl_analyzer *a = fl_xcalloc(1, sizeof *a);
    a->langs = fl_xcalloc(count, sizeof *a->langs);
    a->compiled = fl_xcalloc(count, sizeof *a->compiled);
    a->lang_count = count;
    pthread_mutex_init(&a->lock, NULL);
    if (user_query_dir) a->user_query_dir = fl_xstrdup(user_query_dir);
    for (size_t i = 0; i < count; i++) {
        a->langs[i].lang = &langs[i];
        /* a language the user wrote rules for is compiled now, so a broken file is an
         * error before any file is read */
        const char *srcs[3];
        size_t ns = 0;
        query_langs(langs[i].name, srcs, &ns);
        int user = 0;
        for (size_t k = 0; k < ns && user_query_dir; k++)
            user |= has_user_files(user_query_dir, srcs[k]);
        if (user && compile_lang(a, i, err) != 0) {
            fl_analyzer_free(a);
            return NULL;
        }
    }
    return a;
}

const fl_lang_rules *fl__analyzer_rules(const fl_analyzer *ca, const fl_language *lang) {
    fl_analyzer *a = (fl_analyzer *)ca; /* lazy compilation is invisible to callers */
    for (size_t i = 0; i < a->lang_count; i++) {
        if (a->langs[i].lang != lang) continue;
        pthread_mutex_lock(&a->lock);
        if (!a->compiled[i]) {
            fl_error e;
            if (compile_lang(a, i, &e) != 0) {
                /* built-in queries are tested; a failure here is a bug in them */
                fprintf(stderr, "faultline: %s:%d:%d: %s\n", e.path, e.line, e.column, e.message);
                abort();
            }
        }
        pthread_mutex_unlock(&a->lock);
        return &a->langs[i];
    }
    return NULL;
}

void fl__analyzer_hint_bytes(fl_analyzer *a, const fl_language *lang, size_t bytes) {
    for (size_t i = 0; i < a->lang_count; i++)
        if (a->langs[i].lang == lang) a->langs[i].bytes_hint = bytes;
}

void fl_analyzer_free(fl_analyzer *a) {
    if (!a) return;
    for (size_t i = 0; i < a->lang_count; i++) fl__rules_free(&a->langs[i]);
    free(a->langs);
    free(a->compiled);
    free(a->user_query_dir);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

void fl_worker_init(fl_worker *w) {
    w->parser = ts_parser_new();
    w->cursor = ts_query_cursor_new();
    w->dcursor = ts_query_cursor_new();
    ts_query_cursor_set_max_start_depth(w->dcursor, 0);
    w->scursor = ts_query_cursor_new();
    ts_query_cursor_set_max_start_depth(w->scursor, 1);
    w->stack = NULL;
    w->walk = fl_tree_walk_new();
    for (size_t i = 0; i < FL_QUERY_PATH_MAX; i++) w->children[i] = ts_tree_cursor_new((TSNode){0});
    w->sib_done = NULL;
    w->above = NULL;
    w->stack_cap = 0;
    w->md = pcre2_match_data_create(16, NULL);
}

void fl_worker_fini(fl_worker *w) {
    if (w->parser) ts_parser_delete(w->parser);
    if (w->cursor) ts_query_cursor_delete(w->cursor);
    if (w->dcursor) ts_query_cursor_delete(w->dcursor);
    if (w->scursor) ts_query_cursor_delete(w->scursor);
    for (size_t i = 0; i < FL_QUERY_PATH_MAX; i++) ts_tree_cursor_delete(&w->children[i]);
    fl_tree_walk_free(w->walk);
    free(w->stack);
    free(w->sib_done);
    free(w->above);
    if (w->md) pcre2_match_data_free(w->md);
    memset(w, 0, sizeof *w);
}
