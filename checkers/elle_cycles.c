/*
 * elle_cycles.c — finds and explains dependency cycles (Elle's approach: Tarjan SCC, then a
 * shortest cycle per component by breadth-first search over restricted edge types).
 *
 * Per strongly connected component of the item graph (ww, wr, rw): G0 = a cycle of ww edges
 * only; G1c = ww/wr edges with at least one wr; G-single = exactly one rw edge closed by a
 * ww/wr path; G2-item = a cycle needing two or more rw edges (flagged nonadjacent when no
 * two rw edges touch, which snapshot isolation also forbids). With real-time edges (strict
 * serializability) each larger component that exists only through them yields one
 * "-realtime" cycle. The search has a step budget; when it runs out before a G-single
 * search ends, a "cycle-search-timeout" anomaly says so (the verdict may then be unknown).
 *
 * Data in: the built graph and the txns. Data out: cycle anomalies (JSON with "cycle",
 * "steps" and a "message" in words) into elle_found.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

#define BFS_BUDGET 300000000ull

typedef struct search {
    const elle_txns *t;
    const elle_orders *o;
    const elle_graph *g;
    fl_check_ctx *ctx;
    elle_found *f;
    elle_bfs bfs;
    uint32_t *path;
} search;

static const char *describe(const char *type) {
    if (!strncmp(type, "G0", 2))
        return "a write cycle: every step is a write-write (ww) dependency, so the "
               "transactions' writes interleave";
    if (!strncmp(type, "G1c", 3))
        return "cyclic information flow: only write-write and write-read dependencies, each "
               "transaction saw or overwrote the other's effects";
    if (!strncmp(type, "G-single", 8))
        return "read skew: exactly one read-write anti-dependency (rw), the rest write or read "
               "dependencies";
    return "an anti-dependency cycle with two or more read-write (rw) anti-dependencies, such "
           "as write skew";
}

/* cycle = nodes c[0..k-1], edges c[i] → c[i+1 mod k] */
static void report_cycle(search *s, const uint32_t *c, uint32_t k, uint8_t first_mask, uint8_t mask,
                         const char *forced_type) {
    uint8_t *types = fl_xmalloc(k);
    int nrw = 0, nwr = 0, nrt = 0;
    for (uint32_t i = 0; i < k; i++) {
        types[i] = elle_edge_type(s->g, c[i], c[(i + 1) % k], i == 0 ? first_mask : mask);
        nrw += types[i] == ELLE_RW;
        nwr += types[i] == ELLE_WR;
        nrt += types[i] == ELLE_RT;
    }
    const char *base = nrw == 0 ? (nwr == 0 ? "G0" : "G1c") : nrw == 1 ? "G-single" : "G2-item";
    char type[40];
    if (forced_type)
        snprintf(type, sizeof type, "%s", forced_type);
    else
        snprintf(type, sizeof type, "%s%s", base, nrt ? "-realtime" : "");
    int nonadjacent = 0;
    if (nrw >= 2) {
        nonadjacent = 1;
        for (uint32_t i = 0; i < k; i++)
            if (types[i] == ELLE_RW && types[(i + 1) % k] == ELLE_RW) nonadjacent = 0;
    }
    json_t *a = json_object();
    json_t *cycle = json_array(), *steps = json_array();
    fl_buf msg = FL_BUF_INIT;
    fl_buf_puts(&msg, "Let:");
    char na[32], nb[32];
    for (uint32_t i = 0; i < k; i++) {
        json_array_append_new(cycle, elle_txn_json(s->t, c[i]));
        fl_buf_printf(&msg, "\n    T%u = ", i + 1);
        elle_txn_text(s->t, c[i], &msg);
    }
    json_array_append_new(cycle, elle_txn_json(s->t, c[0]));
    fl_buf_puts(&msg, "\n  Then:");
    for (uint32_t i = 0; i < k; i++) {
        snprintf(na, sizeof na, "T%u", i + 1);
        snprintf(nb, sizeof nb, "T%u", (i + 1) % k + 1);
        fl_buf_puts(&msg, "\n    - ");
        json_t *st = elle_explain_edge(s->t, s->o, c[i], c[(i + 1) % k], types[i], na, nb, &msg);
        json_object_set_new(st, "from", json_integer(i + 1));
        json_object_set_new(st, "to", json_integer((i + 1) % k + 1));
        fl_buf_putc(&msg, '.');
        json_array_append_new(steps, st);
    }
    fl_buf_puts(&msg, "\n  So T1 < ");
    for (uint32_t i = 1; i < k; i++) fl_buf_printf(&msg, "T%u < ", i + 1);
    fl_buf_printf(&msg,
                  "T1: a contradiction, no order of these transactions satisfies every "
                  "step. It is %s",
                  describe(type));
    if (nrt)
        fl_buf_puts(&msg, "; it needs the real-time order, so only strict "
                          "serializability forbids it");
    if (nonadjacent)
        fl_buf_puts(&msg, "; no two rw edges are adjacent, so snapshot isolation "
                          "forbids it too");
    fl_buf_putc(&msg, '.');
    json_object_set_new(a, "cycle", cycle);
    json_object_set_new(a, "steps", steps);
    if (nrw >= 2) json_object_set_new(a, "nonadjacent", json_boolean(nonadjacent));
    json_object_set_new(a, "message", json_string(fl_buf_cstr(&msg)));
    fl_buf_free(&msg);
    free(types);
    elle_found_add(s->f, type, a);
}

