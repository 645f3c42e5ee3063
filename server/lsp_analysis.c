/*
 * lsp_analysis.c — the bridge between the language server and the analyzers library
 * (analyzers/fl_analyzers.h).
 *
 * A document enters lsp_analysis_update after didOpen/didChange: its text and its edited
 * old tree go to fl_analyze_text (incremental reparse + queries of this one file only); the
 * new facts replace the file's entry in the workspace fl_index, and fl_index_result for the
 * file's path resolves what needs the workspace (calls to retrying wrappers elsewhere,
 * claims in docs, hypotheses). Files on disk enter through lsp_analysis_index_file (from
 * the workspace index). Answers leave as LSP JSON built from the document's fl_scan_result
 * and the coverage of its hypotheses: diagnostics, hover, code lenses, code actions, and
 * the faultline/sites and faultline/claims lists. With FL_LSP_TIMING set, each analysis
 * prints its timings on stderr (for profiling; editors show stderr in their server log).
 */
#include "lsp_analysis.h"
#include "lsp_coverage.h"
#include "lsp_index.h"

#include "fl_analyzers.h"
#include "fl_grammars.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A document's findings: the sites and claims of its path, and the hypotheses of the
 * workspace that touch them. */
/* Lookups over one result, built once: sites by id, the hypotheses of each site, and each
 * hypothesis's coverage (recomputed when plans or verdicts change). */
typedef struct res_map {
    const fl_scan_result *r;
    size_t *order;         /* site indices sorted by id */
    size_t *start, *hyps;  /* hypotheses of site i: hyps[start[i] .. start[i + 1]) */
    lsp_cov_answer *cov;   /* per hypothesis */
    unsigned char *cov_ok; /* cov[k] is computed */
    int64_t cov_generation;
} res_map;

typedef struct lsp_analysis {
    fl_scan_result res;
    res_map map;
    int parse_errors;
} lsp_analysis;

/* The workspace state: the analyzer and the index of every file's facts. */
typedef struct ws_state {
    fl_analyzer *an;
    fl_index *ix;
    char analyzer_error[2200]; /* why the analyzer could not be built, "" when it was */
    fl_scan_result ws;         /* the whole workspace, computed on demand */
    bool ws_computed;          /* `ws` holds a result (maybe stale) */
    bool ws_stale;             /* the index changed since `ws` was computed */
} ws_state;

static lsp_server *claim_server; /* the one server of this process (for claim lookups) */
static const fl_scan_result *workspace(lsp_server *s, bool fresh);

static ws_state *ws(lsp_server *s) {
    if (s->analysis) return s->analysis;
    ws_state *w = fl_xcalloc(1, sizeof *w);
    fl_error err;
    fl_error_clear(&err);
    fl_buf qdir = FL_BUF_INIT;
    if (s->nroots) fl_buf_printf(&qdir, "%s/.faultline/queries", s->roots[0]);
    w->an = fl_analyzer_new(s->nroots ? qdir.data : NULL, &err);
    if (!w->an) {
        /* A broken user rule: say which, and go on with the built-in rules only. */
        snprintf(w->analyzer_error, sizeof w->analyzer_error, "%s:%d:%d: %s", err.path, err.line,
                 err.column, err.message);
        lsp_log(s, 1, "faultline: user rules ignored: %s", w->analyzer_error);
        w->an = fl_analyzer_new(NULL, &err);
    }
    fl_buf_free(&qdir);
    w->ix = fl_index_new();
    s->analysis = w;
    claim_server = s;
    return w;
}

void lsp_analysis_shutdown(lsp_server *s) {
    for (size_t i = 0; i < s->docs.count; i++) lsp_analysis_forget_job(s, s->docs.items[i]);
    ws_state *w = s->analysis;
    if (!w) return;
    fl_index_free(w->ix);
    fl_analyzer_free(w->an);
    fl_scan_result_free(&w->ws);
    free(w);
    s->analysis = NULL;
    claim_server = NULL;
}

static const fl_scan_result *sort_ctx;
static int cmp_site_id(const void *a, const void *b) {
    return strcmp(sort_ctx->sites[*(const size_t *)a].id, sort_ctx->sites[*(const size_t *)b].id);
}

static long map_site(const res_map *m, const char *id) {
    size_t lo = 0, hi = m->r->site_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->r->sites[m->order[mid]].id, id);
        if (c == 0) return (long)m->order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void map_free(res_map *m) {
    free(m->order);
    free(m->start);
    free(m->hyps);
    free(m->cov);
    free(m->cov_ok);
    memset(m, 0, sizeof *m);
}

static void map_build(res_map *m, const fl_scan_result *r) {
    map_free(m);
    m->r = r;
    size_t n = r->site_count;
    m->order = fl_xcalloc(n ? n : 1, sizeof *m->order);
    for (size_t i = 0; i < n; i++) m->order[i] = i;
    sort_ctx = r;
    qsort(m->order, n, sizeof *m->order, cmp_site_id);
    /* Count, then fill, the hypotheses of each site. */
    size_t *count = fl_xcalloc(n + 1, sizeof *count);
    for (size_t k = 0; k < r->hypothesis_count; k++)
        for (size_t j = 0; j < r->hypotheses[k].site_count; j++) {
            long i = map_site(m, r->hypotheses[k].sites[j]);
            if (i >= 0) count[i]++;
        }
    m->start = fl_xcalloc(n + 1, sizeof *m->start);
    for (size_t i = 0; i < n; i++) m->start[i + 1] = m->start[i] + count[i];
    m->hyps = fl_xcalloc(m->start[n] ? m->start[n] : 1, sizeof *m->hyps);
    memset(count, 0, (n + 1) * sizeof *count);
    for (size_t k = 0; k < r->hypothesis_count; k++)
        for (size_t j = 0; j < r->hypotheses[k].site_count; j++) {
            long i = map_site(m, r->hypotheses[k].sites[j]);
            if (i < 0) continue;
            /* a hypothesis listing the same site twice is kept once */
            bool dup = false;
            for (size_t q = m->start[i]; q < m->start[i] + count[i]; q++)
                if (m->hyps[q] == k) dup = true;
            if (!dup) m->hyps[m->start[i] + count[i]++] = k;
        }
    /* Drop the holes the duplicates left. */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = m->start[i];
        m->start[i] = o;
        for (size_t q = 0; q < count[i]; q++) m->hyps[o++] = m->hyps[a + q];
    }
    m->start[n] = o;
    free(count);
    m->cov = fl_xcalloc(r->hypothesis_count ? r->hypothesis_count : 1, sizeof *m->cov);
    m->cov_ok = fl_xcalloc(r->hypothesis_count ? r->hypothesis_count : 1, 1);
    m->cov_generation = -1;
}

