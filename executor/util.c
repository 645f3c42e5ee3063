/*
 * util.c — small helpers of the executor: JSON and text written atomically, and where the
 * shipped adapter programs live (FAULTLINE_ADAPTER_DIR, else beside the faultline binary's
 * build tree, else the folder CMake built them in).
 */
#include "exec.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fl_exec_write_json(const char *path, const json_t *v, fl_error *err) {
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s) {
        fl_error_set(err, path, 0, 0, "could not serialise JSON");
        return -1;
    }
    size_t n = strlen(s);
    char *t = fl_xmalloc(n + 2);
    memcpy(t, s, n);
    t[n] = '\n';
    t[n + 1] = 0;
    free(s);
    int rc = fl_file_write_atomic(path, t, n + 1, err);
    free(t);
    return rc;
}

int fl_exec_write_text(const char *path, const char *text, fl_error *err) {
    return fl_file_write_atomic(path, text, strlen(text), err);
}

const char *fl_exec_adapter_dir(void) {
    static char dir[600];
    if (dir[0]) return dir;
    const char *env = getenv("FAULTLINE_ADAPTER_DIR");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char cand[600];
        snprintf(cand, sizeof cand, "%s/../executor/adapters", dirname(exe));
        char probe[700];
        snprintf(probe, sizeof probe, "%s/faultline-adapter-etcd", cand);
        if (access(probe, X_OK) == 0) {
            char *real = realpath(cand, NULL);
            snprintf(dir, sizeof dir, "%s", real ? real : cand);
            free(real);
            return dir;
        }
    }
    snprintf(dir, sizeof dir, "%s", FL_ADAPTER_DIR);
    return dir;
}
