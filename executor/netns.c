/*
 * netns.c — network namespaces for partition and loss faults.
 *
 * Each node gets its own namespace, joined by a veth pair to a bridge that lives in a hub
 * namespace of its own; the clients and health checks run in one more namespace on the same
 * bridge. Nothing is connected to the host's network: the addresses (10.213.0.x) exist only
 * inside these namespaces. Faults are iptables DROP rules inside a node's namespace (INPUT
 * from / OUTPUT to each peer), loss the `statistic` match; their packet counters are the
 * injector-side evidence. Every namespace is registered for teardown, so deleting them
 * removes every veth, bridge and rule with them.
 */
#include "exec.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sh(fl_buf *log, const char *fmt, ...) FL_PRINTF(2, 3);
static int sh(fl_buf *log, const char *fmt, ...) {
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fl_buf out = FL_BUF_INIT;
    int rc = fl_exec_run_cmd(cmd, NULL, NULL, 10, &out);
    if (log) fl_buf_printf(log, "$ %s -> %d %s", cmd, rc, fl_buf_cstr(&out));
    fl_buf_free(&out);
    return rc;
}

int fl_exec_netns_probe(char *reason, size_t cap) {
    if (geteuid() != 0) {
        snprintf(reason, cap, "network namespaces need root (CAP_NET_ADMIN); running as uid %d",
                 (int)geteuid());
        return -1;
    }
    if (access("/usr/sbin/iptables", X_OK) != 0 && access("/sbin/iptables", X_OK) != 0) {
        snprintf(reason, cap, "iptables is not installed (Debian package iptables)");
        return -1;
    }
    char name[48];
    snprintf(name, sizeof name, "flprobe%d", (int)getpid());
    fl_exec_netns_register(name);
    fl_buf log = FL_BUF_INIT;
    int ok = sh(&log, "ip netns add %s", name) == 0 &&
             sh(&log, "ip netns exec %s iptables -w -L INPUT -n", name) == 0;
    sh(NULL, "ip netns del %s", name);
    fl_exec_netns_unregister(name);
    if (!ok) {
        char *nl;
        const char *txt = fl_buf_cstr(&log);
        snprintf(reason, cap, "network namespaces or iptables unusable here: %s", txt);
        while ((nl = strchr(reason, '\n'))) *nl = ' ';
    }
    fl_buf_free(&log);
    return ok ? 0 : -1;
}

static int counter;

/* Runs `ip [-n NS] -batch FILE` on the lines in `cmds` (one process instead of one per
 * command). */
static int ip_batch(fl_buf *log, const char *ns, const fl_buf *cmds) {
    char path[] = "/tmp/faultline-ip-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    ssize_t w = write(fd, cmds->data ? cmds->data : "", cmds->len);
    close(fd);
    int rc = w == (ssize_t)cmds->len ? 0 : -1;
    if (rc == 0) rc = ns ? sh(log, "ip -n %s -batch %s", ns, path) : sh(log, "ip -batch %s", path);
    unlink(path);
    return rc;
}

int fl_exec_netns_setup(fl_netnet *nn, int nodes, fl_error *err) {
    memset(nn, 0, sizeof *nn);
    if (nodes > 15) nodes = 15;
    nn->n = nodes;
    snprintf(nn->prefix, sizeof nn->prefix, "fl%d%c", (int)getpid(), 'a' + counter++ % 26);
    snprintf(nn->hub_ns, sizeof nn->hub_ns, "%sh", nn->prefix);
    snprintf(nn->client_ns, sizeof nn->client_ns, "%sc", nn->prefix);
    fl_buf log = FL_BUF_INIT, root = FL_BUF_INIT, hub = FL_BUF_INIT, one = FL_BUF_INIT;
    char ns[16][48], addr[16][32];
    fl_exec_netns_register(nn->hub_ns);
    fl_buf_printf(&root, "netns add %s\n", nn->hub_ns);
    fl_buf_puts(&hub, "link add br0 type bridge\nlink set br0 up\n");
    for (int i = 0; i <= nodes; i++) {
        /* i < nodes: node i; i == nodes: the client namespace */
        if (i < nodes) {
            snprintf(ns[i], sizeof ns[i], "%sn%d", nn->prefix, i + 1);
            snprintf(addr[i], sizeof addr[i], "10.213.0.%d", 11 + i);
            snprintf(nn->node_ns[i], sizeof nn->node_ns[i], "%s", ns[i]);
            snprintf(nn->addr[i], sizeof nn->addr[i], "%s", addr[i]);
        } else {
            snprintf(ns[i], sizeof ns[i], "%s", nn->client_ns);
            snprintf(addr[i], sizeof addr[i], "10.213.0.100");
            snprintf(nn->client_addr, sizeof nn->client_addr, "%s", addr[i]);
        }
        fl_exec_netns_register(ns[i]);
        fl_buf_printf(&root, "netns add %s\n", ns[i]);
        fl_buf_printf(&root, "link add %sa%d type veth peer name %sb%d\n", nn->prefix, i,
                      nn->prefix, i);
        fl_buf_printf(&root, "link set %sa%d netns %s\n", nn->prefix, i, nn->hub_ns);
        fl_buf_printf(&root, "link set %sb%d netns %s\n", nn->prefix, i, ns[i]);
        fl_buf_printf(&hub, "link set %sa%d master br0\nlink set %sa%d up\n", nn->prefix, i,
                      nn->prefix, i);
    }
    int bad = ip_batch(&log, NULL, &root) != 0 || ip_batch(&log, nn->hub_ns, &hub) != 0;
    for (int i = 0; i <= nodes && !bad; i++) {
        fl_buf_reset(&one);
        fl_buf_printf(&one, "link set %sb%d name eth0\naddr add %s/24 dev eth0\n", nn->prefix, i,
                      addr[i]);
        fl_buf_puts(&one, "link set eth0 up\nlink set lo up\nroute add default dev eth0\n");
        bad |= ip_batch(&log, ns[i], &one) != 0;
    }
    fl_buf_free(&root);
    fl_buf_free(&hub);
    fl_buf_free(&one);
    if (bad) {
        fl_error_set(err, NULL, 0, 0, "could not build the namespaces: %.700s", fl_buf_cstr(&log));
        fl_buf_free(&log);
        fl_exec_netns_teardown(nn);
        return -1;
    }
    fl_buf_free(&log);
    nn->up = 1;
    return 0;
}

