/*
 * lsp_index.c — the workspace index's file list, its worker threads and work-done progress.
 *
 * After `initialized` the workspace folders are walked (hidden folders, node_modules,
 * vendor, third_party, build output and test sessions are skipped; so is generated code)
 * for source files faultline reads and doc files (.md, .markdown, .rst, .adoc, .txt).
 * Worker threads read and analyse the files (fl_analyze_text with the shared analyzer) into
 * one slot per file; the server loop stays free for messages, reports progress from the
 * count of finished files, and when all are done puts the facts into the workspace index
 * (a file the editor has open keeps the facts of its buffer). Progress: when the client has
 * window.workDoneProgress, the server asks window/workDoneProgress/create and sends
 * $/progress begin/report/end only after a successful answer; an error answer means no
 * progress is ever sent on that token.
 */
#include "lsp_index.h"

#include "fl_analyzers.h"
#include "fl_grammars.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SLICE_NS (8ull * 1000 * 1000)
#define MAX_FILES 200000
#define MAX_FILE_BYTES (4u << 20)

enum token_state { TOKEN_NONE, TOKEN_ASKED, TOKEN_OK, TOKEN_REFUSED };

typedef struct lsp_index {
    char **files; /* absolute paths of the files to analyse */
    char **rels;  /* their workspace-relative paths */
    size_t count, cap, next;
    /* worker threads */
    fl_file_facts **slots; /* one per file, filled by the workers */
    atomic_size_t claim;   /* next file a worker takes */
    atomic_size_t done;    /* files finished */
    atomic_int stop;       /* set to make the workers stop early */
    const fl_analyzer *an;
    pthread_t threads[8];
    int nthreads;
    bool walked, active, finished_once, cancelled;
    uint64_t start_ns, end_ns;
    int generation;
    enum token_state token_state;
    char token[64];
    bool begun, ended;
    int last_pct;
    size_t analysed;
} lsp_index;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool is_doc(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return false;
    return strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0 || strcmp(dot, ".rst") == 0 ||
           strcmp(dot, ".adoc") == 0 || strcmp(dot, ".txt") == 0;
}

static bool skip_dir(const char *name) {
    static const char *const skip[] = {"node_modules", "vendor",        "third_party",
                                       "build",        "build-asan",    "target",
                                       "__pycache__",  "test-sessions", NULL};
    if (name[0] == '.') return true;
    for (const char *const *k = skip; *k; k++)
        if (strcmp(name, *k) == 0) return true;
    return false;
}

static void add_file(lsp_index *ix, const char *path) {
    if (ix->count >= MAX_FILES) return;
    if (ix->count == ix->cap) {
        ix->cap = ix->cap ? ix->cap * 2 : 256;
        ix->files = fl_xrealloc(ix->files, ix->cap * sizeof *ix->files);
    }
    ix->files[ix->count++] = fl_xstrdup(path);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(lsp_index *ix, const char *dir, int depth) {
    if (depth > 40 || ix->count >= MAX_FILES) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    fl_buf p = FL_BUF_INIT;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        fl_buf_reset(&p);
        fl_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p.data, &st) != 0) continue; /* symlinks are not followed */
        if (S_ISDIR(st.st_mode)) {
            if (!skip_dir(e->d_name)) walk(ix, p.data, depth + 1);
        } else if (S_ISREG(st.st_mode) && st.st_size <= MAX_FILE_BYTES) {
            if (fl_grammar_for_path(e->d_name) || is_doc(e->d_name)) add_file(ix, p.data);
        }
    }
    closedir(d);
    fl_buf_free(&p);
}

static void join_workers(lsp_index *ix) {
    if (!ix->nthreads) return;
    atomic_store(&ix->stop, 1);
    for (int t = 0; t < ix->nthreads; t++) pthread_join(ix->threads[t], NULL);
    ix->nthreads = 0;
}

