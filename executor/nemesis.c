/*
 * nemesis.c — injects the plan's faults and gathers their landing evidence (§1.14).
 *
 * A fault spec and the running cluster enter; the fault's window leaves as nemesis lines in
 * the history and, in fl_fault, evidence text from the injector side (what was done and the
 * system's own answer: the reaped status, the DROP rule counters, the file written) and from
 * a victim side (the old PID gone and a new one serving, /proc state T, a cut node failing
 * its health check, client timeouts or latencies that rose). fl_exec_nemesis_judge decides
 * `proven`; a fault without both sides is never proven.
 *
 * kill: SIGKILL to the node's process group, reaped with waitpid, restarted at the window's
 * end. restart: SIGTERM (SIGKILL after 5 s), reaped, started again at once. pause:
 * SIGSTOP/SIGCONT. partition: iptables DROP rules in the cut nodes' namespaces. loss:
 * iptables statistic. clock-skew: the victim's libfaketime control file. latency: the delay
 * file of a faultline-proxy that the plan put in front of the node (no netem here).
 */
#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int epoch_counter;

/* 1 when the executable of pid is a Go program (libfaketime cannot move its clock). */
static int is_go_binary(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    struct stat st;
    int go = 0;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            go = memmem(m, (size_t)st.st_size, "\xff Go buildinf:", 14) != NULL ||
                 memmem(m, (size_t)st.st_size, "runtime.goexit", 14) != NULL;
            munmap(m, (size_t)st.st_size);
        }
    }
    close(fd);
    return go;
}

static const char *delay_file_of(const char *cmd, char *out, size_t cap) {
    const char *p = cmd ? strstr(cmd, "--delay-file") : NULL;
    if (!p || !strstr(cmd, "faultline-proxy")) return NULL;
    p += strlen("--delay-file");
    while (*p == ' ' || *p == '=') p++;
    size_t n = strcspn(p, " \t;&|");
    if (!n || n >= cap) return NULL;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

static int netem_works(char *reason, size_t cap) {
    char name[48];
    snprintf(name, sizeof name, "flnetem%d", (int)getpid());
    fl_exec_netns_register(name);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "ip netns add %s && ip netns exec %s tc qdisc add dev lo root netem delay 10ms; "
             "rc=$?; ip netns del %s; exit $rc",
             name, name, name);
    fl_buf out = FL_BUF_INIT;
    int rc = fl_exec_run_cmd(cmd, NULL, NULL, 10, &out);
    fl_exec_netns_unregister(name);
    if (rc != 0) {
        snprintf(reason, cap, "tc netem failed (%.120s)", fl_buf_cstr(&out));
        for (char *p = reason; *p; p++)
            if (*p == '\n') *p = ' ';
    }
    fl_buf_free(&out);
    return rc == 0;
}

int fl_exec_nemesis_env_ok(const fl_scenario *sc, const fl_exec_nemesis_spec *ns, char *reason,
                           size_t cap) {
    switch (ns->kind) {
        case FL_NEM_KILL:
        case FL_NEM_RESTART:
        case FL_NEM_PAUSE:
            return 1;
        case FL_NEM_PARTITION:
        case FL_NEM_LOSS: {
            char why[600];
            if (fl_exec_netns_probe(why, sizeof why) < 0) {
                snprintf(reason, cap, "%s fault needs network namespaces: %s", ns->kind_name, why);
                return 0;
            }
            if (sc->nodes > 15) {
                snprintf(reason, cap, "%s fault supports at most 15 nodes", ns->kind_name);
                return 0;
            }
            return 1;
        }
        case FL_NEM_CLOCK_SKEW:
            if (access("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", R_OK) != 0 &&
                access("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", R_OK) != 0) {
                snprintf(reason, cap,
                         "clock-skew needs libfaketime (Debian package libfaketime), not "
                         "installed");
                return 0;
            }
            return 1;
        case FL_NEM_LATENCY: {
            char buf[512];
            for (int i = 0; i < sc->nodes; i++)
                if (delay_file_of(sc->start[i], buf, sizeof buf)) return 1;
            char why[256] = "";
            if (geteuid() == 0 && netem_works(why, sizeof why)) {
                snprintf(reason, cap,
                         "latency: netem works here but faultline injects latency only through "
                         "a faultline-proxy --delay-file in front of a node; the plan has none");
                return 0;
            }
            snprintf(reason, cap,
                     "latency needs netem or a delaying proxy: the kernel has no sch_netem (%s) "
                     "and the plan puts no `faultline-proxy ... --delay-file F` in front of a "
                     "node",
                     why[0] ? why : "not root");
            return 0;
        }
    }
    return 0;
}

