/*
 * lin_model.c — the linearizability models and the step from an fl_history to per-key
 * partitions of compact ops.
 *
 * Models (SPEC §3 f names; aliases in parentheses):
 *   register / cas-register: read (get), write (put), cas [expected new]; initial null.
 *   kv: the same per key, plus append (string concatenation); absent = "" (null reads as "").
 *   set: add x, read [all elements] (a read with a duplicate never matches); initial {}.
 *   queue (fifo-queue): FIFO; enqueue x, dequeue → x (null = received nothing).
 *   lock (mutex): acquire when free, release when held (no owner, as Knossos's mutex).
 *   counter: add d (inc, increment; d defaults to 1), read n; initial 0.
 * fail ops are dropped (no effect); unknown-outcome reads are dropped (no effect, nothing
 * observed); other unknown-outcome ops stay as optional ops.
 *
 * Data in: fl_history; data out: lin_partition arrays whose ops hold interned ids; the model
 * keeps the tables the ids point into. Errors name the line of an op the model cannot take.
 */
#include "lin.h"

#include <stdlib.h>
#include <string.h>

int lin_model_kind_of(const char *model) {
    if (!model) return -1;
    if (!strcmp(model, "register") || !strcmp(model, "cas-register")) return LIN_REGISTER;
    if (!strcmp(model, "kv")) return LIN_KV;
    if (!strcmp(model, "set")) return LIN_SET;
    if (!strcmp(model, "queue") || !strcmp(model, "fifo-queue")) return LIN_QUEUE;
    if (!strcmp(model, "lock") || !strcmp(model, "mutex")) return LIN_LOCK;
    if (!strcmp(model, "counter")) return LIN_COUNTER;
    return -1;
}

static uint32_t kv_root(lin_model *m, uint32_t v);

/* Interns a JSON value as 'j' + compact text, or for kv strings 's' + raw bytes. */
static uint32_t intern_value(lin_model *m, json_t *v) {
    if (m->kind == LIN_KV && (json_is_string(v) || json_is_null(v) || !v)) {
        const char *s = v && json_is_string(v) ? json_string_value(v) : "";
        size_t n = v && json_is_string(v) ? json_string_length(v) : 0;
        char *buf = fl_xmalloc(n + 1);
        buf[0] = 's';
        memcpy(buf + 1, s, n);
        uint32_t id = lin_intern(&m->values, buf, (uint32_t)(n + 1));
        free(buf);
        return id;
    }
    if (!v || json_is_null(v)) return lin_intern(&m->values, "jnull", 5);
    if (json_is_integer(v)) { /* the common case, without json_dumps */
        char nb[32];
        int n = snprintf(nb, sizeof nb, "j%lld", (long long)json_integer_value(v));
        return lin_intern(&m->values, nb, (uint32_t)n);
    }
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    const char *t = text ? text : "null";
    size_t n = strlen(t);
    char *buf = fl_xmalloc(n + 1);
    buf[0] = 'j';
    memcpy(buf + 1, t, n);
    uint32_t id = lin_intern(&m->values, buf, (uint32_t)(n + 1));
    free(buf);
    free(text);
    return id;
}

void lin_model_init(lin_model *m, lin_model_kind kind) {
    memset(m, 0, sizeof *m);
    m->kind = kind;
    lin_interner_init(&m->values);
    lin_interner_init(&m->seqs);
    m->empty_seq = lin_intern(&m->seqs, "", 0);
    switch (kind) {
        case LIN_REGISTER:
            m->init = intern_value(m, json_null());
            break;
        case LIN_KV:
            m->init = kv_root(m, intern_value(m, json_null()));
            break;
        case LIN_SET:
            m->init = 0;
            break; /* empty bitmask; fixed up for large sets */
        case LIN_QUEUE:
            m->init = m->empty_seq;
            break;
        case LIN_LOCK:
            m->init = 0;
            break;
        case LIN_COUNTER:
            m->init = 0;
            break;
    }
}

