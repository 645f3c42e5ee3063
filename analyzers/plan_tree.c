/*
 * plan_tree.c — the tree a plan reads: the planned folder at a commit (blobs through libgit2)
 * or in the work tree (files on disk, walked like `faultline scan`, .gitignore honoured).
 * Every file is read once into memory; worker threads analyse them (fl__analyze) and the
 * facts enter ONE fl_index whose result is the plan's sites, claims and hypotheses — nothing
 * is scanned twice. The texts stay for the cheap questions asked later: which test files
 * mention a function, which client library a file imports (etcd, Redis, SQL), whether a test
 * injects faults. Input: an opened repository and a commit or the work tree; output: an
 * fl_ptree.
 */
#include "plan_internal.h"
#include "walk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE_BYTES (10u * 1024u * 1024u)

/* ---- classification ---------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

int fl__is_test_path(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(path, "test/", 5) == 0 || strncmp(path, "tests/", 6) == 0 ||
        strstr(path, "/test/") || strstr(path, "/tests/") || strstr(path, "/__tests__/") ||
        strncmp(path, "__tests__/", 10) == 0 || strstr(path, "src/test/"))
        return 1;
    if (ends_with(base, "_test.go") || ends_with(base, "_test.py") ||
        strncmp(base, "test_", 5) == 0 || ends_with(base, "_test.rs") ||
        ends_with(base, "_test.c") || ends_with(base, "_test.cc") || ends_with(base, "_test.cpp"))
        return 1;
    static const char *js[] = {".test.js", ".test.ts",  ".test.tsx", ".spec.js",
                               ".spec.ts", ".spec.tsx", ".test.mjs", NULL};
    for (int i = 0; js[i]; i++)
        if (ends_with(base, js[i])) return 1;
    if (ends_with(base, "Test.java") || ends_with(base, "Tests.java") || ends_with(base, "IT.java"))
        return 1;
    return 0;
}

/* Words that show a test injects faults (process, network, storage or time faults). */
static const char *fault_markers[] = {
    "SIGKILL",  "SIGSTOP",     "SIGTERM",      "Process.Kill",   ".Kill(",    "kill -9",
    "iptables", "netem",       "tc qdisc",     "toxiproxy",      "Toxiproxy", "failpoint",
    "gofail",   "faketime",    "libfaketime",  "chaos",          "Chaos",     "nemesis",
    "Nemesis",  "InjectFault", "inject_fault", "FaultInjection", "dm-flakey", "pumba",
    "blockade", NULL};

const char *fl__fault_marker(const char *text, size_t len, int *line) {
    (void)len;
    const char *best = NULL, *best_at = NULL;
    for (int i = 0; fault_markers[i]; i++) {
        const char *at = strstr(text, fault_markers[i]);
        if (at && (!best_at || at < best_at)) {
            best = fault_markers[i];
            best_at = at;
        }
    }
    if (best && line) {
        int l = 1;
        for (const char *p = text; p < best_at; p++)
            if (*p == '\n') l++;
        *line = l;
    }
    return best;
}

/* Client libraries: the import text that proves a stack. */
typedef struct stack_marker {
    unsigned bit;
    const char *text;
} stack_marker;

static const stack_marker stack_markers[] = {
    {FL_STACK_ETCD, "go.etcd.io/etcd/client"},
    {FL_STACK_ETCD, "go.etcd.io/etcd/clientv3"},
    {FL_STACK_ETCD, "github.com/coreos/etcd/clientv3"},
    {FL_STACK_ETCD, "import etcd3"},
    {FL_STACK_ETCD, "from etcd3"},
    {FL_STACK_ETCD, "'etcd3'"},
    {FL_STACK_ETCD, "\"etcd3\""},
    {FL_STACK_ETCD, "etcd_client::"},
    {FL_STACK_ETCD, "io.etcd.jetcd"},
    {FL_STACK_REDIS, "github.com/redis/go-redis"},
    {FL_STACK_REDIS, "github.com/go-redis/redis"},
    {FL_STACK_REDIS, "github.com/gomodule/redigo"},
    {FL_STACK_REDIS, "import redis"},
    {FL_STACK_REDIS, "from redis"},
    {FL_STACK_REDIS, "'ioredis'"},
    {FL_STACK_REDIS, "\"ioredis\""},
    {FL_STACK_REDIS, "require('redis')"},
    {FL_STACK_REDIS, "from 'redis'"},
    {FL_STACK_REDIS, "redis::"},
    {FL_STACK_REDIS, "redis.clients.jedis"},
    {FL_STACK_REDIS, "io.lettuce"},
    {FL_STACK_SQL, "\"database/sql\""},
    {FL_STACK_SQL, "github.com/lib/pq"},
    {FL_STACK_SQL, "github.com/jackc/pgx"},
    {FL_STACK_SQL, "github.com/go-sql-driver/mysql"},
    {FL_STACK_SQL, "import psycopg"},
    {FL_STACK_SQL, "import sqlalchemy"},
    {FL_STACK_SQL, "from sqlalchemy"},
    {FL_STACK_SQL, "import pymysql"},
    {FL_STACK_SQL, "'pg'"},
    {FL_STACK_SQL, "'mysql2'"},
    {FL_STACK_SQL, "sqlx::"},
    {FL_STACK_SQL, "tokio_postgres"},
    {FL_STACK_SQL, "java.sql."},
    {0, NULL},
};