/* Coverage of hypothesis k through its sites (the most telling answer wins). */
static const lsp_cov_answer *map_cov(lsp_server *s, res_map *m, size_t k) {
    if (m->cov_generation != s->coverage_generation) {
        memset(m->cov_ok, 0, m->r->hypothesis_count ? m->r->hypothesis_count : 1);
        m->cov_generation = s->coverage_generation;
    }
    if (!m->cov_ok[k]) {
        const fl_hypothesis *h = &m->r->hypotheses[k];
        lsp_cov_answer best = {0};
        for (size_t j = 0; j < h->site_count; j++) {
            long i = map_site(m, h->sites[j]);
            const fl_site *st = i >= 0 ? &m->r->sites[i] : NULL;
            lsp_cov_answer a =
                lsp_coverage_for_site(s, h->sites[j], st ? st->path : NULL, st ? st->rule : NULL,
                                      st ? st->function : NULL);
            if (a.plan[0] && (!best.plan[0] || a.status > best.status)) best = a;
        }
        m->cov[k] = best;
        m->cov_ok[k] = 1;
    }
    return &m->cov[k];
}

void lsp_analysis_free(struct lsp_analysis *a) {
    if (!a) return;
    map_free(&a->map);
    fl_scan_result_free(&a->res);
    free(a);
}

/* The path a document has in results: workspace-relative for files, else its URI. */
static char *doc_rel(lsp_server *s, lsp_doc *doc) {
    return doc->path ? lsp_index_relpath(s, doc->path) : fl_xstrdup(doc->uri);
}

/* The analyzers' language id for a document (NULL: let the path decide). */
static const char *doc_language(lsp_doc *doc) {
    return doc->lang ? doc->lang->name : NULL;
}

/* Another file's facts changed: every other open document re-resolves its cross-file facts
 * (wrapper calls, claims, hypotheses) in idle time. */
static void others_need_refresh(lsp_server *s, lsp_doc *doc) {
    for (size_t i = 0; i < s->docs.count; i++)
        if (s->docs.items[i] != doc && s->docs.items[i]->analysis)
            s->docs.items[i]->needs_refresh = true;
}

static void refresh_doc_result(lsp_server *s, lsp_doc *doc, const char *rel) {
    ws_state *w = ws(s);
    doc->needs_refresh = false;
    if (!doc->analysis) doc->analysis = fl_xcalloc(1, sizeof(lsp_analysis));
    fl_scan_result_free(&doc->analysis->res);
    fl_index_result(w->ix, rel, &doc->analysis->res);
    map_build(&doc->analysis->map, &doc->analysis->res);
    doc->analysis_version = doc->version;
}

static double tnow(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- background re-analysis --------------------------------------------------------------
 * After edits the findings are carried over at once (lsp_analysis_shift) and a worker
 * thread re-analyses a snapshot of the text with a copy of the edited tree. The main thread
 * stays free for the next keystrokes; when the worker is done and no edit came in between,
 * its facts and tree are taken (the index and the answers are only touched by the main
 * thread); otherwise they are dropped and the next snapshot is analysed. */
typedef struct analysis_job {
    pthread_t thread;
    atomic_int done;
    uint64_t edits; /* doc->edits when the snapshot was taken */
    char *text;
    size_t len;
    TSTree *old; /* copy of the document's edited tree */
    char *rel;
    const char *lang;
    const fl_analyzer *an;
    fl_file_facts *facts; /* results */
    TSTree *tree;
    fl_error err;
} analysis_job;

static void *job_main(void *arg) {
    analysis_job *j = arg;
    j->facts = fl_analyze_text(j->an, j->rel, j->lang, j->text, j->len, j->old, &j->tree, &j->err);
    atomic_store(&j->done, 1);
    return NULL;
}

/* Joins the job (waiting when `wait`); applies its result when the document did not change
 * since the snapshot, else drops it. Returns true when a result was applied. */
static bool job_finish(lsp_server *s, lsp_doc *doc, bool wait) {
    analysis_job *j = doc->job;
    if (!j) return false;
    if (!wait && !atomic_load(&j->done)) return false;
    pthread_join(j->thread, NULL);
    doc->job = NULL;
    bool applied = false;
    if (j->facts && j->edits == doc->edits && doc->needs_analysis && !doc->full_change) {
        ws_state *w = ws(s);
        if (doc->tree) {
            doc->reparses++;
            ts_tree_delete(doc->tree);
        }
        doc->tree = j->tree;
        j->tree = NULL;
        int perr = fl_file_facts_parse_errors(j->facts);
        fl_index_put(w->ix, j->facts);
        j->facts = NULL;
        others_need_refresh(s, doc);
        refresh_doc_result(s, doc, j->rel);
        doc->analysis->parse_errors = perr;
        w->ws_stale = true;
        doc->needs_analysis = false;
        doc->npending = 0;
        doc->dirty = true;
        applied = true;
    }
    fl_file_facts_free(j->facts);
    if (j->tree) ts_tree_delete(j->tree);
    if (j->old) ts_tree_delete(j->old);
    free(j->text);
    free(j->rel);
    free(j);
    return applied;
}

static bool job_start(lsp_server *s, lsp_doc *doc) {
    ws_state *w = ws(s);
    if (!w->an || doc->job || !doc->tree) return false;
    analysis_job *j = fl_xcalloc(1, sizeof *j);
    j->edits = doc->edits;
    j->len = doc->text.buf.len;
    j->text = fl_xmalloc(j->len + 1);
    memcpy(j->text, doc->text.buf.data, j->len + 1);
    j->old = ts_tree_copy(doc->tree);
    j->rel = doc_rel(s, doc);
    j->lang = doc_language(doc);
    j->an = w->an;
    atomic_init(&j->done, 0);
    if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
        ts_tree_delete(j->old);
        free(j->text);
        free(j->rel);
        free(j);
        return false;
    }
    doc->job = j;
    return true;
}

