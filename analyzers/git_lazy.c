/*
 * git_lazy.c — libgit2, loaded when a scan or plan first needs it. Every libgit2 function
 * faultline calls is defined here with libgit2's own prototype (from <git2.h>, so the compiler
 * checks each one) and forwards to the library, which the first call loads with dlopen.
 *
 * Why: Debian's libgit2 brings eighteen shared libraries with it (mbedTLS, libssh2, Kerberos,
 * OpenSSL's libcrypto, ...). Linked the usual way, the dynamic loader maps and relocates all
 * of them at every start, 2.2 ms of a run that scans a small tree in 40; and most runs need
 * no git at all (a tree outside any repository with no .gitignore). The library is still
 * found with pkg-config at build time; CMake records its soname (FL_LIBGIT2_SONAME).
 *
 * A library that cannot be loaded ends the program with a message naming it (exit 2): it is
 * a dependency scripts/setup installs, not something a run can do without.
 */
#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FL_LIBGIT2_SONAME
#error "FL_LIBGIT2_SONAME (libgit2's soname) is set by analyzers/CMakeLists.txt"
#endif

/* R(return type, name, (parameters), (arguments)); V(...) for functions returning void */
#define FL_GIT_FUNCTIONS(R, V)                                                                     \
    V(git_blob_free, (git_blob * blob), (blob))                                                    \
    R(int, git_blob_is_binary, (const git_blob *blob), (blob))                                     \
    R(int, git_blob_lookup, (git_blob * *blob, git_repository * repo, const git_oid *id),          \
      (blob, repo, id))                                                                            \
    R(const void *, git_blob_rawcontent, (const git_blob *blob), (blob))                           \
    R(git_object_size_t, git_blob_rawsize, (const git_blob *blob), (blob))                         \
    R(const git_signature *, git_commit_committer, (const git_commit *commit), (commit))           \
    V(git_commit_free, (git_commit * commit), (commit))                                            \
    R(const git_oid *, git_commit_id, (const git_commit *commit), (commit))                        \
    R(int, git_commit_tree, (git_tree * *tree_out, const git_commit *commit), (tree_out, commit))  \
    R(int, git_diff_find_options_init, (git_diff_find_options * opts, unsigned int version),       \
      (opts, version))                                                                             \
    R(int, git_diff_find_similar, (git_diff * diff, const git_diff_find_options *options),         \
      (diff, options))                                                                             \
    V(git_diff_free, (git_diff * diff), (diff))                                                    \
    R(size_t, git_diff_num_deltas, (const git_diff *diff), (diff))                                 \
    R(int, git_diff_options_init, (git_diff_options * opts, unsigned int version),                 \
      (opts, version))                                                                             \
    R(int, git_diff_tree_to_tree,                                                                  \
      (git_diff * *diff, git_repository * repo, git_tree * old_tree, git_tree * new_tree,          \
       const git_diff_options *opts),                                                              \
      (diff, repo, old_tree, new_tree, opts))                                                      \
    R(int, git_diff_tree_to_workdir_with_index,                                                    \
      (git_diff * *diff, git_repository * repo, git_tree * old_tree,                               \
       const git_diff_options *opts),                                                              \
      (diff, repo, old_tree, opts))                                                                \
    R(const git_error *, git_error_last, (void), ())                                               \
    R(int, git_ignore_path_is_ignored, (int *ignored, git_repository *repo, const char *path),     \
      (ignored, repo, path))                                                                       \
    R(int, git_libgit2_init, (void), ())                                                           \
    R(int, git_libgit2_shutdown, (void), ())                                                       \
    R(int, git_libgit2_version, (int *major, int *minor, int *rev), (major, minor, rev))           \
    V(git_object_free, (git_object * object), (object))                                            \
    R(int, git_object_peel,                                                                        \
      (git_object * *peeled, const git_object *object, git_object_t target_type),                  \
      (peeled, object, target_type))                                                               \
    R(char *, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id))               \
    V(git_patch_free, (git_patch * patch), (patch))                                                \
    R(int, git_patch_from_diff, (git_patch * *out, git_diff * diff, size_t idx), (out, diff, idx)) \
    R(const git_diff_delta *, git_patch_get_delta, (const git_patch *patch), (patch))              \
    R(int, git_patch_get_hunk,                                                                     \
      (const git_diff_hunk **out, size_t *lines_in_hunk, git_patch *patch, size_t hunk_idx),       \
      (out, lines_in_hunk, patch, hunk_idx))                                                       \
    R(size_t, git_patch_num_hunks, (const git_patch *patch), (patch))                              \
    V(git_repository_free, (git_repository * repo), (repo))                                        \
    R(int, git_repository_is_shallow, (git_repository * repo), (repo))                             \
    R(int, git_repository_new, (git_repository * *out), (out))                                     \
    R(int, git_repository_open_ext,                                                                \
      (git_repository * *out, const char *path, unsigned int flags, const char *ceiling_dirs),     \
      (out, path, flags, ceiling_dirs))                                                            \
    R(int, git_repository_set_workdir,                                                             \
      (git_repository * repo, const char *workdir, int update_gitlink),                            \
      (repo, workdir, update_gitlink))                                                             \
    R(const char *, git_repository_workdir, (const git_repository *repo), (repo))                  \
    R(int, git_revparse_single, (git_object * *out, git_repository * repo, const char *spec),      \
      (out, repo, spec))                                                                           \
    R(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry *entry), (entry))             \
    R(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry))                  \
    R(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry))                   \
    R(git_object_t, git_tree_entry_type, (const git_tree_entry *entry), (entry))                   \
    V(git_tree_free, (git_tree * tree), (tree))                                                    \
    R(int, git_tree_walk,                                                                          \
      (const git_tree *tree, git_treewalk_mode mode, git_treewalk_cb callback, void *payload),     \
      (tree, mode, callback, payload))

#define POINTER(ret, name, params, args) static ret(*p_##name) params;
#define POINTER_V(name, params, args) static void(*p_##name) params;
FL_GIT_FUNCTIONS(POINTER, POINTER_V)

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *symbol(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "faultline: %s has no %s: %s\n", FL_LIBGIT2_SONAME, name, dlerror());
        exit(2);
    }
    return p;
}

static void load(void) {
    void *lib = dlopen(FL_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "faultline: cannot load %s (libgit2; scripts/setup installs it): %s\n",
                FL_LIBGIT2_SONAME, dlerror());
        exit(2);
    }
    /* the library stays loaded until the process ends */
#define LOOKUP(ret, name, params, args)                                                            \
    {                                                                                              \
        void *s = symbol(lib, #name);                                                              \
        memcpy(&p_##name, &s, sizeof s);                                                           \
    }
#define LOOKUP_V(name, params, args) LOOKUP(void, name, params, args)
    FL_GIT_FUNCTIONS(LOOKUP, LOOKUP_V)
}

#define FORWARD(ret, name, params, args)                                                           \
    ret name params {                                                                              \
        pthread_once(&once, load);                                                                 \
        return p_##name args;                                                                      \
    }
#define FORWARD_V(name, params, args)                                                              \
    void name params {                                                                             \
        pthread_once(&once, load);                                                                 \
        p_##name args;                                                                             \
    }
FL_GIT_FUNCTIONS(FORWARD, FORWARD_V)