static void index_clear(lsp_index *ix) {
    join_workers(ix);
    for (size_t i = 0; i < ix->count; i++) {
        free(ix->files[i]);
        if (ix->rels) free(ix->rels[i]);
        if (ix->slots) fl_file_facts_free(ix->slots[i]);
    }
    free(ix->files);
    free(ix->rels);
    free(ix->slots);
    ix->files = ix->rels = NULL;
    ix->slots = NULL;
    ix->count = ix->cap = ix->next = 0;
    atomic_store(&ix->claim, 0);
    atomic_store(&ix->done, 0);
    atomic_store(&ix->stop, 0);
}

/* Generated code is not analysed (as `faultline scan` does by default). */
static bool generated(const char *path, const char *text, size_t n) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    static const char *const suffixes[] = {
        ".pb.go", ".pb.gw.go", "_generated.go", ".pb.cc", ".pb.h", "_pb2.py", NULL};
    for (const char *const *sfx = suffixes; *sfx; sfx++) {
        size_t k = strlen(*sfx);
        if (bl >= k && strcmp(base + bl - k, *sfx) == 0) return true;
    }
    size_t head = n < 2048 ? n : 2048;
    for (size_t i = 0; i + 14 <= head; i++)
        if (memcmp(text + i, "Code generated", 14) == 0 || memcmp(text + i, "DO NOT EDIT", 11) == 0)
            return true;
    return false;
}

static void *worker(void *arg) {
    lsp_index *ix = arg;
    fl_buf text = FL_BUF_INIT;
    for (;;) {
        if (atomic_load(&ix->stop)) break;
        size_t i = atomic_fetch_add(&ix->claim, 1);
        if (i >= ix->count) break;
        fl_buf_reset(&text);
        fl_error err;
        if (fl_file_read(ix->files[i], &text, &err) == 0 &&
            !generated(ix->files[i], text.data ? text.data : "", text.len))
            ix->slots[i] = fl_analyze_text(ix->an, ix->rels[i], NULL, text.data ? text.data : "",
                                           text.len, NULL, NULL, &err);
        atomic_fetch_add(&ix->done, 1);
    }
    fl_buf_free(&text);
    return NULL;
}

/* ---- progress -------------------------------------------------------------------------- */

static void progress(lsp_server *s, json_t *value) {
    lsp_index *ix = s->index;
    lsp_notify(s, "$/progress", json_pack("{s:s, s:o}", "token", ix->token, "value", value));
}

static int percent(lsp_index *ix) {
    if (ix->count == 0) return 100;
    return (int)(ix->next * 100 / ix->count);
}

static void progress_begin(lsp_server *s) {
    lsp_index *ix = s->index;
    if (ix->token_state != TOKEN_OK || ix->begun) return;
    ix->begun = true;
    ix->last_pct = percent(ix);
    progress(s, json_pack("{s:s, s:s, s:b, s:s, s:i}", "kind", "begin", "title",
                          "faultline: analysing the workspace", "cancellable", 1, "message",
                          "finding sites and claims", "percentage", ix->last_pct));
}

static void progress_end(lsp_server *s, const char *message) {
    lsp_index *ix = s->index;
    if (ix->token_state != TOKEN_OK || ix->ended) return;
    progress_begin(s);
    ix->ended = true;
    progress(s, json_pack("{s:s, s:s}", "kind", "end", "message", message));
}

static void token_answer(lsp_server *s, void *ctx, json_t *result, json_t *error) {
    lsp_index *ix = s->index;
    if (!ix || (int)(intptr_t)ctx != ix->generation) return;
    if (error) {
        ix->token_state = TOKEN_REFUSED;
        return;
    }
    ix->token_state = TOKEN_OK;
    progress_begin(s);
    if (!ix->active) {
        char msg[128];
        snprintf(msg, sizeof msg, "%zu files analysed", ix->analysed);
        progress_end(s, msg);
    }
}

/* ---- the index ------------------------------------------------------------------------- */