bool lsp_analyse_pending(lsp_server *s) {
    bool did = false;
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *doc = s->docs.items[i];
        if (!doc->needs_refresh || doc->needs_analysis || doc->job) continue;
        char *rel = doc_rel(s, doc);
        refresh_doc_result(s, doc, rel);
        free(rel);
        doc->dirty = true;
        return true; /* one per round: messages may be waiting */
    }
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *doc = s->docs.items[i];
        if (doc->job && job_finish(s, doc, false)) did = true;
        if (doc->needs_analysis && !doc->job) {
            /* Without a tree (or threads) the document is analysed here and now. */
            if (!job_start(s, doc)) lsp_analysis_update(s, doc);
            did = true;
        }
    }
    return did;
}

bool lsp_analysis_busy(lsp_server *s) {
    for (size_t i = 0; i < s->docs.count; i++)
        if (s->docs.items[i]->job) return true;
    return false;
}

void lsp_analysis_ensure(lsp_server *s, lsp_doc *doc) {
    /* Other documents first: their edits may change this one's cross-file facts. */
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *o = s->docs.items[i];
        if (o == doc) continue;
        if (o->job) job_finish(s, o, true);
        if (o->needs_analysis) lsp_analysis_update(s, o);
    }
    if (doc->job) job_finish(s, doc, true);
    if (doc->needs_analysis) lsp_analysis_update(s, doc);
    if (doc->needs_refresh && doc->analysis) {
        char *rel = doc_rel(s, doc);
        refresh_doc_result(s, doc, rel);
        free(rel);
        doc->dirty = true;
    }
}

void lsp_analysis_forget_job(lsp_server *s, lsp_doc *doc) {
    if (!doc->job) return;
    bool keep = doc->needs_analysis;
    doc->needs_analysis = false; /* never apply: the document is going away */
    job_finish(s, doc, true);
    doc->needs_analysis = keep;
}

#define DROPPED UINT32_MAX

/* Where byte `b` of the old text is after one edit; DROPPED when the edit replaced it. A
 * site's start at the edit's start moves with an insertion there; its end stays. */
static uint32_t shift_byte(uint32_t b, const TSInputEdit *e, bool is_end) {
    if (b == DROPPED) return DROPPED;
    if (is_end ? b <= e->start_byte : b < e->start_byte) return b;
    if (b >= e->old_end_byte) return b - e->old_end_byte + e->new_end_byte;
    return DROPPED;
}

void lsp_analysis_shift(lsp_server *s, lsp_doc *doc) {
    if (!doc->analysis) return;
    fl_scan_result *r = &doc->analysis->res;
    for (size_t i = 0; i < r->site_count; i++) {
        fl_site *st = &r->sites[i];
        for (size_t k = 0; k < doc->npending && st->start_byte != DROPPED; k++) {
            const TSInputEdit *e = &doc->pending[k];
            uint32_t a = shift_byte(st->start_byte, e, false);
            uint32_t b = shift_byte(st->end_byte, e, true);
            if (a == DROPPED || b == DROPPED) {
                /* The edit touched the site: it is left out until the re-analysis. */
                st->start_byte = st->end_byte = DROPPED;
            } else {
                st->start_byte = a;
                st->end_byte = b;
            }
        }
    }
    doc->npending = 0;
}

void lsp_analysis_update(lsp_server *s, lsp_doc *doc) {
    ws_state *w = ws(s);
    lsp_analysis_forget_job(s, doc);
    doc->needs_analysis = false;
    doc->full_change = false;
    doc->npending = 0;
    double t0 = tnow(), t1 = 0, t2 = 0;
    char *rel = doc_rel(s, doc);
    fl_error err;
    fl_error_clear(&err);
    TSTree *old = doc->tree, *tree = NULL;
    fl_file_facts *f = w->an ? fl_analyze_text(w->an, rel, doc_language(doc), doc->text.buf.data,
                                               doc->text.buf.len, old, &tree, &err)
                             : NULL;
    if (f) {
        if (old) {
            doc->reparses++;
            ts_tree_delete(old);
        }
        doc->tree = tree;
        doc->parse_failed = false;
        int perr = fl_file_facts_parse_errors(f);
        fl_index_put(w->ix, f);
        others_need_refresh(s, doc);
        t1 = tnow();
        refresh_doc_result(s, doc, rel);
        t2 = tnow();
        doc->analysis->parse_errors = perr;
    } else {
        /* Not a language faultline analyses: keep a tree when there is a grammar. */
        lsp_doc_reparse(&s->docs, doc);
        lsp_analysis_free(doc->analysis);
        doc->analysis = NULL;
    }
    w->ws_stale = true; /* the workspace answer is stale */
    free(rel);
    if (getenv("FL_LSP_TIMING"))
        fprintf(stderr, "analyse %.2f ms, index result %.2f ms\n", t1 - t0, t2 - t1);
    doc->dirty = true;
}

void lsp_analysis_closed(lsp_server *s, lsp_doc *doc) {
    ws_state *w = ws(s);
    lsp_analysis_forget_job(s, doc);
    char *rel = doc_rel(s, doc);
    /* Back to what is on disk (or forgotten when it is not a file). */
    if (doc->path)
        lsp_analysis_index_file(s, doc->path, rel, false);
    else
        fl_index_remove(w->ix, rel);
    free(rel);
}

void lsp_analysis_index_file(lsp_server *s, const char *path, const char *rel, bool deleted) {
    ws_state *w = ws(s);
    w->ws_stale = true;
    if (deleted) {
        fl_index_remove(w->ix, rel);
        return;
    }
    fl_buf text = FL_BUF_INIT;
    fl_error err;
    if (fl_file_read(path, &text, &err) != 0) {
        fl_index_remove(w->ix, rel);
        return;
    }
    fl_file_facts *f = w->an ? fl_analyze_text(w->an, rel, NULL, text.data ? text.data : "",
                                               text.len, NULL, NULL, &err)
                             : NULL;
    if (f) fl_index_put(w->ix, f);
    fl_buf_free(&text);
}

void lsp_analysis_index_put(lsp_server *s, void *facts) {
    ws_state *w = ws(s);
    fl_index_put(w->ix, facts);
    w->ws_stale = true;
}

void *lsp_analysis_analyzer(lsp_server *s) {
    return ws(s)->an;
}

void lsp_analysis_index_done(lsp_server *s) {
    /* Cross-file facts may have changed for every open document. */
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *doc = s->docs.items[i];
        if (!doc->analysis) continue;
        char *rel = doc_rel(s, doc);
        refresh_doc_result(s, doc, rel);
        free(rel);
    }
}

/* The whole workspace's result. fresh: recomputed when anything changed; otherwise a
 * possibly older answer is fine (claims of other files, which edits here do not change). */
