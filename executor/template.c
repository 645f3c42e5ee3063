/*
 * template.c — expands the placeholders of cluster and evidence commands (SPEC §4).
 *
 * A template string and the cluster's node addresses enter; a malloc'd command leaves.
 * {node} {name} {host} {port} {peer_port} {port:K} {host:K} {dir} {peers} {nodes}; `{{`
 * stands for a literal `{`. An unknown placeholder is an error naming it.
 */
#include "exec.h"

#include <stdlib.h>
#include <string.h>

char *fl_template_expand(const char *tmpl, int node, int n, const fl_node_addr *addrs,
                         const char *dir, fl_error *err) {
    fl_buf b = FL_BUF_INIT;
    fl_buf_puts(&b, "");
    for (const char *p = tmpl; *p; p++) {
        if (*p != '{') {
            fl_buf_putc(&b, *p);
            continue;
        }
        if (p[1] == '{') {
            fl_buf_putc(&b, '{');
            p++;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close) {
            fl_buf_putc(&b, *p);
            continue;
        }
        char name[64];
        size_t len = (size_t)(close - p - 1);
        if (len >= sizeof name) len = sizeof name - 1;
        memcpy(name, p + 1, len);
        name[len] = 0;
        const fl_node_addr *me = node >= 1 && node <= n ? &addrs[node - 1] : NULL;
        if (!strcmp(name, "node")) {
            fl_buf_printf(&b, "%d", node);
        } else if (!strcmp(name, "name")) {
            fl_buf_printf(&b, "n%d", node);
        } else if (!strcmp(name, "host") && me) {
            fl_buf_puts(&b, me->host);
        } else if (!strcmp(name, "port") && me) {
            fl_buf_printf(&b, "%d", me->port);
        } else if (!strcmp(name, "peer_port") && me) {
            fl_buf_printf(&b, "%d", me->port + 1);
        } else if ((!strncmp(name, "port:", 5) || !strncmp(name, "host:", 5) ||
                    !strncmp(name, "peer_port:", 10))) {
            const char *num = strchr(name, ':') + 1;
            int k = atoi(num);
            if (k < 1 || k > n) {
                fl_error_set(err, NULL, 0, 0, "placeholder {%s} names a node outside 1..%d", name,
                             n);
                fl_buf_free(&b);
                return NULL;
            }
            if (name[0] == 'h')
                fl_buf_puts(&b, addrs[k - 1].host);
            else if (name[1] == 'e')
                fl_buf_printf(&b, "%d", addrs[k - 1].port + 1);
            else
                fl_buf_printf(&b, "%d", addrs[k - 1].port);
        } else if (!strcmp(name, "dir")) {
            fl_buf_puts(&b, dir ? dir : ".");
        } else if (!strcmp(name, "peers")) {
            for (int i = 0; i < n; i++)
                fl_buf_printf(&b, "%sn%d=http://%s:%d", i ? "," : "", i + 1, addrs[i].host,
                              addrs[i].port + 1);
        } else if (!strcmp(name, "nodes")) {
            for (int i = 0; i < n; i++)
                fl_buf_printf(&b, "%s%s:%d", i ? "," : "", addrs[i].host, addrs[i].port);
        } else {
            fl_error_set(err, NULL, 0, 0,
                         "unknown placeholder {%s} (expected node, name, host, port, peer_port, "
                         "port:K, dir, peers or nodes)",
                         name);
            fl_buf_free(&b);
            return NULL;
        }
        p = close;
    }
    return fl_buf_take(&b);
}