static int stack_index(unsigned bit) {
    return bit == FL_STACK_ETCD ? 0 : bit == FL_STACK_REDIS ? 1 : 2;
}

/* Is the line holding `at` an import: `import …`, `from … import`, `use …`, `require(…)`,
 * or a Go import spec (`"path"`, `alias "path"`)? Mentions in strings, comments and tables of
 * other code are not imports. */
static int import_line(const char *text, const char *at) {
    const char *l = at;
    while (l > text && l[-1] != '\n') l--;
    while (*l == ' ' || *l == '\t') l++;
    static const char *starts[] = {"import ", "import\t",      "from ", "use ",
                                   "using ",  "extern crate ", "\"",    NULL};
    for (int i = 0; starts[i]; i++)
        if (!strncmp(l, starts[i], strlen(starts[i]))) return 1;
    /* CommonJS: require('x') — the marker right after "require(", or the marker is the
     * whole call outside a string */
    if (at - l >= 8 && !strncmp(at - 8, "require(", 8)) return 1;
    if (!strncmp(at, "require(", 8) && (at == l || (at[-1] != '"' && at[-1] != '\''))) return 1;
    /* Go: alias "path" */
    const char *q = l;
    while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
           *q == '_' || *q == '.')
        q++;
    return q > l && *q == ' ' && q[1] == '"';
}

static void detect_stack(fl_pfile *f) {
    for (int i = 0; stack_markers[i].text; i++) {
        int k = stack_index(stack_markers[i].bit);
        if (f->stack_marker[k]) continue;
        for (const char *at = strstr(f->text, stack_markers[i].text); at;
             at = strstr(at + 1, stack_markers[i].text))
            if (import_line(f->text, at)) {
                f->stack |= stack_markers[i].bit;
                f->stack_marker[k] = stack_markers[i].text;
                break;
            }
    }
}

/* Manifests (go.mod, package.json, requirements.txt, Cargo.toml, pyproject.toml, pom.xml)
 * read beside the analysed files. */
static int is_manifest(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return strcmp(b, "go.mod") == 0 || strcmp(b, "package.json") == 0 ||
           strcmp(b, "requirements.txt") == 0 || strcmp(b, "Cargo.toml") == 0 ||
           strcmp(b, "pyproject.toml") == 0 || strcmp(b, "pom.xml") == 0;
}

static void manifest_stack(fl_ptree *t, const char *path, const char *text) {
    static const stack_marker deps[] = {
        {FL_STACK_ETCD, "go.etcd.io/etcd/client"},
        {FL_STACK_ETCD, "\"etcd3\""},
        {FL_STACK_ETCD, "etcd3"},
        {FL_STACK_ETCD, "etcd-client"},
        {FL_STACK_ETCD, "jetcd"},
        {FL_STACK_REDIS, "go-redis"},
        {FL_STACK_REDIS, "redigo"},
        {FL_STACK_REDIS, "ioredis"},
        {FL_STACK_REDIS, "\"redis\""},
        {FL_STACK_REDIS, "jedis"},
        {FL_STACK_SQL, "github.com/lib/pq"},
        {FL_STACK_SQL, "github.com/jackc/pgx"},
        {FL_STACK_SQL, "go-sql-driver/mysql"},
        {FL_STACK_SQL, "psycopg"},
        {FL_STACK_SQL, "sqlalchemy"},
        {FL_STACK_SQL, "\"pg\""},
        {FL_STACK_SQL, "mysql2"},
        {FL_STACK_SQL, "sqlx"},
        {FL_STACK_SQL, "tokio-postgres"},
        {0, NULL},
    };
    for (int i = 0; deps[i].text; i++) {
        int k = stack_index(deps[i].bit);
        if (t->stack_where[k]) continue;
        if (strstr(text, deps[i].text)) {
            t->stack |= deps[i].bit;
            t->stack_where[k] = fl__strdupf("%s names %s", path, deps[i].text);
        }
    }
}

/* ---- listing ----------------------------------------------------------------------------- */

