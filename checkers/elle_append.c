/*
 * elle_append.c — dependency inference for list-append histories (Elle §2.3 of
 * reference/checkers.md) and the anomalies visible without a cycle.
 *
 * Per key, every read of a committed txn must be a prefix of the longest read (else
 * incompatible-order: the key's version order is then not trusted and gives no ww/rw
 * edges); the longest read is the key's version order. Edges: ww between the writers of
 * consecutive elements; wr from the writer of a read's last element to the reader; rw from
 * a reader to the writer of the element that follows what it saw. A key no read saw any
 * element of, with exactly one committed append, still has the order [] < [x]. Found on
 * the way: duplicate elements in a read, G1a (an element written by a failed txn), G1b
 * (a read ending on an element its writer appended before another append to that key),
 * and garbage reads (an element nobody appended).
 *
 * Data in: elle_txns. Data out: edges into the graph, anomalies into elle_found, the
 * version orders (for explanations).
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

static json_t *read_anomaly(const elle_txns *t, const elle_mop *m, uint32_t writer, json_t *elem,
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

static uint32_t txn_of(const elle_txns *t, uint32_t mop) {
    return mop == ELLE_NONE ? ELLE_NONE : t->mops[mop].txn;
}

void elle_orders_free(elle_orders *o) {
    free(o->off);
    free(o->len);
    free(o->unreliable);
    free(o->single);
    memset(o, 0, sizeof *o);
}

void elle_infer_append(const elle_txns *t, fl_check_ctx *ctx, elle_graph *g, elle_orders *o,
                       elle_found *f) {
    uint32_t nk = t->keys.n;
    o->off = fl_xcalloc((size_t)nk + 1, sizeof *o->off);
    o->len = fl_xcalloc((size_t)nk + 1, sizeof *o->len);
    o->unreliable = fl_xcalloc((size_t)nk + 1, 1);
    o->single = fl_xmalloc(((size_t)nk + 1) * sizeof *o->single);
    uint32_t *nappend = fl_xcalloc((size_t)nk + 1, sizeof *nappend);
    uint32_t *lastapp = fl_xmalloc(((size_t)nk + 1) * sizeof *lastapp);
    for (uint32_t k = 0; k <= nk; k++) o->single[k] = lastapp[k] = ELLE_NONE;
    fl_check_charge(ctx, (size_t)nk * 24);

    /* the longest read of each key (committed txns only) */
    for (uint32_t i = 0; i < t->nmop; i++) {
        const elle_mop *m = &t->mops[i];
        if (m->kind == ELLE_APPEND) {
            if (t->txns[m->txn].type != FL_OP_FAIL) {
                nappend[m->key]++;
                lastapp[m->key] = i;
            }
            continue;
        }
        if (!m->known) continue;
        if (m->rlen > o->len[m->key] || (o->len[m->key] == 0 && o->off[m->key] == 0)) {
            o->off[m->key] = m->roff;
            o->len[m->key] = m->rlen;
        }
    }
    for (uint32_t k = 0; k < nk; k++)
        if (o->len[k] == 0 && nappend[k] == 1 && t->txns[t->mops[lastapp[k]].txn].type == FL_OP_OK)
            o->single[k] = lastapp[k];

    /* reads: prefix compatibility, element checks, wr, rw */
    uint32_t *stamp = fl_xcalloc((size_t)t->vals.n + 1, sizeof *stamp);
    uint8_t *incompat_reported = fl_xcalloc((size_t)nk + 1, 1);
    uint32_t serial = 0, nincompat = 0;
    for (uint32_t i = 0; i < t->nmop; i++) {
        const elle_mop *m = &t->mops[i];
        if (m->kind != ELLE_READ || !m->known) continue;
        if ((i & 0xffff) == 0 && fl_check_timed_out(ctx)) break;
        uint32_t k = m->key;
        const uint32_t *r = t->elems + m->roff, *lo = t->elems + o->off[k];
        if (m->roff != o->off[k] && memcmp(r, lo, (size_t)m->rlen * sizeof *r) != 0) {
            o->unreliable[k] = 1;
            if (!incompat_reported[k]) {
                incompat_reported[k] = 1;
                nincompat++;
                fl_buf s = FL_BUF_INIT;
                fl_buf_puts(&s, " is not a prefix of the longest read of that key, ");
                const elle_mop *lm = NULL;
                for (uint32_t j = 0; j < t->nmop && !lm && nincompat < ELLE_EXAMPLES; j++)
                    if (t->mops[j].kind == ELLE_READ && t->mops[j].known &&
                        t->mops[j].roff == o->off[k] && t->mops[j].key == k)
                        lm = &t->mops[j];
                if (lm) {
                    elle_mop_text(t, lm, &s);
                    fl_buf_puts(&s, " in ");
                    elle_txn_text(t, lm->txn, &s);
                }
                fl_buf_puts(&s, ": the two reads disagree on the order of the appends, so no "
                                "single order of versions explains both.");
                json_t *a = read_anomaly(t, m, ELLE_NONE, NULL, fl_buf_cstr(&s));
                if (lm) json_object_set_new(a, "other", elle_txn_json(t, lm->txn));
                elle_found_add(f, "incompatible-order", a);
                fl_buf_free(&s);
            }
        }
        /* element checks */
        serial++;
        for (uint32_t e = 0; e < m->rlen; e++) {
            uint32_t v = r[e];
            json_t *vj = t->vals.atoms[v].json;
            if (stamp[v] == serial) {
                elle_found_add(f, "duplicate-elements",
                               read_anomaly(t, m, ELLE_NONE, vj,
                                            " contains an element more than once; each append "
                                            "happens once, so a list can hold it only once."));
                continue;
            }
            stamp[v] = serial;
            uint32_t w = txn_of(t, elle_writer(t, k, v));
            if (w == ELLE_NONE) {
                elle_found_add(f, "garbage-read",
                               read_anomaly(t, m, ELLE_NONE, vj,
                                            " contains an element no transaction appended to "
                                            "that key."));
            } else if (t->txns[w].type == FL_OP_FAIL) {
                elle_found_add(f, "G1a",
                               read_anomaly(t, m, w, vj,
                                            " contains an element appended by a transaction that "
                                            "failed (aborted): an aborted read."));
            }
        }
        if (!m->ext) continue; /* a read after the txn's own append: internal checks only */
        if (m->rlen) {
            uint32_t wm = elle_writer(t, k, r[m->rlen - 1]);
            uint32_t w = txn_of(t, wm);
            if (w != ELLE_NONE && w != m->txn && t->txns[w].type != FL_OP_FAIL) {
                elle_graph_add(g, w, m->txn, ELLE_WR);
                if (!t->mops[wm].ext)
                    elle_found_add(
                        f, "G1b",
                        read_anomaly(
                            t, m, w, t->vals.atoms[r[m->rlen - 1]].json,
                            " ends with an element its writer appended before another "
                            "append of its own to the same key: it observed an "
                            "intermediate state of that transaction (intermediate read)."));
            }
        }
        if (o->unreliable[k]) continue;
        uint32_t next = ELLE_NONE;
        if (m->rlen < o->len[k])
            next = t->elems[o->off[k] + m->rlen];
        else if (m->rlen == 0 && o->single[k] != ELLE_NONE)
            next = t->mops[o->single[k]].val;
        if (next != ELLE_NONE) {
            uint32_t w = txn_of(t, elle_writer(t, k, next));
            if (w != ELLE_NONE && w != m->txn && t->txns[w].type != FL_OP_FAIL)
                elle_graph_add(g, m->txn, w, ELLE_RW);
        }
    }
    /* ww: consecutive elements of each trusted order */
    for (uint32_t k = 0; k < nk; k++) {
        if (o->unreliable[k]) continue;
        uint32_t prev = ELLE_NONE;
        for (uint32_t e = 0; e < o->len[k]; e++) {
            uint32_t w = txn_of(t, elle_writer(t, k, t->elems[o->off[k] + e]));
            if (w != ELLE_NONE && t->txns[w].type == FL_OP_FAIL) w = ELLE_NONE;
            if (prev != ELLE_NONE && w != ELLE_NONE && w != prev)
                elle_graph_add(g, prev, w, ELLE_WW);
            if (w != ELLE_NONE) prev = w;
        }
    }
    free(stamp);
    free(incompat_reported);
    free(nappend);
    free(lastapp);
}