void lin_model_free(lin_model *m) {
    free(m->kv.parent);
    free(m->kv.piece);
    free(m->kv.len);
    free(m->kv.hash);
    free(m->kv.is_str);
    free(m->kv.vlen);
    free(m->kv.vhash);
    free(m->kv.vpow);
    for (uint32_t i = 0; i < m->kv.vcount; i++) free(m->kv.vpref[i]);
    free(m->kv.vpref);
    lin_interner_free(&m->values);
    lin_interner_free(&m->seqs);
    lin_map_free(&m->memo);
}

/* ---- slow steps (memoised transitions) ------------------------------------------------ */

#define MEMO_KEY(code, state, arg)                                                                 \
    (((uint64_t)(code) << 58) | (((uint64_t)(state)&0x1FFFFFFFULL) << 29) |                        \
     ((uint64_t)(arg)&0x1FFFFFFFULL))

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

#define KV_BASE 0x100000001b3ULL

static void kv_value_info(lin_model *m, uint32_t v) {
    while (m->kv.vcount <= v) {
        uint32_t id = m->kv.vcount;
        if (id == m->kv.vcap) {
            size_t cap = m->kv.vcap = m->kv.vcap ? m->kv.vcap * 2 : 64;
            m->kv.vlen = fl_xrealloc(m->kv.vlen, cap * sizeof *m->kv.vlen);
            m->kv.vhash = fl_xrealloc(m->kv.vhash, cap * sizeof *m->kv.vhash);
            m->kv.vpow = fl_xrealloc(m->kv.vpow, cap * sizeof *m->kv.vpow);
            m->kv.vpref = fl_xrealloc(m->kv.vpref, cap * sizeof *m->kv.vpref);
        }
        const char *d = m->values.data[id];
        uint32_t n = m->values.len[id] - 1;
        uint64_t h = 0, p = 1;
        for (uint32_t i = 0; i < n; i++) {
            h = h * KV_BASE + (unsigned char)d[1 + i];
            p *= KV_BASE;
        }
        m->kv.vpref[id] = NULL;
        m->kv.vlen[id] = n;
        m->kv.vhash[id] = h;
        m->kv.vpow[id] = p;
        m->kv.vcount++;
    }
}

static uint32_t kv_new_node(lin_model *m, uint32_t parent, uint32_t piece) {
    kv_value_info(m, piece);
    if (m->kv.count == m->kv.cap) {
        m->kv.cap = m->kv.cap ? m->kv.cap * 2 : 256;
        m->kv.parent = fl_xrealloc(m->kv.parent, m->kv.cap * sizeof *m->kv.parent);
        m->kv.piece = fl_xrealloc(m->kv.piece, m->kv.cap * sizeof *m->kv.piece);
        m->kv.len = fl_xrealloc(m->kv.len, m->kv.cap * sizeof *m->kv.len);
        m->kv.hash = fl_xrealloc(m->kv.hash, m->kv.cap * sizeof *m->kv.hash);
        m->kv.is_str = fl_xrealloc(m->kv.is_str, m->kv.cap);
    }
    uint32_t id = m->kv.count++;
    m->kv.parent[id] = parent;
    m->kv.piece[id] = piece;
    int str = m->values.data[piece][0] == 's';
    m->kv.is_str[id] = (uint8_t)str;
    if (parent == UINT32_MAX) {
        m->kv.len[id] = m->kv.vlen[piece];
        m->kv.hash[id] = m->kv.vhash[piece];
    } else {
        m->kv.len[id] = m->kv.len[parent] + m->kv.vlen[piece];
        m->kv.hash[id] = m->kv.hash[parent] * m->kv.vpow[piece] + m->kv.vhash[piece];
    }
    return id;
}