static const fl_scan_result *workspace(lsp_server *s, bool fresh) {
    ws_state *w = ws(s);
    if (!w->ws_computed || (fresh && w->ws_stale)) {
        fl_scan_result_free(&w->ws);
        fl_index_result(w->ix, NULL, &w->ws);
        w->ws_computed = true;
        w->ws_stale = false;
    }
    return &w->ws;
}

/* ---- lookups in a result ----------------------------------------------------------------- */

static const fl_claim *find_claim_in(const fl_scan_result *r, const char *id) {
    for (size_t i = 0; i < r->claim_count; i++)
        if (strcmp(r->claims[i].id, id) == 0) return &r->claims[i];
    return NULL;
}

/* A claim by id: in the document's result, else anywhere in the workspace. */
static const fl_claim *find_claim(const fl_scan_result *r, const char *id) {
    const fl_claim *c = find_claim_in(r, id);
    if (!c && claim_server) c = find_claim_in(workspace(claim_server, false), id);
    return c;
}

static json_t *range_json(lsp_server *s, lsp_doc *doc, uint32_t a, uint32_t b) {
    lsp_pos p = lsp_text_position(&doc->text, a, s->enc);
    lsp_pos q = lsp_text_position(&doc->text, b, s->enc);
    return json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", p.line, "character",
                     p.character, "end", "line", q.line, "character", q.character);
}

/* A site's range in the document, cut to its first line (a loop site spans many). */
static void site_bytes(lsp_doc *doc, const fl_site *st, uint32_t *a, uint32_t *b) {
    uint32_t len = (uint32_t)doc->text.buf.len;
    *a = st->start_byte > len ? len : st->start_byte;
    *b = st->end_byte > len ? len : st->end_byte;
    TSPoint pt = lsp_text_point(&doc->text, *a);
    uint32_t eol = lsp_text_offset_of_point(&doc->text, pt.row, UINT32_MAX);
    if (*b > eol) *b = eol;
    if (*b < *a) *b = *a;
}

static char *claim_uri(lsp_server *s, const fl_claim *c) {
    if (!c->path[0]) return NULL;
    if (c->path[0] == '/') return lsp_path_to_uri(c->path);
    if (strstr(c->path, "://") || strncmp(c->path, "untitled:", 9) == 0) return fl_xstrdup(c->path);
    if (!s->nroots) return NULL;
    fl_buf p = FL_BUF_INIT;
    fl_buf_printf(&p, "%s/%s", s->roots[0], c->path);
    char *u = lsp_path_to_uri(p.data);
    fl_buf_free(&p);
    return u;
}

/* ---- diagnostics ------------------------------------------------------------------------- */

static int severity_of(lsp_cov_status st, bool in_hypothesis) {
    if (!in_hypothesis) return 4; /* Hint: a site no hypothesis uses yet */
    switch (st) {
        case LSP_COV_FAIL:
            return 1;
        case LSP_COV_PASS:
            return 3;
        default:
            return 2;
    }
}

static void put_range(lsp_server *s, lsp_doc *doc, uint32_t a, uint32_t b, fl_buf *out) {
    lsp_pos p = lsp_text_position(&doc->text, a, s->enc);
    lsp_pos q = lsp_text_position(&doc->text, b, s->enc);
    fl_buf_printf(
        out, "{\"start\":{\"line\":%u,\"character\":%u},\"end\":{\"line\":%u,\"character\":%u}}",
        p.line, p.character, q.line, q.character);
}

/* Diagnostics are written as JSON text directly: a big file has thousands, and this is the
 * path every keystroke takes. */
void lsp_analysis_diagnostics_text(lsp_server *s, lsp_doc *doc, fl_buf *out) {
    fl_buf_putc(out, '[');
    if (!doc->analysis) {
        fl_buf_putc(out, ']');
        return;
    }
    const fl_scan_result *r = &doc->analysis->res;
    res_map *m = &doc->analysis->map;
    fl_buf msg = FL_BUF_INIT;
    bool comma = false;
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *st = &r->sites[i];
        if (st->start_byte == DROPPED) continue;
        uint32_t a, b;
        site_bytes(doc, st, &a, &b);
        /* The hypotheses that use this site; the worst coverage decides the severity. */
        const fl_hypothesis *first = NULL;
        lsp_cov_answer worst = {0};
        bool any = false;
        size_t nh = 0;
        for (size_t q = m->start[i]; q < m->start[i + 1]; q++) {
            const fl_hypothesis *h = &r->hypotheses[m->hyps[q]];
            nh++;
            if (!first) first = h;
            const lsp_cov_answer *c = map_cov(s, m, m->hyps[q]);
            if (!any || c->status == LSP_COV_FAIL ||
                (c->status == LSP_COV_UNCOVERED && worst.status != LSP_COV_FAIL) ||
                (c->status == LSP_COV_PLANNED && worst.status == LSP_COV_PASS))
                worst = *c;
            any = true;
        }
        fl_buf_reset(&msg);
        fl_buf_puts(&msg, st->message);
        if (first) {
            fl_buf_printf(&msg, "\nhypothesis: %s", first->title);
            if (nh > 1) fl_buf_printf(&msg, " (+%zu more)", nh - 1);
            switch (worst.status) {
                case LSP_COV_UNCOVERED:
                    fl_buf_puts(&msg, "\ncoverage: uncovered");
                    break;
                case LSP_COV_PLANNED:
                    fl_buf_printf(&msg, "\ncoverage: planned in scenario %s, not run",
                                  worst.scenario);
                    break;
                case LSP_COV_PASS:
                case LSP_COV_FAIL:
                    fl_buf_printf(&msg, "\ncoverage: scenario %s %s", worst.scenario,
                                  worst.verdict);
                    break;
            }
        }
        if (comma) fl_buf_putc(out, ',');
        comma = true;
        fl_buf_puts(out, "{\"range\":");
        put_range(s, doc, a, b, out);
        fl_buf_printf(out, ",\"severity\":%d,\"source\":\"faultline\",\"code\":",
                      severity_of(worst.status, any));
        lsp_json_string(out, st->rule);
        fl_buf_puts(out, ",\"message\":");
        lsp_json_string(out, msg.data);
        /* Related information: the claims the hypotheses would falsify. */
        size_t nrel = 0;
        for (size_t q = m->start[i]; q < m->start[i + 1] && s->caps.related_information; q++) {
            const fl_hypothesis *h = &r->hypotheses[m->hyps[q]];
            for (size_t c2 = 0; c2 < h->claim_count + h->missing_claim_count && nrel < 4; c2++) {
                const char *cid =
                    c2 < h->claim_count ? h->claims[c2] : h->missing_claims[c2 - h->claim_count];
                const fl_claim *cl = find_claim(r, cid);
                if (!cl || cl->line <= 0) continue;
                char *uri = claim_uri(s, cl);
                if (!uri) continue;
                fl_buf_puts(out, nrel++ ? "," : ",\"relatedInformation\":[");
                fl_buf_puts(out, "{\"location\":{\"uri\":");
                lsp_json_string(out, uri);
                fl_buf_printf(out,
                              ",\"range\":{\"start\":{\"line\":%d,\"character\":0},\"end\":{"
                              "\"line\":%d,\"character\":0}}},\"message\":",
                              cl->line - 1, cl->line - 1);
                fl_buf_reset(&msg);
                fl_buf_printf(&msg, "%s claim%s: %s", fl_claim_category_name(cl->category),
                              cl->inferred ? " (inferred)" : "", cl->text);
                lsp_json_string(out, msg.data);
                fl_buf_putc(out, '}');
                free(uri);
            }
        }
        if (nrel) fl_buf_putc(out, ']');
        fl_buf_puts(out, ",\"data\":{\"site\":");
        lsp_json_string(out, st->id);
        fl_buf_puts(out, ",\"hypotheses\":[");
        for (size_t q = m->start[i]; q < m->start[i + 1]; q++) {
            if (q > m->start[i]) fl_buf_putc(out, ',');
            lsp_json_string(out, r->hypotheses[m->hyps[q]].id);
        }
        fl_buf_puts(out, "]}}");
    }
    if (doc->analysis->parse_errors > 0 && r->note_count > 0) {
        /* Say once that parts of the file could not be read (sites elsewhere still count). */
        const fl_scan_note *n = &r->notes[0];
        uint32_t a = lsp_text_offset_of_point(&doc->text, n->line > 0 ? (uint32_t)n->line - 1 : 0,
                                              n->column > 0 ? (uint32_t)n->column - 1 : 0);
        if (comma) fl_buf_putc(out, ',');
        fl_buf_puts(out, "{\"range\":");
        put_range(s, doc, a, a, out);
        fl_buf_puts(out, ",\"severity\":4,\"source\":\"faultline\",\"code\":\"parse-error\","
                         "\"message\":");
        lsp_json_string(out, n->message);
        fl_buf_putc(out, '}');
    }
    fl_buf_putc(out, ']');
    fl_buf_free(&msg);
}

