/*
 * scenario.c — one seed of one scenario: cluster up, workload + nemesis, evidence, checker.
 *
 * The scenario and a seed enter; a folder leaves with history.jsonl, nemesis.jsonl,
 * checker.json and logs/, and fl_seed_run holds what the verdict needs: whether it ran, an
 * environment gap with its reason, the checker's state and result, the faults scheduled and
 * proven with their landing evidence. One event loop drives everything: it issues ops at the
 * plan's rate over `concurrency` adapters, reads replies, turns a missed op_timeout into
 * `info` (and replaces that adapter with a fresh process), and starts and ends fault windows
 * on schedule. Everything it started is stopped before it returns.
 */
#include "exec.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct loop {
    const fl_scenario *sc;
    fl_cluster *c;
    fl_rec *h;
    fl_client *clients;
    int next_process;
    char log_dir[800];
    double t0;
    long long next_id;
} loop;

static double since(const loop *L) {
    return fl_exec_now() - L->t0;
}

static void replace_client(loop *L, fl_client *cl) {
    fl_exec_client_stop(cl);
    fl_error err;
    if (fl_exec_client_start(cl, L->c, L->next_process++, L->log_dir, &err) < 0) cl->proc.pid = 0;
}

static void complete(loop *L, fl_client *cl, const char *type, json_t *value, const char *node,
                     const char *error) {
    json_t *op = cl->op;
    if (value && !strcmp(type, "ok")) {
        json_t *copy = json_copy(op);
        json_object_set(copy, "value", value);
        fl_exec_rec_op(L->h, cl->process, type, copy, node, error);
        json_decref(copy);
    } else {
        fl_exec_rec_op(L->h, cl->process, type, op, node, error);
    }
    /* every completion (timeouts too) is a latency sample placed at its invoke; the judge
     * takes the ops whose lifetime overlaps a fault window */
    fl_exec_rec_note_latency(L->h, cl->sent_at - L->t0, fl_exec_now() - cl->sent_at);
    if (strcmp(type, "ok")) fl_exec_rec_note_error(L->h, cl->sent_at - L->t0);
    json_decref(cl->op);
    cl->op = NULL;
    cl->busy = 0;
}

static void handle_readable(loop *L, fl_client *cl) {
    for (;;) {
        int bad, eof;
        json_t *r = fl_exec_client_read(cl, &bad, &eof);
        if (bad || eof) {
            if (cl->busy) {
                L->h->malformed_replies += bad;
                complete(L, cl, "info", NULL, NULL,
                         bad ? "adapter sent a malformed reply" : "adapter exited");
            }
            replace_client(L, cl);
            return;
        }
        if (!r) return;
        json_t *id = json_object_get(r, "id");
        if (!cl->busy || !json_is_integer(id) || json_integer_value(id) != cl->req_id) {
            L->h->malformed_replies++;
            json_decref(r);
            continue;
        }
        const char *type = json_string_value(json_object_get(r, "type"));
        const char *node = json_string_value(json_object_get(r, "node"));
        const char *error = json_string_value(json_object_get(r, "error"));
        if (strcmp(type, "ok") && strcmp(type, "fail") && strcmp(type, "info")) {
            L->h->malformed_replies++;
            type = "info";
        }
        int info = !strcmp(type, "info");
        complete(L, cl, type, json_object_get(r, "value"), node, error);
        json_decref(r);
        if (info) { /* a process that got info is never reused */
            replace_client(L, cl);
            return;
        }
    }
}

static void copy_node_logs(fl_cluster *c, const char *run_dir) {
    if (!c->sc->log) return;
    for (int i = 0; i < c->n; i++) {
        fl_error err;
        char *p = fl_template_expand(c->sc->log, i + 1, c->n, c->addrs, c->nodes[i].dir, &err);
        if (!p) continue;
        fl_buf b = FL_BUF_INIT;
        if (fl_file_read(p, &b, NULL) == 0) {
            char dst[900];
            snprintf(dst, sizeof dst, "%s/logs/n%d.server.log", run_dir, i + 1);
            fl_file_write_atomic(dst, b.data ? b.data : "", b.len, NULL);
        }
        fl_buf_free(&b);
        free(p);
    }
}

