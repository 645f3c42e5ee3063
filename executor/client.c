/*
 * client.c — one adapter process per client (SPEC §4 adapter protocol).
 *
 * The plan's client command is started as faultline's child with pipes on stdin/stdout and
 * FAULTLINE_NODES, FAULTLINE_PROCESS, FAULTLINE_MODEL and FAULTLINE_OP_TIMEOUT_MS in its
 * environment; its stderr goes to logs/clients.log. Requests leave as one JSON line each;
 * replies enter as lines, parsed into objects. Timeouts are decided by the caller, which
 * then stops this adapter and starts a fresh one with a new process id.
 */
#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fl_exec_client_start(fl_client *cl, fl_cluster *c, int process, const char *log_dir,
                         fl_error *err) {
    memset(cl, 0, sizeof *cl);
    cl->process = process;
    char *cmd = fl_template_expand(c->sc->client_cmd, 1, c->n, c->addrs, c->nodes[0].dir, err);
    if (!cmd) return -1;
    char log[700];
    snprintf(log, sizeof log, "%s/clients.log", log_dir);
    static char penv[64], tenv[64], menv[128];
    snprintf(penv, sizeof penv, "FAULTLINE_PROCESS=%d", process);
    snprintf(tenv, sizeof tenv, "FAULTLINE_OP_TIMEOUT_MS=%d", c->sc->op_timeout_ms);
    snprintf(menv, sizeof menv, "FAULTLINE_MODEL=%s", c->sc->model);
    char *env[8];
    int k = 0;
    char **base = fl_exec_cluster_env(c);
    for (int i = 0; base[i]; i++) env[k++] = base[i];
    env[k++] = penv;
    env[k++] = tenv;
    env[k++] = menv;
    env[k] = NULL;
    fl_spawn s = {cmd, log, fl_exec_cluster_cmd_ns(c), 1, 1, env};
    int rc = fl_exec_proc_start(&s, &cl->proc, err);
    free(cmd);
    return rc;
}

int fl_exec_client_send(fl_client *cl, long long id, json_t *op) {
    json_t *req = json_deep_copy(op);
    json_object_set_new(req, "id", json_integer(id));
    char *s = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    size_t len = strlen(s);
    s[len] = '\n';
    const char *p = s;
    size_t left = len + 1;
    while (left > 0) {
        ssize_t w = write(cl->proc.in_fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            free(s);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    free(s);
    cl->busy = 1;
    cl->req_id = id;
    cl->op = op;
    cl->sent_at = fl_exec_now();
    return 0;
}

json_t *fl_exec_client_read(fl_client *cl, int *bad, int *eof) {
    *bad = 0;
    *eof = 0;
    char buf[8192];
    for (;;) {
        char *nl = cl->rbuf.data ? memchr(cl->rbuf.data, '\n', cl->rbuf.len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - cl->rbuf.data);
            json_error_t e;
            json_t *r = json_loadb(cl->rbuf.data, n, 0, &e);
            memmove(cl->rbuf.data, nl + 1, cl->rbuf.len - n - 1);
            cl->rbuf.len -= n + 1;
            cl->rbuf.data[cl->rbuf.len] = 0;
            if (!r || !json_is_object(r) || !json_is_string(json_object_get(r, "type"))) {
                json_decref(r);
                *bad = 1;
                return NULL;
            }
            return r;
        }
        ssize_t r = read(cl->proc.out_fd, buf, sizeof buf);
        if (r > 0) {
            fl_buf_append(&cl->rbuf, buf, (size_t)r);
            continue;
        }
        if (r == 0) *eof = 1;
        return NULL;
    }
}

void fl_exec_client_stop(fl_client *cl) {
    fl_exec_proc_kill(&cl->proc);
    fl_buf_free(&cl->rbuf);
    json_decref(cl->op);
    cl->op = NULL;
    cl->busy = 0;
}
