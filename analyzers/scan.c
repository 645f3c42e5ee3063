/*
 * scan.c — fl_scan: a whole-tree scan. The file list comes from walk.c; worker threads
 * (one parser, query cursor and pcre2 match data each) take files by an atomic counter,
 * largest first, read and analyse them into per-file slots; the slots then enter one
 * fl_index in list order, so the result does not depend on thread timing. The rules of the
 * tree's languages compile on a thread of their own meanwhile. With parse_only the workers
 * only parse (the benchmark's floor).
 */
#include "walk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct job {
    const fl_analyzer *a;
    const fl_walk_list *list;
    const fl_scan_options *opts;
    size_t *order; /* the list's indices, largest file first (a big file taken last would
                    * keep one worker busy while the others wait) */
    fl_file_facts **slots;
    size_t *bytes; /* parse-only: bytes read per slot */
    atomic_size_t next;
    pthread_mutex_t err_lock;
    int failed;
    fl_error err;
} job;

static void *worker_main(void *arg) {
    job *j = arg;
    fl_worker w;
    fl_worker_init(&w);
    fl_buf buf = FL_BUF_INIT;
    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->list->count) break;
        size_t i = j->order[k];
        const fl_walk_item *it = &j->list->items[i];
        fl_buf_reset(&buf);
        fl_error e;
        fl_error_clear(&e);
        if (fl_file_read(it->abs, &buf, &e) != 0) continue; /* vanished or unreadable */
        const char *text = buf.data ? buf.data : "";
        if (!it->explicit_file && !j->opts->include_vendored && fl__generated_text(text, buf.len))
            continue;
        if (j->opts->parse_only) {
            const fl_language *lang = fl_grammar_for_path(it->rel);
            j->bytes[i] = buf.len;
            if (!lang) continue;
            ts_parser_set_language(w.parser, lang->load());
            TSTree *t = ts_parser_parse_string(w.parser, NULL, text, (uint32_t)buf.len);
            if (t) ts_tree_delete(t);
            continue;
        }
        fl_file_facts *f = fl__analyze(j->a, &w, it->rel, NULL, text, buf.len, NULL, NULL, &e);
        if (!f) {
            pthread_mutex_lock(&j->err_lock);
            if (!j->failed) {
                j->failed = 1;
                j->err = e;
                snprintf(j->err.path, sizeof j->err.path, "%s", it->rel);
            }
            pthread_mutex_unlock(&j->err_lock);
            continue;
        }
        j->slots[i] = f;
    }
    fl_buf_free(&buf);
    fl_worker_fini(&w);
    return NULL;
}

/* Walks, analyses with the workers, and puts the facts into `ix` (or, with parse_only,
 * counts files and bytes into `counts`). */
typedef struct warm_job {
    const fl_analyzer *a;
    const fl_walk_list *list;
} warm_job;

/* Compiles the rules of each language of the list, in order of first appearance. */
static void *warm_main(void *arg) {
    warm_job *wj = arg;
    const fl_language *seen[16];
    size_t nseen = 0;
    for (size_t i = 0; i < wj->list->count && nseen < 16; i++) {
        const fl_language *lang = fl_grammar_for_path(wj->list->items[i].abs);
        int dup = !lang;
        for (size_t k = 0; k < nseen && !dup; k++) dup = seen[k] == lang;
        if (dup) continue;
        seen[nseen++] = lang;
        fl__analyzer_rules(wj->a, lang);
    }
    return NULL;
}

typedef struct sized {
    size_t size, index;
} sized;