static void run_workload(loop *L, fl_fault *faults, fl_exec_evidence_state *ev, fl_rng *nrng,
                         FILE *prog) {
    const fl_scenario *sc = L->sc;
    fl_workload w;
    fl_exec_workload_init(&w, sc, (long long)(fl_exec_rng_next(nrng) >> 1) ^ sc->seed);
    double interval = 1.0 / sc->rate, next_issue = 0, op_timeout = sc->op_timeout_ms / 1000.0;
    double end = sc->duration_s;
    struct pollfd pf[64];
    int map[64];
    for (;;) {
        double t = since(L);
        if (fl_exec_stop_requested()) break;
        /* faults */
        int epoch = 0;
        for (int i = 0; i < sc->nnemesis; i++) {
            fl_fault *f = &faults[i];
            if (!f->active && !f->done && t >= f->spec->at_s && t < end) {
                fl_exec_nemesis_begin(f, L->c, L->h, nrng, t);
                fl_exec_progress(prog, "    T+%.1fs %s %s\n", t, f->spec->kind_name,
                         fl_buf_cstr(&f->injector));
                for (int k = 0; k < sc->nevidence; k++)
                    if (ev[k].spec->fault == i && !strcmp(ev[k].spec->kind, "log"))
                        fl_exec_evidence_mark(&ev[k], L->c);
            }
            if (f->active && t >= f->spec->at_s + f->spec->duration_s) {
                fl_exec_nemesis_end(f, L->c, L->h, t);
                fl_exec_progress(prog, "    T+%.1fs end of %s\n", t, f->spec->kind_name);
            }
            for (int k = 0; k < sc->nevidence; k++) {
                fl_exec_evidence_state *e = &ev[k];
                if (e->spec->fault != i) continue;
                if (!strcmp(e->spec->kind, "command") && f->active && !e->marked &&
                    t >= f->started + f->spec->duration_s / 2)
                    fl_exec_evidence_command(e, L->c, f);
                if (!strcmp(e->spec->kind, "log") && e->marked && !e->closed &&
                    t >= f->started + e->spec->within_s)
                    fl_exec_evidence_close(e, L->c);
            }
            fl_exec_nemesis_tick(f, L->c, L->h, t);
            if (f->active) epoch = f->epoch;
        }
        L->h->fault_epoch = epoch;
        if (t >= end) break;
        /* issue */
        for (int i = 0; i < sc->concurrency && t >= next_issue; i++) {
            fl_client *cl = &L->clients[i];
            if (cl->busy || !cl->proc.pid) continue;
            json_t *op = fl_exec_workload_next(&w);
            fl_exec_rec_op(L->h, cl->process, "invoke", op, NULL, NULL);
            if (fl_exec_client_send(cl, ++L->next_id, op) < 0) {
                cl->op = op;
                cl->busy = 1;
                cl->sent_at = fl_exec_now();
                complete(L, cl, "info", NULL, NULL, "adapter did not take the request");
                replace_client(L, cl);
            }
            next_issue += interval;
        }
        if (next_issue < t - 1.0) next_issue = t; /* fell behind: do not burst */
        /* wait for replies */
        int n = 0;
        for (int i = 0; i < sc->concurrency; i++)
            if (L->clients[i].busy && L->clients[i].proc.out_fd >= 0) {
                pf[n].fd = L->clients[i].proc.out_fd;
                pf[n].events = POLLIN;
                map[n++] = i;
            }
        double wait = next_issue - since(L);
        if (wait > 0.01) wait = 0.01;
        if (wait < 0) wait = 0;
        poll(pf, (nfds_t)n, (int)(wait * 1000));
        for (int k = 0; k < n; k++)
            if (pf[k].revents) handle_readable(L, &L->clients[map[k]]);
        /* timeouts */
        double now = fl_exec_now();
        for (int i = 0; i < sc->concurrency; i++) {
            fl_client *cl = &L->clients[i];
            if (cl->busy && now - cl->sent_at > op_timeout) {
                fl_exec_rec_note_timeout(L->h, since(L));
                complete(L, cl, "info", NULL, NULL, "timeout");
                replace_client(L, cl);
            }
        }
    }
    /* drain: in-flight ops get op_timeout to answer */
    double deadline = fl_exec_now() + op_timeout;
    for (;;) {
        int busy = 0, n = 0;
        for (int i = 0; i < sc->concurrency; i++)
            if (L->clients[i].busy) {
                busy = 1;
                pf[n].fd = L->clients[i].proc.out_fd;
                pf[n].events = POLLIN;
                map[n++] = i;
            }
        if (!busy) break;
        if (fl_exec_now() > deadline || fl_exec_stop_requested()) {
            for (int i = 0; i < sc->concurrency; i++)
                if (L->clients[i].busy) {
                    fl_exec_rec_note_timeout(L->h, since(L));
                    complete(L, &L->clients[i], "info", NULL, NULL, "timeout");
                }
            break;
        }
        poll(pf, (nfds_t)n, 10);
        for (int k = 0; k < n; k++)
            if (pf[k].revents) handle_readable(L, &L->clients[map[k]]);
    }
}

