/*
 * index.c — the workspace index: the facts of many files keyed by path, and the resolution
 * of what no single file knows. A function whose body retries (a retry loop, a retry helper,
 * a retry decorator or annotation) makes every call to it, by name anywhere in the index, a
 * `retry.wrapper-call` site — when the name is unambiguous (every function of that name in
 * the index retries). Then stable ids (rule + path + function + ordinal for sites; path +
 * topic + text + ordinal for claims), sorting, inferred claims and hypotheses.
 * Facts enter with fl_index_put (ownership moves in); results leave as an fl_scan_result.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct fl_index {
    fl_file_facts **files; /* open addressing on path hash; NULL = empty slot */
    size_t cap, count;
};

fl_index *fl_index_new(void) {
    fl_index *ix = fl_xcalloc(1, sizeof *ix);
    ix->cap = 64;
    ix->files = fl_xcalloc(ix->cap, sizeof *ix->files);
    return ix;
}

void fl_index_free(fl_index *ix) {
    if (!ix) return;
    for (size_t i = 0; i < ix->cap; i++) fl_file_facts_free(ix->files[i]);
    free(ix->files);
    free(ix);
}

static size_t slot_of(const fl_index *ix, const char *path) {
    size_t i = (size_t)fl__hash_str(path, 0) & (ix->cap - 1);
    while (ix->files[i] && strcmp(ix->files[i]->path, path) != 0) i = (i + 1) & (ix->cap - 1);
    return i;
}

static void grow(fl_index *ix) {
    fl_file_facts **old = ix->files;
    size_t oldcap = ix->cap;
    ix->cap *= 2;
    ix->files = fl_xcalloc(ix->cap, sizeof *ix->files);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i]) ix->files[slot_of(ix, old[i]->path)] = old[i];
    free(old);
}

void fl_index_put(fl_index *ix, fl_file_facts *facts) {
    if (!facts) return;
    if ((ix->count + 1) * 2 > ix->cap) grow(ix);
    size_t i = slot_of(ix, facts->path);
    if (ix->files[i])
        fl_file_facts_free(ix->files[i]);
    else
        ix->count++;
    ix->files[i] = facts;
}

void fl_index_remove(fl_index *ix, const char *path) {
    size_t i = slot_of(ix, path);
    if (!ix->files[i]) return;
    fl_file_facts_free(ix->files[i]);
    ix->files[i] = NULL;
    ix->count--;
    /* re-insert the rest of the cluster */
    for (size_t j = (i + 1) & (ix->cap - 1); ix->files[j]; j = (j + 1) & (ix->cap - 1)) {
        fl_file_facts *f = ix->files[j];
        ix->files[j] = NULL;
        ix->files[slot_of(ix, f->path)] = f;
    }
}

/* ---- result helpers ---------------------------------------------------------------------- */

void fl_scan_result_free(fl_scan_result *r) {
    if (!r) return;
    for (size_t i = 0; i < r->site_count; i++) fl__site_fini(&r->sites[i]);
    for (size_t i = 0; i < r->claim_count; i++) fl__claim_fini(&r->claims[i]);
    for (size_t i = 0; i < r->hypothesis_count; i++) {
        fl_hypothesis *h = &r->hypotheses[i];
        free(h->title);
        for (size_t k = 0; k < h->claim_count; k++) free(h->claims[k]);
        for (size_t k = 0; k < h->missing_claim_count; k++) free(h->missing_claims[k]);
        for (size_t k = 0; k < h->site_count; k++) free(h->sites[k]);
        free(h->claims);
        free(h->missing_claims);
        free(h->sites);
    }
    for (size_t i = 0; i < r->note_count; i++) {
        free(r->notes[i].path);
        free(r->notes[i].message);
    }
    free(r->sites);
    free(r->claims);
    free(r->hypotheses);
    free(r->notes);
    memset(r, 0, sizeof *r);
}

static int cmp_facts(const void *a, const void *b) {
    return strcmp((*(fl_file_facts *const *)a)->path, (*(fl_file_facts *const *)b)->path);
}

int fl__cmp_site(const void *a, const void *b);
int fl__cmp_site(const void *a, const void *b) {
    const fl_site *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->column != y->column) return x->column < y->column ? -1 : 1;
    c = strcmp(x->rule, y->rule);
    if (c) return c;
    if (x->end_byte != y->end_byte) return x->end_byte < y->end_byte ? -1 : 1;
    return 0;
}