/* The root node of value v. */
static uint32_t kv_root(lin_model *m, uint32_t v) {
    uint32_t out;
    uint64_t key = MEMO_KEY(LOP_WRITE, 0, v);
    if (lin_map_get(&m->memo, key, &out)) return out;
    out = kv_new_node(m, UINT32_MAX, v);
    lin_map_put(&m->memo, key, out);
    return out;
}

static uint32_t kv_append(lin_model *m, uint32_t node, uint32_t piece) {
    uint32_t out;
    if (!m->kv.is_str[node] || m->values.data[piece][0] != 's') return UINT32_MAX;
    uint64_t key = MEMO_KEY(LOP_APPEND, node, piece);
    if (lin_map_get(&m->memo, key, &out)) return out;
    out = kv_new_node(m, node, piece);
    lin_map_put(&m->memo, key, out);
    return out;
}

/* Compares the node's string with value v byte by byte, from the end. */
static int kv_bytes_equal(const lin_model *m, uint32_t node, uint32_t v) {
    const char *want = m->values.data[v] + 1;
    uint64_t end = m->kv.vlen[v];
    while (node != UINT32_MAX) {
        uint32_t piece = m->kv.piece[node];
        uint64_t n = m->kv.vlen[piece];
        if (n > end || memcmp(want + end - n, m->values.data[piece] + 1, n) != 0) return 0;
        end -= n;
        node = m->kv.parent[node];
    }
    return end == 0;
}

static int kv_equals(lin_model *m, uint32_t node, uint32_t v) {
    if (m->values.data[v][0] != 's') return !m->kv.is_str[node] && m->kv.piece[node] == v;
    if (!m->kv.is_str[node] || m->kv.len[node] != m->kv.vlen[v] ||
        m->kv.hash[node] != m->kv.vhash[v])
        return 0;
    if (m->kv.parent[node] == UINT32_MAX)
        return m->kv.piece[node] == v || kv_bytes_equal(m, node, v);
    uint32_t out;
    uint64_t key = MEMO_KEY(LOP_READ, node, v);
    if (lin_map_get(&m->memo, key, &out)) return (int)out;
    out = (uint32_t)kv_bytes_equal(m, node, v);
    lin_map_put(&m->memo, key, out);
    return (int)out;
}

static void kv_value_prefixes(lin_model *m, uint32_t v) {
    kv_value_info(m, v);
    if (m->kv.vpref[v] || m->values.data[v][0] != 's') return;
    uint64_t n = m->kv.vlen[v], h = 0;
    uint64_t *p = fl_xmalloc((n + 1) * sizeof *p);
    const char *d = m->values.data[v] + 1;
    p[0] = 0;
    for (uint64_t i = 0; i < n; i++) {
        h = h * KV_BASE + (unsigned char)d[i];
        p[i + 1] = h;
    }
    m->kv.vpref[v] = p;
}

int lin_model_kv_prefix_possible(const lin_model *m, uint64_t state, const lin_op *read) {
    if (m->kind != LIN_KV) return 1;
    uint32_t node = (uint32_t)state, v = (uint32_t)read->a;
    const uint64_t *pref = m->kv.vpref[v];
    if (!pref || !m->kv.is_str[node]) return 1;
    uint64_t len = m->kv.len[node];
    return len <= m->kv.vlen[v] && pref[len] == m->kv.hash[node];
}

static json_t *kv_state_json(const lin_model *m, uint32_t node) {
    if (!m->kv.is_str[node]) {
        const char *d = m->values.data[m->kv.piece[node]];
        json_t *v = json_loads(d + 1, JSON_DECODE_ANY, NULL);
        return v ? v : json_null();
    }
    uint64_t n = m->kv.len[node];
    char *buf = fl_xmalloc(n + 1);
    uint64_t end = n;
    for (uint32_t x = node; x != UINT32_MAX; x = m->kv.parent[x]) {
        uint32_t piece = m->kv.piece[x];
        uint64_t k = m->kv.vlen[piece];
        memcpy(buf + end - k, m->values.data[piece] + 1, k);
        end -= k;
    }
    json_t *s = json_stringn(buf, n);
    free(buf);
    return s ? s : json_null();
}

