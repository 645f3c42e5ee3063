/*
 * etcd.c — faultline-adapter-etcd: the SPEC §4 adapter for etcd v3 through its JSON
 * gateway (HTTP/1.1 on the client port, base64 keys and values).
 *
 * Requests enter on stdin: read (range), write (put), cas (txn comparing the VALUE, then
 * request_put; a failed compare is `fail`). Replies leave on stdout with the node contacted.
 * The node is chosen from FAULTLINE_NODES by FAULTLINE_PROCESS; a refused connection moves
 * to the next node. Ambiguity follows the Jepsen convention: a write or cas whose request
 * was sent but whose answer is missing or an error is `info`; reads never change state,
 * so their errors are `fail`.
 *
 * Helper modes for plans: `--health HOST:PORT` exits 0 when that member answers /health
 * with health true; `--leader` prints the node number (1-based in FAULTLINE_NODES) of the
 * current leader.
 */
#define _GNU_SOURCE
#include "adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct etcd_state {
    ad_node nodes[16];
    int n;
    int cur;
    ad_conn conn;
    int timeout_ms;
} etcd_state;

/* One HTTP POST (or GET when body is NULL) on the connection; the body of the answer in
 * *resp (malloc'd). Returns 0 when an HTTP answer arrived; -1 before the request was sent
 * (*sent = 0) or after (*sent = 1). */
static int http(ad_conn *c, const ad_node *n, const char *path, const char *body, int status_ok,
                int timeout_ms, char **resp, int *status, int *sent, const char **why) {
    *sent = 0;
    *resp = NULL;
    if (c->fd < 0 && ad_connect(c, n, timeout_ms, why) < 0) return -1;
    char head[512];
    size_t blen = body ? strlen(body) : 0;
    int hl = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n",
                      body ? "POST" : "GET", path, n->host, n->port, blen);
    if (ad_send(c, head, (size_t)hl, timeout_ms) < 0 ||
        (blen && ad_send(c, body, blen, timeout_ms) < 0)) {
        *sent = 1;
        *why = "send failed";
        ad_close(c);
        return -1;
    }
    *sent = 1;
    (void)status_ok;
    /* headers */
    char *end;
    while (!(c->rlen > 0 && (end = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4)))) {
        if (ad_fill(c, timeout_ms, why) < 0) {
            ad_close(c);
            return -1;
        }
    }
    size_t hdr_len = (size_t)(end - c->rbuf) + 4;
    char hdr[4096];
    size_t cl = hdr_len < sizeof hdr ? hdr_len : sizeof hdr - 1;
    memcpy(hdr, c->rbuf, cl);
    hdr[cl] = 0;
    *status = 0;
    sscanf(hdr, "HTTP/1.%*d %d", status);
    long clen = -1;
    int chunked = 0;
    for (char *p = hdr; (p = strchr(p, '\n')); p++) {
        if (!strncasecmp(p + 1, "content-length:", 15)) clen = atol(p + 16);
        if (!strncasecmp(p + 1, "transfer-encoding:", 18) && strstr(p, "chunked")) chunked = 1;
    }
    ad_consume(c, hdr_len);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    if (chunked) {
        for (;;) {
            char *crlf;
            while (!(crlf = memmem(c->rbuf, c->rlen, "\r\n", 2)))
                if (ad_fill(c, timeout_ms, why) < 0) goto broken;
            long sz = strtol(c->rbuf, NULL, 16);
            ad_consume(c, (size_t)(crlf - c->rbuf) + 2);
            while (c->rlen < (size_t)sz + 2)
                if (ad_fill(c, timeout_ms, why) < 0) goto broken;
            if (len + (size_t)sz + 1 > cap) {
                cap = len + (size_t)sz + 1;
                out = realloc(out, cap);
            }
            memcpy(out + len, c->rbuf, (size_t)sz);
            len += (size_t)sz;
            ad_consume(c, (size_t)sz + 2);
            if (sz == 0) break;
        }
    } else if (clen >= 0) {
        while (c->rlen < (size_t)clen)
            if (ad_fill(c, timeout_ms, why) < 0) goto broken;
        if ((size_t)clen + 1 > cap) out = realloc(out, (size_t)clen + 1);
        memcpy(out, c->rbuf, (size_t)clen);
        len = (size_t)clen;
        ad_consume(c, (size_t)clen);
    } else {
        /* read to close */
        const char *w;
        while (ad_fill(c, timeout_ms, &w) == 0) {
        }
        out = realloc(out, c->rlen + 1);
        memcpy(out, c->rbuf, c->rlen);
        len = c->rlen;
        ad_close(c);
    }
    out[len] = 0;
    *resp = out;
    return 0;