typedef struct flist {
    fl_pfile *v;
    size_t n, cap;
} flist;

static void flist_push(flist *l, const char *path, char *text, size_t len) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = fl_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    fl_pfile *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    f->path = fl_xstrdup(path);
    f->text = text;
    f->len = len;
}

static int vendored_component(const char *path) {
    static const char *dirs[] = {
        "vendor",      "node_modules",     "third_party",   "third-party", "thirdparty",
        "__pycache__", "bower_components", "site-packages", ".venv",       "venv",
        NULL};
    for (int i = 0; dirs[i]; i++) {
        size_t n = strlen(dirs[i]);
        for (const char *p = path; (p = strstr(p, dirs[i])); p++)
            if ((p == path || p[-1] == '/') && p[n] == '/') return 1;
    }
    return 0;
}

static int hidden_component(const char *path) {
    if (path[0] == '.') return 1;
    return strstr(path, "/.") != NULL;
}

typedef struct tree_walk {
    fl_repo *r;
    flist *list;
    fl_ptree *t;
} tree_walk;

static int tree_cb(const char *root, const git_tree_entry *e, void *payload) {
    tree_walk *w = payload;
    const char *name = git_tree_entry_name(e);
    char path[4096];
    snprintf(path, sizeof path, "%s%s", root, name);
    size_t pl = strlen(w->r->prefix);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        if (name[0] == '.') return 1; /* skip hidden folders */
        /* only descend towards or inside the planned folder */
        char dir[4100];
        snprintf(dir, sizeof dir, "%s/", path);
        size_t dl = strlen(dir);
        if (pl && strncmp(dir, w->r->prefix, dl < pl ? dl : pl) != 0) return 1;
        if (vendored_component(dir) || fl__plan_output_path(dir)) return 1;
        return 0;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
        git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
        return 0;
    if (pl && strncmp(path, w->r->prefix, pl) != 0) return 0;
    if (name[0] == '.' || fl__plan_output_path(path)) return 0;
    int manifest = is_manifest(path);
    if (!manifest && !fl_grammar_for_path(name) && !fl__is_doc_path(name)) return 0;
    if (fl__generated_name(name)) return 0;
    git_blob *b = NULL;
    if (git_blob_lookup(&b, w->r->repo, git_tree_entry_id(e)) != 0) return 0;
    size_t n = (size_t)git_blob_rawsize(b);
    if (n <= MAX_FILE_BYTES && !git_blob_is_binary(b)) {
        if (manifest) {
            char *txt = fl_xstrndup(git_blob_rawcontent(b), n);
            manifest_stack(w->t, path, txt);
            free(txt);
            if (!fl_grammar_for_path(name) && !fl__is_doc_path(name)) {
                git_blob_free(b);
                return 0;
            }
        }
        flist_push(w->list, path, fl_xstrndup(git_blob_rawcontent(b), n), n);
    }
    git_blob_free(b);
    return 0;
}

static int list_commit(fl_repo *r, git_commit *head, flist *l, fl_ptree *t, fl_error *err) {
    git_tree *tree = NULL;
    if (git_commit_tree(&tree, head) != 0) {
        fl_error_set(err, r->workdir, 0, 0, "cannot read the head commit's tree");
        return -1;
    }
    tree_walk w = {r, l, t};
    git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w);
    git_tree_free(tree);
    return 0;
}

static int list_workdir(fl_repo *r, flist *l, fl_ptree *t, fl_error *err) {
    fl_scan_options so;
    memset(&so, 0, sizeof so);
    char root[4096];
    snprintf(root, sizeof root, "%s", r->workdir);
    size_t rl = strlen(root);
    if (rl > 1) root[rl - 1] = 0;
    so.root = root;
    const char *dir = r->abs_dir;
    fl_walk_list wl;
    char *wroot = NULL;
    if (fl__walk(&dir, 1, &so, &wl, &wroot, err) != 0) return -1;
    free(wroot);
    for (size_t i = 0; i < wl.count; i++) {
        const char *rel = wl.items[i].rel;
        if (fl__plan_output_path(rel) || hidden_component(rel)) continue;
        fl_buf b = FL_BUF_INIT;
        fl_error e;
        if (fl_file_read(wl.items[i].abs, &b, &e) != 0) continue;
        size_t n = b.len;
        flist_push(l, rel, b.data ? fl_buf_take(&b) : fl_xstrdup(""), n);
    }
    fl__walk_list_free(&wl);
    /* manifests are not source files: read them directly */
    static const char *manifests[] = {"go.mod",     "package.json",   "requirements.txt",
                                      "Cargo.toml", "pyproject.toml", "pom.xml",
                                      NULL};
    for (int i = 0; manifests[i]; i++) {
        char *p = fl__strdupf("%s/%s", r->abs_dir, manifests[i]);
        fl_buf b = FL_BUF_INIT;
        fl_error e;
        if (fl_file_read(p, &b, &e) == 0) {
            char *rel = fl__strdupf("%s%s", r->prefix, manifests[i]);
            manifest_stack(t, rel, fl_buf_cstr(&b));
            free(rel);
        }
        fl_buf_free(&b);
        free(p);
    }
    return 0;
}