json_t *lsp_analysis_diagnostics(lsp_server *s, lsp_doc *doc) {
    fl_buf text = FL_BUF_INIT;
    lsp_analysis_diagnostics_text(s, doc, &text);
    json_t *j = json_loadb(text.data, text.len, 0, NULL);
    fl_buf_free(&text);
    return j ? j : json_array();
}

/* ---- hover ------------------------------------------------------------------------------- */

static void md_claim(fl_buf *b, const fl_claim *c) {
    fl_buf_printf(b, "- *%s*%s claim: \"%s\"", fl_claim_category_name(c->category),
                  c->inferred ? " (inferred — no doc states it)" : "", c->text);
    if (c->path[0] && c->line > 0) fl_buf_printf(b, " — %s:%d", c->path, c->line);
    fl_buf_putc(b, '\n');
}

json_t *lsp_analysis_hover(lsp_server *s, lsp_doc *doc, uint32_t offset) {
    if (!doc->analysis) return NULL;
    const fl_scan_result *r = &doc->analysis->res;
    fl_buf md = FL_BUF_INIT;
    uint32_t ra = 0, rb = 0;
    bool found = false;
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *st = &r->sites[i];
        if (offset < st->start_byte || offset > st->end_byte) continue;
        /* The innermost site wins: later sites that still contain the offset are smaller. */
        if (found && st->start_byte < ra) continue;
        fl_buf_reset(&md);
        found = true;
        site_bytes(doc, st, &ra, &rb);
        ra = st->start_byte;
        rb = st->end_byte > doc->text.buf.len ? (uint32_t)doc->text.buf.len : st->end_byte;
        fl_buf_printf(&md, "**faultline** `%s` (%s site)\n\n%s", st->rule,
                      fl_site_category_name(st->category), st->message);
        if (st->function[0]) fl_buf_printf(&md, " — in `%s`", st->function);
        if (st->target[0]) fl_buf_printf(&md, ", acting on `%s`", st->target);
        fl_buf_puts(&md, "\n");
        size_t nh = 0;
        res_map *m = &doc->analysis->map;
        for (size_t q = m->start[i]; q < m->start[i + 1]; q++) {
            const fl_hypothesis *h = &r->hypotheses[m->hyps[q]];
            nh++;
            lsp_cov_answer c = *map_cov(s, m, m->hyps[q]);
            fl_buf_printf(&md, "\n---\n**Hypothesis** %s\n\n", h->title);
            for (size_t c2 = 0; c2 < h->claim_count; c2++) {
                const fl_claim *cl = find_claim(r, h->claims[c2]);
                if (cl) md_claim(&md, cl);
            }
            for (size_t c2 = 0; c2 < h->missing_claim_count; c2++) {
                const fl_claim *cl = find_claim(r, h->missing_claims[c2]);
                if (cl) md_claim(&md, cl);
            }
            fl_buf_printf(&md,
                          "\n**Falsified by**: a `%s` fault while clients run a `%s` workload; "
                          "the `%s` checker would catch the violation (pitfall %d: %s).\n",
                          h->fault, h->model, h->checker, h->pitfall,
                          h->pitfall_name ? h->pitfall_name : "");
            switch (c.status) {
                case LSP_COV_UNCOVERED:
                    fl_buf_puts(&md, "\n**Coverage**: uncovered — no plan scenario closes it.\n");
                    break;
                case LSP_COV_PLANNED:
                    fl_buf_printf(&md,
                                  "\n**Coverage**: planned in scenario %s (%s), not run yet.\n",
                                  c.scenario, c.plan);
                    break;
                default:
                    fl_buf_printf(&md, "\n**Coverage**: scenario %s → %s.\n", c.scenario,
                                  c.verdict);
            }
        }
        if (nh == 0) fl_buf_puts(&md, "\nNo hypothesis uses this site yet.\n");
    }
    if (!found) {
        /* A claim on this line (docs, doc comments). */
        TSPoint pt = lsp_text_point(&doc->text, offset);
        for (size_t i = 0; i < r->claim_count && !found; i++) {
            const fl_claim *c = &r->claims[i];
            if (c->inferred || c->line != (int)pt.row + 1) continue;
            found = true;
            ra = doc->text.lines[pt.row];
            rb = lsp_text_offset_of_point(&doc->text, pt.row, UINT32_MAX);
            fl_buf_printf(&md, "**faultline claim** (%s, %s): \"%s\"\n",
                          fl_claim_category_name(c->category), c->topic, c->text);
            size_t nh = 0;
            for (size_t k = 0; k < r->hypothesis_count; k++) {
                const fl_hypothesis *h = &r->hypotheses[k];
                for (size_t c2 = 0; c2 < h->claim_count; c2++)
                    if (strcmp(h->claims[c2], c->id) == 0) {
                        if (!nh++) fl_buf_puts(&md, "\nHypotheses that could falsify it:\n");
                        fl_buf_printf(&md, "- %s (`%s` fault, `%s` checker)\n", h->title, h->fault,
                                      h->checker);
                    }
            }
        }
    }
    if (!found) {
        fl_buf_free(&md);
        return NULL;
    }
    json_t *h = json_pack("{s:{s:s, s:s}, s:o}", "contents", "kind", "markdown", "value", md.data,
                          "range", range_json(s, doc, ra, rb));
    fl_buf_free(&md);
    return h;
}