static void pick_victims(fl_fault *f, fl_cluster *c, fl_rng *rng) {
    const char *t = f->spec->target;
    int n = c->n;
    f->nvictims = 0;
    if (!strncmp(t, "node-", 5)) {
        f->victims[f->nvictims++] = atoi(t + 5);
        return;
    }
    int leader = 0;
    if (!strcmp(t, "leader") || !strcmp(t, "non-leader")) {
        leader = fl_exec_cluster_leader(c);
        if (leader)
            fl_buf_printf(&f->injector, "leader (asked the cluster) is n%d; ", leader);
        else
            fl_buf_printf(&f->injector, "leader unknown (the leader command answered nothing), "
                                        "random node; ");
    }
    if (!strcmp(t, "leader")) {
        f->victims[f->nvictims++] = leader ? leader : 1 + fl_exec_rng_range(rng, n);
        return;
    }
    if (!strcmp(t, "non-leader")) {
        int v;
        do v = 1 + fl_exec_rng_range(rng, n);
        while (n > 1 && v == leader);
        f->victims[f->nvictims++] = v;
        return;
    }
    int want = 1;
    if (!strcmp(t, "minority")) want = (n - 1) / 2 > 0 ? (n - 1) / 2 : 1;
    if (!strcmp(t, "majority")) want = n / 2 + 1;
    if (!strcmp(t, "all")) want = n;
    int order[16];
    for (int i = 0; i < n; i++) order[i] = i + 1;
    for (int i = n - 1; i > 0; i--) {
        int j = fl_exec_rng_range(rng, i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (int i = 0; i < want && i < n; i++) f->victims[f->nvictims++] = order[i];
}

static unsigned victim_mask(const fl_fault *f) {
    unsigned m = 0;
    for (int i = 0; i < f->nvictims; i++) m |= 1u << (f->victims[i] - 1);
    return m;
}

static json_t *victims_json(const fl_fault *f) {
    json_t *a = json_array();
    for (int i = 0; i < f->nvictims; i++) {
        char b[16];
        snprintf(b, sizeof b, "n%d", f->victims[i]);
        json_array_append_new(a, json_string(b));
    }
    return a;
}

static void start_check(fl_fault *f, fl_cluster *c, int node, int kind) {
    fl_error err;
    fl_node *nd = &c->nodes[node - 1];
    char *cmd = fl_template_expand(c->sc->health, node, c->n, c->addrs, nd->dir, &err);
    if (!cmd) return;
    fl_spawn s = {cmd, NULL, fl_exec_cluster_cmd_ns(c), 0, 0, fl_exec_cluster_env(c)};
    if (fl_exec_proc_start(&s, &f->check, &err) == 0) {
        f->check_kind = kind;
        f->check_node = node;
    }
    free(cmd);
}

void fl_exec_nemesis_begin(fl_fault *f, fl_cluster *c, fl_rec *h, fl_rng *rng, double t) {
    const fl_exec_nemesis_spec *ns = f->spec;
    f->active = 1;
    f->started = t;
    f->ended = -1;
    f->epoch = ++epoch_counter;
    pick_victims(f, c, rng);
    h->fault_epoch = f->epoch;
    json_t *val = json_pack("{s:s,s:o,s:i,s:f}", "kind", ns->kind_name, "nodes", victims_json(f),
                            "fault_epoch", f->epoch, "at_s", (double)(long long)(t * 1000) / 1000);
    switch (ns->kind) {
        case FL_NEM_KILL:
        case FL_NEM_RESTART:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                f->old_pid[i] = nd->proc.pid;
                if (ns->kind == FL_NEM_RESTART && !nd->proc.exited) {
                    fl_exec_proc_signal(&nd->proc, SIGCONT);
                    fl_exec_proc_signal(&nd->proc, SIGTERM);
                    double dl = fl_exec_now() + 5;
                    while (!fl_exec_proc_poll(&nd->proc) && fl_exec_now() < dl) fl_exec_sleep(0.02);
                }
                fl_exec_proc_kill(&nd->proc);
                int st = nd->proc.status;
                fl_buf_printf(&f->injector, "%s pid %d (n%d) at T+%.1fs; reaped: %s %d; ",
                              ns->kind == FL_NEM_KILL ? "SIGKILL to" : "SIGTERM to",
                              (int)f->old_pid[i], f->victims[i], t,
                              WIFSIGNALED(st) ? "killed by signal" : "exit status",
                              WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                if (ns->kind == FL_NEM_RESTART) {
                    fl_error err;
                    if (fl_exec_cluster_restart_node(c, f->victims[i], &err) == 0) {
                        f->new_pid[i] = nd->proc.pid;
                        fl_buf_printf(&f->injector, "started again as pid %d; ", (int)nd->proc.pid);
                    }
                }
            }
            break;
        case FL_NEM_PAUSE:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                f->old_pid[i] = nd->proc.pid;
                int rc = fl_exec_proc_signal(&nd->proc, SIGSTOP);
                nd->paused = 1;
                fl_buf_printf(&f->injector, "SIGSTOP to process group %d (n%d) at T+%.1fs: %s; ",
                              (int)nd->proc.pid, f->victims[i], t,
                              rc == 0 ? "delivered" : "failed");
            }
            break;
        case FL_NEM_PARTITION:
        case FL_NEM_LOSS: {
            unsigned vm = victim_mask(f), all = (1u << c->n) - 1;
            int one_way = !strcmp(ns->mode, "one-way");
            for (int i = 0; i < f->nvictims; i++) {
                int v = f->victims[i] - 1;
                f->drops_before += fl_exec_netns_drop_packets(&c->net, v);
                fl_buf log = FL_BUF_INIT;
                int rc = ns->kind == FL_NEM_LOSS
                             ? fl_exec_netns_loss(&c->net, v, ns->probability, &log)
                             : fl_exec_netns_cut(&c->net, v, all & ~vm, one_way, &log);
                fl_buf_printf(&f->injector, "%s on n%d (%s) at T+%.1fs: rules %s; ",
                              ns->kind == FL_NEM_LOSS ? "iptables statistic DROP" : "iptables DROP",
                              f->victims[i], c->net.addr[v], t, rc == 0 ? "installed" : "FAILED");
                fl_buf_free(&log);
            }
            break;
        }
        case FL_NEM_CLOCK_SKEW:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                char txt[64];
                snprintf(txt, sizeof txt, "%+.0f\n", ns->skew_s);
                fl_error err;
                int rc =
                    nd->faketime_file[0] ? fl_exec_write_text(nd->faketime_file, txt, &err) : -1;
                fl_buf_printf(&f->injector, "libfaketime offset %+.0fs written for n%d: %s; ",
                              ns->skew_s, f->victims[i], rc == 0 ? "ok" : "failed");
                if (nd->proc.pid && is_go_binary(nd->proc.pid))
                    snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                             "n%d is a Go program: Go reads the clock through the vDSO, so "
                             "libfaketime cannot move its clock",
                             f->victims[i]);
            }
            break;
        case FL_NEM_LATENCY:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                if (!delay_file_of(nd->cmd, f->delay_file, sizeof f->delay_file)) {
                    fl_buf_printf(&f->injector, "n%d has no faultline-proxy delay file; ",
                                  f->victims[i]);
                    continue;
                }
                char txt[32];
                snprintf(txt, sizeof txt, "%d\n", ns->delay_ms);
                fl_error err;
                int rc = fl_exec_write_text(f->delay_file, txt, &err);
                fl_buf_printf(&f->injector, "proxy delay %d ms written to %s: %s; ", ns->delay_ms,
                              f->delay_file, rc == 0 ? "ok" : "failed");
            }
            break;
    }
    fl_exec_rec_nemesis(h, "start", val);
}