static int cmp_claim(const void *a, const void *b) {
    const fl_claim *x = a, *y = b;
    if (x->inferred != y->inferred) return x->inferred - y->inferred;
    int c = strcmp(x->path, y->path);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    c = strcmp(x->topic, y->topic);
    if (c) return c;
    return strcmp(x->text, y->text);
}

/* Name-keyed table of the retrying functions. */
typedef struct wrapper {
    uint64_t hash;
    const char *name;
    const char *path;
    int line;
    int ambiguous; /* some function of this name does not retry */
    int used;
} wrapper;

static wrapper *wtab_find(wrapper *t, size_t cap, uint64_t h) {
    size_t i = (size_t)h & (cap - 1);
    while (t[i].used && t[i].hash != h) i = (i + 1) & (cap - 1);
    return &t[i];
}

static int generic_name(const char *n) {
    static const char *names[] = {"main",        "init", "__init__", "run",   "Run", "New", "new",
                                  "constructor", "call", "__call__", "apply", "get", "Get", NULL};
    if (strlen(n) <= 2) return 1;
    for (int i = 0; names[i]; i++)
        if (strcmp(n, names[i]) == 0) return 1;
    return 0;
}

typedef struct idkey {
    uint64_t key;
    size_t index;
} idkey;

static int cmp_idkey(const void *a, const void *b) {
    const idkey *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void assign_site_ids(fl_site *s, size_t n) {
    idkey *k = fl_xcalloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = fl__hash_str(s[i].rule, 1);
        h = fl__hash_str(s[i].path, h);
        h = fl__hash_str(s[i].function, h);
        k[i].key = h;
        k[i].index = i; /* sites are sorted by position, so index order is position order */
    }
    qsort(k, n, sizeof *k, cmp_idkey);
    unsigned ordinal = 0;
    for (size_t i = 0; i < n; i++) {
        ordinal = (i > 0 && k[i].key == k[i - 1].key) ? ordinal + 1 : 0;
        uint64_t h = fl__hash(&ordinal, sizeof ordinal, k[i].key);
        fl__make_id(s[k[i].index].id, "site-", h);
    }
    free(k);
}

static void assign_claim_ids(fl_claim *c, size_t n) {
    idkey *k = fl_xcalloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = fl__hash_str(c[i].path, 2);
        h = fl__hash_str(c[i].topic, h);
        h = fl__hash_str(c[i].kind, h);
        h = fl__hash_str(c[i].text, h);
        k[i].key = h;
        k[i].index = i;
    }
    qsort(k, n, sizeof *k, cmp_idkey);
    unsigned ordinal = 0;
    for (size_t i = 0; i < n; i++) {
        ordinal = (i > 0 && k[i].key == k[i - 1].key) ? ordinal + 1 : 0;
        uint64_t h = fl__hash(&ordinal, sizeof ordinal, k[i].key);
        fl__make_id(c[k[i].index].id, "claim-", h);
    }
    free(k);
}

