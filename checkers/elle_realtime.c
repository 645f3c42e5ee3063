/*
 * elle_realtime.c — real-time edges for strict serializability: T1 → T2 when T1 completed
 * (ok) before T2 was invoked. Only a transitive reduction is added: a frontier holds the
 * completed txns no later completed txn dominates; each invoke links from the frontier, and
 * a completion removes from the frontier the txns that were linked to it (they now precede
 * it). O(n·p) edges for n txns and p concurrent processes. Session (process) order is a
 * subset of these edges, since a process runs one op at a time.
 *
 * Data in: elle_txns (positions from the history's real-time order). Data out: ELLE_RT
 * edges.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

void elle_add_realtime(const elle_txns *t, elle_graph *g) {
    const fl_history *h = t->h;
    size_t nev = h->nevents;
    /* slot → event: txn*2 (+1 for a completion) */
    uint32_t *ev = fl_xmalloc((nev + 1) * sizeof *ev);
    memset(ev, 0xff, (nev + 1) * sizeof *ev);
    for (uint32_t x = 0; x < t->ntxn; x++) {
        const fl_op *op = &h->ops[t->txns[x].op];
        if (op->type == FL_OP_FAIL) continue;
        if (op->invoke_pos < nev) ev[op->invoke_pos] = x * 2;
        if (op->type == FL_OP_OK && op->complete_pos < nev) ev[op->complete_pos] = x * 2 + 1;
    }
    uint64_t *first = fl_xmalloc(((size_t)t->ntxn + 1) * sizeof *first);
    uint32_t *count = fl_xcalloc((size_t)t->ntxn + 1, sizeof *count);
    uint8_t *dominated = fl_xcalloc((size_t)t->ntxn + 1, 1);
    uint32_t *front = NULL;
    size_t nf = 0, cf = 0;
    for (size_t p = 0; p < nev; p++) {
        if (ev[p] == ELLE_NONE) continue;
        uint32_t x = ev[p] / 2;
        if ((ev[p] & 1) == 0) {
            first[x] = g->ne;
            for (size_t i = 0; i < nf; i++) elle_graph_add(g, front[i], x, ELLE_RT);
            count[x] = (uint32_t)(g->ne - first[x]);
            continue;
        }
        for (uint64_t e = first[x]; e < first[x] + count[x]; e++) dominated[g->esrc[e]] = 1;
        size_t k = 0;
        for (size_t i = 0; i < nf; i++)
            if (!dominated[front[i]]) front[k++] = front[i];
        nf = k;
        if (nf == cf) {
            cf = cf ? cf * 2 : 64;
            front = fl_xrealloc(front, cf * sizeof *front);
        }
        front[nf++] = x;
    }
    free(front);
    free(ev);
    free(first);
    free(count);
    free(dominated);
}