void lsp_index_start(lsp_server *s) {
    if (!s->index) s->index = fl_xcalloc(1, sizeof(lsp_index));
    lsp_index *ix = s->index;
    index_clear(ix);
    ix->generation++;
    ix->walked = false;
    ix->active = s->nroots > 0;
    ix->cancelled = false;
    ix->analysed = 0;
    ix->start_ns = now_ns();
    ix->end_ns = 0;
    ix->token_state = TOKEN_NONE;
    ix->begun = ix->ended = false;
    if (!ix->active) {
        ix->finished_once = true;
        return;
    }
    if (s->caps.work_done_progress) {
        snprintf(ix->token, sizeof ix->token, "faultline-index-%d", ix->generation);
        ix->token_state = TOKEN_ASKED;
        lsp_request(s, "window/workDoneProgress/create", json_pack("{s:s}", "token", ix->token),
                    token_answer, (void *)(intptr_t)ix->generation);
    }
}

void lsp_index_restart(lsp_server *s) {
    lsp_index *ix = s->index;
    if (ix && ix->active) progress_end(s, "restarted");
    lsp_index_start(s);
}

static void finish(lsp_server *s, const char *why) {
    lsp_index *ix = s->index;
    ix->active = false;
    ix->finished_once = true;
    ix->end_ns = now_ns();
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %zu files in %.0f ms", why, ix->analysed,
             (double)(ix->end_ns - ix->start_ns) / 1e6);
    lsp_analysis_index_done(s);
    progress_end(s, msg);
    s->coverage_generation++;
    /* Cross-file facts changed: every open document is published again. */
    for (size_t i = 0; i < s->docs.count; i++) s->docs.items[i]->dirty = true;
}

/* The analyzer the workers share (lsp_analysis.c owns it). */
void *lsp_analysis_analyzer(lsp_server *s);
/* Puts facts into the workspace index (lsp_analysis.c). */
void lsp_analysis_index_put(lsp_server *s, void *facts);

static bool is_open(lsp_server *s, const char *abs) {
    for (size_t i = 0; i < s->docs.count; i++)
        if (s->docs.items[i]->path && strcmp(s->docs.items[i]->path, abs) == 0) return true;
    return false;
}

bool lsp_index_step(lsp_server *s) {
    lsp_index *ix = s->index;
    if (!ix || !ix->active) return false;
    if (ix->cancelled) {
        join_workers(ix);
        finish(s, "cancelled");
        return true;
    }
    if (!ix->walked) {
        for (size_t i = 0; i < s->nroots; i++) walk(ix, s->roots[i], 0);
        qsort(ix->files, ix->count, sizeof *ix->files, cmp_str);
        ix->walked = true;
        ix->rels = fl_xcalloc(ix->count ? ix->count : 1, sizeof *ix->rels);
        ix->slots = fl_xcalloc(ix->count ? ix->count : 1, sizeof *ix->slots);
        for (size_t i = 0; i < ix->count; i++) ix->rels[i] = lsp_index_relpath(s, ix->files[i]);
        ix->an = lsp_analysis_analyzer(s);
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        int want = ncpu > 0 ? (int)ncpu : 1;
        if (want > 8) want = 8;
        if ((size_t)want > ix->count) want = (int)ix->count;
        for (int t = 0; t < want; t++)
            if (pthread_create(&ix->threads[ix->nthreads], NULL, worker, ix) == 0) ix->nthreads++;
        /* Without threads the loop below analyses here, a slice at a time between messages. */
        return true;
    }
    if (ix->nthreads == 0 && atomic_load(&ix->claim) < ix->count) {
        uint64_t t0 = now_ns();
        while (atomic_load(&ix->claim) < ix->count && now_ns() - t0 < SLICE_NS) {
            size_t i = atomic_fetch_add(&ix->claim, 1);
            fl_buf text = FL_BUF_INIT;
            fl_error err;
            if (fl_file_read(ix->files[i], &text, &err) == 0 &&
                !generated(ix->files[i], text.data ? text.data : "", text.len))
                ix->slots[i] =
                    fl_analyze_text(ix->an, ix->rels[i], NULL, text.data ? text.data : "", text.len,
                                    NULL, NULL, &err);
            fl_buf_free(&text);
            atomic_fetch_add(&ix->done, 1);
        }
    }
    ix->next = atomic_load(&ix->done);
    if (ix->begun && !ix->ended) {
        int pct = percent(ix);
        if (pct >= ix->last_pct + 5 && pct < 100) {
            ix->last_pct = pct;
            char msg[96];
            snprintf(msg, sizeof msg, "%zu of %zu files", ix->next, ix->count);
            progress(s, json_pack("{s:s, s:s, s:i}", "kind", "report", "message", msg, "percentage",
                                  pct));
        }
    }
    if (ix->next < ix->count) return ix->nthreads == 0; /* workers: wait for input instead */
    join_workers(ix);
    for (size_t i = 0; i < ix->count; i++) {
        if (!ix->slots[i]) continue;
        if (is_open(s, ix->files[i]))
            fl_file_facts_free(ix->slots[i]);
        else
            lsp_analysis_index_put(s, ix->slots[i]);
        ix->slots[i] = NULL;
        ix->analysed++;
    }
    finish(s, "done");
    return true;
}

