/*
 * redis.c — faultline-adapter-redis: the SPEC §4 adapter for Redis over RESP.
 *
 * Requests enter on stdin; replies leave on stdout. Writes go to the node given by
 * `--write-node N` (1-based in FAULTLINE_NODES, default 1), reads to `--read-node N`
 * (default: the write node), so a plan can read from a replica. Ops by FAULTLINE_MODEL:
 * register/cas-register/kv: read (GET), write (SET), cas (a Lua script comparing the value);
 * counter: add (INCRBY), read; set: add (SADD), read (SMEMBERS); queue: enqueue (RPUSH),
 * dequeue (LPOP); list-append: txn (MULTI/RPUSH/LRANGE/EXEC). A write whose answer is
 * missing is `info`; reads never change state, so their errors are `fail`.
 *
 * Helper modes: `--health HOST:PORT` exits 0 when the server answers PING and, if it is a
 * replica, its link to the primary is up; `--repl-lag PRIMARY REPLICA` prints both
 * replication offsets and exits 0 when the replica is behind the primary.
 */
#define _GNU_SOURCE
#include "adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rd_state {
    ad_node nodes[16];
    int n;
    int write_node, read_node;
    ad_conn wconn, rconn;
    int timeout_ms;
    const char *model;
} rd_state;

/* A parsed RESP value: type '+', '-', ':', '$', '*' ; nil when len < 0. */
typedef struct resp {
    char type;
    long long integer;
    char *str; /* simple/bulk/error text (malloc'd) */
    long len;
    struct resp *items;
    long nitems;
} resp;

