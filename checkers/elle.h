/*
 * elle.h — the transactional anomaly checker `elle` (SPEC §3) for list-append and
 * rw-register histories: internal types shared by its files (checkers module internal).
 *
 * Data flow: elle_txns.c turns the fl_history's `txn` ops into compact transactions
 * (interned keys and values, micro-ops in one array); elle_append.c / elle_rw.c infer the
 * ww / wr / rw dependency edges and the non-cycle anomalies; elle_graph.c holds the edges
 * as a CSR graph with Tarjan SCC and restricted BFS; elle_cycles.c finds one explaining
 * cycle per SCC and anomaly class; elle_report.c turns anomalies into JSON with sentences a
 * person can follow; elle_check.c is the registry's run function and the consistency models.
 */
#ifndef FL_CHECKERS_ELLE_H
#define FL_CHECKERS_ELLE_H

#include "checker.h"

#include <stdint.h>

#define ELLE_NONE UINT32_MAX /* no value / no writer / not read */

enum { ELLE_READ = 0, ELLE_APPEND = 1, ELLE_WRITE = 2 };

/* Edge types (bits, so searches can allow a set of them). */
enum { ELLE_WW = 1, ELLE_WR = 2, ELLE_RW = 4, ELLE_RT = 8 };
#define ELLE_ITEM (ELLE_WW | ELLE_WR | ELLE_RW)
#define ELLE_ALL (ELLE_ITEM | ELLE_RT)

/* One micro-op. */
typedef struct elle_mop {
    uint32_t txn; /* owning transaction */
    uint32_t key; /* interned key */
    union {
        uint32_t val;  /* append/write: the value; rw-register read: value read or
                          ELLE_NONE for null (the initial version) */
        uint32_t roff; /* list-append read: index of its JSON list in elle_txns.reads */
    };
    uint32_t rlen : 28; /* list-append read: element count */
    uint32_t kind : 2;  /* ELLE_READ / ELLE_APPEND / ELLE_WRITE */
    uint32_t known : 1; /* reads: 1 when the value read is known (ok txns); writes: 1 */
    uint32_t ext : 1;   /* reads: 1 when it is the txn's first access of the key (an external
                           read); writes: 1 when it is the txn's last write of the key */
} elle_mop;

/* One transaction: the `txn` op of the same index in fl_history.ops (every op of an elle
 * history is a txn). 8 bytes, as there is one per op. */
typedef struct elle_txn {
    uint32_t mop0;      /* first micro-op in elle_txns.mops */
    uint32_t nmop : 24; /* micro-op count */
    uint32_t type : 8;  /* fl_op_type: ok, fail, info, none */
} elle_txn;

/* An interned JSON scalar (key or value). */
typedef struct elle_atom {
    json_t *json; /* borrowed from the history */
    uint64_t hash;
} elle_atom;

typedef struct elle_intern {
    elle_atom *atoms;
    uint32_t n, cap;
    uint32_t *slots; /* open addressing: atom id + 1, 0 = empty */
    uint64_t nslots;
} elle_intern;

/* uint64 → uint32 open-addressing map (writer lookups: key<<32|val → mop). */
typedef struct elle_map {
    uint64_t *keys;
    uint32_t *vals; /* ELLE_NONE = empty */
    uint64_t cap, n;
} elle_map;

typedef struct elle_txns {
    const fl_history *h;
    int rw; /* 0 list-append, 1 rw-register */
    elle_txn *txns;
    uint32_t ntxn;
    elle_mop *mops;
    uint32_t nmop;
    json_t **reads; /* list-append reads: the JSON lists (borrowed), see elle_read_elem */
    uint32_t nreads;
    elle_intern keys, vals;
    elle_map writer;           /* (key, val) → mop of its append/write; duplicates flagged */
    uint32_t dup_key, dup_val; /* first (key, value) written twice, or ELLE_NONE */
} elle_txns;

/* ---- graph ---------------------------------------------------------------------------- */

/* One edge packed in 64 bits: source << 32 | type << 28 | destination (so at most 2^28
 * transactions). Sorting the packed edges groups them by source: the CSR is the sorted
 * array itself plus offsets, 8 bytes per edge in all. */
#define ELLE_EDGE(a, type, b) (((uint64_t)(a) << 32) | ((uint64_t)(type) << 28) | (uint64_t)(b))
#define ELLE_SRC(e) ((uint32_t)((e) >> 32))
#define ELLE_DST(e) ((uint32_t)((e)&0xfffffffu))
#define ELLE_TYPE(e) ((uint8_t)(((e) >> 28) & 0xfu))

typedef struct elle_graph {
    uint32_t n;
    uint64_t *e; /* packed edges; sorted by elle_graph_build */
    uint64_t ne, ecap;
    uint64_t *off; /* after build: edges of v are e[off[v] .. off[v+1]) */
} elle_graph;

void elle_graph_init(elle_graph *g, uint32_t n);
void elle_graph_add(elle_graph *g, uint32_t a, uint32_t b, uint8_t type);
void elle_graph_build(elle_graph *g);
void elle_graph_free(elle_graph *g);
/* 1 when the edges of `mask` form no cycle (Kahn's topological sort: 8 bytes per node,
 * cheaper than the SCC when, as in valid histories, there is nothing to find). */