bool lsp_run_active(void);

bool lsp_analysis_busy(lsp_server *s);

int lsp_index_wait_ms(lsp_server *s) {
    lsp_index *ix = s->index;
    if ((ix && ix->active) || lsp_analysis_busy(s)) return 2;
    return lsp_run_active() ? 200 : 1000;
}

void lsp_index_free(lsp_server *s) {
    lsp_index *ix = s->index;
    if (!ix) return;
    index_clear(ix);
    free(ix);
    s->index = NULL;
}

void lsp_index_file_changed(lsp_server *s, const char *path, bool deleted) {
    if (!fl_grammar_for_path(path) && !is_doc(path)) return;
    /* An open document's facts come from the editor's buffer, not the disk. */
    char *uri = lsp_path_to_uri(path);
    bool open = lsp_docs_find(&s->docs, uri) != NULL;
    free(uri);
    if (open) return;
    char *rel = lsp_index_relpath(s, path);
    lsp_analysis_index_file(s, path, rel, deleted);
    free(rel);
    s->coverage_generation++;
    for (size_t i = 0; i < s->docs.count; i++) s->docs.items[i]->dirty = true;
}

void lsp_index_cancel_progress(lsp_server *s, json_t *token) {
    lsp_index *ix = s->index;
    if (!ix || !json_is_string(token) || strcmp(json_string_value(token), ix->token) != 0) return;
    if (ix->active) ix->cancelled = true;
}

json_t *lsp_index_status(lsp_server *s) {
    lsp_index *ix = s->index;
    if (!ix) return json_pack("{s:s}", "state", "not started");
    static const char *const tokens[] = {"none", "asked", "acknowledged", "refused"};
    uint64_t end = ix->end_ns ? ix->end_ns : now_ns();
    return json_pack("{s:s, s:I, s:I, s:f, s:s, s:b, s:b}", "state",
                     ix->active ? "indexing" : (ix->cancelled ? "cancelled" : "ready"), "files",
                     (json_int_t)ix->count, "done", (json_int_t)ix->analysed, "elapsed_ms",
                     (double)(end - ix->start_ns) / 1e6, "progressToken", tokens[ix->token_state],
                     "progressBegun", ix->begun, "progressEnded", ix->ended);
}

char *lsp_index_relpath(lsp_server *s, const char *path) {
    for (size_t i = 0; i < s->nroots; i++) {
        size_t n = strlen(s->roots[i]);
        if (strncmp(path, s->roots[i], n) == 0 && path[n] == '/') return fl_xstrdup(path + n + 1);
        if (n == 1 && s->roots[i][0] == '/' && path[0] == '/') return fl_xstrdup(path + 1);
    }
    return fl_xstrdup(path);
}

bool lsp_index_ready(lsp_server *s) {
    lsp_index *ix = s->index;
    return ix && ix->finished_once && !ix->active;
}