void fl_exec_seed_run_exec(const fl_scenario *sc, long long seed, const char *dir, FILE *prog,
                           fl_seed_run *out) {
    memset(out, 0, sizeof *out);
    out->seed = seed;
    snprintf(out->dir, sizeof out->dir, "%s", dir);
    out->landing = json_array();
    out->not_proven = json_array();
    out->faults_scheduled = sc->nnemesis;
    double t_start = fl_exec_now();
    fl_error err;
    char logs[900];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    if (fl_mkdirs(logs, &err) < 0) {
        snprintf(out->error, sizeof out->error, "%s", err.message);
        return;
    }
    int faketime = 0;
    for (int i = 0; i < sc->nnemesis; i++) {
        char why[512];
        if (!fl_exec_nemesis_env_ok(sc, &sc->nemesis[i], why, sizeof why)) {
            out->env_gap = 1;
            snprintf(out->env_reason, sizeof out->env_reason, "%s", why);
            return;
        }
        if (sc->nemesis[i].kind == FL_NEM_CLOCK_SKEW) faketime = 1;
    }
    fl_cluster c;
    if (fl_exec_cluster_start(&c, sc, dir, faketime, &err) < 0) {
        out->env_gap = 1;
        snprintf(out->env_reason, sizeof out->env_reason, "cluster could not start: %s",
                 err.message);
        fl_exec_cluster_stop(&c);
        return;
    }
    char why[512];
    if (fl_exec_cluster_wait_ready(&c, (1u << c.n) - 1, sc->ready_timeout_s, why, sizeof why) < 0) {
        out->env_gap = 1;
        snprintf(out->env_reason, sizeof out->env_reason, "cluster not ready: %s", why);
        fl_exec_cluster_stop(&c);
        return;
    }
    fl_exec_progress(prog, "    cluster of %d up in %.1fs%s\n", c.n, fl_exec_now() - t_start,
             c.use_netns ? " (in network namespaces)" : "");
    fl_rec h;
    fl_exec_rec_init(&h);
    h.op_timeout_s = sc->op_timeout_ms / 1000.0;
    loop L = {sc, &c, &h, fl_xcalloc((size_t)sc->concurrency, sizeof(fl_client)), 0, "", 0, 0};
    snprintf(L.log_dir, sizeof L.log_dir, "%s", logs);
    for (int i = 0; i < sc->concurrency; i++) {
        if (fl_exec_client_start(&L.clients[i], &c, L.next_process++, logs, &err) < 0) {
            snprintf(out->error, sizeof out->error, "adapter could not start: %s", err.message);
            break;
        }
    }
    /* an adapter that dies at once (command not found, bad flags) is an environment gap, not
     * a stream of unknown outcomes */
    fl_exec_sleep(0.05);
    for (int i = 0; i < sc->concurrency && !out->error[0]; i++)
        if (fl_exec_proc_poll(&L.clients[i].proc)) {
            int st = L.clients[i].proc.status;
            out->env_gap = 1;
            snprintf(out->env_reason, sizeof out->env_reason,
                     "the client adapter `%s` exited at start (%s %d); see logs/clients.log",
                     sc->client_cmd, WIFEXITED(st) ? "status" : "signal",
                     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            snprintf(out->error, sizeof out->error, "%s", out->env_reason);
        }
    fl_fault *faults = fl_xcalloc((size_t)sc->nnemesis + 1, sizeof *faults);
    for (int i = 0; i < sc->nnemesis; i++) {
        faults[i].spec = &sc->nemesis[i];
        faults[i].index = i;
        faults[i].ended = -1;
    }
    fl_exec_evidence_state *ev = fl_xcalloc((size_t)sc->nevidence + 1, sizeof *ev);
    for (int i = 0; i < sc->nevidence; i++) ev[i].spec = &sc->evidence[i];
    fl_rng nrng;
    fl_exec_rng_seed(&nrng, (uint64_t)seed);
    double w0 = fl_exec_now();
    L.t0 = w0;
    h.t0_ns = fl_exec_now_ns();
    if (!out->error[0]) {
        out->ran = 1;
        run_workload(&L, faults, ev, &nrng, prog);
    }
    out->workload_s = fl_exec_now() - w0;
    /* heal whatever is still active, then let restarted nodes prove they serve */
    for (int i = 0; i < sc->nnemesis; i++)
        if (faults[i].active) fl_exec_nemesis_end(&faults[i], &c, &h, since(&L));
    double settle = fl_exec_now() + 10;
    for (;;) {
        int waiting = 0;
        for (int i = 0; i < sc->nnemesis; i++) {
            fl_exec_nemesis_tick(&faults[i], &c, &h, since(&L));
            fl_nem_kind k = faults[i].spec->kind;
            if ((k == FL_NEM_KILL || k == FL_NEM_RESTART) && faults[i].new_pid[0] &&
                !faults[i].restarted_healthy)
                waiting = 1;
        }
        if (!waiting || fl_exec_now() > settle || fl_exec_stop_requested()) break;
        fl_exec_sleep(0.05);
    }
    for (int i = 0; i < sc->nevidence; i++) {
        const fl_exec_evidence_spec *es = ev[i].spec;
        if (es->fault < sc->nnemesis)
            fl_exec_evidence_judge(&ev[i], &c, &faults[es->fault]);
        else
            fl_exec_evidence_judge(&ev[i], &c, NULL);
    }
    for (int i = 0; i < sc->concurrency; i++) fl_exec_client_stop(&L.clients[i]);
    free(L.clients);
    copy_node_logs(&c, dir);
    fl_exec_cluster_stop(&c);
    if (fl_exec_stop_requested())
        snprintf(out->error, sizeof out->error, "interrupted (SIGINT/SIGTERM)");
    /* landing evidence */
    for (int i = 0; i < sc->nnemesis; i++) {
        fl_fault *f = &faults[i];
        json_t *evs = json_array();
        int evidence_ok = 1;
        for (int k = 0; k < sc->nevidence; k++)
            if (ev[k].spec->fault == i) {
                json_array_append_new(evs,
                                      json_pack("{s:s,s:b,s:s}", "kind", ev[k].spec->kind,
                                                "matched", ev[k].matched, "detail", ev[k].detail));
                if (!ev[k].matched) {
                    evidence_ok = 0;
                } else {
                    f->plan_evidence_matched++;
                    fl_buf_printf(&f->victim, "%s; ", ev[k].detail);
                }
            }
        if (f->started > 0 || f->done) fl_exec_nemesis_judge(f, &h);
        int proven = f->done && f->proven && evidence_ok;
        char reason[600] = "";
        if (!f->done && !f->active)
            snprintf(reason, sizeof reason, "%s was scheduled at %.1fs but never started",
                     f->spec->kind_name, f->spec->at_s);
        else if (!f->proven)
            snprintf(reason, sizeof reason, "%s: %s", f->spec->kind_name, f->not_proven_reason);
        else if (!evidence_ok)
            snprintf(reason, sizeof reason, "%s: a declared evidence entry did not match",
                     f->spec->kind_name);
        if (proven)
            out->faults_proven++;
        else
            json_array_append_new(out->not_proven, json_string(reason));
        json_array_append_new(out->landing,
                              json_pack("{s:s,s:o,s:f,s:f,s:s,s:s,s:b,s:s?,s:o}", "fault",
                                        f->spec->kind_name, "nodes", json_pack("[]"), "at_s",
                                        (double)(long long)(f->started * 1000) / 1000, "end_s",
                                        (double)(long long)(f->ended * 1000) / 1000, "injector",
                                        fl_buf_cstr(&f->injector), "victim",
                                        fl_buf_cstr(&f->victim), "proven", proven, "reason",
                                        reason[0] ? reason : NULL, "evidence", evs));
        json_t *nodes = json_object_get(json_array_get(out->landing, i), "nodes");
        for (int k = 0; k < f->nvictims; k++) {
            char b[16];
            snprintf(b, sizeof b, "n%d", f->victims[k]);
            json_array_append_new(nodes, json_string(b));
        }
        fl_exec_fault_free(f);
    }
    free(faults);
    free(ev);
    /* files */
    char path[900];
    snprintf(path, sizeof path, "%s/history.jsonl", dir);
    fl_file_write_atomic(path, h.events.data ? h.events.data : "", h.events.len, NULL);
    snprintf(path, sizeof path, "%s/nemesis.jsonl", dir);
    fl_file_write_atomic(path, h.nemesis.data ? h.nemesis.data : "", h.nemesis.len, NULL);
    out->ops = h.ops;
    out->malformed = h.malformed_replies;
    /* a history with no successful op, or with replies the adapter garbled, cannot tell a
     * correct system from a broken harness */
    out->weak_history = h.ok == 0 || h.malformed_replies > 0;
    if (h.ok == 0)
        snprintf(out->weak_reason, sizeof out->weak_reason,
                 "no op succeeded (%d fail, %d info): the workload never exercised the SUT", h.fail,
                 h.info);
    else if (h.malformed_replies)
        snprintf(out->weak_reason, sizeof out->weak_reason,
                 "%d adapter replies were malformed or unmatched", h.malformed_replies);
    fl_exec_progress(prog, "    workload %.1fs: %d ops (%d ok, %d fail, %d info, %d timeouts)\n",
             out->workload_s, h.ops, h.ok, h.fail, h.info, h.timeouts);
    if (out->ran && !out->error[0]) {
        char cwhy[512] = "";
        snprintf(path, sizeof path, "%s/history.jsonl", dir);
        out->chk = fl_exec_check(sc, path, &h.events, &out->checker_json, cwhy, sizeof cwhy);
        if (!out->checker_json)
            out->checker_json = json_pack("{s:s,s:s}", "valid", "not-run", "reason", cwhy);
        snprintf(path, sizeof path, "%s/checker.json", dir);
        fl_exec_write_json(path, out->checker_json, NULL);
    }
    fl_exec_rec_free(&h);
    out->overhead_s = fl_exec_now() - t_start - out->workload_s;
}

void fl_exec_seed_run_free(fl_seed_run *r) {
    json_decref(r->checker_json);
    json_decref(r->landing);
    json_decref(r->not_proven);
    r->checker_json = r->landing = r->not_proven = NULL;
}
