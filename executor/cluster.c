/*
 * cluster.c — a scenario's nodes: start them from the plan's templates, poll their health,
 * restart one, ask for the leader, stop them all.
 *
 * The scenario's cluster block and a run folder enter; running nodes leave, each a child of
 * faultline in its own process group with stdout/stderr appended to logs/n<i>.log and a
 * fresh data folder data/n<i>/. With partitions in the plan the nodes live in network
 * namespaces (netns.c) and the clients and health checks run in the client namespace.
 * With a clock-skew fault in the plan, libfaketime is preloaded into every node.
 */
#include "exec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *faketime_lib(void) {
    static const char *paths[] = {"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                                  "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                                  "/usr/lib/faketime/libfaketime.so.1", NULL};
    for (int i = 0; paths[i]; i++)
        if (access(paths[i], R_OK) == 0) return paths[i];
    return NULL;
}

static int port_busy(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    int one = 1; /* like the servers: TIME_WAIT leftovers of a previous run do not count */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = bind(fd, (struct sockaddr *)&a, sizeof a);
    close(fd);
    return r < 0;
}

const char *fl_exec_cluster_cmd_ns(fl_cluster *c) {
    return c->use_netns ? c->net.client_ns : NULL;
}

static char **env_store[64];

char **fl_exec_cluster_env(fl_cluster *c) {
    static char nodes[1100], path[4200], adir[600];
    static char *env[4];
    snprintf(nodes, sizeof nodes, "%s", c->nodes_env);
    const char *old = getenv("PATH");
    snprintf(path, sizeof path, "PATH=%s:%s", fl_exec_adapter_dir(), old ? old : "/usr/bin:/bin");
    snprintf(adir, sizeof adir, "FAULTLINE_ADAPTER_DIR=%s", fl_exec_adapter_dir());
    env[0] = nodes;
    env[1] = path;
    env[2] = adir;
    env[3] = NULL;
    (void)env_store;
    return env;
}

static int start_node(fl_cluster *c, int i, fl_error *err) {
    fl_node *nd = &c->nodes[i];
    char *envs[8];
    int k = 0;
    char **base = fl_exec_cluster_env(c);
    for (int j = 0; base[j]; j++) envs[k++] = base[j];
    static char ft[4][700];
    if (c->faketime && nd->faketime_file[0]) {
        snprintf(ft[0], sizeof ft[0], "LD_PRELOAD=%s", faketime_lib());
        snprintf(ft[1], sizeof ft[1], "FAKETIME_TIMESTAMP_FILE=%s", nd->faketime_file);
        snprintf(ft[2], sizeof ft[2], "FAKETIME_NO_CACHE=1");
        snprintf(ft[3], sizeof ft[3], "FAKETIME_DONT_FAKE_MONOTONIC=1");
        for (int j = 0; j < 4; j++) envs[k++] = ft[j];
    }
    envs[k] = NULL;
    fl_spawn s = {nd->cmd, nd->log_path, c->use_netns ? c->net.node_ns[i] : NULL, 0, 0, envs};
    return fl_exec_proc_start(&s, &nd->proc, err);
}

int fl_exec_cluster_start(fl_cluster *c, const fl_scenario *sc, const char *run_dir, int faketime,
                          fl_error *err) {
    memset(c, 0, sizeof *c);
    c->sc = sc;
    c->n = sc->nodes;
    c->nodes = fl_xcalloc((size_t)c->n, sizeof *c->nodes);
    c->addrs = fl_xcalloc((size_t)c->n, sizeof *c->addrs);
    snprintf(c->work_dir, sizeof c->work_dir, "%s", run_dir);
    c->use_netns = sc->needs_netns;
    if (faketime && !faketime_lib()) {
        fl_error_set(err, NULL, 0, 0, "libfaketime is not installed (Debian package libfaketime)");
        return -1;
    }
    c->faketime = faketime;
    if (c->use_netns && fl_exec_netns_setup(&c->net, c->n, err) < 0) return -1;
    for (int i = 0; i < c->n; i++) {
        snprintf(c->addrs[i].host, sizeof c->addrs[i].host, "%s",
                 c->use_netns ? c->net.addr[i] : "127.0.0.1");
        c->addrs[i].port = sc->base_port + i * sc->port_stride;
        if (!c->use_netns && (port_busy(c->addrs[i].port) || port_busy(c->addrs[i].port + 1))) {
            fl_error_set(err, NULL, 0, 0, "port %d or %d on 127.0.0.1 is already in use",
                         c->addrs[i].port, c->addrs[i].port + 1);
            return -1;
        }
    }
    fl_buf nodes = FL_BUF_INIT;
    fl_buf_puts(&nodes, "FAULTLINE_NODES=");
    for (int i = 0; i < c->n; i++)
        fl_buf_printf(&nodes, "%s%s:%d", i ? "," : "", c->addrs[i].host, c->addrs[i].port);
    snprintf(c->nodes_env, sizeof c->nodes_env, "%s", fl_buf_cstr(&nodes));
    fl_buf_free(&nodes);
    for (int i = 0; i < c->n; i++) {
        fl_node *nd = &c->nodes[i];
        nd->index = i + 1;
        snprintf(nd->dir, sizeof nd->dir, "%s/data/n%d", run_dir, i + 1);
        snprintf(nd->log_path, sizeof nd->log_path, "%s/logs/n%d.log", run_dir, i + 1);
        if (fl_mkdirs(nd->dir, err) < 0) return -1;
        char logs[600];
        snprintf(logs, sizeof logs, "%s/logs", run_dir);
        if (fl_mkdirs(logs, err) < 0) return -1;
        if (faketime) {
            snprintf(nd->faketime_file, sizeof nd->faketime_file, "%s/faketime-n%d", run_dir,
                     i + 1);
            if (fl_exec_write_text(nd->faketime_file, "+0\n", err) < 0) return -1;
        }
        nd->cmd = fl_template_expand(sc->start[i], i + 1, c->n, c->addrs, nd->dir, err);
        if (!nd->cmd) return -1;
    }
    for (int i = 0; i < c->n; i++)
        if (start_node(c, i, err) < 0) return -1;
    return 0;
}

