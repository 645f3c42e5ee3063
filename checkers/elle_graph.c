/*
 * elle_graph.c — the dependency graph between transactions: edges are collected as
 * packed 64-bit words, then sorted in place by source so that they form a CSR adjacency
 * with an offset array (8 bytes per edge, nothing more). Tarjan's strongly connected
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
    if (g->ne >= UINT32_MAX - 1) abort(); /* 2^32 edges: 32 GiB; never in practice */
    if (g->ne == g->ecap) {
        g->ecap = g->ecap ? g->ecap * 2 : 4096;
        g->e = fl_xrealloc(g->e, g->ecap * sizeof *g->e);
    }
    g->e[g->ne++] = ELLE_EDGE(a, type, b);
}

/* LSD radix sort by the source (the top 32 bits) would need a second buffer; an in-place
 * MSD pass by source bucket keeps memory at 8 bytes per edge. */
static void sort_by_source(uint64_t *e, uint64_t n, uint64_t *off, uint32_t nv) {
    /* counting: off[v+1] = edges of v, prefix sums give each bucket's start */
    for (uint64_t i = 0; i < n; i++) off[ELLE_SRC(e[i]) + 1]++;
    for (uint32_t v = 0; v < nv; v++) off[v + 1] += off[v];
    uint64_t *next = fl_xmalloc(((size_t)nv + 1) * sizeof *next);
    memcpy(next, off, ((size_t)nv + 1) * sizeof *next);
    /* American-flag permutation: place each edge into its bucket by cycling */
    for (uint32_t v = 0; v < nv; v++) {
        while (next[v] < off[v + 1]) {
            uint64_t x = e[next[v]];
            uint32_t s = ELLE_SRC(x);
            if (s == v) {
                next[v]++;
                continue;
            }
            e[next[v]] = e[next[s]];
            e[next[s]++] = x;
        }
    }
    free(next);
}

void elle_graph_build(elle_graph *g) {
    g->off = fl_xcalloc((size_t)g->n + 2, sizeof *g->off);
    if (g->ne) sort_by_source(g->e, g->ne, g->off, g->n);
    if (g->ne < g->ecap) { /* give back the unused tail */
        g->e = fl_xrealloc(g->e, (g->ne ? g->ne : 1) * sizeof *g->e);
        g->ecap = g->ne;
    }
}

void elle_graph_free(elle_graph *g) {
    free(g->e);
    free(g->off);
    memset(g, 0, sizeof *g);
}

static int edge_ok(const elle_graph *g, uint64_t e, uint32_t v, uint8_t mask,
                   const uint32_t *within) {
    return (ELLE_TYPE(g->e[e]) & mask) && (!within || within[ELLE_DST(g->e[e])] == within[v]);
}

int elle_acyclic(const elle_graph *g, uint8_t mask) {
    uint32_t n = g->n;
    uint32_t *indeg = fl_xcalloc((size_t)n + 1, sizeof *indeg);
    uint32_t *queue = fl_xmalloc(((size_t)n + 1) * sizeof *queue);
    for (uint64_t e = 0; e < g->ne; e++)
        if (ELLE_TYPE(g->e[e]) & mask) indeg[ELLE_DST(g->e[e])]++;
    uint32_t head = 0, tail = 0;
    for (uint32_t v = 0; v < n; v++)
        if (!indeg[v]) queue[tail++] = v;
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++)
            if ((ELLE_TYPE(g->e[e]) & mask) && --indeg[ELLE_DST(g->e[e])] == 0)
                queue[tail++] = ELLE_DST(g->e[e]);
    }
    free(indeg);
    free(queue);
    return tail == n;
}

uint32_t elle_scc(const elle_graph *g, uint8_t mask, const uint32_t *within, uint32_t *comp,
                  uint32_t **sizes_out) {
    uint32_t n = g->n;
    uint32_t *index = fl_xmalloc(((size_t)n + 1) * sizeof *index);
    uint32_t *low = fl_xmalloc(((size_t)n + 1) * sizeof *low);
    uint32_t *stack = fl_xmalloc(((size_t)n + 1) * sizeof *stack);
    uint8_t *on = fl_xcalloc((size_t)n + 1, 1);
    uint32_t *cs_v = fl_xmalloc(((size_t)n + 1) * sizeof *cs_v); /* call stack: node */
    /* call stack: next edge (edge indices fit 32 bits: elle_graph_add caps the count) */
    uint32_t *cs_e = fl_xmalloc(((size_t)n + 1) * sizeof *cs_e);
    uint32_t *sizes = NULL;
    uint32_t ncomp = 0, scap = 0, next = 0, sp = 0;
    memset(index, 0xff, ((size_t)n + 1) * sizeof *index);
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != ELLE_NONE) continue;
        uint32_t depth = 0;
        cs_v[0] = root;
        cs_e[0] = (uint32_t)g->off[root];
        index[root] = low[root] = next++;
        stack[sp++] = root;
        on[root] = 1;
        while (1) {
            uint32_t v = cs_v[depth];
            uint64_t e = cs_e[depth];
            int descended = 0;
            for (; e < g->off[v + 1]; e++) {
                if (!edge_ok(g, e, v, mask, within)) continue;
                uint32_t w = ELLE_DST(g->e[e]);
                if (index[w] == ELLE_NONE) {
                    cs_e[depth] = (uint32_t)(e + 1);
                    depth++;
                    cs_v[depth] = w;
                    cs_e[depth] = (uint32_t)g->off[w];
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
            uint32_t w = ELLE_DST(g->e[e]);
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
        if (ELLE_DST(g->e[e]) == b) have |= ELLE_TYPE(g->e[e]) & mask;
    static const uint8_t pref[] = {ELLE_WW, ELLE_WR, ELLE_RW, ELLE_RT};
    for (size_t i = 0; i < sizeof pref; i++)
        if (have & pref[i]) return pref[i];
    return 0;
}