/* BFS from b back to a; on success reports the cycle a → b → ... → a. */
static int close_cycle(search *s, uint32_t a, uint32_t b, uint8_t first_type, uint8_t mask,
                       const uint32_t *within, const char *forced) {
    int n = elle_bfs_path(s->g, &s->bfs, b, a, mask, within, s->path, s->g->n);
    if (n <= 0) return n;
    /* cycle nodes: a, then the path b..(before a) */
    uint32_t k = (uint32_t)n;
    uint32_t *c = fl_xmalloc(((size_t)k + 1) * sizeof *c);
    c[0] = a;
    for (uint32_t i = 0; i + 1 < k; i++) c[i + 1] = s->path[i];
    report_cycle(s, c, k, first_type, mask, forced);
    free(c);
    return 1;
}

static int out_of_budget(search *s) {
    return s->bfs.steps > s->bfs.budget || fl_check_timed_out(s->ctx);
}

/* One cycle per nontrivial component of `comp`, through an edge of type `seed` inside it,
 * closed over `mask`. */
static void per_component(search *s, const uint32_t *comp, const uint32_t *sizes, uint32_t ncomp,
                          uint8_t seed, uint8_t mask, const uint32_t *also_differ) {
    uint8_t *done = fl_xcalloc((size_t)ncomp + 1, 1);
    const elle_graph *g = s->g;
    for (uint32_t v = 0; v < g->n && !out_of_budget(s); v++) {
        uint32_t c = comp[v];
        if (sizes[c] < 2 || done[c]) continue;
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            uint32_t w = g->adj[e];
            if (!(g->atype[e] & seed) || comp[w] != c) continue;
            if (also_differ && also_differ[v] == also_differ[w]) continue;
            int r = 0;
            if (seed == ELLE_RT) /* prefer a cycle with fewer anti-dependencies */
                r = close_cycle(s, v, w, seed, ELLE_WW | ELLE_WR | ELLE_RT, comp, NULL);
            if (r == 0) r = close_cycle(s, v, w, seed, mask, comp, NULL);
            if (r != 0) {
                done[c] = 1;
                break;
            }
        }
    }
    free(done);
}