void fl_exec_nemesis_tick(fl_fault *f, fl_cluster *c, fl_rec *h, double t) {
    (void)h;
    if (f->check.pid && !f->check.exited && fl_exec_proc_poll(&f->check)) {
        int ok = WIFEXITED(f->check.status) && WEXITSTATUS(f->check.status) == 0;
        if (f->check_kind == 1 && ok) {
            f->restarted_healthy = 1;
            fl_buf_printf(&f->victim, "n%d answered its health check as pid %d at T+%.1fs; ",
                          f->check_node, (int)c->nodes[f->check_node - 1].proc.pid, t);
        } else if (f->check_kind == 2 && !ok && f->active) {
            f->peers_unreachable = 1;
            fl_buf_printf(&f->victim,
                          "cut node n%d failed its health check at T+%.1fs (it cannot reach "
                          "its peers); ",
                          f->check_node, t);
        }
        f->check.pid = 0;
        f->check_kind = 0;
        f->checks_done++;
    }
    if (f->active && f->spec->kind == FL_NEM_PAUSE && !f->state_t_seen && t > f->started + 0.05) {
        for (int i = 0; i < f->nvictims; i++) {
            char st = fl_exec_proc_state(c->nodes[f->victims[i] - 1].proc.pid);
            if (st == 'T') {
                f->state_t_seen = 1;
                fl_buf_printf(&f->victim, "/proc/%d/stat state T at T+%.1fs; ",
                              (int)c->nodes[f->victims[i] - 1].proc.pid, t);
                break;
            }
        }
    }
    /* partition: ask the cut node for its health from the middle of the window on */
    if (f->active && f->spec->kind == FL_NEM_PARTITION && !f->peers_unreachable && !f->check.pid &&
        f->checks_done < 6 && t > f->started + f->spec->duration_s / 2)
        start_check(f, c, f->victims[0], 2);
    /* kill/restart: the new incarnation must answer its health check */
    if ((f->spec->kind == FL_NEM_KILL || f->spec->kind == FL_NEM_RESTART) && f->new_pid[0] &&
        !f->restarted_healthy && !f->check.pid && f->checks_done < 200)
        start_check(f, c, f->victims[0], 1);
}