int fl_index_result(const fl_index *ix, const char *only_path, fl_scan_result *out) {
    memset(out, 0, sizeof *out);
    fl_file_facts **files = fl_xcalloc(ix->count ? ix->count : 1, sizeof *files);
    size_t nf = 0;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->files[i]) files[nf++] = ix->files[i];
    qsort(files, nf, sizeof *files, cmp_facts);

    /* 1. retrying functions by name */
    size_t total_funcs = 0;
    for (size_t i = 0; i < nf; i++) total_funcs += files[i]->func_count;
    size_t wcap = 16;
    while (wcap < total_funcs * 2 + 16) wcap *= 2;
    wrapper *wt = fl_xcalloc(wcap, sizeof *wt);
    for (size_t i = 0; i < nf; i++) {
        for (size_t k = 0; k < files[i]->func_count; k++) {
            const fl_func *fn = &files[i]->funcs[k];
            const char *id; /* "Journal::Append" is called as "Append" */
            size_t idn;
            fl__last_ident(fn->name, strlen(fn->name), &id, &idn);
            uint64_t h = fl__hash(id, idn, 0);
            wrapper *w = wtab_find(wt, wcap, h);
            if (!w->used) {
                w->used = 1;
                w->hash = h;
                w->name = fn->name;
                w->path = files[i]->path;
                w->line = fn->line;
                w->ambiguous = !fn->retrying || generic_name(fn->name);
            } else if (!fn->retrying) {
                w->ambiguous = 1;
            }
        }
    }

    /* 2. sites: each file's own, plus calls to retrying functions */
    size_t scap = 64, sn = 0;
    fl_site *sites = fl_xmalloc(scap * sizeof *sites);
    size_t ccap = 64, cn = 0;
    fl_claim *claims = fl_xmalloc(ccap * sizeof *claims);
    for (size_t i = 0; i < nf; i++) {
        const fl_file_facts *f = files[i];
        out->files++;
        out->bytes += f->bytes;
        for (size_t k = 0; k < f->site_count; k++) {
            if (sn == scap) sites = fl_xrealloc(sites, (scap *= 2) * sizeof *sites);
            fl__site_copy(&sites[sn++], &f->sites[k]);
        }
        for (size_t k = 0; k < f->call_count; k++) {
            const fl_call *c = &f->calls[k];
            wrapper *w = wtab_find(wt, wcap, c->name_hash);
            if (!w->used || w->ambiguous) continue;
            long fi = fl__enclosing_function(f, c->start_byte, c->end_byte);
            const char *fname = fi >= 0 ? f->funcs[fi].name : "";
            if (strcmp(fname, w->name) == 0) continue; /* the wrapper calling itself */
            int covered = 0; /* already a retry site of its own (e.g. a retry helper call) */
            for (size_t s = 0; s < f->site_count && !covered; s++)
                if (f->sites[s].category == FL_SITE_RETRY &&
                    f->sites[s].start_byte == c->start_byte && f->sites[s].end_byte == c->end_byte)
                    covered = 1;
            if (covered) continue;
            if (sn == scap) sites = fl_xrealloc(sites, (scap *= 2) * sizeof *sites);
            fl_site *s = &sites[sn++];
            memset(s, 0, sizeof *s);
            s->rule = fl_xstrdup("retry.wrapper-call");
            s->category = FL_SITE_RETRY;
            s->language = f->language;
            s->path = fl_xstrdup(f->path);
            fl__site_at_call(s, c);
            s->function = fl_xstrdup(fname);
            s->target = fl_xstrdup(w->name);
            fl_buf m = FL_BUF_INIT;
            fl_buf_printf(&m, "calls %s, which retries in a loop (%s:%d)", w->name, w->path,
                          w->line);
            s->message = fl_buf_take(&m);
        }
        for (size_t k = 0; k < f->claim_count; k++) {
            if (cn == ccap) claims = fl_xrealloc(claims, (ccap *= 2) * sizeof *claims);
            fl__claim_copy(&claims[cn++], &f->claims[k]);
        }
        if (f->parse_errors > 0) {
            out->notes = fl_xrealloc(out->notes, (out->note_count + 1) * sizeof *out->notes);
            fl_scan_note *n = &out->notes[out->note_count++];
            n->path = fl_xstrdup(f->path);
            n->line = f->first_error_line;
            n->column = f->first_error_column;
            fl_buf m = FL_BUF_INIT;
            fl_buf_printf(&m,
                          "%d parse error%s (syntax newer than the grammar?); sites outside "
                          "them are kept",
                          f->parse_errors, f->parse_errors == 1 ? "" : "s");
            n->message = fl_buf_take(&m);
        }
    }
    free(wt);
    free(files);

    qsort(sites, sn, sizeof *sites, fl__cmp_site);
    assign_site_ids(sites, sn);
    qsort(claims, cn, sizeof *claims, cmp_claim);
    assign_claim_ids(claims, cn);
    out->sites = sites;
    out->site_count = sn;
    out->claims = claims;
    out->claim_count = cn;

    /* 3. inferred claims and hypotheses over the whole workspace */
    fl__hypotheses_build(out);
    qsort(out->claims, out->claim_count, sizeof *out->claims, cmp_claim);

    if (only_path) {
        size_t o = 0;
        for (size_t i = 0; i < out->site_count; i++) {
            if (strcmp(out->sites[i].path, only_path) == 0)
                out->sites[o++] = out->sites[i];
            else
                fl__site_fini(&out->sites[i]);
        }
        out->site_count = o;
        o = 0;
        for (size_t i = 0; i < out->claim_count; i++) {
            if (strcmp(out->claims[i].path, only_path) == 0)
                out->claims[o++] = out->claims[i];
            else
                fl__claim_fini(&out->claims[i]);
        }
        out->claim_count = o;
        o = 0;
        for (size_t i = 0; i < out->note_count; i++) {
            if (strcmp(out->notes[i].path, only_path) == 0) {
                out->notes[o++] = out->notes[i];
            } else {
                free(out->notes[i].path);
                free(out->notes[i].message);
            }
        }
        out->note_count = o;
    }
    return 0;
}
