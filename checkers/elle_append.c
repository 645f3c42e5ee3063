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

static uint32_t txn_of(const elle_txns *t, uint32_t mop) {
    return mop == ELLE_NONE ? ELLE_NONE : t->mops[mop].txn;
}

void elle_orders_free(elle_orders *o) {
    free(o->elems);
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
    uint32_t *longest = fl_xmalloc(((size_t)nk + 1) * sizeof *longest);
    for (uint32_t k = 0; k <= nk; k++) o->single[k] = lastapp[k] = longest[k] = ELLE_NONE;
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
        if (longest[m->key] == ELLE_NONE || m->rlen > o->len[m->key]) {
            longest[m->key] = i;
            o->len[m->key] = m->rlen;
        }
    }
    /* each key's order: the longest read, as value ids */
    uint64_t total = 0;
    for (uint32_t k = 0; k < nk; k++) total += o->len[k];
    o->elems = fl_xmalloc((total + 1) * sizeof *o->elems);
    fl_check_charge(ctx, total * 4);
    total = 0;
    for (uint32_t k = 0; k < nk; k++) {
        o->off[k] = (uint32_t)total;
        for (uint32_t e = 0; e < o->len[k]; e++)
            o->elems[total++] = elle_read_elem(t, &t->mops[longest[k]], e);
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
        const uint32_t *lo = o->elems + o->off[k];
        json_t *rj = t->reads[m->roff];
        /* element checks; and is the read a prefix of the longest read of its key? */
        int mismatch = 0;
        serial++;
        for (uint32_t e = 0; e < m->rlen; e++) {
            uint32_t v = elle_read_elem(t, m, e);
            json_t *vj = json_array_get(rj, e);
            if (v != lo[e]) mismatch = 1;
            if (v == ELLE_NONE) {
                elle_found_add(f, "garbage-read",
                               elle_read_anomaly(t, m, ELLE_NONE, vj,
                                                 " contains an element no transaction appended to "
                                                 "that key."));
                continue;
            }
            if (stamp[v] == serial) {
                elle_found_add(f, "duplicate-elements",
                               elle_read_anomaly(t, m, ELLE_NONE, vj,
                                                 " contains an element more than once; each append "
                                                 "happens once, so a list can hold it only once."));
                continue;
            }
            stamp[v] = serial;
            uint32_t w = txn_of(t, elle_writer(t, k, v));
            if (w == ELLE_NONE) {
                elle_found_add(f, "garbage-read",
                               elle_read_anomaly(t, m, ELLE_NONE, vj,
                                                 " contains an element no transaction appended to "
                                                 "that key."));
            } else if (t->txns[w].type == FL_OP_FAIL) {
                elle_found_add(
                    f, "G1a",
                    elle_read_anomaly(t, m, w, vj,
                                      " contains an element appended by a transaction that "
                                      "failed (aborted): an aborted read."));
            }
        }
        if (mismatch) {
            o->unreliable[k] = 1;
            if (!incompat_reported[k]) {
                incompat_reported[k] = 1;
                nincompat++;
                fl_buf s = FL_BUF_INIT;
                fl_buf_puts(&s, " is not a prefix of the longest read of that key, ");
                const elle_mop *lm = &t->mops[longest[k]];
                if (lm) {
                    elle_mop_text(t, lm, &s);
                    fl_buf_puts(&s, " in ");
                    elle_txn_text(t, lm->txn, &s);
                }
                fl_buf_puts(&s, ": the two reads disagree on the order of the appends, so no "
                                "single order of versions explains both.");
                json_t *a = elle_read_anomaly(t, m, ELLE_NONE, NULL, fl_buf_cstr(&s));
                if (lm) json_object_set_new(a, "other", elle_txn_json(t, lm->txn));
                elle_found_add(f, "incompatible-order", a);
                fl_buf_free(&s);
            }
        }
        if (!m->ext) continue; /* a read after the txn's own append: internal checks only */
        if (m->rlen) {
            uint32_t last = elle_read_elem(t, m, m->rlen - 1);
            uint32_t wm = elle_writer(t, k, last);
            uint32_t w = txn_of(t, wm);
            if (w != ELLE_NONE && w != m->txn && t->txns[w].type != FL_OP_FAIL) {
                elle_graph_add(g, w, m->txn, ELLE_WR);
                if (!t->mops[wm].ext)
                    elle_found_add(
                        f, "G1b",
                        elle_read_anomaly(
                            t, m, w, json_array_get(rj, m->rlen - 1),
                            " ends with an element its writer appended before another "
                            "append of its own to the same key: it observed an "
                            "intermediate state of that transaction (intermediate read)."));
            }
        }
        if (o->unreliable[k]) continue;
        uint32_t next = ELLE_NONE;
        if (m->rlen < o->len[k])
            next = o->elems[o->off[k] + m->rlen];
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
            uint32_t w = txn_of(t, elle_writer(t, k, o->elems[o->off[k] + e]));
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
    free(longest);
}