void fl_exec_nemesis_end(fl_fault *f, fl_cluster *c, fl_rec *h, double t) {
    if (!f->active) return;
    const fl_exec_nemesis_spec *ns = f->spec;
    f->active = 0;
    f->done = 1;
    f->ended = t;
    switch (ns->kind) {
        case FL_NEM_KILL:
            for (int i = 0; i < f->nvictims; i++) {
                fl_error err;
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                if (fl_exec_cluster_restart_node(c, f->victims[i], &err) == 0) {
                    f->new_pid[i] = nd->proc.pid;
                    fl_buf_printf(&f->injector, "n%d restarted as pid %d at T+%.1fs; ",
                                  f->victims[i], (int)nd->proc.pid, t);
                }
            }
            break;
        case FL_NEM_RESTART:
            break;
        case FL_NEM_PAUSE:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                fl_exec_proc_signal(&nd->proc, SIGCONT);
                nd->paused = 0;
                fl_buf_printf(&f->injector, "SIGCONT to n%d at T+%.1fs; ", f->victims[i], t);
            }
            break;
        case FL_NEM_PARTITION:
        case FL_NEM_LOSS:
            for (int i = 0; i < f->nvictims; i++) {
                int v = f->victims[i] - 1;
                f->drops_after += fl_exec_netns_drop_packets(&c->net, v);
                fl_exec_netns_heal(&c->net, v);
            }
            fl_buf_printf(&f->injector,
                          "DROP rule packet counters %lld -> %lld; healed at T+%.1fs; ",
                          f->drops_before, f->drops_after, t);
            break;
        case FL_NEM_CLOCK_SKEW:
            for (int i = 0; i < f->nvictims; i++) {
                fl_node *nd = &c->nodes[f->victims[i] - 1];
                fl_error err;
                if (nd->faketime_file[0]) fl_exec_write_text(nd->faketime_file, "+0\n", &err);
            }
            fl_buf_printf(&f->injector, "clock offsets reset at T+%.1fs; ", t);
            break;
        case FL_NEM_LATENCY:
            if (f->delay_file[0]) {
                fl_error err;
                fl_exec_write_text(f->delay_file, "0\n", &err);
                fl_buf_printf(&f->injector, "proxy delay reset at T+%.1fs; ", t);
            }
            break;
    }
    int still = 0; /* another fault may still be active: the caller resets fault_epoch */
    (void)still;
    json_t *val = json_pack("{s:s,s:o,s:i,s:f}", "kind", ns->kind_name, "nodes", victims_json(f),
                            "fault_epoch", f->epoch, "at_s", (double)(long long)(t * 1000) / 1000);
    fl_exec_rec_nemesis(h, "stop", val);
}

static int count_in(const double *a, int n, double from, double to) {
    int k = 0;
    for (int i = 0; i < n; i++)
        if (a[i] >= from && a[i] < to) k++;
    return k;
}

static double mean_lat(const fl_rec *h, double from, double to) {
    double s = 0;
    int k = 0;
    for (int i = 0; i < h->nlat; i++)
        if (h->lat_at[i] >= from && h->lat_at[i] < to) {
            s += h->lat_s[i];
            k++;
        }
    return k ? s / k : 0;
}

