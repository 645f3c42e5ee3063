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

int fl_exec_netns_setup(fl_netnet *nn, int nodes, fl_error *err) {
    memset(nn, 0, sizeof *nn);
    if (nodes > 15) nodes = 15;
    nn->n = nodes;
    snprintf(nn->prefix, sizeof nn->prefix, "fl%d%c", (int)getpid(), 'a' + counter++ % 26);
    snprintf(nn->hub_ns, sizeof nn->hub_ns, "%sh", nn->prefix);
    snprintf(nn->client_ns, sizeof nn->client_ns, "%sc", nn->prefix);
    fl_buf log = FL_BUF_INIT;
    int bad = 0;
    fl_exec_netns_register(nn->hub_ns);
    bad |= sh(&log, "ip netns add %s", nn->hub_ns) != 0;
    bad |= sh(&log, "ip -n %s link add br0 type bridge", nn->hub_ns) != 0;
    bad |= sh(&log, "ip -n %s link set br0 up", nn->hub_ns) != 0;
    for (int i = 0; i <= nodes && !bad; i++) {
        /* i < nodes: node i; i == nodes: the client namespace */
        char ns[48], addr[32];
        if (i < nodes) {
            snprintf(ns, sizeof ns, "%sn%d", nn->prefix, i + 1);
            snprintf(addr, sizeof addr, "10.213.0.%d", 11 + i);
            snprintf(nn->node_ns[i], sizeof nn->node_ns[i], "%s", ns);
            snprintf(nn->addr[i], sizeof nn->addr[i], "%s", addr);
        } else {
            snprintf(ns, sizeof ns, "%s", nn->client_ns);
            snprintf(addr, sizeof addr, "10.213.0.100");
            snprintf(nn->client_addr, sizeof nn->client_addr, "%s", addr);
        }
        fl_exec_netns_register(ns);
        char va[48], vb[48];
        snprintf(va, sizeof va, "%sa%d", nn->prefix, i);
        snprintf(vb, sizeof vb, "%sb%d", nn->prefix, i);
        bad |= sh(&log, "ip netns add %s", ns) != 0;
        bad |= sh(&log, "ip link add %s type veth peer name %s", va, vb) != 0;
        bad |= sh(&log, "ip link set %s netns %s", va, nn->hub_ns) != 0;
        bad |= sh(&log, "ip link set %s netns %s", vb, ns) != 0;
        bad |= sh(&log, "ip -n %s link set %s master br0", nn->hub_ns, va) != 0;
        bad |= sh(&log, "ip -n %s link set %s up", nn->hub_ns, va) != 0;
        bad |= sh(&log, "ip -n %s link set %s name eth0", ns, vb) != 0;
        bad |= sh(&log, "ip -n %s addr add %s/24 dev eth0", ns, addr) != 0;
        bad |= sh(&log, "ip -n %s link set eth0 up", ns) != 0;
        bad |= sh(&log, "ip -n %s link set lo up", ns) != 0;
    }
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
