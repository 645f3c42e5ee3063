/*
 * plan_scope.c — the change a plan is scoped to, through libgit2: opening the repository
 * that holds the planned folder, resolving revisions to commits (with a clear error, and a
 * hint when the clone is shallow), and the diff base..head or base..work tree (untracked,
 * not-ignored files included) with renames followed and zero context lines, so each hunk is
 * exactly the changed lines. A second, whitespace-blind diff marks formatting-only files.
 * Input: a folder and revisions; output: an fl_change (paths relative to the work tree).
 */
#include "plan_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void git_fail(fl_error *err, const char *path, const char *what) {
    const git_error *e = git_error_last();
    fl_error_set(err, path, 0, 0, "%s%s%s", what, e && e->message ? ": " : "",
                 e && e->message ? e->message : "");
}

int fl__repo_open(const char *dir, fl_repo *r, fl_error *err) {
    memset(r, 0, sizeof *r);
    git_libgit2_init();
    char abs[PATH_MAX];
    struct stat st;
    if (!realpath(dir, abs) || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fl_error_set(err, dir, 0, 0, "expected an existing folder inside a git repository");
        git_libgit2_shutdown();
        return -1;
    }
    if (git_repository_open_ext(&r->repo, abs, 0, NULL) != 0) {
        fl_error_set(err, dir, 0, 0,
                     "expected a folder inside a git repository (no .git found here or above)");
        git_libgit2_shutdown();
        return -1;
    }
    const char *wd = git_repository_workdir(r->repo);
    if (!wd) {
        fl_error_set(err, dir, 0, 0, "expected a repository with a work tree, not a bare one");
        git_repository_free(r->repo);
        r->repo = NULL;
        git_libgit2_shutdown();
        return -1;
    }
    char wabs[PATH_MAX];
    if (!realpath(wd, wabs)) snprintf(wabs, sizeof wabs, "%s", wd);
    size_t wl = strlen(wabs);
    while (wl > 1 && wabs[wl - 1] == '/') wabs[--wl] = 0;
    r->workdir = fl__strdupf("%s/", wabs);
    r->abs_dir = fl_xstrdup(abs);
    if (strcmp(abs, wabs) == 0)
        r->prefix = fl_xstrdup("");
    else if (strncmp(abs, wabs, wl) == 0 && abs[wl] == '/')
        r->prefix = fl__strdupf("%s/", abs + wl + 1);
    else {
        fl_error_set(err, dir, 0, 0, "expected a folder inside the work tree %s", r->workdir);
        fl__repo_close(r);
        return -1;
    }
    return 0;
}

void fl__repo_close(fl_repo *r) {
    if (r->repo) {
        git_repository_free(r->repo);
        git_libgit2_shutdown();
    }
    free(r->workdir);
    free(r->prefix);
    free(r->abs_dir);
    memset(r, 0, sizeof *r);
}

int fl__repo_commit(fl_repo *r, const char *rev, const char *flag, git_commit **out,
                    fl_error *err) {
    *out = NULL;
    git_object *obj = NULL;
    if (git_revparse_single(&obj, r->repo, rev) != 0 ||
        git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) != 0) {
        git_object_free(obj);
        if (git_repository_is_shallow(r->repo))
            fl_error_set(err, r->workdir, 0, 0,
                         "expected a revision for %s: '%s' does not name a commit here; this "
                         "clone is shallow, fetch more history (git fetch --unshallow)",
                         flag, rev);
        else
            fl_error_set(err, r->workdir, 0, 0,
                         "expected a revision for %s: '%s' does not name a commit", flag, rev);
        return -1;
    }
    git_object_free(obj);
    return 0;
}

void fl__commit_date(git_commit *c, char out[16]) {
    const git_signature *s = git_commit_committer(c);
    time_t t = s ? (time_t)s->when.time : 0;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

int fl__plan_output_path(const char *rel) {
    if (strncmp(rel, "test-sessions/", 14) == 0 || strstr(rel, "/test-sessions/")) return 1;
    if (strncmp(rel, "docs/testing-plans/", 19) == 0 || strstr(rel, "/docs/testing-plans/"))
        return 1;
    return 0;
}

typedef struct diff_ctx {
    fl_change *out;
    const char *prefix;
} diff_ctx;

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const fl_changed_file *)a)->path, ((const fl_changed_file *)b)->path);
}

static int make_diff(fl_repo *r, git_tree *base, git_tree *head, int workdir, int ignore_ws,
                     git_diff **out) {
    git_diff_options o;
    git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    o.context_lines = 0;
    o.interhunk_lines = 0;
    if (workdir)
        o.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
                   GIT_DIFF_SHOW_UNTRACKED_CONTENT;
    if (ignore_ws) o.flags |= GIT_DIFF_IGNORE_WHITESPACE;
    char *ps[1] = {r->prefix};
    if (r->prefix[0]) {
        o.pathspec.strings = ps;
        o.pathspec.count = 1;
    }
    int rc = workdir ? git_diff_tree_to_workdir_with_index(out, r->repo, base, &o)
                     : git_diff_tree_to_tree(out, r->repo, base, head, &o);
    if (rc != 0) return rc;
    git_diff_find_options fo;
    git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
    fo.flags = GIT_DIFF_FIND_RENAMES | (workdir ? GIT_DIFF_FIND_FOR_UNTRACKED : 0);
    return git_diff_find_similar(*out, &fo);
}

