/*
 * elle_report.c — how elle talks about what it found: transactions as JSON and as short
 * text, the collection of anomalies by type, and for each dependency edge a sentence saying
 * which transaction wrote what and who read what (Elle's "T1 < T2, because ...").
 *
 * Data in: elle_txns, the inferred version orders, a pair of transactions and an edge type.
 * Data out: JSON objects (the "steps" of a cycle) and text appended to an fl_buf.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

void elle_found_add(elle_found *f, const char *type, json_t *anomaly) {
    json_t *c = json_object_get(f->counts, type);
    json_object_set_new(f->counts, type, json_integer(c ? json_integer_value(c) + 1 : 1));
    json_t *arr = json_object_get(f->by_type, type);
    if (!arr) {
        arr = json_array();
        json_object_set_new(f->by_type, type, arr);
    }
    if (json_array_size(arr) < ELLE_EXAMPLES) {
        json_object_set_new(anomaly, "type", json_string(type));
        json_array_append_new(arr, anomaly);
    } else {
        json_decref(anomaly);
    }
}

const char *elle_edge_name(uint8_t type) {
    switch (type) {
        case ELLE_WW:
            return "ww";
        case ELLE_WR:
            return "wr";
        case ELLE_RW:
            return "rw";
        case ELLE_RT:
            return "realtime";
    }
    return "?";
}

static json_t *txn_value(const elle_txns *t, uint32_t txn) {
    const fl_op *op = &t->h->ops[txn];
    return op->type == FL_OP_OK && json_is_array(op->result) ? op->result : op->value;
}

json_t *elle_txn_json(const elle_txns *t, uint32_t txn) {
    const fl_op *op = &t->h->ops[txn];
    json_t *o = json_object();
    json_object_set_new(o, "op", json_integer((json_int_t)op->index));
    json_object_set(o, "process", t->h->processes[op->proc]);
    json_object_set_new(o, "type", json_string(fl_op_type_name(op->type)));
    json_object_set_new(o, "line", json_integer(op->invoke_line));
    if (op->complete_line) json_object_set_new(o, "complete_line", json_integer(op->complete_line));
    json_object_set(o, "value", txn_value(t, txn));
    return o;
}

void elle_atom_text(const json_t *v, fl_buf *out) {
    if (!v) {
        fl_buf_puts(out, "null");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    size_t n = s ? strlen(s) : 0;
    if (n > 200) {
        fl_buf_append(out, s, 190);
        fl_buf_puts(out, "...");
    } else {
        fl_buf_puts(out, s ? s : "?");
    }
    free(s);
}

void elle_txn_text(const elle_txns *t, uint32_t txn, fl_buf *out) {
    const fl_op *op = &t->h->ops[txn];
    char p[64];
    fl_buf_printf(out, "the %s txn of process %s at line %d ",
                  op->type == FL_OP_OK     ? "committed"
                  : op->type == FL_OP_FAIL ? "failed"
                                           : "indeterminate",
                  fl_history_process_text(t->h, op->proc, p, sizeof p), op->invoke_line);
    elle_atom_text(txn_value(t, txn), out);
}

static json_t *key_json(const elle_txns *t, uint32_t key) {
    return t->keys.atoms[key].json;
}
static json_t *val_json(const elle_txns *t, uint32_t val) {
    return val == ELLE_NONE ? NULL : t->vals.atoms[val].json;
}

void elle_mop_text(const elle_txns *t, const elle_mop *m, fl_buf *out) {
    if (m->kind != ELLE_READ) {
        fl_buf_puts(out, m->kind == ELLE_APPEND ? "append " : "write ");
        elle_atom_text(val_json(t, m->val), out);
        fl_buf_puts(out, " to ");
        elle_atom_text(key_json(t, m->key), out);
        return;
    }
    elle_atom_text(key_json(t, m->key), out);
    fl_buf_puts(out, " = ");
    if (!t->rw) {
        fl_buf_putc(out, '[');
        for (uint32_t i = 0; i < m->rlen; i++) {
            if (i) fl_buf_putc(out, ' ');
            if (i == 20 && m->rlen > 24) {
                fl_buf_printf(out, "... (%u more) ", m->rlen - 21);
                i = m->rlen - 1;
            }
            elle_atom_text(json_array_get(t->reads[m->roff], i), out);
        }
        fl_buf_putc(out, ']');
    } else {
        elle_atom_text(val_json(t, m->val), out);
    }
}

/* ---- why an edge holds ---------------------------------------------------------------- */

