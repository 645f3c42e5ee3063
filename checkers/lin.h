/*
 * lin.h — the linearizability checker's internals (checkers module): compact ops, the
 * models, the interning tables they use, and the Wing–Gong/Lowe search.
 *
 * Flow: lin_model.c turns an fl_history into per-key partitions of lin_op (values interned
 * into small integers, fail ops and unknown-outcome reads dropped); lin_search.c checks one
 * partition; lin_check.c runs the partitions, shrinks a failing one to the smallest window
 * and writes the result JSON.
 *
 * Semantics: an ok op must take effect between its invoke and its completion; an op with an
 * unknown outcome (info, never completed, op-record timeout) may take effect at any point
 * after its invoke, or never — it has no return entry, and the search succeeds once every
 * ok op is linearized. A fail op never took effect and is dropped.
 */
#ifndef FL_CHECKERS_LIN_H
#define FL_CHECKERS_LIN_H

#include "checker.h"

#include <stdint.h>

/* ---- interning ------------------------------------------------------------------------ */

/* Byte strings → dense ids (0, 1, 2, ...). */
typedef struct lin_interner {
    char **data;    /* data[id] (owned, NUL-terminated) */
    uint32_t *len;  /* len[id] */
    uint64_t *hash; /* hash[id] */
    uint32_t count, cap;
    uint32_t *slots; /* open addressing: id + 1, 0 = empty */
    uint32_t nslots; /* power of two */
    size_t bytes;    /* memory held */
} lin_interner;

void lin_interner_init(lin_interner *t);
void lin_interner_free(lin_interner *t);
uint32_t lin_intern(lin_interner *t, const void *data, uint32_t len);
/* UINT32_MAX when absent. */
uint32_t lin_interner_find(const lin_interner *t, const void *data, uint32_t len);

/* uint64 → uint32 map (transition memo). Keys are stored + 1 so 0 marks an empty slot. */
typedef struct lin_map_slot {
    uint64_t key1; /* key + 1; 0 = empty */
    uint32_t val;
} lin_map_slot;
typedef struct lin_map {
    lin_map_slot *slots;
    size_t n, cap; /* cap: power of two */
} lin_map;

void lin_map_free(lin_map *m);
int lin_map_get(const lin_map *m, uint64_t key, uint32_t *val);
void lin_map_put(lin_map *m, uint64_t key, uint32_t val);

static inline uint64_t lin_mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- models --------------------------------------------------------------------------- */

typedef enum {
    LIN_REGISTER, /* register and cas-register: read / write / cas */
    LIN_KV,       /* one key of a string kv store: read / write / cas / append */
    LIN_SET,      /* add / read (the whole set) */
    LIN_QUEUE,    /* FIFO: enqueue / dequeue */
    LIN_LOCK,     /* mutex without owner: acquire / release */
    LIN_COUNTER,  /* add / read */
} lin_model_kind;

typedef enum {
    LOP_READ,        /* a = value id that was read */
    LOP_WRITE,       /* a = value id (kv: the root node of the value) */
    LOP_CAS,         /* a = expected id, b = new id (kv: the root node of the new value) */
    LOP_APPEND,      /* kv: a = string id appended */
    LOP_ADD,         /* set: a = element id; counter: a = delta */
    LOP_READ_SET,    /* set: a = set id of the read (UINT32_MAX: impossible, e.g. duplicates) */
    LOP_ENQUEUE,     /* a = element id */
    LOP_DEQUEUE,     /* a = element id, or UINT32_MAX for "received nothing" */
    LOP_DEQUEUE_ANY, /* unknown outcome dequeue: removes the head if there is one */
    LOP_ACQUIRE,
    LOP_RELEASE,
} lin_opcode;

/* One op of a partition in compact form. */
typedef struct lin_op {
    int64_t a, b;    /* arguments (see lin_opcode) */
    uint32_t hist;   /* index into fl_history.ops */
    uint8_t code;    /* lin_opcode */
    uint8_t must;    /* 1: completed ok (must be linearized); 0: unknown outcome */
    uint8_t ro;      /* 1: never changes the state when legal (reads) */
    size_t call_pos; /* invoke position */
    size_t ret_pos;  /* completion position (must ops) */
} lin_op;

/* The model of one check, with the tables its states live in. States are uint64: a value id
 * (register, kv), a bitmask or set id (set), a sequence id (queue), 0/1 (lock), an integer
 * (counter). */
typedef struct lin_model {
    lin_model_kind kind;
    uint64_t init;
    lin_interner values; /* register/kv values; kv strings; set/queue elements (JSON text) */
    lin_interner seqs;   /* set: sorted element arrays; queue: element sequences (uint32) */
    lin_map memo;        /* (state, op) → next state for kv append, set add, queue ops */
    int set_small;       /* set: every element id < 64, states are bitmasks */
    uint32_t empty_seq;  /* queue/set: id of the empty sequence */
    /* kv: states are nodes of a trie of appends, so an append never builds a string: a node
     * is (parent, piece); a root is a written value. Each node knows its string's length and
     * polynomial hash; equality with a read value compares those, then the bytes (once per
     * (node, value), memoised). */
    struct {
        uint32_t *parent; /* UINT32_MAX for a root */
        uint32_t *piece;  /* value id appended (or written, for a root) */
        uint64_t *len, *hash;
        uint8_t *is_str;
        uint32_t count, cap;
        uint64_t *vlen, *vhash, *vpow; /* per value id: length, hash, B^length */
        uint64_t **vpref; /* per value id read by an ok op: hash of each prefix, or NULL */
        uint32_t vcount, vcap;
    } kv;
} lin_model;