broken:
    free(out);
    ad_close(c);
    return -1;
}

static char *key_b64(json_t *req) {
    json_t *k = json_object_get(req, "key");
    char buf[256];
    if (json_is_string(k))
        snprintf(buf, sizeof buf, "faultline/%s", json_string_value(k));
    else if (json_is_integer(k))
        snprintf(buf, sizeof buf, "faultline/%lld", (long long)json_integer_value(k));
    else
        snprintf(buf, sizeof buf, "faultline/register");
    return ad_b64_encode(buf, strlen(buf));
}

static char *val_b64(const json_t *v) {
    char *s = ad_encode_value(v);
    char *b = ad_b64_encode(s, strlen(s));
    free(s);
    return b;
}

static ad_type handle(json_t *req, json_t *reply, void *vs) {
    etcd_state *st = vs;
    const char *f = json_string_value(json_object_get(req, "f"));
    int is_read = !strcmp(f, "read") || !strcmp(f, "get");
    int is_write = !strcmp(f, "write") || !strcmp(f, "put");
    int is_cas = !strcmp(f, "cas");
    if (!is_read && !is_write && !is_cas) {
        json_object_set_new(reply, "error", json_string("unsupported op for etcd adapter"));
        return AD_FAIL;
    }
    if (st->n == 0) {
        json_object_set_new(reply, "error", json_string("FAULTLINE_NODES is empty"));
        return AD_FAIL;
    }
    ad_node *n = &st->nodes[st->cur % st->n];
    char node_name[16];
    snprintf(node_name, sizeof node_name, "n%d", st->cur % st->n + 1);
    json_object_set_new(reply, "node", json_string(node_name));
    char *key = key_b64(req);
    json_t *body = json_object();
    const char *path;
    json_t *value = json_object_get(req, "value");
    if (is_read) {
        path = "/v3/kv/range";
        json_object_set_new(body, "key", json_string(key));
    } else if (is_write) {
        path = "/v3/kv/put";
        char *v = val_b64(value);
        json_object_set_new(body, "key", json_string(key));
        json_object_set_new(body, "value", json_string(v));
        free(v);
    } else {
        if (!json_is_array(value) || json_array_size(value) != 2) {
            json_decref(body);
            free(key);
            json_object_set_new(reply, "error", json_string("cas value must be [old, new]"));
            return AD_FAIL;
        }
        path = "/v3/kv/txn";
        json_t *cmp = json_object();
        json_object_set_new(cmp, "key", json_string(key));
        json_t *old = json_array_get(value, 0);
        if (json_is_null(old)) {
            json_object_set_new(cmp, "target", json_string("CREATE"));
            json_object_set_new(cmp, "result", json_string("EQUAL"));
            json_object_set_new(cmp, "create_revision", json_string("0"));
        } else {
            char *ov = val_b64(old);
            json_object_set_new(cmp, "target", json_string("VALUE"));
            json_object_set_new(cmp, "result", json_string("EQUAL"));
            json_object_set_new(cmp, "value", json_string(ov));
            free(ov);
        }
        char *nv = val_b64(json_array_get(value, 1));
        json_t *put = json_pack("{s:{s:s,s:s}}", "request_put", "key", key, "value", nv);
        free(nv);
        json_object_set_new(body, "compare", json_pack("[o]", cmp));
        json_object_set_new(body, "success", json_pack("[o]", put));
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    free(key);
    char *resp;
    int status, sent;
    const char *why = "error";
    int rc = http(&st->conn, n, path, text, 200, st->timeout_ms, &resp, &status, &sent, &why);
    free(text);
    if (rc < 0) {
        json_object_set_new(reply, "error", json_string(why));
        st->cur++; /* try another member next time */
        return (sent && !is_read) ? AD_INFO : AD_FAIL;
    }
    json_error_t e;
    json_t *r = json_loads(resp, 0, &e);
    free(resp);
    if (!r || status != 200 || json_object_get(r, "error")) {
        const char *msg = r && json_is_string(json_object_get(r, "error"))
                              ? json_string_value(json_object_get(r, "error"))
                          : r && json_is_string(json_object_get(r, "message"))
                              ? json_string_value(json_object_get(r, "message"))
                              : "bad reply";
        json_object_set_new(reply, "error", json_string(msg));
        json_decref(r);
        st->cur++;
        return is_read ? AD_FAIL : AD_INFO;
    }
    ad_type t = AD_OK;
    if (is_read) {
        json_t *kvs = json_object_get(r, "kvs");
        json_t *kv = json_array_get(kvs, 0);
        const char *v = json_string_value(json_object_get(kv, "value"));
        if (v) {
            size_t len;
            char *raw = ad_b64_decode(v, &len);
            json_object_set_new(reply, "value", ad_decode_value(raw, len));
            free(raw);
        } else {
            json_object_set_new(reply, "value", json_null());
        }
    } else if (is_write) {
        json_object_set(reply, "value", value);
    } else {
        json_object_set(reply, "value", value);
        if (!json_is_true(json_object_get(r, "succeeded"))) {
            json_object_set_new(reply, "error", json_string("compare failed"));
            t = AD_FAIL;
        }
    }
    json_decref(r);
    return t;
}

static int simple_get(const ad_node *n, const char *path, const char *body, int timeout_ms,
                      json_t **out) {
    ad_conn c = {.fd = -1};
    char *resp;
    int status, sent;
    const char *why;
    int rc = http(&c, n, path, body, 200, timeout_ms, &resp, &status, &sent, &why);
    ad_close(&c);
    if (rc < 0) return -1;
    json_error_t e;
    *out = json_loads(resp, 0, &e);
    free(resp);
    return *out && status == 200 ? 0 : -1;
}

static int health(const char *addr) {
    ad_node n;
    if (ad_parse_addr(addr, &n) < 0) {
        fprintf(stderr, "faultline-adapter-etcd: --health expects HOST:PORT\n");
        return 2;
    }
    json_t *r = NULL;
    if (simple_get(&n, "/health", NULL, 800, &r) < 0) {
        json_decref(r);
        return 1;
    }
    json_t *h = json_object_get(r, "health");
    int ok = (json_is_string(h) && !strcmp(json_string_value(h), "true")) || json_is_true(h);
    json_decref(r);
    return ok ? 0 : 1;
}

static int leader(void) {
    ad_node nodes[16];
    int n = ad_nodes(nodes, 16);
    char ids[16][32] = {{0}};
    char lead[32] = "";
    for (int i = 0; i < n; i++) {
        json_t *r = NULL;
        if (simple_get(&nodes[i], "/v3/maintenance/status", "{}", 800, &r) == 0) {
            const char *mid =
                json_string_value(json_object_get(json_object_get(r, "header"), "member_id"));
            const char *l = json_string_value(json_object_get(r, "leader"));
            if (mid) snprintf(ids[i], sizeof ids[i], "%s", mid);
            if (l && !lead[0]) snprintf(lead, sizeof lead, "%s", l);
        }
        json_decref(r);
    }
    for (int i = 0; i < n; i++)
        if (lead[0] && !strcmp(ids[i], lead)) {
            printf("%d\n", i + 1);
            return 0;
        }
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--health")) return health(argv[2]);
    if (argc == 2 && !strcmp(argv[1], "--leader")) return leader();
    if (argc > 1) {
        fprintf(stderr, "usage: faultline-adapter-etcd [--health HOST:PORT | --leader]\n"
                        "  (no argument: the adapter protocol on stdin/stdout; nodes from "
                        "FAULTLINE_NODES)\n");
        return 2;
    }
    etcd_state st;
    memset(&st, 0, sizeof st);
    st.conn.fd = -1;
    st.n = ad_nodes(st.nodes, 16);
    const char *p = getenv("FAULTLINE_PROCESS");
    st.cur = p ? atoi(p) : 0;
    st.timeout_ms = ad_timeout_ms();
    int rc = ad_serve(handle, &st);
    ad_close(&st.conn);
    return rc;
}