int fl_exec_cluster_node_healthy(fl_cluster *c, int node, double timeout_s) {
    fl_error err;
    fl_node *nd = &c->nodes[node - 1];
    if (fl_exec_proc_poll(&nd->proc)) return 0;
    char *cmd = fl_template_expand(c->sc->health, node, c->n, c->addrs, nd->dir, &err);
    if (!cmd) return 0;
    int rc =
        fl_exec_run_cmd(cmd, fl_exec_cluster_cmd_ns(c), fl_exec_cluster_env(c), timeout_s, NULL);
    free(cmd);
    return rc == 0;
}

int fl_exec_cluster_wait_ready(fl_cluster *c, unsigned mask, double timeout_s, char *why,
                               size_t cap) {
    double deadline = fl_exec_now() + timeout_s;
    unsigned ready = 0;
    while (!fl_exec_stop_requested()) {
        for (int i = 0; i < c->n; i++) {
            if (!(mask & (1u << i)) || (ready & (1u << i))) continue;
            if (fl_exec_proc_poll(&c->nodes[i].proc)) {
                snprintf(why, cap, "node %d exited during start (status %d); see logs/n%d.log",
                         i + 1, c->nodes[i].proc.status, i + 1);
                return -1;
            }
            if (fl_exec_cluster_node_healthy(c, i + 1, 1.0)) ready |= 1u << i;
        }
        if ((ready & mask) == mask) return 0;
        if (fl_exec_now() > deadline) break;
        fl_exec_sleep(0.1);
    }
    snprintf(why, cap, "nodes not healthy after %.0f s (health command: %s)", timeout_s,
             c->sc->health);
    return -1;
}

int fl_exec_cluster_restart_node(fl_cluster *c, int node, fl_error *err) {
    fl_node *nd = &c->nodes[node - 1];
    fl_exec_proc_kill(&nd->proc);
    return start_node(c, node - 1, err);
}

int fl_exec_cluster_leader(fl_cluster *c) {
    if (!c->sc->leader) return 0;
    fl_error err;
    char *cmd = fl_template_expand(c->sc->leader, 1, c->n, c->addrs, c->nodes[0].dir, &err);
    if (!cmd) return 0;
    fl_buf out = FL_BUF_INIT;
    int rc = fl_exec_run_cmd(cmd, fl_exec_cluster_cmd_ns(c), fl_exec_cluster_env(c), 2.0, &out);
    free(cmd);
    int leader = 0;
    if (rc == 0 && out.data) leader = atoi(out.data);
    fl_buf_free(&out);
    return leader >= 1 && leader <= c->n ? leader : 0;
}

void fl_exec_cluster_stop(fl_cluster *c) {
    for (int i = 0; c->nodes && i < c->n; i++) {
        fl_exec_proc_signal(&c->nodes[i].proc, SIGCONT);
        fl_exec_proc_kill(&c->nodes[i].proc);
        free(c->nodes[i].cmd);
    }
    if (c->use_netns && c->net.hub_ns[0]) fl_exec_netns_teardown(&c->net);
    free(c->nodes);
    free(c->addrs);
    c->nodes = NULL;
    c->addrs = NULL;
}