void fl_exec_nemesis_judge(fl_fault *f, fl_rec *h) {
    if (f->check.pid) {
        fl_exec_proc_kill(&f->check);
        f->check.pid = 0;
    }
    const fl_exec_nemesis_spec *ns = f->spec;
    double end = f->ended >= 0 ? f->ended : f->started + ns->duration_s;
    double win = end - f->started;
    if (win < 0.5) win = 0.5;
    double before = f->started > 0.5 ? f->started : 0.5;
    int tb = count_in(h->timeout_at, h->ntimeout_at, 0, f->started);
    double late = h->op_timeout_s + 0.5; /* an op sent in the window times out this late */
    int td = count_in(h->timeout_at, h->ntimeout_at, f->started, end + late);
    double rb = tb / before, rd = td / (win + late);
    int timeouts_rose = td > 0 && rd > rb;
    /* client errors (fail or info) of ops sent before vs inside the window */
    int eb = count_in(h->err_at, h->nerr, 0, f->started);
    int ed = count_in(h->err_at, h->nerr, f->started, end);
    double reb = eb / before, red = ed / win;
    int errors_rose = ed > 0 && red > reb;
    if (td > 0 || tb > 0)
        fl_buf_printf(&f->victim,
                      "client timeouts %.1f/s before -> %.1f/s in the window (%d ops); ", rb, rd,
                      td);
    int injector = f->injector.len > 0 && !strstr(fl_buf_cstr(&f->injector), "FAILED");
    int victim = 0;
    switch (ns->kind) {
        case FL_NEM_KILL:
        case FL_NEM_RESTART:
            for (int i = 0; i < f->nvictims; i++) {
                int gone = f->old_pid[i] && kill(f->old_pid[i], 0) < 0 && errno == ESRCH;
                if (gone) fl_buf_printf(&f->victim, "old pid %d is gone; ", (int)f->old_pid[i]);
                victim =
                    gone && f->new_pid[i] && f->new_pid[i] != f->old_pid[i] && f->restarted_healthy;
            }
            if (!victim)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "no new incarnation of the killed node answered its health check");
            break;
        case FL_NEM_PAUSE:
            /* state T for the window, and a client-side effect: timeouts rose, or one of
             * the plan's evidence entries for this fault matched (a paused replication
             * link shows on the replica, not in client timeouts) */
            victim = f->state_t_seen && (timeouts_rose || f->plan_evidence_matched);
            if (!f->state_t_seen)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "the paused process was never seen in state T");
            else if (!victim)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "the process was in state T but no victim noticed: client timeouts "
                         "did not rise and no evidence entry matched");
            break;
        case FL_NEM_PARTITION:
        case FL_NEM_LOSS:
            injector = injector && f->drops_after > f->drops_before;
            if (ns->kind == FL_NEM_LOSS) {
                double lb = mean_lat(h, 0, f->started), ld = mean_lat(h, f->started, end);
                int slower = ld > lb * 1.2 && ld - lb > 0.002;
                fl_buf_printf(&f->victim,
                              "mean op latency %.1f ms before -> %.1f ms in the window; ",
                              lb * 1000, ld * 1000);
                if (ed || eb)
                    fl_buf_printf(&f->victim,
                                  "client errors %.1f/s before -> %.1f/s in the window; ", reb,
                                  red);
                victim = slower || timeouts_rose || errors_rose;
            } else {
                victim = f->peers_unreachable || timeouts_rose;
            }
            if (!injector)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "the DROP rules' packet counters did not rise (%lld -> %lld): wrong "
                         "chain or no traffic",
                         f->drops_before, f->drops_after);
            else if (!victim)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason, "%s",
                         ns->kind == FL_NEM_LOSS
                             ? "no victim-side signal: client latency, errors and timeouts did "
                               "not rise"
                             : "no victim-side signal: the cut node kept passing its health "
                               "check and client timeouts did not rise");
            break;
        case FL_NEM_CLOCK_SKEW:
            victim = 0; /* only a plan evidence entry can show the victim's clock moved */
            if (!f->not_proven_reason[0])
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "no victim-side evidence that the victim's clock moved (add an "
                         "evidence entry for this fault)");
            break;
        case FL_NEM_LATENCY: {
            double lb = mean_lat(h, 0, f->started), ld = mean_lat(h, f->started, end);
            victim = ld > lb + ns->delay_ms / 2000.0;
            fl_buf_printf(&f->victim, "mean op latency %.1f ms before -> %.1f ms in the window; ",
                          lb * 1000, ld * 1000);
            if (!victim)
                snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                         "client latency did not rise in the window");
            break;
        }
    }
    f->proven = injector && victim;
    if (!injector && !f->not_proven_reason[0])
        snprintf(f->not_proven_reason, sizeof f->not_proven_reason,
                 "the injector reported no success");
}

void fl_exec_fault_free(fl_fault *f) {
    if (f->check.pid) fl_exec_proc_kill(&f->check);
    fl_buf_free(&f->injector);
    fl_buf_free(&f->victim);
}