static uint32_t order_at(const elle_txns *t, const elle_orders *o, uint32_t key, uint32_t i) {
    if (o->len[key] > i) return o->elems[o->off[key] + i];
    if (i == 0 && o->single[key] != ELLE_NONE) return t->mops[o->single[key]].val;
    return ELLE_NONE;
}

static json_t *step(uint8_t type, json_t *key, json_t *value, const char *text) {
    json_t *s = json_object();
    json_object_set_new(s, "type", json_string(elle_edge_name(type)));
    if (key) json_object_set(s, "key", key);
    if (value) json_object_set(s, "value", value);
    json_object_set_new(s, "explanation", json_string(text));
    return s;
}

json_t *elle_explain_edge(const elle_txns *t, const elle_orders *o, uint32_t a, uint32_t b,
                          uint8_t type, const char *na, const char *nb, fl_buf *out) {
    const elle_txn *ta = &t->txns[a], *tb = &t->txns[b];
    fl_buf s = FL_BUF_INIT;
    json_t *key = NULL, *value = NULL;
    if (type == ELLE_RT) {
        const fl_op *oa = &t->h->ops[a], *ob = &t->h->ops[b];
        fl_buf_printf(&s,
                      "%s < %s, because %s completed (line %d) before %s was invoked (line %d)%s",
                      na, nb, na, oa->complete_line, nb, ob->invoke_line,
                      oa->proc == ob->proc ? ", in the same process" : " (real time)");
    }
    for (uint32_t i = 0; i < ta->nmop && !s.len; i++) {
        const elle_mop *ma = &t->mops[ta->mop0 + i];
        for (uint32_t j = 0; j < tb->nmop && !s.len; j++) {
            const elle_mop *mb = &t->mops[tb->mop0 + j];
            if (ma->key != mb->key) continue;
            uint32_t k = ma->key;
            key = key_json(t, k);
            fl_buf ks = FL_BUF_INIT;
            elle_atom_text(key, &ks);
            const char *kt = fl_buf_cstr(&ks);
            if (!t->rw) {
                if (type == ELLE_WW && ma->kind == ELLE_APPEND && mb->kind == ELLE_APPEND &&
                    !o->unreliable[k]) {
                    for (uint32_t p = 0; p + 1 < o->len[k]; p++) {
                        if (o->elems[o->off[k] + p] == ma->val &&
                            o->elems[o->off[k] + p + 1] == mb->val) {
                            value = val_json(t, mb->val);
                            fl_buf_printf(&s, "%s < %s, because %s appended ", na, nb, nb);
                            elle_atom_text(value, &s);
                            fl_buf_printf(&s, " to key %s right after %s's append of ", kt, na);
                            elle_atom_text(val_json(t, ma->val), &s);
                            fl_buf_puts(&s, " (the longest read of that key shows this order)");
                            break;
                        }
                    }
                } else if (type == ELLE_WR && ma->kind == ELLE_APPEND && mb->kind == ELLE_READ &&
                           mb->known && mb->ext && mb->rlen &&
                           elle_read_elem(t, mb, mb->rlen - 1) == ma->val) {
                    value = val_json(t, ma->val);
                    fl_buf_printf(&s, "%s < %s, because %s observed %s's append of ", na, nb, nb,
                                  na);
                    elle_atom_text(value, &s);
                    fl_buf_printf(&s, " to key %s (its read of ", kt);
                    elle_mop_text(t, mb, &s);
                    fl_buf_puts(&s, " ends with it)");
                } else if (type == ELLE_RW && ma->kind == ELLE_READ && ma->known && ma->ext &&
                           mb->kind == ELLE_APPEND && !o->unreliable[k] &&
                           order_at(t, o, k, ma->rlen) == mb->val) {
                    value = val_json(t, mb->val);
                    fl_buf_printf(&s, "%s < %s, because %s's read of ", na, nb, na);
                    elle_mop_text(t, ma, &s);
                    fl_buf_puts(&s, " did not see ");
                    elle_atom_text(value, &s);
                    fl_buf_printf(&s, ", which %s appended next to key %s", nb, kt);
                }
            } else {
                if (type == ELLE_WW && ma->kind == ELLE_WRITE && mb->kind == ELLE_READ &&
                    mb->known && mb->ext && mb->val == ma->val) {
                    /* b read a's value, then wrote the key */
                    for (uint32_t q = j + 1; q < tb->nmop; q++) {
                        const elle_mop *mw = &t->mops[tb->mop0 + q];
                        if (mw->key != k || mw->kind != ELLE_WRITE) continue;
                        value = val_json(t, mw->val);
                        fl_buf_printf(&s, "%s < %s, because %s read %s's write of ", na, nb, nb,
                                      na);
                        elle_atom_text(val_json(t, ma->val), &s);
                        fl_buf_printf(&s, " to key %s and then overwrote it with ", kt);
                        elle_atom_text(value, &s);
                        break;
                    }
                } else if (type == ELLE_WR && ma->kind == ELLE_WRITE && mb->kind == ELLE_READ &&
                           mb->known && mb->ext && mb->val == ma->val) {
                    value = val_json(t, ma->val);
                    fl_buf_printf(&s, "%s < %s, because %s read key %s = ", na, nb, nb, kt);
                    elle_atom_text(value, &s);
                    fl_buf_printf(&s, ", which %s wrote", na);
                } else if (type == ELLE_RW && ma->kind == ELLE_READ && ma->known && ma->ext &&
                           mb->kind == ELLE_WRITE) {
                    int overwrote = 0;
                    if (ma->val == ELLE_NONE) {
                        overwrote = 1;
                    } else {
                        for (uint32_t q = 0; q < tb->nmop; q++) {
                            const elle_mop *mr = &t->mops[tb->mop0 + q];
                            if (mr->key == k && mr->kind == ELLE_READ && mr->ext && mr->known &&
                                mr->val == ma->val)
                                overwrote = 1;
                        }
                    }
                    if (overwrote) {
                        value = val_json(t, mb->val);
                        fl_buf_printf(&s, "%s < %s, because %s read key %s = ", na, nb, na, kt);
                        if (ma->val == ELLE_NONE)
                            fl_buf_puts(&s, "null (its initial version)");
                        else
                            elle_atom_text(val_json(t, ma->val), &s);
                        fl_buf_printf(&s, " and %s %s that version with ", nb,
                                      ma->val == ELLE_NONE ? "replaced" : "read and then replaced");
                        elle_atom_text(value, &s);
                    }
                }
            }
            fl_buf_free(&ks);
            if (!s.len) key = NULL, value = NULL;
        }
    }
    if (!s.len) /* the single-append rule, or an edge we cannot re-derive */
        fl_buf_printf(&s, "%s < %s (%s dependency)", na, nb, elle_edge_name(type));
    json_t *st = step(type, key, value, fl_buf_cstr(&s));
    if (type == ELLE_RT && t->h->ops[a].proc == t->h->ops[b].proc) /* session order */
        json_object_set_new(st, "type", json_string("process"));
    fl_buf_puts(out, fl_buf_cstr(&s));
    fl_buf_free(&s);
    return st;
}

json_t *elle_read_anomaly(const elle_txns *t, const elle_mop *m, uint32_t writer, json_t *elem,
                          const char *fmt_text) {
    json_t *a = json_object();
    json_object_set_new(a, "op", elle_txn_json(t, m->txn));
    json_object_set(a, "key", t->keys.atoms[m->key].json);
    if (elem) json_object_set(a, "element", elem);
    if (writer != ELLE_NONE) json_object_set_new(a, "writer", elle_txn_json(t, writer));
    fl_buf s = FL_BUF_INIT;
    fl_buf_puts(&s, "In ");
    elle_txn_text(t, m->txn, &s);
    fl_buf_puts(&s, ", the read of ");
    elle_mop_text(t, m, &s);
    fl_buf_puts(&s, fmt_text);
    if (writer != ELLE_NONE) {
        fl_buf_puts(&s, " Writer: ");
        elle_txn_text(t, writer, &s);
        fl_buf_putc(&s, '.');
    }
    json_object_set_new(a, "message", json_string(fl_buf_cstr(&s)));
    fl_buf_free(&s);
    return a;
}
