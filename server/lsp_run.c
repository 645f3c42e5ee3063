/*
 * lsp_run.c — faultline/run's child processes.
 *
 * lsp_run_start turns the request's params into a `faultline run` command line (this same
 * executable, found through /proc/self/exe), starts it with its output going to a log file,
 * and answers with the pid. lsp_run_poll (from the idle loop) reaps children that ended and
 * tells the client with faultline/runFinished, then reloads coverage so the new verdicts
 * reach the diagnostics. Children still running when the server exits are terminated.
 */
#include "lsp_coverage.h"
#include "lsp_features.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct run_child {
    pid_t pid;
    char *log;
    char *out;
} run_child;

static run_child children[16];

static void add_arg(char **argv, int *n, const char *a) {
    argv[(*n)++] = fl_xstrdup(a);
}

void lsp_run_start(lsp_server *s, json_t *p, lsp_reply *r) {
    size_t slot = 0;
    while (slot < 16 && children[slot].pid) slot++;
    if (slot == 16) {
        lsp_reply_error(r, LSP_REQUEST_FAILED, "16 runs are already going: wait for one to end");
        return;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        lsp_reply_error(r, LSP_REQUEST_FAILED, "cannot find the faultline executable");
        return;
    }
    self[n] = '\0';
    const char *root = s->nroots ? s->roots[0] : ".";
    fl_buf plan = FL_BUF_INIT, log = FL_BUF_INIT;
    const char *pv = json_string_value(json_object_get(p, "plan"));
    if (pv[0] == '/')
        fl_buf_puts(&plan, pv);
    else
        fl_buf_printf(&plan, "%s/%s", root, pv);
    char *argv[12];
    int argc = 0;
    add_arg(argv, &argc, self);
    add_arg(argv, &argc, "run");
    add_arg(argv, &argc, plan.data);
    json_t *sc = json_object_get(p, "scenario"), *seed = json_object_get(p, "seed");
    json_t *out = json_object_get(p, "out");
    if (sc) {
        add_arg(argv, &argc, "--scenario");
        add_arg(argv, &argc, json_string_value(sc));
    }
    if (seed) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(seed));
        add_arg(argv, &argc, "--seed");
        add_arg(argv, &argc, num);
    }
    if (out) {
        add_arg(argv, &argc, "--out");
        add_arg(argv, &argc, json_string_value(out));
    }
    argv[argc] = NULL;
    fl_buf_printf(&log, "%s/.faultline/run-%ld.log", root, (long)time(NULL));
    fl_error err;
    fl_buf dir = FL_BUF_INIT;
    fl_buf_printf(&dir, "%s/.faultline", root);
    fl_mkdirs(dir.data, &err);
    fl_buf_free(&dir);
    int fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t pid = fd < 0 ? -1 : fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(root) != 0) _exit(127);
        execv(self, argv);
        _exit(127);
    }
    if (fd >= 0) close(fd);
    if (pid < 0) {
        lsp_reply_error(r, LSP_REQUEST_FAILED, "cannot start faultline run: %s", strerror(errno));
    } else {
        children[slot] =
            (run_child){pid, fl_xstrdup(log.data), out ? fl_xstrdup(json_string_value(out)) : NULL};
        json_t *cmd = json_array();
        for (int i = 0; i < argc; i++) json_array_append_new(cmd, json_string(argv[i]));
        r->result = json_pack("{s:i, s:o, s:s}", "pid", (int)pid, "command", cmd, "log", log.data);
    }
    for (int i = 0; i < argc; i++) free(argv[i]);
    fl_buf_free(&plan);
    fl_buf_free(&log);
}

bool lsp_run_poll(lsp_server *s) {
    bool did = false;
    for (int i = 0; i < 16; i++) {
        if (!children[i].pid) continue;
        int st;
        pid_t w = waitpid(children[i].pid, &st, WNOHANG);
        if (w == 0) continue;
        int code = w < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        lsp_notify(s, "faultline/runFinished",
                   json_pack("{s:i, s:i, s:s, s:s?}", "pid", (int)children[i].pid, "exitCode", code,
                             "log", children[i].log, "out", children[i].out));
        free(children[i].log);
        free(children[i].out);
        children[i] = (run_child){0};
        lsp_coverage_reload(s);
        did = true;
    }
    return did;
}

bool lsp_run_active(void) {
    for (int i = 0; i < 16; i++)
        if (children[i].pid) return true;
    return false;
}

void lsp_run_stop_all(void) {
    for (int i = 0; i < 16; i++) {
        if (!children[i].pid) continue;
        kill(children[i].pid, SIGTERM);
        waitpid(children[i].pid, NULL, 0);
        free(children[i].log);
        free(children[i].out);
        children[i] = (run_child){0};
    }
}
