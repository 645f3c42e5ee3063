/*
 * elle_rw.c — dependency inference for rw-register histories (unique written values per
 * key, reads return one value or null for the initial version).
 *
 * wr: the writer of the value an (external) read saw → the reader. Version order, only
 * where it is certain: the initial null precedes every written value, and a txn that read
 * version v of a key and then wrote the key installed its write after v. From it: ww from
 * v's writer to the overwriting txn, and rw from every other reader of v (and from every
 * reader of null to every writer of the key) to the overwriter. Found on the way: G1a
 * (value of a failed txn), G1b (a value its writer overwrote within the same txn) and
 * garbage reads (a value nobody wrote).
 *
 * Data in: elle_txns. Data out: edges into the graph and anomalies into elle_found.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

typedef struct kvref {
    uint64_t kv; /* key << 32 | value */
    uint32_t mop;
} kvref;

static int kv_cmp(const void *a, const void *b) {
    const kvref *x = a, *y = b;
    if (x->kv != y->kv) return x->kv < y->kv ? -1 : 1;
    return x->mop < y->mop ? -1 : x->mop > y->mop;
}

static json_t *rd_anomaly(const elle_txns *t, const elle_mop *m, uint32_t writer,
                          const char *text) {
    json_t *elem = m->val == ELLE_NONE ? json_null() : t->vals.atoms[m->val].json;
    return elle_read_anomaly(t, m, writer, elem, text);
}

/* The txn's last write of `key` after micro-op index `after` (absolute), or ELLE_NONE. */
static uint32_t later_write(const elle_txns *t, uint32_t after) {
    const elle_mop *m = &t->mops[after];
    const elle_txn *tx = &t->txns[m->txn];
    uint32_t found = ELLE_NONE;
    for (uint32_t j = after + 1; j < tx->mop0 + tx->nmop; j++)
        if (t->mops[j].key == m->key && t->mops[j].kind == ELLE_WRITE) found = j;
    return found;
}

void elle_infer_rw(const elle_txns *t, fl_check_ctx *ctx, elle_graph *g, elle_found *f) {
    uint32_t nk = t->keys.n;
    /* writers per key (CSR), committed or indeterminate */
    uint32_t *woff = fl_xcalloc((size_t)nk + 2, sizeof *woff);
    for (uint32_t i = 0; i < t->nmop; i++) {
        const elle_mop *m = &t->mops[i];
        if (m->kind == ELLE_WRITE && m->ext && t->txns[m->txn].type != FL_OP_FAIL)
            woff[m->key + 2]++;
    }
    for (uint32_t k = 0; k < nk; k++) woff[k + 2] += woff[k + 1];
    uint32_t *wlist = fl_xmalloc(((size_t)woff[nk + 1] + 1) * sizeof *wlist);
    for (uint32_t i = 0; i < t->nmop; i++) {
        const elle_mop *m = &t->mops[i];
        if (m->kind == ELLE_WRITE && m->ext && t->txns[m->txn].type != FL_OP_FAIL)
            wlist[woff[m->key + 1]++] = m->txn;
    }
    /* now woff[k] .. woff[k+1] are key k's writers */

    kvref *refs = fl_xmalloc(((size_t)t->nmop + 1) * sizeof *refs);
    size_t nref = 0;
    for (uint32_t i = 0; i < t->nmop; i++) {
        const elle_mop *m = &t->mops[i];
        if (m->kind != ELLE_READ || !m->known) continue;
        if ((i & 0xffff) == 0 && fl_check_timed_out(ctx)) break;
        uint32_t k = m->key;
        if (m->val != ELLE_NONE) {
            uint32_t wm = elle_writer(t, k, m->val);
            uint32_t w = wm == ELLE_NONE ? ELLE_NONE : t->mops[wm].txn;
            if (w == ELLE_NONE) {
                elle_found_add(f, "garbage-read",
                               rd_anomaly(t, m, ELLE_NONE,
                                          " returned a value no transaction wrote to that key."));
                continue;
            }
            if (t->txns[w].type == FL_OP_FAIL) {
                elle_found_add(f, "G1a",
                               rd_anomaly(t, m, w,
                                          " returned a value written by a transaction that failed "
                                          "(aborted): an aborted read."));
                continue;
            }
            if (!m->ext || w == m->txn) continue;
            elle_graph_add(g, w, m->txn, ELLE_WR);
            if (!t->mops[wm].ext)
                elle_found_add(f, "G1b",
                               rd_anomaly(t, m, w,
                                          " returned a value its writer overwrote later in the "
                                          "same transaction: it observed an intermediate state "
                                          "(intermediate read)."));
        } else if (m->ext) {
            /* null: the initial version, which every write of the key follows */
            for (uint32_t j = woff[k]; j < woff[k + 1]; j++)
                if (wlist[j] != m->txn) elle_graph_add(g, m->txn, wlist[j], ELLE_RW);
        }
        if (m->ext && m->val != ELLE_NONE) refs[nref++] = (kvref){((uint64_t)k << 32) | m->val, i};
    }
    /* versions read and then overwritten by the same txn */
    qsort(refs, nref, sizeof *refs, kv_cmp);
    for (size_t a = 0; a < nref;) {
        size_t b = a;
        while (b < nref && refs[b].kv == refs[a].kv) b++;
        for (size_t i = a; i < b; i++) {
            const elle_mop *m = &t->mops[refs[i].mop];
            if (later_write(t, refs[i].mop) == ELLE_NONE) continue;
            uint32_t wm = elle_writer(t, m->key, m->val);
            if (wm != ELLE_NONE && t->mops[wm].txn != m->txn)
                elle_graph_add(g, t->mops[wm].txn, m->txn, ELLE_WW);
            for (size_t j = a; j < b; j++) {
                uint32_t r = t->mops[refs[j].mop].txn;
                if (r != m->txn) elle_graph_add(g, r, m->txn, ELLE_RW);
            }
        }
        a = b;
    }
    free(refs);
    free(woff);
    free(wlist);
}
