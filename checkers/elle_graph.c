/*
 * elle_graph.c — the dependency graph between transactions: edges are collected in
 * arrays, then packed into a CSR adjacency (sorted by source). Tarjan's strongly connected
 * components (iterative, so deep graphs never overflow the stack) and a breadth-first
 * shortest path run over any subset of edge types, optionally confined to one component.
 *
 * Data in: edges (a, b, type) from the inference passes. Data out: component ids and
 * shortest paths for the cycle search.
 */
#include "elle.h"

#include <stdlib.h>
#include <string.h>

void elle_graph_init(elle_graph *g, uint32_t n) {
    memset(g, 0, sizeof *g);
    g->n = n;
}

void elle_graph_add(elle_graph *g, uint32_t a, uint32_t b, uint8_t type) {
    if (a == b) return;
    if (g->ne == g->ecap) {
        g->ecap = g->ecap ? g->ecap * 2 : 4096;
        g->esrc = fl_xrealloc(g->esrc, g->ecap * sizeof *g->esrc);
        g->edst = fl_xrealloc(g->edst, g->ecap * sizeof *g->edst);
        g->etype = fl_xrealloc(g->etype, g->ecap * sizeof *g->etype);
    }
    g->esrc[g->ne] = a;
    g->edst[g->ne] = b;
    g->etype[g->ne] = type;
    g->ne++;
}

void elle_graph_build(elle_graph *g) {
    g->off = fl_xcalloc((size_t)g->n + 1, sizeof *g->off);
    for (uint64_t e = 0; e < g->ne; e++) g->off[g->esrc[e] + 1]++;
    for (uint32_t v = 0; v < g->n; v++) g->off[v + 1] += g->off[v];
    g->adj = fl_xmalloc((g->ne ? g->ne : 1) * sizeof *g->adj);
    g->atype = fl_xmalloc((g->ne ? g->ne : 1) * sizeof *g->atype);
    uint64_t *fill = fl_xmalloc(((size_t)g->n + 1) * sizeof *fill);
    memcpy(fill, g->off, ((size_t)g->n + 1) * sizeof *fill);
    for (uint64_t e = 0; e < g->ne; e++) {
        uint64_t at = fill[g->esrc[e]]++;
        g->adj[at] = g->edst[e];
        g->atype[at] = g->etype[e];
    }
    free(fill);
    free(g->esrc);
    free(g->edst);
    free(g->etype);
    g->esrc = g->edst = NULL;
    g->etype = NULL;
}

void elle_graph_free(elle_graph *g) {
    free(g->esrc);
    free(g->edst);
    free(g->etype);
    free(g->off);
    free(g->adj);
    free(g->atype);
    memset(g, 0, sizeof *g);
}

static int edge_ok(const elle_graph *g, uint64_t e, uint32_t v, uint8_t mask,
                   const uint32_t *within) {
    return (g->atype[e] & mask) && (!within || within[g->adj[e]] == within[v]);
}