/* ---- code lenses ------------------------------------------------------------------------- */

json_t *lsp_analysis_lenses(lsp_server *s, lsp_doc *doc) {
    json_t *out = json_array();
    if (!doc->analysis) return out;
    const fl_scan_result *r = &doc->analysis->res;
    size_t *stamp = fl_xcalloc(r->hypothesis_count ? r->hypothesis_count : 1, sizeof *stamp);
    /* One lens per function that holds sites: on the line of its first site. */
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *st = &r->sites[i];
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            if (strcmp(r->sites[k].function, st->function) == 0) seen = true;
        if (seen) continue;
        size_t nsites = 0, nh = 0, uncovered = 0, failing = 0;
        res_map *m = &doc->analysis->map;
        for (size_t k = i; k < r->site_count; k++) {
            if (strcmp(r->sites[k].function, st->function) != 0) continue;
            nsites++;
            for (size_t q = m->start[k]; q < m->start[k + 1]; q++) {
                size_t h = m->hyps[q];
                if (stamp[h] == i + 1) continue; /* counted for this function already */
                stamp[h] = i + 1;
                nh++;
                const lsp_cov_answer *c = map_cov(s, m, h);
                if (c->status == LSP_COV_UNCOVERED) uncovered++;
                if (c->status == LSP_COV_FAIL) failing++;
            }
        }
        char title[160];
        if (nh == 0)
            snprintf(title, sizeof title, "%zu site%s · no hypothesis", nsites,
                     nsites == 1 ? "" : "s");
        else if (failing)
            snprintf(title, sizeof title, "%zu hypothes%s · %zu uncovered · %zu failing", nh,
                     nh == 1 ? "is" : "es", uncovered, failing);
        else
            snprintf(title, sizeof title, "%zu hypothes%s · %zu uncovered", nh,
                     nh == 1 ? "is" : "es", uncovered);
        uint32_t a = doc->text.lines[lsp_text_point(&doc->text, st->start_byte).row];
        json_array_append_new(out, json_pack("{s:o, s:{s:s, s:s, s:[s, s]}}", "range",
                                             range_json(s, doc, a, a), "command", "title", title,
                                             "command", "faultline.showCoverage", "arguments",
                                             doc->uri, st->function));
    }
    free(stamp);
    return out;
}

/* ---- code actions and commands ----------------------------------------------------------- */

static const fl_hypothesis *find_hyp(const fl_scan_result *r, const char *id) {
    for (size_t i = 0; i < r->hypothesis_count; i++)
        if (strcmp(r->hypotheses[i].id, id) == 0) return &r->hypotheses[i];
    return NULL;
}

static const fl_site *find_site(const fl_scan_result *r, const char *id) {
    for (size_t i = 0; i < r->site_count; i++)
        if (strcmp(r->sites[i].id, id) == 0) return &r->sites[i];
    return NULL;
}