/* largest first; equal sizes in list order */
static int cmp_size(const void *a, const void *b) {
    const sized *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int run_scan(fl_index *ix, const fl_analyzer *given, const char *const *paths,
                    size_t path_count, const fl_scan_options *opts, char **root_out,
                    fl_scan_result *counts, fl_error *err) {
    const char *dot = ".";
    if (path_count == 0) {
        paths = &dot;
        path_count = 1;
    }
    fl_walk_list list;
    char *root = NULL;
    if (fl__walk(paths, path_count, opts, &list, &root, err) != 0) return -1;

    fl_analyzer *own = NULL;
    const fl_analyzer *a = given;
    if (!a && !opts->parse_only) {
        fl_buf qdir = FL_BUF_INIT;
        fl_buf_printf(&qdir, "%s/.faultline/queries", root);
        own = fl_analyzer_new(fl_buf_cstr(&qdir), err);
        fl_buf_free(&qdir);
        if (!own) {
            fl__walk_list_free(&list);
            free(root);
            return -1;
        }
        a = own;
        /* how much of each language the scan reads: a small share compiles its rules in
         * the form that compiles fastest */
        const fl_language *langs[16];
        size_t bytes[16], nl = 0;
        for (size_t i = 0; i < list.count; i++) {
            const fl_language *lang = fl_grammar_for_path(list.items[i].abs);
            if (!lang) continue;
            size_t k = 0;
            while (k < nl && langs[k] != lang) k++;
            if (k == nl) {
                if (nl == 16) continue;
                langs[nl] = lang;
                bytes[nl++] = 0;
            }
            bytes[k] += list.items[i].size;
        }
        for (size_t k = 0; k < nl; k++) fl__analyzer_hint_bytes(own, langs[k], bytes[k]);
    }

    job j;
    memset(&j, 0, sizeof j);
    j.a = a;
    j.list = &list;
    j.opts = opts;
    j.slots = fl_xcalloc(list.count ? list.count : 1, sizeof *j.slots);
    j.order = fl_xcalloc(list.count ? list.count : 1, sizeof *j.order);
    sized *by_size = fl_xcalloc(list.count ? list.count : 1, sizeof *by_size);
    for (size_t i = 0; i < list.count; i++) by_size[i] = (sized){list.items[i].size, i};
    qsort(by_size, list.count, sizeof *by_size, cmp_size);
    for (size_t i = 0; i < list.count; i++) j.order[i] = by_size[i].index;
    free(by_size);
    j.bytes = fl_xcalloc(list.count ? list.count : 1, sizeof *j.bytes);
    atomic_init(&j.next, 0);
    pthread_mutex_init(&j.err_lock, NULL);

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = opts->threads > 0 ? opts->threads : (int)(ncpu > 0 ? ncpu : 1);
    if (threads > 8) threads = 8;
    if ((size_t)threads > list.count) threads = list.count ? (int)list.count : 1;
    pthread_t *tids = fl_xcalloc((size_t)threads, sizeof *tids);
    int started = 0;
    /* the rules of the tree's languages compile on a thread of their own, while the workers
     * parse their first files (fl__analyze parses before it needs the rules) */
    warm_job warm = {a, &list};
    pthread_t warm_tid;
    int warming =
        !opts->parse_only && threads > 1 && pthread_create(&warm_tid, NULL, warm_main, &warm) == 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tids[started], NULL, worker_main, &j) == 0) started++;
    worker_main(&j); /* this thread works too */
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    if (warming) pthread_join(warm_tid, NULL);
    free(tids);
    pthread_mutex_destroy(&j.err_lock);

    int rc = 0;
    if (j.failed) {
        if (err) *err = j.err;
        rc = -1;
        for (size_t i = 0; i < list.count; i++) fl_file_facts_free(j.slots[i]);
    } else if (opts->parse_only) {
        for (size_t i = 0; i < list.count; i++) {
            if (!j.bytes[i]) continue;
            counts->files++;
            counts->bytes += j.bytes[i];
        }
    } else {
        for (size_t i = 0; i < list.count; i++)
            if (j.slots[i]) fl_index_put(ix, j.slots[i]);
    }
    free(j.slots);
    free(j.order);
    free(j.bytes);
    fl_analyzer_free(own);
    fl__walk_list_free(&list);
    if (rc == 0 && root_out)
        *root_out = root;
    else
        free(root);
    return rc;
}

int fl_index_add_tree(fl_index *ix, const fl_analyzer *a, const char *const *paths,
                      size_t path_count, const fl_scan_options *opts, char **root_out,
                      fl_error *err) {
    fl_scan_options defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts) opts = &defaults;
    if (root_out) *root_out = NULL;
    if (opts->parse_only) {
        fl_scan_options o = *opts;
        o.parse_only = 0; /* the index wants facts */
        return run_scan(ix, a, paths, path_count, &o, root_out, NULL, err);
    }
    return run_scan(ix, a, paths, path_count, opts, root_out, NULL, err);
}

int fl_scan(const char *const *paths, size_t path_count, const fl_scan_options *opts,
            fl_scan_result *out, fl_error *err) {
    fl_scan_options defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts) opts = &defaults;
    memset(out, 0, sizeof *out);
    if (opts->parse_only) return run_scan(NULL, NULL, paths, path_count, opts, NULL, out, err);
    fl_index *ix = fl_index_new();
    int rc = run_scan(ix, NULL, paths, path_count, opts, NULL, out, err);
    if (rc == 0) fl_index_result(ix, NULL, out);
    fl_index_free(ix);
    return rc;
}