static void resp_free(resp *r) {
    free(r->str);
    for (long i = 0; i < r->nitems; i++) resp_free(&r->items[i]);
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* Parses one value from c->rbuf at *pos; 1 done, 0 need more, -1 bad. */
static int parse(ad_conn *c, size_t *pos, resp *out) {
    memset(out, 0, sizeof *out);
    char *b = c->rbuf + *pos;
    size_t avail = c->rlen - *pos;
    char *crlf = avail ? memmem(b, avail, "\r\n", 2) : NULL;
    if (!crlf) return 0;
    size_t line = (size_t)(crlf - b);
    out->type = b[0];
    char tmp[64];
    size_t tl = line - 1 < sizeof tmp - 1 ? line - 1 : sizeof tmp - 1;
    memcpy(tmp, b + 1, tl);
    tmp[tl] = 0;
    size_t next = *pos + line + 2;
    switch (b[0]) {
        case '+':
        case '-':
            out->str = strndup(b + 1, line - 1);
            *pos = next;
            return 1;
        case ':':
            out->integer = atoll(tmp);
            *pos = next;
            return 1;
        case '$': {
            out->len = atol(tmp);
            if (out->len < 0) {
                *pos = next;
                return 1;
            }
            if (c->rlen < next + (size_t)out->len + 2) return 0;
            out->str = strndup(c->rbuf + next, (size_t)out->len);
            *pos = next + (size_t)out->len + 2;
            return 1;
        }
        case '*': {
            out->nitems = atol(tmp);
            if (out->nitems < 0) {
                out->len = -1;
                out->nitems = 0;
                *pos = next;
                return 1;
            }
            out->items = calloc((size_t)out->nitems + 1, sizeof *out->items);
            size_t p = next;
            for (long i = 0; i < out->nitems; i++) {
                int r = parse(c, &p, &out->items[i]);
                if (r <= 0) {
                    long k = out->nitems;
                    out->nitems = i + 1;
                    resp_free(out);
                    (void)k;
                    return r;
                }
            }
            *pos = p;
            return 1;
        }
        default:
            return -1;
    }
}

/* Sends a command (argv) and reads its reply. 0, or -1 with *sent / *why. */
static int command(ad_conn *c, const ad_node *n, int argc, const char **argv, int timeout_ms,
                   resp *out, int *sent, const char **why) {
    *sent = 0;
    if (c->fd < 0 && ad_connect(c, n, timeout_ms, why) < 0) return -1;
    char *buf = NULL;
    size_t blen = 0;
    FILE *m = open_memstream(&buf, &blen);
    fprintf(m, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) fprintf(m, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
    fclose(m);
    *sent = 1;
    int rc = ad_send(c, buf, blen, timeout_ms);
    free(buf);
    if (rc < 0) {
        *why = "send failed";
        ad_close(c);
        return -1;
    }
    for (;;) {
        size_t pos = 0;
        int r = c->rlen ? parse(c, &pos, out) : 0;
        if (r == 1) {
            ad_consume(c, pos);
            return 0;
        }
        if (r < 0) {
            *why = "bad RESP reply";
            ad_close(c);
            return -1;
        }
        if (ad_fill(c, timeout_ms, why) < 0) {
            ad_close(c);
            return -1;
        }
    }
}

static const char *CAS_LUA = "local v = redis.call('GET', KEYS[1]) "
                             "if v == ARGV[1] or (v == false and ARGV[1] == 'null') then "
                             "redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end";

static void key_of(json_t *req, char *buf, size_t cap) {
    json_t *k = json_object_get(req, "key");
    if (json_is_string(k))
        snprintf(buf, cap, "faultline:%s", json_string_value(k));
    else if (json_is_integer(k))
        snprintf(buf, cap, "faultline:%lld", (long long)json_integer_value(k));
    else
        snprintf(buf, cap, "faultline:register");
}

static int cmp_json(const void *a, const void *b) {
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    if (json_is_integer(x) && json_is_integer(y))
        return json_integer_value(x) < json_integer_value(y)   ? -1
               : json_integer_value(x) > json_integer_value(y) ? 1
                                                               : 0;
    return 0;
}

static json_t *list_value(const resp *r) {
    json_t *a = json_array();
    for (long i = 0; i < r->nitems; i++)
        if (r->items[i].str)
            json_array_append_new(a, ad_decode_value(r->items[i].str, strlen(r->items[i].str)));
    return a;
}

static ad_type handle(json_t *req, json_t *reply, void *vs) {
    rd_state *st = vs;
    const char *f = json_string_value(json_object_get(req, "f"));
    json_t *value = json_object_get(req, "value");
    char key[256];
    key_of(req, key, sizeof key);
    int is_read = !strcmp(f, "read") || !strcmp(f, "get");
    if (st->n == 0) {
        json_object_set_new(reply, "error", json_string("FAULTLINE_NODES is empty"));
        return AD_FAIL;
    }
    int node = is_read ? st->read_node : st->write_node;
    if (node < 1 || node > st->n) node = 1;
    ad_conn *c = is_read ? &st->rconn : &st->wconn;
    char nn[16];
    snprintf(nn, sizeof nn, "n%d", node);
    json_object_set_new(reply, "node", json_string(nn));
    const char *argv[8];
    int argc = 0;
    char *v1 = NULL, *v2 = NULL;
    int kind = 0; /* 0 get-value, 1 ok-echo, 2 cas, 3 list, 4 sorted set, 5 int, 6 txn, 7 pop */
    int counter = st->model && !strcmp(st->model, "counter");
    if (is_read && st->model && !strcmp(st->model, "set")) {
        argv[argc++] = "SMEMBERS", argv[argc++] = key, kind = 4;
    } else if (is_read) {
        argv[argc++] = "GET", argv[argc++] = key, kind = counter ? 5 : 0;
    } else if (!strcmp(f, "write") || !strcmp(f, "put")) {
        v1 = ad_encode_value(value);
        argv[argc++] = "SET", argv[argc++] = key, argv[argc++] = v1, kind = 1;
    } else if (!strcmp(f, "cas")) {
        if (!json_is_array(value) || json_array_size(value) != 2) {
            json_object_set_new(reply, "error", json_string("cas value must be [old, new]"));
            return AD_FAIL;
        }
        v1 = ad_encode_value(json_array_get(value, 0));
        v2 = ad_encode_value(json_array_get(value, 1));
        argv[argc++] = "EVAL", argv[argc++] = CAS_LUA, argv[argc++] = "1", argv[argc++] = key;
        argv[argc++] = v1, argv[argc++] = v2, kind = 2;
    } else if (!strcmp(f, "add") && counter) {
        v1 = ad_encode_value(value);
        argv[argc++] = "INCRBY", argv[argc++] = key, argv[argc++] = v1, kind = 1;
    } else if (!strcmp(f, "add")) {
        v1 = ad_encode_value(value);
        argv[argc++] = "SADD", argv[argc++] = key, argv[argc++] = v1, kind = 1;
    } else if (!strcmp(f, "enqueue")) {
        v1 = ad_encode_value(value);
        argv[argc++] = "RPUSH", argv[argc++] = key, argv[argc++] = v1, kind = 1;
    } else if (!strcmp(f, "dequeue")) {
        argv[argc++] = "LPOP", argv[argc++] = key, kind = 7;
    } else {
        json_object_set_new(reply, "error", json_string("unsupported op for redis adapter"));
        return AD_FAIL;
    }
    resp r;
    int sent;
    const char *why = "error";
    int rc = command(c, &st->nodes[node - 1], argc, argv, st->timeout_ms, &r, &sent, &why);
    free(v1);
    free(v2);
    if (rc < 0) {
        json_object_set_new(reply, "error", json_string(why));
        return (sent && !is_read && kind != 7) ? AD_INFO : (kind == 7 && sent ? AD_INFO : AD_FAIL);
    }
    ad_type t = AD_OK;
    if (r.type == '-') {
        json_object_set_new(reply, "error", json_string(r.str ? r.str : "error"));
        t = AD_FAIL;
    } else if (kind == 0 || kind == 7) {
        if (r.type == '$' && r.str)
            json_object_set_new(reply, "value", ad_decode_value(r.str, (size_t)r.len));
        else
            json_object_set_new(reply, "value", json_null());
    } else if (kind == 5) {
        json_object_set_new(reply, "value", json_integer(r.str ? atoll(r.str) : 0));
    } else if (kind == 1) {
        json_object_set(reply, "value", value);
    } else if (kind == 2) {
        json_object_set(reply, "value", value);
        if (r.integer != 1) {
            json_object_set_new(reply, "error", json_string("compare failed"));
            t = AD_FAIL;
        }
    } else if (kind == 4) {
        json_t *a = list_value(&r);
        size_t n = json_array_size(a);
        json_t **items = calloc(n + 1, sizeof *items);
        for (size_t i = 0; i < n; i++) items[i] = json_incref(json_array_get(a, i));
        qsort(items, n, sizeof *items, cmp_json);
        json_t *sorted = json_array();
        for (size_t i = 0; i < n; i++) json_array_append_new(sorted, items[i]);
        free(items);
        json_decref(a);
        json_object_set_new(reply, "value", sorted);
    }
    resp_free(&r);
    return t;
}

static int one_command(const char *addr, int argc, const char **argv, resp *out) {
    ad_node n;
    if (ad_parse_addr(addr, &n) < 0) return -1;
    ad_conn c = {.fd = -1};
    int sent;
    const char *why;
    int rc = command(&c, &n, argc, argv, 800, out, &sent, &why);
    ad_close(&c);
    return rc;
}

static int health(const char *addr) {
    resp r;
    const char *ping[] = {"PING"};
    if (one_command(addr, 1, ping, &r) < 0) return 1;
    int ok = r.type == '+' && r.str && !strcmp(r.str, "PONG");
    resp_free(&r);
    if (!ok) return 1;
    const char *info[] = {"INFO", "replication"};
    if (one_command(addr, 2, info, &r) < 0) return 1;
    if (r.str && strstr(r.str, "role:slave") && !strstr(r.str, "master_link_status:up")) ok = 0;
    resp_free(&r);
    return ok ? 0 : 1;
}

static long long offset_of(const char *addr, const char *field) {
    resp r;
    const char *info[] = {"INFO", "replication"};
    if (one_command(addr, 2, info, &r) < 0) return -1;
    long long v = -1;
    const char *p = r.str ? strstr(r.str, field) : NULL;
    if (p) v = atoll(p + strlen(field));
    resp_free(&r);
    return v;
}

static int repl_lag(const char *primary, const char *replica) {
    long long p = offset_of(primary, "master_repl_offset:");
    long long r = offset_of(replica, "slave_repl_offset:");
    printf("primary master_repl_offset=%lld replica slave_repl_offset=%lld lag=%lld\n", p, r,
           p - r);
    return p >= 0 && r >= 0 && p > r ? 0 : 1;
}

int main(int argc, char **argv) {
    rd_state st;
    memset(&st, 0, sizeof st);
    st.wconn.fd = st.rconn.fd = -1;
    st.write_node = 1;
    st.read_node = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--health") && i + 1 < argc) return health(argv[i + 1]);
        if (!strcmp(argv[i], "--repl-lag") && i + 2 < argc)
            return repl_lag(argv[i + 1], argv[i + 2]);
        if (!strcmp(argv[i], "--write-node") && i + 1 < argc) {
            st.write_node = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--read-node") && i + 1 < argc) {
            st.read_node = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: faultline-adapter-redis [--write-node N] [--read-node N]\n"
                            "       faultline-adapter-redis --health HOST:PORT\n"
                            "       faultline-adapter-redis --repl-lag PRIMARY REPLICA\n");
            return 2;
        }
    }
    if (!st.read_node) st.read_node = st.write_node;
    st.n = ad_nodes(st.nodes, 16);
    st.timeout_ms = ad_timeout_ms();
    st.model = getenv("FAULTLINE_MODEL");
    int rc = ad_serve(handle, &st);
    ad_close(&st.wconn);
    ad_close(&st.rconn);
    return rc;
}