static json_t *str_list(char *const *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

/* The plan file a scenario goes to: the first plan in docs/testing-plans, else a new
 * docs/testing-plans/faultline.json in the first workspace folder (malloc'd; NULL without
 * a folder). */
static char *plan_path(lsp_server *s, bool *exists) {
    const char *p = lsp_coverage_first_plan(s);
    *exists = p != NULL;
    if (p) return fl_xstrdup(p);
    if (!s->nroots) return NULL;
    fl_buf b = FL_BUF_INIT;
    fl_buf_printf(&b, "%s/docs/testing-plans/faultline.json", s->roots[0]);
    return fl_buf_take(&b);
}

/* The plan's new text with a scenario for hypothesis `h` (whose sites are in `r`). The
 * scenario carries what the hypothesis says (fault, model, checker, the claims it would
 * falsify); its workload, oracle and budgets are left for the plan's author or generator.
 * Returns NULL with *why set when the plan cannot be read. */
static char *plan_with_scenario(lsp_server *s, const char *path, bool exists,
                                const fl_scan_result *r, const fl_hypothesis *h, char *scenario_id,
                                size_t idn, char *why, size_t whyn) {
    json_t *plan = NULL;
    if (exists) {
        json_error_t e;
        plan = json_load_file(path, 0, &e);
        if (!json_is_object(plan)) {
            snprintf(why, whyn, "%s:%d:%d: the plan is not a JSON object (%s)", path, e.line,
                     e.column, e.text);
            json_decref(plan);
            return NULL;
        }
    } else {
        plan = json_pack("{s:s, s:s, s:[], s:[], s:[], s:[], s:[]}", "slug", "faultline", "mode",
                         "project-wide", "claims", "missing_claims", "sites", "hypotheses",
                         "scenarios");
    }
    const char *arrays[] = {"claims", "missing_claims", "sites", "hypotheses", "scenarios"};
    for (size_t i = 0; i < 5; i++)
        if (!json_is_array(json_object_get(plan, arrays[i])))
            json_object_set_new(plan, arrays[i], json_array());
    json_t *scen = json_object_get(plan, "scenarios");
    json_t *hyps = json_object_get(plan, "hypotheses");
    json_t *sites = json_object_get(plan, "sites");
    json_t *claims = json_object_get(plan, "claims");
    /* Next free S<n>. */
    long maxn = 0;
    size_t i;
    json_t *v;
    json_array_foreach(scen, i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (id && id[0] == 'S') {
            long n = strtol(id + 1, NULL, 10);
            if (n > maxn) maxn = n;
        }
    }
    snprintf(scenario_id, idn, "S%ld", maxn + 1);
    /* The hypothesis, its sites and claims, unless the plan has them already. */
    bool have = false;
    json_array_foreach(hyps, i, v) if (json_is_string(json_object_get(v, "id")) &&
                                       strcmp(json_string_value(json_object_get(v, "id")), h->id) ==
                                           0) have = true;
    if (!have) json_array_append_new(hyps, fl_hypothesis_json(h));
    for (size_t k = 0; k < h->site_count; k++) {
        const fl_site *st = find_site(r, h->sites[k]);
        bool dup = false;
        json_array_foreach(sites, i, v) if (json_is_string(json_object_get(v, "id")) &&
                                            strcmp(json_string_value(json_object_get(v, "id")),
                                                   h->sites[k]) == 0) dup = true;
        if (st && !dup) json_array_append_new(sites, fl_site_json(st));
    }
    for (size_t k = 0; k < h->claim_count; k++) {
        const fl_claim *cl = find_claim(r, h->claims[k]);
        bool dup = false;
        json_array_foreach(claims, i, v) if (json_is_string(json_object_get(v, "id")) &&
                                             strcmp(json_string_value(json_object_get(v, "id")),
                                                    h->claims[k]) == 0) dup = true;
        if (cl && !dup) json_array_append_new(claims, fl_claim_json(cl));
    }
    json_t *sc = json_pack(
        "{s:s, s:s, s:o, s:[s], s:s, s:n, s:[s], s:s, s:s, s:s, s:[], s:[], s:[], "
        "s:{s:n, s:n, s:n}, s:n, s:s}",
        "id", scenario_id, "name", h->title, "falsifies", str_list(h->claims, h->claim_count),
        "closes", h->id, "technique", "fault injection", "workload", "faults", h->fault, "oracle",
        h->checker, "model", h->model, "checker", h->checker, "history_fields", "landing_evidence",
        "ambiguous_outcomes", "budgets", "smoke", "hardening", "release", "target_test_file",
        "status", "draft: added from the editor");
    json_array_append_new(scen, sc);
    char *text = json_dumps(plan, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(plan);
    size_t n = strlen(text);
    text = fl_xrealloc(text, n + 2);
    text[n] = '\n';
    text[n + 1] = '\0';
    return text;
}

/* The WorkspaceEdit that writes `text` to `path` (creating it when needed), or NULL when
 * the client cannot apply such an edit. */
static json_t *file_edit(lsp_server *s, const char *path, bool exists, const char *text) {
    char *uri = lsp_path_to_uri(path);
    json_t *edit = NULL;
    if (exists) {
        /* Replace the whole file: from the start to a position past its end. */
        json_t *te =
            json_pack("[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]", "range", "start", "line", 0,
                      "character", 0, "end", "line", 1000000000, "character", 0, "newText", text);
        edit = json_pack("{s:{s:o}}", "changes", uri, te);
    } else if (s->caps.document_changes && s->caps.resource_create) {
        edit = json_pack(
            "{s:[{s:s, s:s, s:{s:b}}, {s:{s:s, s:n}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}]}",
            "documentChanges", "kind", "create", "uri", uri, "options", "ignoreIfExists", 1,
            "textDocument", "uri", uri, "version", "edits", "range", "start", "line", 0,
            "character", 0, "end", "line", 0, "character", 0, "newText", text);
    }
    free(uri);
    return edit;
}

json_t *lsp_analysis_actions(lsp_server *s, lsp_doc *doc, uint32_t start, uint32_t end) {
    json_t *out = json_array();
    if (!doc->analysis) return out;
    const fl_scan_result *r = &doc->analysis->res;
    bool literals = s->caps.code_action_literals;
    json_t *claims_done = json_array();
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *st = &r->sites[i];
        uint32_t a, b;
        site_bytes(doc, st, &a, &b);
        if (end < st->start_byte || start > st->end_byte) continue;
        res_map *m = &doc->analysis->map;
        for (size_t q = m->start[i]; q < m->start[i + 1]; q++) {
            const fl_hypothesis *h = &r->hypotheses[m->hyps[q]];
            lsp_cov_answer c = *map_cov(s, m, m->hyps[q]);
            if (c.status == LSP_COV_UNCOVERED) {
                char title[400];
                snprintf(title, sizeof title,
                         "faultline: add a scenario for \"%.300s\" to the plan", h->title);
                json_t *cmd = json_pack("{s:s, s:s, s:[s, s]}", "title", title, "command",
                                        "faultline.addScenario", "arguments", doc->uri, h->id);
                bool exists;
                char *path = literals ? plan_path(s, &exists) : NULL;
                json_t *edit = NULL;
                if (path) {
                    char sid[32], why[600];
                    char *text =
                        plan_with_scenario(s, path, exists, r, h, sid, sizeof sid, why, sizeof why);
                    if (text) edit = file_edit(s, path, exists, text);
                    free(text);
                }
                free(path);
                if (!literals) {
                    json_array_append_new(out, cmd);
                } else {
                    json_t *act = json_pack("{s:s, s:s}", "title", title, "kind", "quickfix");
                    /* The edit when the client can apply it; else the command writes it. */
                    if (edit) {
                        json_object_set_new(act, "edit", edit);
                        json_decref(cmd);
                    } else {
                        json_object_set_new(act, "command", cmd);
                    }
                    json_array_append_new(out, act);
                }
            }
            for (size_t c2 = 0; c2 < h->claim_count + h->missing_claim_count; c2++) {
                const char *cid =
                    c2 < h->claim_count ? h->claims[c2] : h->missing_claims[c2 - h->claim_count];
                size_t q;
                json_t *seen;
                bool dup = false;
                json_array_foreach(claims_done, q,
                                   seen) if (strcmp(json_string_value(seen), cid) == 0) dup = true;
                const fl_claim *cl = find_claim(r, cid);
                if (dup || !cl) continue;
                json_array_append_new(claims_done, json_string(cid));
                char title[400];
                snprintf(title, sizeof title, "faultline: mark claim \"%.300s\" reviewed",
                         cl->text);
                json_t *cmd = json_pack("{s:s, s:s, s:[s, s]}", "title", title, "command",
                                        "faultline.markReviewed", "arguments", doc->uri, cid);
                if (!literals)
                    json_array_append_new(out, cmd);
                else
                    json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "title", title, "kind",
                                                         "refactor", "command", cmd));
            }
        }
    }
    json_decref(claims_done);
    return out;
}