/* A partition: the ops on one key (key NULL for a single object). */
typedef struct lin_partition {
    json_t *key; /* borrowed from the history, NULL when none */
    lin_op *ops; /* sorted by call_pos */
    size_t nops;
    size_t nmust;
} lin_partition;

/* "register", "cas-register", "kv", ... → kind; -1 when the model is unknown. */
int lin_model_kind_of(const char *model);
void lin_model_init(lin_model *m, lin_model_kind kind);
void lin_model_free(lin_model *m);
/* Splits the history into partitions of compact ops. -1 with err naming the line of an op
 * the model does not know. */
int lin_partition_history(const fl_history *h, lin_model *m, lin_partition **out, size_t *nout,
                          fl_error *err);
void lin_partitions_free(lin_partition *p, size_t n);

/* The next state, or 0 when the op is illegal in `state`. */
int lin_model_step_slow(lin_model *m, uint64_t state, const lin_op *op, uint64_t *next);
static inline int lin_model_step(lin_model *m, uint64_t state, const lin_op *op, uint64_t *next) {
    if (m->kind == LIN_REGISTER) {
        switch (op->code) {
            case LOP_READ:
                *next = state;
                return state == (uint64_t)op->a;
            case LOP_WRITE:
                *next = (uint64_t)op->a;
                return 1;
            case LOP_CAS:
                *next = (uint64_t)op->b;
                return state == (uint64_t)op->a;
            default:
                return 0;
        }
    }
    return lin_model_step_slow(m, state, op, next);
}
/* kv: 0 when `state` is certainly not a prefix of the string `read` observed; then, if only
 * appends can come before that read, it can never match. 1 otherwise (always for other
 * models). Exact: it compares prefix hashes, and different hashes mean different strings. */
int lin_model_kv_prefix_possible(const lin_model *m, uint64_t state, const lin_op *read);
/* The state as JSON (for counterexamples and the HTML page). New reference. */
json_t *lin_model_state_json(lin_model *m, uint64_t state);

/* ---- search --------------------------------------------------------------------------- */

typedef enum { LIN_OK = 0, LIN_ILLEGAL = 1, LIN_UNKNOWN = 2 } lin_answer;

typedef struct lin_search_out {
    lin_answer answer;
    size_t steps;         /* model steps tried */
    size_t cache_entries; /* distinct (linearized set, state) pairs */
    size_t peak_bytes;    /* memory the search held at most */
    /* For an illegal partition: the furthest return that could not be passed. */
    size_t fail_op; /* index into the partition's ops */
    /* The longest partial linearization seen: ops (partition indices) in linearization
       order and the state after each; owned, free with free(). */
    uint32_t *best;
    uint64_t *best_states;
    size_t nbest;
    /* collect mode: every state some linearization of all the ops can end in (owned). */
    uint64_t *finals;
    size_t nfinals;
    /* with each final state, the set of ops linearized to reach it (nw words per final; the
     * ok ops are all in it, the unknown-outcome ops only when they took effect) */
    uint64_t *final_bits;
    size_t final_nw;
} lin_search_out;

typedef struct lin_search_limits {
    fl_check_ctx *ctx; /* time and memory budget (may be NULL) */
    size_t max_steps;  /* 0: none; beyond it the answer is LIN_UNKNOWN */
    int want_best;     /* record the longest partial linearization */
    int has_init;      /* 1: start from `init` instead of the model's initial state */
    uint64_t init;
    int collect; /* 1: do not stop at the first linearization; gather every final
                    state (ops must all be ok ops); LIN_OK when there is one */
} lin_search_limits;

/* A search that can run in slices (the checker interleaves partitions, as Porcupine runs
 * them concurrently, and stops at the first that cannot be linearized). */
typedef struct lin_searcher lin_searcher;

lin_searcher *lin_searcher_new(lin_model *m, const lin_op *ops, size_t n,
                               const lin_search_limits *lim);
/* Runs about `slice` more steps (0: until done). Returns 1 when finished (out filled),
 * 0 when the slice ran out. */
int lin_searcher_run(lin_searcher *s, size_t slice, lin_search_out *out);
void lin_searcher_free(lin_searcher *s);

/* Checks ops[0..n) (sorted by call_pos) from the model's initial state, to the end. */
void lin_search(lin_model *m, const lin_op *ops, size_t n, const lin_search_limits *lim,
                lin_search_out *out);
void lin_search_out_free(lin_search_out *o);

#endif
