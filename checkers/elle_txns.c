/*
 * elle_txns.c — turns the `txn` ops of an fl_history into elle's compact transactions:
 * keys and values interned to small integers, micro-ops in one array, list reads in one
 * element array, and the writer map (key, value) → the micro-op that wrote it.
 *
 * Data in: fl_history (values as jansson JSON; the JSON stays owned by the history and is
 * only borrowed). Data out: elle_txns, or -1 with an fl_error naming the line of a
 * malformed transaction.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static uint64_t json_hash(json_t *v) {
    if (json_is_integer(v)) return mix64((uint64_t)json_integer_value(v));
    if (json_is_string(v)) {
        uint64_t h = 1469598103934665603ull;
        const unsigned char *s = (const unsigned char *)json_string_value(v);
        size_t n = json_string_length(v);
        for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
        return mix64(h ^ 0x5bd1e995);
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    uint64_t h = 7;
    for (const char *p = s ? s : ""; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    free(s);
    return mix64(h ^ (uint64_t)json_typeof(v));
}

static int json_same(json_t *a, json_t *b) {
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) == json_integer_value(b);
    if (json_is_string(a) && json_is_string(b))
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    return json_equal(a, b);
}

static void intern_grow(elle_intern *in) {
    uint64_t ns = in->nslots ? in->nslots * 2 : 1024;
    uint32_t *slots = fl_xcalloc(ns, sizeof *slots);
    for (uint32_t i = 0; i < in->n; i++) {
        uint64_t s = in->atoms[i].hash & (ns - 1);
        while (slots[s]) s = (s + 1) & (ns - 1);
        slots[s] = i + 1;
    }
    free(in->slots);
    in->slots = slots;
    in->nslots = ns;
}

uint32_t elle_intern_json(elle_intern *in, json_t *v) {
    if ((uint64_t)(in->n + 1) * 2 > in->nslots) intern_grow(in);
    uint64_t h = json_hash(v), s = h & (in->nslots - 1);
    while (in->slots[s]) {
        elle_atom *a = &in->atoms[in->slots[s] - 1];
        if (a->hash == h && json_same(a->json, v)) return in->slots[s] - 1;
        s = (s + 1) & (in->nslots - 1);
    }
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 1024;
        in->atoms = fl_xrealloc(in->atoms, in->cap * sizeof *in->atoms);
    }
    in->atoms[in->n] = (elle_atom){v, h};
    in->slots[s] = in->n + 1;
    return in->n++;
}

static void map_put(elle_map *m, uint64_t key, uint32_t val, uint32_t *old) {
    if ((m->n + 1) * 2 > m->cap) {
        uint64_t nc = m->cap ? m->cap * 2 : 1024;
        uint64_t *ks = fl_xmalloc(nc * sizeof *ks);
        uint32_t *vs = fl_xmalloc(nc * sizeof *vs);
        memset(vs, 0xff, nc * sizeof *vs);
        for (uint64_t i = 0; i < m->cap; i++) {
            if (m->vals[i] == ELLE_NONE) continue;
            uint64_t s = mix64(m->keys[i]) & (nc - 1);
            while (vs[s] != ELLE_NONE) s = (s + 1) & (nc - 1);
            ks[s] = m->keys[i];
            vs[s] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = ks;
        m->vals = vs;
        m->cap = nc;
    }
    uint64_t s = mix64(key) & (m->cap - 1);
    while (m->vals[s] != ELLE_NONE) {
        if (m->keys[s] == key) {
            *old = m->vals[s];
            return;
        }
        s = (s + 1) & (m->cap - 1);
    }
    m->keys[s] = key;
    m->vals[s] = val;
    m->n++;
    *old = ELLE_NONE;
}

uint32_t elle_map_get(const elle_map *m, uint64_t key) {
    if (!m->cap) return ELLE_NONE;
    uint64_t s = mix64(key) & (m->cap - 1);
    while (m->vals[s] != ELLE_NONE) {
        if (m->keys[s] == key) return m->vals[s];
        s = (s + 1) & (m->cap - 1);
    }
    return ELLE_NONE;
}

uint32_t elle_writer(const elle_txns *t, uint32_t key, uint32_t val) {
    if (val == ELLE_NONE) return ELLE_NONE;
    return elle_map_get(&t->writer, ((uint64_t)key << 32) | val);
}

static int bad(const fl_history *h, const fl_op *op, fl_error *err, const char *what) {
    int line = op->type == FL_OP_OK && op->complete_line ? op->complete_line : op->invoke_line;
    fl_error_set(err, h->name, line, 0, "%s", what);
    return -1;
}

int elle_txns_read(const fl_history *h, int rw, fl_check_ctx *ctx, elle_txns *t, fl_error *err) {
    memset(t, 0, sizeof *t);
    t->h = h;
    t->rw = rw;
    t->dup_key = t->dup_val = ELLE_NONE;
    t->txns = fl_xcalloc(h->nops ? h->nops : 1, sizeof *t->txns);
    uint64_t mcap = h->nops * 3 + 16, ecap = 1024;
    t->mops = fl_xmalloc(mcap * sizeof *t->mops);
    t->elems = fl_xmalloc(ecap * sizeof *t->elems);
    const char *want = rw ? "expected a txn micro-op [\"r\", key, value] or [\"w\", key, value]"
                          : "expected a txn micro-op [\"append\", key, value] or [\"r\", key, "
                            "list]";
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (strcmp(op->f, "txn") != 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "expected f \"txn\" for model %s, got \"%s\"",
                     rw ? "rw-register" : "list-append", op->f);
            return bad(h, op, err, msg);
        }
        json_t *v = op->type == FL_OP_OK && json_is_array(op->result) ? op->result : op->value;
        if (!json_is_array(v))
            return bad(h, op, err, "expected the txn value to be a list of micro-ops");
        elle_txn *tx = &t->txns[t->ntxn];
        tx->op = (uint32_t)i;
        tx->type = (uint8_t)op->type;
        tx->mop0 = t->nmop;
        size_t nm = json_array_size(v);
        for (size_t j = 0; j < nm; j++) {
            json_t *m = json_array_get(v, j);
            if (!json_is_array(m) || json_array_size(m) != 3 ||
                !json_is_string(json_array_get(m, 0)))
                return bad(h, op, err, want);
            const char *f = json_string_value(json_array_get(m, 0));
            json_t *k = json_array_get(m, 1), *x = json_array_get(m, 2);
            elle_mop mo;
            memset(&mo, 0, sizeof mo);
            mo.txn = t->ntxn;
            mo.val = ELLE_NONE;
            if (strcmp(f, "r") == 0) {
                mo.kind = ELLE_READ;
                mo.known = op->type == FL_OP_OK;
            } else if (!rw && strcmp(f, "append") == 0) {
                mo.kind = ELLE_APPEND;
                mo.known = 1;
            } else if (rw && strcmp(f, "w") == 0) {
                mo.kind = ELLE_WRITE;
                mo.known = 1;
            } else {
                return bad(h, op, err, want);
            }
            mo.key = elle_intern_json(&t->keys, k);
            if (mo.kind != ELLE_READ) {
                if (json_is_null(x)) return bad(h, op, err, "expected a written value, not null");
                mo.val = elle_intern_json(&t->vals, x);
            } else if (mo.known && rw) {
                mo.val = json_is_null(x) ? ELLE_NONE : elle_intern_json(&t->vals, x);
            } else if (mo.known) {
                if (!json_is_array(x) && !json_is_null(x))
                    return bad(h, op, err, "expected a list-append read to return a list");
                size_t n = json_array_size(x); /* null reads as the empty list */
                if (t->nelem + n > ecap) {
                    while (t->nelem + n > ecap) ecap *= 2;
                    t->elems = fl_xrealloc(t->elems, ecap * sizeof *t->elems);
                }
                mo.roff = (uint32_t)t->nelem;
                mo.rlen = (uint32_t)n;
                for (size_t e = 0; e < n; e++)
                    t->elems[t->nelem++] = elle_intern_json(&t->vals, json_array_get(x, e));
            }
            if (t->nmop == mcap) {
                mcap *= 2;
                t->mops = fl_xrealloc(t->mops, mcap * sizeof *t->mops);
            }
            t->mops[t->nmop++] = mo;
        }
        tx->nmop = t->nmop - tx->mop0;
        /* first access / last write flags; writer map */
        for (uint32_t a = tx->mop0; a < t->nmop; a++) {
            elle_mop *ma = &t->mops[a];
            int first = 1, last = 1;
            for (uint32_t b = tx->mop0; b < a; b++)
                if (t->mops[b].key == ma->key) first = 0;
            for (uint32_t b = a + 1; b < t->nmop; b++)
                if (t->mops[b].key == ma->key && t->mops[b].kind != ELLE_READ) last = 0;
            ma->ext = ma->kind == ELLE_READ ? (uint8_t)first : (uint8_t)last;
            if (ma->kind != ELLE_READ) {
                uint32_t old;
                map_put(&t->writer, ((uint64_t)ma->key << 32) | ma->val, a, &old);
                if (old != ELLE_NONE && t->dup_key == ELLE_NONE) {
                    t->dup_key = ma->key;
                    t->dup_val = ma->val;
                }
            }
        }
        t->ntxn++;
        if ((i & 0xffff) == 0 && fl_check_timed_out(ctx)) break;
    }
    fl_check_charge(ctx, (size_t)t->nmop * sizeof *t->mops + t->nelem * 4 + t->writer.cap * 12 +
                             (size_t)t->ntxn * sizeof *t->txns);
    return 0;
}

void elle_txns_free(elle_txns *t) {
    free(t->txns);
    free(t->mops);
    free(t->elems);
    free(t->keys.atoms);
    free(t->keys.slots);
    free(t->vals.atoms);
    free(t->vals.slots);
    free(t->writer.keys);
    free(t->writer.vals);
    memset(t, 0, sizeof *t);
}