static const char *arg_str(json_t *args, size_t i) {
    return json_string_value(json_array_get(args, i));
}

void lsp_analysis_command(lsp_server *s, const char *command, json_t *args, lsp_reply *r) {
    const char *uri = arg_str(args, 0), *id = arg_str(args, 1);
    if (!uri || !id) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "%s takes two string arguments: a document URI and an id", command);
        return;
    }
    lsp_doc *doc = lsp_docs_find(&s->docs, uri);
    const fl_scan_result *res = doc && doc->analysis ? &doc->analysis->res : workspace(s, true);
    fl_error err;
    fl_error_clear(&err);
    if (strcmp(command, "faultline.addScenario") == 0) {
        const fl_hypothesis *h = find_hyp(res, id);
        if (!h) {
            lsp_reply_error(r, LSP_INVALID_PARAMS, "no hypothesis %.100s in %.300s", id, uri);
            return;
        }
        bool exists;
        char *path = plan_path(s, &exists);
        if (!path) {
            lsp_reply_error(r, LSP_REQUEST_FAILED,
                            "no workspace folder: there is nowhere to write the plan");
            return;
        }
        char sid[32], why[600];
        char *text = plan_with_scenario(s, path, exists, res, h, sid, sizeof sid, why, sizeof why);
        if (!text) {
            lsp_reply_error(r, LSP_REQUEST_FAILED, "%s", why);
            free(path);
            return;
        }
        if (fl_file_write_atomic(path, text, strlen(text), &err) != 0)
            lsp_reply_error(r, LSP_REQUEST_FAILED, "%s: %s", path, err.message);
        else {
            r->result =
                json_pack("{s:s, s:s, s:s}", "plan", path, "scenario", sid, "hypothesis", h->id);
            lsp_coverage_reload(s);
        }
        free(text);
        free(path);
        return;
    }
    if (strcmp(command, "faultline.markReviewed") == 0) {
        const fl_claim *cl = find_claim(res, id);
        if (!cl) {
            lsp_reply_error(r, LSP_INVALID_PARAMS, "no claim %.100s in %.300s", id, uri);
            return;
        }
        if (!s->nroots) {
            lsp_reply_error(r, LSP_REQUEST_FAILED,
                            "no workspace folder: there is nowhere to record the review");
            return;
        }
        fl_buf path = FL_BUF_INIT;
        fl_buf_printf(&path, "%s/.faultline/reviewed.json", s->roots[0]);
        json_error_t e;
        json_t *doc_j = json_load_file(path.data, 0, &e);
        if (!json_is_object(doc_j)) {
            json_decref(doc_j);
            doc_j = json_pack("{s:[]}", "reviewed");
        }
        json_t *list = json_object_get(doc_j, "reviewed");
        if (!json_is_array(list)) {
            list = json_array();
            json_object_set_new(doc_j, "reviewed", list);
        }
        bool dup = false;
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) if (json_is_string(json_object_get(v, "id")) &&
                                           strcmp(json_string_value(json_object_get(v, "id")),
                                                  id) == 0) dup = true;
        if (!dup) {
            char when[32];
            time_t t = time(NULL);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "id", id,
                                                  "text", cl->text, "category",
                                                  fl_claim_category_name(cl->category), "path",
                                                  cl->path, "line", cl->line, "reviewed_at", when));
        }
        char *text = json_dumps(doc_j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(doc_j);
        if (fl_file_write_atomic(path.data, text, strlen(text), &err) != 0)
            lsp_reply_error(r, LSP_REQUEST_FAILED, "%s: %s", path.data, err.message);
        else
            r->result =
                json_pack("{s:s, s:s, s:b}", "file", path.data, "claim", id, "already", dup);
        free(text);
        fl_buf_free(&path);
        return;
    }
    lsp_reply_error(r, LSP_INVALID_PARAMS, "unknown command %.200s", command);
}

/* ---- faultline/sites, faultline/claims --------------------------------------------------- */

void lsp_analysis_sites(lsp_server *s, lsp_doc *doc, lsp_reply *r) {
    json_t *sites = json_array();
    if (doc) {
        if (doc->analysis) {
            const fl_scan_result *res = &doc->analysis->res;
            for (size_t i = 0; i < res->site_count; i++) {
                json_t *j = fl_site_json(&res->sites[i]);
                uint32_t a = res->sites[i].start_byte, b = res->sites[i].end_byte;
                if (b > doc->text.buf.len) b = (uint32_t)doc->text.buf.len;
                if (a > b) a = b;
                json_object_set_new(j, "range", range_json(s, doc, a, b));
                json_array_append_new(sites, j);
            }
        }
    } else {
        const fl_scan_result *res = workspace(s, true);
        for (size_t i = 0; i < res->site_count; i++)
            json_array_append_new(sites, fl_site_json(&res->sites[i]));
    }
    r->result = json_pack("{s:o, s:b}", "sites", sites, "indexed", lsp_index_ready(s));
}

void lsp_analysis_claims(lsp_server *s, lsp_doc *doc, lsp_reply *r) {
    const fl_scan_result *res =
        doc ? (doc->analysis ? &doc->analysis->res : NULL) : workspace(s, true);
    json_t *claims = json_array(), *hyps = json_array();
    if (res) {
        res_map m = {0};
        map_build(&m, res);
        for (size_t i = 0; i < res->claim_count; i++)
            json_array_append_new(claims, fl_claim_json(&res->claims[i]));
        for (size_t i = 0; i < res->hypothesis_count; i++) {
            json_t *h = fl_hypothesis_json(&res->hypotheses[i]);
            const lsp_cov_answer *c = map_cov(s, &m, i);
            json_object_set_new(h, "coverage", json_string(lsp_cov_status_name(c->status)));
            json_array_append_new(hyps, h);
        }
        map_free(&m);
    }
    r->result = json_pack("{s:o, s:o, s:b}", "claims", claims, "hypotheses", hyps, "indexed",
                          lsp_index_ready(s));
}