/* ---- analysis ---------------------------------------------------------------------------- */

typedef struct job {
    const fl_analyzer *a;
    fl_pfile *files;
    size_t n;
    atomic_size_t next;
} job;

static void *worker(void *arg) {
    job *j = arg;
    fl_worker w;
    fl_worker_init(&w);
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n) break;
        fl_pfile *f = &j->files[i];
        f->is_doc = fl__is_doc_path(f->path);
        f->is_test = !f->is_doc && fl__is_test_path(f->path);
        if (!f->is_doc) detect_stack(f);
        if (!f->is_doc && fl__generated_text(f->text, f->len)) continue;
        fl_error e;
        fl_error_clear(&e);
        f->facts = fl__analyze(j->a, &w, f->path, NULL, f->text, f->len, NULL, NULL, &e);
        if (!f->facts) continue;
        /* each function's last line, from its end byte */
        if (f->facts->func_count) {
            f->func_end_line = fl_xcalloc(f->facts->func_count, sizeof *f->func_end_line);
            for (size_t k = 0; k < f->facts->func_count; k++) {
                const fl_func *fn = &f->facts->funcs[k];
                int line = fn->line;
                uint32_t end = fn->end_byte < f->len ? fn->end_byte : (uint32_t)f->len;
                for (uint32_t b = fn->start_byte; b < end; b++)
                    if (f->text[b] == '\n') line++;
                f->func_end_line[k] = line;
            }
        }
    }
    fl_worker_fini(&w);
    return NULL;
}

static int cmp_pfile(const void *a, const void *b) {
    return strcmp(((const fl_pfile *)a)->path, ((const fl_pfile *)b)->path);
}

int fl__tree_load(fl_repo *r, git_commit *head, int threads, fl_ptree *out, fl_error *err) {
    memset(out, 0, sizeof *out);
    flist l = {0};
    int rc = head ? list_commit(r, head, &l, out, err) : list_workdir(r, &l, out, err);
    if (rc != 0) {
        for (size_t i = 0; i < l.n; i++) {
            free(l.v[i].path);
            free(l.v[i].text);
        }
        free(l.v);
        return -1;
    }
    if (l.n > 1) qsort(l.v, l.n, sizeof *l.v, cmp_pfile);
    out->files = l.v;
    out->n = l.n;

    char *qdir = fl__strdupf("%s/.faultline/queries", r->abs_dir);
    fl_analyzer *a = fl_analyzer_new(qdir, err);
    free(qdir);
    if (!a) return -1;
    job j = {a, out->files, out->n, 0};
    atomic_init(&j.next, 0);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = threads > 0 ? threads : (int)(ncpu > 0 ? ncpu : 1);
    if (nt > 8) nt = 8;
    if ((size_t)nt > out->n) nt = out->n ? (int)out->n : 1;
    pthread_t tids[8];
    int started = 0;
    for (int k = 1; k < nt; k++)
        if (pthread_create(&tids[started], NULL, worker, &j) == 0) started++;
    worker(&j);
    for (int k = 0; k < started; k++) pthread_join(tids[k], NULL);
    fl_analyzer_free(a);

    out->ix = fl_index_new();
    for (size_t i = 0; i < out->n; i++) {
        fl_pfile *f = &out->files[i];
        for (int k = 0; k < 3; k++)
            if (f->stack_marker[k] && !out->stack_where[k]) {
                out->stack |= 1u << k;
                out->stack_where[k] = fl__strdupf("%s imports %s", f->path, f->stack_marker[k]);
            }
        if (f->facts) fl_index_put(out->ix, f->facts);
    }
    fl_index_result(out->ix, NULL, &out->res);
    return 0;
}

void fl__tree_free(fl_ptree *t) {
    for (size_t i = 0; i < t->n; i++) {
        free(t->files[i].path);
        free(t->files[i].text);
        free(t->files[i].func_end_line);
    }
    free(t->files);
    fl_index_free(t->ix);
    fl_scan_result_free(&t->res);
    for (int k = 0; k < 3; k++) free(t->stack_where[k]);
    memset(t, 0, sizeof *t);
}

const fl_pfile *fl__tree_file(const fl_ptree *t, const char *path) {
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(t->files[mid].path, path);
        if (c == 0) return &t->files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