int elle_acyclic(const elle_graph *g, uint8_t mask);
/* Tarjan SCC over edges whose type is in `mask` and, when `within` is not NULL, whose two
 * ends have the same within[] value. comp[v] = component id; size[c] = members. Returns the
 * number of components. */
uint32_t elle_scc(const elle_graph *g, uint8_t mask, const uint32_t *within, uint32_t *comp,
                  uint32_t **sizes_out);
/* Shortest path from `from` to `to` over edges in `mask`, staying inside nodes with
 * within[v] == within[from] (when within is set). Fills path (nodes from..to) and returns
 * its node count, 0 when there is none, -1 when the step budget ran out. */
typedef struct elle_bfs {
    int32_t *prev; /* n, -1 = unvisited */
    uint32_t *queue;
    uint64_t steps, budget;
} elle_bfs;
void elle_bfs_init(elle_bfs *b, uint32_t n, uint64_t budget);
void elle_bfs_free(elle_bfs *b);
int elle_bfs_path(const elle_graph *g, elle_bfs *b, uint32_t from, uint32_t to, uint8_t mask,
                  const uint32_t *within, uint32_t *path, uint32_t maxlen);
/* The preferred edge type from a to b within `mask` (ww, then wr, rw, rt), 0 if none. */
uint8_t elle_edge_type(const elle_graph *g, uint32_t a, uint32_t b, uint8_t mask);

/* ---- anomalies ------------------------------------------------------------------------ */

/* Collected anomalies: JSON objects grouped by type, with counts. */
typedef struct elle_found {
    json_t *by_type;       /* type → array of anomaly objects (at most ELLE_EXAMPLES each) */
    json_t *counts;        /* type → count */
    int search_incomplete; /* a cycle search ran out of budget */
} elle_found;

#define ELLE_EXAMPLES 8

void elle_found_add(elle_found *f, const char *type, json_t *anomaly /* stolen */);

/* ---- the parts ------------------------------------------------------------------------ */

/* Reads the txns. -1 with err on a malformed txn (names the line). */
int elle_txns_read(const fl_history *h, int rw, fl_check_ctx *ctx, elle_txns *t, fl_error *err);
void elle_txns_free(elle_txns *t);
uint32_t elle_intern_json(elle_intern *in, json_t *v);
/* The id of an interned value, or ELLE_NONE when it was never interned. */
uint32_t elle_intern_find(const elle_intern *in, json_t *v);
/* The value id of the i-th element of a list-append read (ELLE_NONE: a value nobody
 * appended). Elements are looked up on demand instead of being stored: reads dominate the
 * size of a list-append history. */
uint32_t elle_read_elem(const elle_txns *t, const elle_mop *m, uint32_t i);
uint32_t elle_map_get(const elle_map *m, uint64_t key);
/* The writer mop of (key, val), or ELLE_NONE. */
uint32_t elle_writer(const elle_txns *t, uint32_t key, uint32_t val);

/* List-append inference: edges into g, non-cycle anomalies into f. Keeps the per-key
 * version orders it inferred in *orders (for explanations). */
typedef struct elle_orders {
    uint32_t *elems;     /* the orders' elements (value ids) */
    uint32_t *off, *len; /* per key: its order, the longest read (offset into elems, length) */
    uint8_t *unreliable; /* per key: reads were not prefix-compatible */
    uint32_t *single;    /* per key: the only append mop when no read saw any element */
} elle_orders;
void elle_infer_append(const elle_txns *t, fl_check_ctx *ctx, elle_graph *g, elle_orders *o,
                       elle_found *f);
void elle_orders_free(elle_orders *o);
void elle_infer_rw(const elle_txns *t, fl_check_ctx *ctx, elle_graph *g, elle_found *f);
/* Internal consistency (both workloads). */
void elle_check_internal(const elle_txns *t, elle_found *f);
/* Real-time edges (strict-serializable). */
void elle_add_realtime(const elle_txns *t, elle_graph *g);

/* Cycle search: adds cycle anomalies to f. `realtime` when RT edges are in the graph. */
void elle_find_cycles(const elle_txns *t, const elle_orders *o, const elle_graph *g, int realtime,
                      fl_check_ctx *ctx, elle_found *f);

/* Report helpers (elle_report.c). */
json_t *elle_txn_json(const elle_txns *t, uint32_t txn);
/* "T(process 3, line 12) [[append x 1] [r y [2]]]" */
void elle_txn_text(const elle_txns *t, uint32_t txn, fl_buf *out);
void elle_atom_text(const json_t *v, fl_buf *out);
void elle_mop_text(const elle_txns *t, const elle_mop *m, fl_buf *out);
/* An anomaly about the read micro-op `m`: {"op", "key", "element" (when `elem` is not NULL),
 * "writer" (when not ELLE_NONE), "message": "In T, the read of MOP<text> Writer: T'."}. */
json_t *elle_read_anomaly(const elle_txns *t, const elle_mop *m, uint32_t writer, json_t *elem,
                          const char *text);
/* Why a→b (an edge of `type`): fills `out` with a sentence and returns a JSON step. */
json_t *elle_explain_edge(const elle_txns *t, const elle_orders *o, uint32_t a, uint32_t b,
                          uint8_t type, const char *na, const char *nb, fl_buf *out);
const char *elle_edge_name(uint8_t type);

#endif