static uint32_t seq_add_sorted(lin_model *m, uint32_t state, uint32_t x) {
    uint32_t out;
    uint64_t key = MEMO_KEY(LOP_ADD, state, x);
    if (lin_map_get(&m->memo, key, &out)) return out;
    uint32_t n = m->seqs.len[state] / 4;
    uint32_t *els = fl_xmalloc(((size_t)n + 1) * 4);
    memcpy(els, m->seqs.data[state], (size_t)n * 4);
    int present = 0;
    for (uint32_t i = 0; i < n; i++)
        if (els[i] == x) present = 1;
    if (!present) {
        els[n++] = x;
        qsort(els, n, 4, cmp_u32);
    }
    out = lin_intern(&m->seqs, els, n * 4);
    free(els);
    lin_map_put(&m->memo, key, out);
    return out;
}

static uint32_t queue_push(lin_model *m, uint32_t state, uint32_t x) {
    uint32_t out;
    uint64_t key = MEMO_KEY(LOP_ENQUEUE, state, x);
    if (lin_map_get(&m->memo, key, &out)) return out;
    uint32_t n = m->seqs.len[state] / 4;
    uint32_t *els = fl_xmalloc(((size_t)n + 1) * 4);
    memcpy(els, m->seqs.data[state], (size_t)n * 4);
    els[n++] = x;
    out = lin_intern(&m->seqs, els, n * 4);
    free(els);
    lin_map_put(&m->memo, key, out);
    return out;
}

static uint32_t queue_pop(lin_model *m, uint32_t state) {
    uint32_t out;
    uint64_t key = MEMO_KEY(LOP_DEQUEUE, state, 0);
    if (lin_map_get(&m->memo, key, &out)) return out;
    uint32_t n = m->seqs.len[state] / 4;
    out = lin_intern(&m->seqs, m->seqs.data[state] + 4, (n - 1) * 4);
    lin_map_put(&m->memo, key, out);
    return out;
}

static uint32_t queue_head(const lin_model *m, uint32_t state) {
    uint32_t h;
    memcpy(&h, m->seqs.data[state], 4);
    return h;
}

int lin_model_step_slow(lin_model *m, uint64_t state, const lin_op *op, uint64_t *next) {
    switch (m->kind) {
        case LIN_REGISTER:
            return lin_model_step(m, state, op, next);
        case LIN_KV:
            switch (op->code) {
                case LOP_READ:
                    *next = state;
                    return kv_equals(m, (uint32_t)state, (uint32_t)op->a);
                case LOP_WRITE:
                    *next = (uint64_t)op->a;
                    return 1;
                case LOP_CAS:
                    *next = (uint64_t)op->b;
                    return kv_equals(m, (uint32_t)state, (uint32_t)op->a);
                case LOP_APPEND: {
                    uint32_t r = kv_append(m, (uint32_t)state, (uint32_t)op->a);
                    *next = r;
                    return r != UINT32_MAX;
                }
                default:
                    return 0;
            }
        case LIN_SET:
            if (m->set_small) {
                if (op->code == LOP_ADD) {
                    *next = state | (1ULL << op->a);
                    return 1;
                }
                *next = state;
                return !op->b && state == (uint64_t)op->a;
            }
            if (op->code == LOP_ADD) {
                *next = seq_add_sorted(m, (uint32_t)state, (uint32_t)op->a);
                return 1;
            }
            *next = state;
            return !op->b && state == (uint64_t)op->a;
        case LIN_QUEUE:
            switch (op->code) {
                case LOP_ENQUEUE:
                    *next = queue_push(m, (uint32_t)state, (uint32_t)op->a);
                    return 1;
                case LOP_DEQUEUE:
                    *next = state;
                    if (op->a == UINT32_MAX) return state == m->empty_seq;
                    if (state == m->empty_seq || queue_head(m, (uint32_t)state) != (uint32_t)op->a)
                        return 0;
                    *next = queue_pop(m, (uint32_t)state);
                    return 1;
                case LOP_DEQUEUE_ANY:
                    if (state == m->empty_seq) return 0;
                    *next = queue_pop(m, (uint32_t)state);
                    return 1;
                default:
                    return 0;
            }
        case LIN_LOCK:
            if (op->code == LOP_ACQUIRE) {
                *next = 1;
                return state == 0;
            }
            *next = 0;
            return state == 1;
        case LIN_COUNTER:
            if (op->code == LOP_ADD) {
                *next = (uint64_t)((int64_t)state + op->a);
                return 1;
            }
            *next = state;
            return (int64_t)state == op->a;
    }
    return 0;
}