static char status_char(git_delta_t s) {
    switch (s) {
        case GIT_DELTA_ADDED:
        case GIT_DELTA_UNTRACKED:
        case GIT_DELTA_COPIED:
            return 'A';
        case GIT_DELTA_DELETED:
            return 'D';
        case GIT_DELTA_RENAMED:
            return 'R';
        case GIT_DELTA_TYPECHANGE:
            return 'T';
        default:
            return 'M';
    }
}

int fl__change_diff(fl_repo *r, git_commit *base, git_commit *head, fl_change *out, fl_error *err) {
    memset(out, 0, sizeof *out);
    git_oid_tostr(out->base, sizeof out->base, git_commit_id(base));
    if (head) git_oid_tostr(out->head, sizeof out->head, git_commit_id(head));
    git_tree *bt = NULL, *ht = NULL;
    git_diff *d = NULL, *dws = NULL;
    int rc = -1;
    if (git_commit_tree(&bt, base) != 0 || (head && git_commit_tree(&ht, head) != 0)) {
        git_fail(err, r->workdir, "cannot read a commit's tree");
        goto done;
    }
    if (make_diff(r, bt, ht, head == NULL, 0, &d) != 0 ||
        make_diff(r, bt, ht, head == NULL, 1, &dws) != 0) {
        git_fail(err, r->workdir, "cannot compute the diff");
        goto done;
    }
    /* paths whose whitespace-blind diff still has hunks */
    fl_strv ws_real = {0};
    size_t nws = git_diff_num_deltas(dws);
    for (size_t i = 0; i < nws; i++) {
        git_patch *p = NULL;
        if (git_patch_from_diff(&p, dws, i) != 0) continue;
        if (p && git_patch_num_hunks(p) > 0)
            fl__strv_push(&ws_real, git_patch_get_delta(p)->new_file.path);
        git_patch_free(p);
    }
    size_t nd = git_diff_num_deltas(d);
    out->files = fl_xcalloc(nd ? nd : 1, sizeof *out->files);
    for (size_t i = 0; i < nd; i++) {
        git_patch *p = NULL;
        if (git_patch_from_diff(&p, d, i) != 0 || !p) {
            git_patch_free(p);
            continue;
        }
        const git_diff_delta *dl = git_patch_get_delta(p);
        if (dl->status == GIT_DELTA_UNMODIFIED || dl->status == GIT_DELTA_IGNORED ||
            fl__plan_output_path(dl->new_file.path) || (dl->new_file.mode == GIT_FILEMODE_COMMIT)) {
            git_patch_free(p);
            continue;
        }
        fl_changed_file *f = &out->files[out->file_count++];
        f->status = status_char(dl->status);
        f->untracked = dl->status == GIT_DELTA_UNTRACKED;
        const char *np = dl->status == GIT_DELTA_DELETED ? dl->old_file.path : dl->new_file.path;
        f->path = fl_xstrdup(np);
        f->old_path = fl_xstrdup(dl->old_file.path ? dl->old_file.path : np);
        f->binary = (dl->flags & GIT_DIFF_FLAG_BINARY) != 0;
        size_t nh = f->binary ? 0 : git_patch_num_hunks(p);
        if (nh) f->hunks = fl_xcalloc(nh, sizeof *f->hunks);
        for (size_t k = 0; k < nh; k++) {
            const git_diff_hunk *h = NULL;
            size_t lines = 0;
            if (git_patch_get_hunk(&h, &lines, p, k) != 0) continue;
            fl_hunk *x = &f->hunks[f->hunk_count++];
            x->old_start = h->old_start;
            x->old_lines = h->old_lines;
            x->new_start = h->new_start;
            x->new_lines = h->new_lines;
        }
        f->whitespace_only = (f->status == 'M' || f->status == 'R') && f->hunk_count > 0 &&
                             !f->binary && !fl__strv_has(&ws_real, np);
        git_patch_free(p);
    }
    fl__strv_free(&ws_real);
    if (out->file_count > 1) qsort(out->files, out->file_count, sizeof *out->files, cmp_file);
    rc = 0;
done:
    git_diff_free(d);
    git_diff_free(dws);
    git_tree_free(bt);
    git_tree_free(ht);
    if (rc != 0) fl_change_free(out);
    return rc;
}

void fl_change_free(fl_change *c) {
    if (!c) return;
    for (size_t i = 0; i < c->file_count; i++) {
        free(c->files[i].path);
        free(c->files[i].old_path);
        free(c->files[i].hunks);
    }
    free(c->files);
    c->files = NULL;
    c->file_count = 0;
}

int fl_change_compute(const char *dir, const char *base, const char *head, fl_change *out,
                      fl_error *err) {
    memset(out, 0, sizeof *out);
    fl_repo r;
    if (fl__repo_open(dir ? dir : ".", &r, err) != 0) return -1;
    git_commit *bc = NULL, *hc = NULL;
    int rc = -1;
    if (fl__repo_commit(&r, base, "--base", &bc, err) == 0 &&
        (!head || fl__repo_commit(&r, head, "--head", &hc, err) == 0))
        rc = fl__change_diff(&r, bc, hc, out, err);
    git_commit_free(bc);
    git_commit_free(hc);
    fl__repo_close(&r);
    return rc;
}