uint32_t elle_scc(const elle_graph *g, uint8_t mask, const uint32_t *within, uint32_t *comp,
                  uint32_t **sizes_out) {
    uint32_t n = g->n;
    uint32_t *index = fl_xmalloc(((size_t)n + 1) * sizeof *index);
    uint32_t *low = fl_xmalloc(((size_t)n + 1) * sizeof *low);
    uint32_t *stack = fl_xmalloc(((size_t)n + 1) * sizeof *stack);
    uint8_t *on = fl_xcalloc((size_t)n + 1, 1);
    uint32_t *cs_v = fl_xmalloc(((size_t)n + 1) * sizeof *cs_v); /* call stack: node */
    uint64_t *cs_e = fl_xmalloc(((size_t)n + 1) * sizeof *cs_e); /* call stack: next edge */
    uint32_t *sizes = NULL;
    uint32_t ncomp = 0, scap = 0, next = 0, sp = 0;
    memset(index, 0xff, ((size_t)n + 1) * sizeof *index);
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != ELLE_NONE) continue;
        uint32_t depth = 0;
        cs_v[0] = root;
        cs_e[0] = g->off[root];
        index[root] = low[root] = next++;
        stack[sp++] = root;
        on[root] = 1;
        while (1) {
            uint32_t v = cs_v[depth];
            uint64_t e = cs_e[depth];
            int descended = 0;
            for (; e < g->off[v + 1]; e++) {
                if (!edge_ok(g, e, v, mask, within)) continue;
                uint32_t w = g->adj[e];
                if (index[w] == ELLE_NONE) {
                    cs_e[depth] = e + 1;
                    depth++;
                    cs_v[depth] = w;
                    cs_e[depth] = g->off[w];
                    index[w] = low[w] = next++;
                    stack[sp++] = w;
                    on[w] = 1;
                    descended = 1;
                    break;
                }
                if (on[w] && index[w] < low[v]) low[v] = index[w];
            }
            if (descended) continue;
            if (low[v] == index[v]) {
                uint32_t size = 0, w;
                do {
                    w = stack[--sp];
                    on[w] = 0;
                    comp[w] = ncomp;
                    size++;
                } while (w != v);
                if (ncomp == scap) {
                    scap = scap ? scap * 2 : 1024;
                    sizes = fl_xrealloc(sizes, scap * sizeof *sizes);
                }
                sizes[ncomp++] = size;
            }
            if (depth == 0) break;
            depth--;
            uint32_t u = cs_v[depth];
            if (low[v] < low[u]) low[u] = low[v];
        }
    }
    free(index);
    free(low);
    free(stack);
    free(on);
    free(cs_v);
    free(cs_e);
    if (sizes_out)
        *sizes_out = sizes;
    else
        free(sizes);
    return ncomp;
}

void elle_bfs_init(elle_bfs *b, uint32_t n, uint64_t budget) {
    b->prev = fl_xmalloc(((size_t)n + 1) * sizeof *b->prev);
    memset(b->prev, 0xff, ((size_t)n + 1) * sizeof *b->prev);
    b->queue = fl_xmalloc(((size_t)n + 1) * sizeof *b->queue);
    b->steps = 0;
    b->budget = budget;
}

void elle_bfs_free(elle_bfs *b) {
    free(b->prev);
    free(b->queue);
}

int elle_bfs_path(const elle_graph *g, elle_bfs *b, uint32_t from, uint32_t to, uint8_t mask,
                  const uint32_t *within, uint32_t *path, uint32_t maxlen) {
    uint32_t head = 0, tail = 0;
    b->queue[tail++] = from;
    b->prev[from] = (int32_t)from;
    int found = from == to, out = 0;
    while (head < tail && !found) {
        uint32_t v = b->queue[head++];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            b->steps++;
            if (!edge_ok(g, e, v, mask, within)) continue;
            uint32_t w = g->adj[e];
            if (b->prev[w] >= 0) continue;
            b->prev[w] = (int32_t)v;
            b->queue[tail++] = w;
            if (w == to) {
                found = 1;
                break;
            }
        }
        if (b->budget && b->steps > b->budget) break;
    }
    if (found) {
        uint32_t len = 0;
        for (uint32_t v = to;; v = (uint32_t)b->prev[v]) {
            len++;
            if (v == from) break;
        }
        if (len <= maxlen) {
            uint32_t i = len;
            for (uint32_t v = to;; v = (uint32_t)b->prev[v]) {
                path[--i] = v;
                if (v == from) break;
            }
            out = (int)len;
        }
    } else if (b->budget && b->steps > b->budget) {
        out = -1;
    }
    for (uint32_t i = 0; i < tail; i++) b->prev[b->queue[i]] = -1;
    return out;
}

uint8_t elle_edge_type(const elle_graph *g, uint32_t a, uint32_t b, uint8_t mask) {
    uint8_t have = 0;
    for (uint64_t e = g->off[a]; e < g->off[a + 1]; e++)
        if (g->adj[e] == b) have |= g->atype[e] & mask;
    static const uint8_t pref[] = {ELLE_WW, ELLE_WR, ELLE_RW, ELLE_RT};
    for (size_t i = 0; i < sizeof pref; i++)
        if (have & pref[i]) return pref[i];
    return 0;
}