void elle_find_cycles(const elle_txns *t, const elle_orders *o, const elle_graph *g, int realtime,
                      fl_check_ctx *ctx, elle_found *f) {
    uint32_t n = g->n;
    if (n == 0) return;
    search s = {t, o, g, ctx, f, {0}, NULL};
    uint32_t *ci = fl_xmalloc((size_t)n * sizeof *ci), *si = NULL;
    uint32_t nci = elle_scc(g, ELLE_ITEM, NULL, ci, &si);
    int any = 0;
    for (uint32_t c = 0; c < nci; c++) any |= si[c] > 1;
    elle_bfs_init(&s.bfs, n, BFS_BUDGET);
    s.path = fl_xmalloc(((size_t)n + 1) * sizeof *s.path);
    fl_check_charge(ctx, (size_t)n * 40);
    if (any) {
        uint32_t *cw = fl_xmalloc((size_t)n * sizeof *cw), *sw = NULL;
        /* G0 */
        uint32_t ncw = elle_scc(g, ELLE_WW, ci, cw, &sw);
        per_component(&s, cw, sw, ncw, ELLE_WW, ELLE_WW, NULL);
        free(sw);
        /* G1c */
        ncw = elle_scc(g, ELLE_WW | ELLE_WR, ci, cw, &sw);
        per_component(&s, cw, sw, ncw, ELLE_WR, ELLE_WW | ELLE_WR, NULL);
        free(sw);
        free(cw);
        /* G-single, else G2-item, per item component */
        uint8_t *state = fl_xcalloc((size_t)nci + 1, 1); /* 1 found, 2 gave up */
        for (uint32_t v = 0; v < n; v++) {
            uint32_t c = ci[v];
            if (si[c] < 2 || state[c]) continue;
            for (uint64_t e = g->off[v]; e < g->off[v + 1] && !state[c]; e++) {
                uint32_t w = g->adj[e];
                if (!(g->atype[e] & ELLE_RW) || ci[w] != c) continue;
                if (elle_edge_type(g, v, w, ELLE_WW | ELLE_WR)) continue; /* G0/G1c already */
                if (out_of_budget(&s)) {
                    state[c] = 2;
                    break;
                }
                int r = close_cycle(&s, v, w, ELLE_RW, ELLE_WW | ELLE_WR, ci, NULL);
                if (r > 0) state[c] = 1;
                if (r < 0) state[c] = 2;
            }
        }
        /* components with an rw edge but no G-single: a G2-item cycle */
        s.bfs.steps = 0;
        for (uint32_t v = 0; v < n; v++) {
            uint32_t c = ci[v];
            if (si[c] < 2 || state[c] == 1 || state[c] == 3) continue;
            for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
                uint32_t w = g->adj[e];
                if (!(g->atype[e] & ELLE_RW) || ci[w] != c) continue;
                if (state[c] == 2) {
                    json_t *a = json_object();
                    json_object_set_new(
                        a, "message",
                        json_string("The search for a G-single cycle (read skew) ran out of its "
                                    "budget in a large strongly connected component; one may "
                                    "exist."));
                    elle_found_add(f, "cycle-search-timeout", a);
                    f->search_incomplete = 1;
                    state[c] = 4;
                }
                if (elle_edge_type(g, v, w, ELLE_WW | ELLE_WR)) continue;
                if (close_cycle(&s, v, w, ELLE_RW, ELLE_ITEM, ci, NULL) != 0) {
                    state[c] = 3;
                    break;
                }
            }
        }
        free(state);
    }
    if (realtime) {
        uint32_t *cf = fl_xmalloc((size_t)n * sizeof *cf), *sf = NULL;
        uint32_t ncf = elle_scc(g, ELLE_ALL, NULL, cf, &sf);
        int anyf = 0;
        for (uint32_t c = 0; c < ncf; c++) anyf |= sf[c] > 1;
        if (anyf) {
            s.bfs.steps = 0;
            per_component(&s, cf, sf, ncf, ELLE_RT, ELLE_ALL, ci);
        }
        free(sf);
        free(cf);
    }
    if (s.bfs.steps > s.bfs.budget) f->search_incomplete = 1;
    free(si);
    free(ci);
    free(s.path);
    elle_bfs_free(&s.bfs);
}