static json_t *value_json(const lin_model *m, uint32_t id) {
    const char *d = m->values.data[id];
    if (d[0] == 's') return json_stringn(d + 1, m->values.len[id] - 1);
    json_t *v = json_loads(d + 1, JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

json_t *lin_model_state_json(lin_model *m, uint64_t state) {
    switch (m->kind) {
        case LIN_REGISTER:
            return value_json(m, (uint32_t)state);
        case LIN_KV:
            return kv_state_json(m, (uint32_t)state);
        case LIN_SET: {
            json_t *a = json_array();
            if (m->set_small) {
                for (uint32_t i = 0; i < 64; i++)
                    if (state & (1ULL << i)) json_array_append_new(a, value_json(m, i));
            } else {
                uint32_t n = m->seqs.len[state] / 4;
                for (uint32_t i = 0; i < n; i++) {
                    uint32_t e;
                    memcpy(&e, m->seqs.data[state] + 4 * i, 4);
                    json_array_append_new(a, value_json(m, e));
                }
            }
            return a;
        }
        case LIN_QUEUE: {
            json_t *a = json_array();
            uint32_t n = m->seqs.len[state] / 4;
            for (uint32_t i = 0; i < n; i++) {
                uint32_t e;
                memcpy(&e, m->seqs.data[state] + 4 * i, 4);
                json_array_append_new(a, value_json(m, e));
            }
            return a;
        }
        case LIN_LOCK:
            return json_string(state ? "held" : "free");
        case LIN_COUNTER:
            return json_integer((json_int_t)(int64_t)state);
    }
    return json_null();
}

/* ---- partitioning --------------------------------------------------------------------- */

static int is(const char *f, const char *a) {
    return strcmp(f, a) == 0;
}

static int bad_op(const fl_history *h, const fl_op *op, const char *model, const char *expected,
                  fl_error *err) {
    fl_error_set(err, h->name, op->invoke_line, 0, "model %s has no op \"%s\"; expected %s", model,
                 op->f, expected);
    return -1;
}

static int bad_value(const fl_history *h, const fl_op *op, const char *expected, fl_error *err) {
    fl_error_set(err, h->name, op->complete_line ? op->complete_line : op->invoke_line, 0,
                 "%s op: expected %s", op->f, expected);
    return -1;
}

static int convert_op(const fl_history *h, const fl_op *op, lin_model *m, lin_op *out, int *keep,
                      int unknown, json_t *v, fl_error *err);

/* Converts one op; *keep = 0 when it has no bearing on linearizability. */
static int convert(const fl_history *h, const fl_op *op, lin_model *m, lin_op *out, int *keep,
                   fl_error *err) {
    int ok = op->type == FL_OP_OK;
    int unknown = op->type == FL_OP_INFO || op->type == FL_OP_NONE;
    json_t *v = fl_op_logical_value(op);
    memset(out, 0, sizeof *out);
    out->hist = (uint32_t)op->index;
    out->must = (uint8_t)ok;
    out->call_pos = op->invoke_pos;
    out->ret_pos = op->complete_pos;
    *keep = !(op->type == FL_OP_FAIL);
    int rc = convert_op(h, op, m, out, keep, unknown, v, err);
    if (rc == 0)
        out->ro = (uint8_t)(out->code == LOP_READ || out->code == LOP_READ_SET ||
                            (out->code == LOP_DEQUEUE && out->a == UINT32_MAX) ||
                            (m->kind == LIN_REGISTER && out->code == LOP_CAS && out->a == out->b));
    return rc;
}

static int convert_op(const fl_history *h, const fl_op *op, lin_model *m, lin_op *out, int *keep,
                      int unknown, json_t *v, fl_error *err) {
    const char *f = op->f;
    switch (m->kind) {
        case LIN_REGISTER:
        case LIN_KV:
            if (is(f, "read") || is(f, "get")) {
                out->code = LOP_READ;
                if (unknown)
                    *keep = 0;
                else
                    out->a = intern_value(m, v);
                if (m->kind == LIN_KV && *keep) kv_value_prefixes(m, (uint32_t)out->a);
            } else if (is(f, "write") || is(f, "put")) {
                out->code = LOP_WRITE;
                out->a = intern_value(m, v);
                if (m->kind == LIN_KV) out->a = kv_root(m, (uint32_t)out->a);
            } else if (is(f, "cas")) {
                out->code = LOP_CAS;
                if (!json_is_array(v) || json_array_size(v) != 2)
                    return bad_value(h, op, "a value [expected, new]", err);
                out->a = intern_value(m, json_array_get(v, 0));
                out->b = intern_value(m, json_array_get(v, 1));
                if (m->kind == LIN_KV) {
                    kv_value_info(m, (uint32_t)out->a);
                    out->b = kv_root(m, (uint32_t)out->b);
                }
            } else if (m->kind == LIN_KV && is(f, "append")) {
                out->code = LOP_APPEND;
                if (!json_is_string(v)) return bad_value(h, op, "a string to append", err);
                out->a = intern_value(m, v);
                kv_value_info(m, (uint32_t)out->a);
            } else {
                return bad_op(
                    h, op, m->kind == LIN_KV ? "kv" : "register",
                    m->kind == LIN_KV ? "read, write, cas or append" : "read, write or cas", err);
            }
            return 0;
        case LIN_SET:
            if (is(f, "add")) {
                out->code = LOP_ADD;
                out->a = intern_value(m, v);
            } else if (is(f, "read")) {
                out->code = LOP_READ_SET;
                if (unknown) {
                    *keep = 0;
                    return 0;
                }
                if (!json_is_array(v) && !json_is_null(v))
                    return bad_value(h, op, "the elements read, as a list", err);
                size_t n = json_array_size(v);
                uint32_t *els = fl_xmalloc((n ? n : 1) * 4);
                for (size_t i = 0; i < n; i++) els[i] = intern_value(m, json_array_get(v, i));
                qsort(els, n, 4, cmp_u32);
                for (size_t i = 1; i < n; i++)
                    if (els[i] == els[i - 1]) out->b = 1; /* duplicate: never matches */
                out->a = lin_intern(&m->seqs, els, (uint32_t)(n * 4));
                free(els);
            } else {
                return bad_op(h, op, "set", "add or read", err);
            }
            return 0;
        case LIN_QUEUE:
            if (is(f, "enqueue")) {
                out->code = LOP_ENQUEUE;
                out->a = intern_value(m, v);
            } else if (is(f, "dequeue")) {
                if (unknown) {
                    out->code = LOP_DEQUEUE_ANY;
                } else {
                    out->code = LOP_DEQUEUE;
                    out->a = json_is_null(v) ? UINT32_MAX : intern_value(m, v);
                }
            } else {
                return bad_op(h, op, "queue", "enqueue or dequeue", err);
            }
            return 0;
        case LIN_LOCK:
            if (is(f, "acquire") || is(f, "lock"))
                out->code = LOP_ACQUIRE;
            else if (is(f, "release") || is(f, "unlock"))
                out->code = LOP_RELEASE;
            else
                return bad_op(h, op, "lock", "acquire or release", err);
            return 0;
        case LIN_COUNTER:
            if (is(f, "add") || is(f, "inc") || is(f, "increment")) {
                out->code = LOP_ADD;
                if (json_is_null(v))
                    out->a = 1;
                else if (json_is_integer(v))
                    out->a = json_integer_value(v);
                else
                    return bad_value(h, op, "an integer delta", err);
            } else if (is(f, "read")) {
                out->code = LOP_READ;
                if (unknown) {
                    *keep = 0;
                    return 0;
                }
                if (!json_is_integer(v)) return bad_value(h, op, "the integer read", err);
                out->a = json_integer_value(v);
            } else {
                return bad_op(h, op, "counter", "add or read", err);
            }
            return 0;
    }
    return 0;
}

int lin_partition_history(const fl_history *h, lin_model *m, lin_partition **out, size_t *nout,
                          fl_error *err) {
    json_t *index = json_object(); /* key text → partition number */
    lin_partition *parts = NULL;
    size_t nparts = 0, cap = 0;
    size_t *caps = NULL;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        lin_op lop;
        int keep;
        if (convert(h, op, m, &lop, &keep, err) < 0) {
            json_decref(index);
            free(caps);
            lin_partitions_free(parts, nparts);
            return -1;
        }
        if (!keep) continue;
        char *kt = !op->key ? fl_xstrdup("\x02")
                   : json_is_string(op->key)
                       ? fl_xstrdup(json_string_value(op->key))
                       : json_dumps(op->key, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
        if (op->key && !json_is_string(op->key)) { /* keep non-string keys apart from strings */
            char *t = fl_xmalloc(strlen(kt) + 2);
            t[0] = '\x01';
            strcpy(t + 1, kt);
            free(kt);
            kt = t;
        }
        json_t *pi = json_object_get(index, kt);
        size_t p;
        if (pi) {
            p = (size_t)json_integer_value(pi);
        } else {
            if (nparts == cap) {
                cap = cap ? cap * 2 : 8;
                parts = fl_xrealloc(parts, cap * sizeof *parts);
                caps = fl_xrealloc(caps, cap * sizeof *caps);
            }
            p = nparts++;
            memset(&parts[p], 0, sizeof parts[p]);
            caps[p] = 0;
            parts[p].key = op->key;
            json_object_set_new(index, kt, json_integer((json_int_t)p));
        }
        free(kt);
        lin_partition *pt = &parts[p];
        if (pt->nops == caps[p]) {
            caps[p] = caps[p] ? caps[p] * 2 : 64;
            pt->ops = fl_xrealloc(pt->ops, caps[p] * sizeof *pt->ops);
        }
        pt->ops[pt->nops++] = lop;
        if (lop.must) pt->nmust++;
    }
    json_decref(index);
    free(caps);
    /* Sets with at most 64 distinct elements use bitmask states. */
    if (m->kind == LIN_SET) {
        m->set_small = m->values.count <= 64;
        if (m->set_small) {
            for (size_t p = 0; p < nparts; p++)
                for (size_t i = 0; i < parts[p].nops; i++) {
                    lin_op *o = &parts[p].ops[i];
                    if (o->code != LOP_READ_SET) continue;
                    uint32_t sid = (uint32_t)o->a, n = m->seqs.len[sid] / 4;
                    uint64_t mask = 0;
                    for (uint32_t k = 0; k < n; k++) {
                        uint32_t e;
                        memcpy(&e, m->seqs.data[sid] + 4 * k, 4);
                        mask |= 1ULL << e;
                    }
                    o->a = (int64_t)mask;
                }
            m->init = 0;
        } else {
            m->init = m->empty_seq;
        }
    }
    *out = parts;
    *nout = nparts;
    return 0;
}

void lin_partitions_free(lin_partition *p, size_t n) {
    for (size_t i = 0; i < n; i++) free(p[i].ops);
    free(p);
}