void fl_exec_netns_teardown(fl_netnet *nn) {
    for (int i = 0; i < nn->n; i++)
        if (nn->node_ns[i][0]) {
            sh(NULL, "ip netns del %s", nn->node_ns[i]);
            fl_exec_netns_unregister(nn->node_ns[i]);
        }
    if (nn->client_ns[0]) {
        sh(NULL, "ip netns del %s", nn->client_ns);
        fl_exec_netns_unregister(nn->client_ns);
    }
    if (nn->hub_ns[0]) {
        sh(NULL, "ip netns del %s", nn->hub_ns);
        fl_exec_netns_unregister(nn->hub_ns);
    }
    nn->up = 0;
}

int fl_exec_netns_cut(fl_netnet *nn, int i, unsigned peers, int one_way, fl_buf *log) {
    int rc = 0;
    for (int j = 0; j < nn->n; j++) {
        if (j == i || !(peers & (1u << j))) continue;
        rc |= sh(log, "ip netns exec %s iptables -w -A INPUT -s %s -j DROP", nn->node_ns[i],
                 nn->addr[j]);
        if (!one_way)
            rc |= sh(log, "ip netns exec %s iptables -w -A OUTPUT -d %s -j DROP", nn->node_ns[i],
                     nn->addr[j]);
    }
    return rc ? -1 : 0;
}

int fl_exec_netns_loss(fl_netnet *nn, int i, double probability, fl_buf *log) {
    int rc = sh(log,
                "ip netns exec %s iptables -w -A INPUT -m statistic --mode random "
                "--probability %.3f -j DROP",
                nn->node_ns[i], probability);
    rc |= sh(log,
             "ip netns exec %s iptables -w -A OUTPUT -m statistic --mode random "
             "--probability %.3f -j DROP",
             nn->node_ns[i], probability);
    return rc ? -1 : 0;
}

void fl_exec_netns_heal(fl_netnet *nn, int i) {
    sh(NULL, "ip netns exec %s iptables -w -F INPUT", nn->node_ns[i]);
    sh(NULL, "ip netns exec %s iptables -w -F OUTPUT", nn->node_ns[i]);
}

long long fl_exec_netns_drop_packets(fl_netnet *nn, int i) {
    long long total = 0;
    const char *chains[] = {"INPUT", "OUTPUT"};
    for (int c = 0; c < 2; c++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "ip netns exec %s iptables -w -L %s -v -x -n", nn->node_ns[i],
                 chains[c]);
        fl_buf out = FL_BUF_INIT;
        if (fl_exec_run_cmd(cmd, NULL, NULL, 10, &out) == 0) {
            char *save = NULL;
            for (char *line = strtok_r(out.data, "\n", &save); line;
                 line = strtok_r(NULL, "\n", &save)) {
                long long pk;
                char target[32];
                if (sscanf(line, " %lld %*d %31s", &pk, target) == 2 && !strcmp(target, "DROP"))
                    total += pk;
            }
        }
        fl_buf_free(&out);
    }
    return total;
}

void fl_exec_netns_reap_stale(void) {
    DIR *d = opendir("/var/run/netns");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (strncmp(n, "fl", 2)) continue;
        const char *p = n + 2;
        if (!strncmp(p, "probe", 5))
            p += 5;
        else if (!strncmp(p, "netem", 5))
            p += 5;
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p || pid <= 1) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* its faultline still runs */
        sh(NULL, "ip netns del %s", n);
    }
    closedir(d);
}
