/*
 * lin_search.c — the Wing–Gong/Lowe linearizability search with memoisation of
 * (set of linearized ops, model state), as Porcupine does, for one partition.
 *
 * The ops' call and return entries form a doubly linked list in real-time order (only ok ops
 * have a return entry: an op with an unknown outcome may stay unlinearized forever). Walking
 * from the head: at a call, try the op on the current state; if legal and the pair
 * (linearized set ∪ {op}, new state) was never seen, record it, push (op, old state), lift
 * the op out of the list and restart from the head. At the return of an op that is still in
 * the list, no order of the ops so far works from here: pop and try the next candidate. The
 * history is linearizable once every ok op is linearized, and not when the stack runs empty.
 *
 * Iterative (explicit stack), no recursion. The linearized set is a bitset hashed
 * incrementally (Zobrist: each op has a random 64-bit key, XORed in and out); the cache is an
 * open-addressing table over an arena of bitsets, both grown geometrically, so the loop
 * allocates only when the cache grows. Budgets (time, memory, steps) are checked every 1024
 * steps and give LIN_UNKNOWN; a search can also stop after a slice of steps and resume.
 *
 * Data in: a model and ops sorted by call position. Data out: lin_search_out.
 */
#include "lin.h"

#include <stdlib.h>
#include <string.h>

/* A cached (linearized set, state). The set is stored compactly: `lo` leading words that
 * are all ones are implied, then `len` stored words, then zero words to the end: the
 * linearized set of a long history is a full prefix plus a short ragged edge, so an entry
 * takes a few words instead of n/64. */
typedef struct cache_slot {
    uint64_t hash; /* 0 = empty (real hashes are forced non-zero) */
    uint64_t state;
    uint32_t off; /* offset of the stored words in the arena */
    uint32_t lo, len;
} cache_slot;

typedef struct cache {
    cache_slot *slots;
    size_t cap, n; /* cap: power of two */
    uint64_t *arena;
    size_t arena_len, arena_cap; /* words */
    size_t nw;                   /* words per bitset */
} cache;

typedef struct ent {
    size_t pos;
    uint32_t op;
    uint8_t is_call;
} ent;

static int ent_cmp(const void *a, const void *b) {
    const ent *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return (int)y->is_call - (int)x->is_call; /* calls first on a tie (closed intervals) */
}

static size_t cache_bytes(const cache *c) {
    return c->cap * sizeof(cache_slot) + c->arena_cap * sizeof(uint64_t);
}

static void cache_grow_table(cache *c) {
    size_t ncap = c->cap ? c->cap * 2 : 64;
    cache_slot *ns = fl_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].hash) continue;
        size_t j = c->slots[i].hash & (ncap - 1);
        while (ns[j].hash) j = (j + 1) & (ncap - 1);
        ns[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = ncap;
}

/* Inserts (bits, state) with hash h; bits[0..lo) are all ones and bits[hi..) all zero.
 * Returns 1 when it was new. */
static inline int cache_insert(cache *c, uint64_t h, uint64_t state, const uint64_t *bits,
                               size_t lo, size_t hi) {
    size_t len = hi - lo;
    size_t mask = c->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        cache_slot *s = &c->slots[i];
        if (!s->hash) {
            if (c->arena_len + len > c->arena_cap) {
                c->arena_cap = c->arena_cap ? c->arena_cap * 2 : 1024;
                while (c->arena_cap < c->arena_len + len) c->arena_cap *= 2;
                c->arena = fl_xrealloc(c->arena, c->arena_cap * sizeof *c->arena);
            }
            uint64_t *dst = c->arena + c->arena_len;
            for (size_t w = 0; w < len; w++) dst[w] = bits[lo + w];
            s->hash = h;
            s->state = state;
            s->off = (uint32_t)c->arena_len;
            s->lo = (uint32_t)lo;
            s->len = (uint32_t)len;
            c->arena_len += len;
            if (++c->n * 2 > c->cap) cache_grow_table(c);
            return 1;
        }
        if (s->hash == h && s->state == state && s->lo == lo && s->len == len) {
            const uint64_t *have = c->arena + s->off;
            size_t w = 0;
            while (w < len && have[w] == bits[lo + w]) w++;
            if (w == len) return 0;
        }
    }
}

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lin_search_out_free(lin_search_out *o) {
    free(o->best);
    free(o->best_states);
    free(o->finals);
    free(o->final_bits);
    o->final_bits = NULL;
    o->finals = NULL;
    o->nfinals = 0;
    o->best = NULL;
    o->best_states = NULL;
    o->nbest = 0;
}

struct lin_searcher {
    lin_model *m;
    const lin_op *ops;
    size_t n, ne;
    int32_t *next, *prev, *ret_of;
    uint32_t *eop;
    uint8_t *is_call;
    size_t *epos;
    uint64_t *zob;
    cache c;
    uint64_t *cur;
    int32_t *stk_ent;
    uint64_t *stk_state;
    size_t sp;
    size_t base_bytes, charged;
    fl_check_ctx *ctx;
    size_t max_steps;
    int want_best, collect;
    size_t finals_cap;
    size_t best_depth, frontier;
    uint64_t state, zh;
    size_t blo, bhi; /* cur[0..blo) all ones, cur[bhi..) all zero (see cache_slot) */
    size_t remaining, steps, next_check;
    int32_t e;
    int done;
    lin_search_out out;
    /* kv lookahead: pending ok reads sorted by return, pending writes/cas sorted by call,
     * as circular lists over op indices with sentinel n; lst[i]: 1 read, 2 write, 0 none. */
    int prefix;
    int32_t *rl_next, *rl_prev, *wl_next, *wl_prev;
    uint8_t *lst;
};

typedef struct pos_idx {
    size_t pos;
    int32_t idx;
} pos_idx;

static int pos_idx_cmp(const void *a, const void *b) {
    const pos_idx *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return x->idx - y->idx;
}

static void build_list(int32_t *next, int32_t *prev, int32_t *items, size_t k, int32_t n) {
    int32_t last = n;
    for (size_t i = 0; i < k; i++) {
        next[last] = items[i];
        prev[items[i]] = last;
        last = items[i];
    }
    next[last] = n;
    prev[n] = last;
}

static void setup_prefix(lin_searcher *s) {
    size_t n = s->n, nr = 0, nw = 0, napp = 0;
    for (size_t i = 0; i < n; i++) napp += s->ops[i].code == LOP_APPEND;
    if (s->m->kind != LIN_KV || napp == 0) return;
    s->prefix = 1;
    s->lst = fl_xcalloc(n + 1, 1);
    pos_idx *rk = fl_xmalloc((n + 1) * sizeof *rk), *wk = fl_xmalloc((n + 1) * sizeof *wk);
    for (size_t i = 0; i < n; i++) {
        const lin_op *o = &s->ops[i];
        if (o->code == LOP_READ && o->must) {
            rk[nr++] = (pos_idx){o->ret_pos, (int32_t)i};
            s->lst[i] = 1;
        } else if (o->code == LOP_WRITE || o->code == LOP_CAS) {
            wk[nw++] = (pos_idx){o->call_pos, (int32_t)i};
            s->lst[i] = 2;
        }
    }
    qsort(rk, nr, sizeof *rk, pos_idx_cmp);
    qsort(wk, nw, sizeof *wk, pos_idx_cmp);
    int32_t *reads = fl_xmalloc((n + 1) * sizeof *reads);
    int32_t *writes = fl_xmalloc((n + 1) * sizeof *writes);
    for (size_t i = 0; i < nr; i++) reads[i] = rk[i].idx;
    for (size_t i = 0; i < nw; i++) writes[i] = wk[i].idx;
    free(rk);
    free(wk);
    s->rl_next = fl_xmalloc((n + 1) * sizeof *s->rl_next);
    s->rl_prev = fl_xmalloc((n + 1) * sizeof *s->rl_prev);
    s->wl_next = fl_xmalloc((n + 1) * sizeof *s->wl_next);
    s->wl_prev = fl_xmalloc((n + 1) * sizeof *s->wl_prev);
    build_list(s->rl_next, s->rl_prev, reads, nr, (int32_t)n);
    build_list(s->wl_next, s->wl_prev, writes, nw, (int32_t)n);
    free(reads);
    free(writes);
}

static inline void list_unlink(int32_t *next, int32_t *prev, int32_t i) {
    next[prev[i]] = next[i];
    prev[next[i]] = prev[i];
}
static inline void list_relink(int32_t *next, int32_t *prev, int32_t i) {
    next[prev[i]] = i;
    prev[next[i]] = i;
}

lin_searcher *lin_searcher_new(lin_model *m, const lin_op *ops, size_t n,
                               const lin_search_limits *lim) {
    lin_searcher *s = fl_xcalloc(1, sizeof *s);
    s->m = m;
    s->ops = ops;
    s->n = n;
    s->out.fail_op = SIZE_MAX;
    size_t nmust = 0;
    for (size_t i = 0; i < n; i++) nmust += ops[i].must;
    s->remaining = nmust;
    if (nmust == 0) {
        s->done = 1;
        s->out.answer = LIN_OK;
        if (lim && lim->collect) {
            s->out.finals = fl_xmalloc(sizeof *s->out.finals);
            s->out.finals[0] = lim->has_init ? lim->init : m->init;
            s->out.nfinals = 1;
        }
        return s;
    }
    /* Entries: index 0 is the head sentinel, 1..ne the calls and returns in time order. */
    size_t ne = n + nmust;
    s->ne = ne;
    /* ops are sorted by call; sort the returns and merge (calls first on a tie) */
    ent *es = fl_xmalloc(ne * sizeof *es);
    ent *rs = fl_xmalloc((nmust + 1) * sizeof *rs);
    size_t nrs = 0;
    for (size_t i = 0; i < n; i++)
        if (ops[i].must) rs[nrs++] = (ent){ops[i].ret_pos, (uint32_t)i, 0};
    qsort(rs, nrs, sizeof *rs, ent_cmp);
    size_t ci = 0, ri = 0, k = 0;
    while (ci < n || ri < nrs) {
        if (ri >= nrs || (ci < n && ops[ci].call_pos <= rs[ri].pos)) {
            es[k++] = (ent){ops[ci].call_pos, (uint32_t)ci, 1};
            ci++;
        } else {
            es[k++] = rs[ri++];
        }
    }
    free(rs);
    s->next = fl_xmalloc((ne + 1) * sizeof *s->next);
    s->prev = fl_xmalloc((ne + 1) * sizeof *s->prev);
    s->eop = fl_xmalloc((ne + 1) * sizeof *s->eop);
    s->is_call = fl_xmalloc(ne + 1);
    s->epos = fl_xmalloc((ne + 1) * sizeof *s->epos);
    s->ret_of = fl_xmalloc(n * sizeof *s->ret_of);
    for (size_t i = 0; i < n; i++) s->ret_of[i] = -1;
    for (size_t i = 0; i <= ne; i++) {
        s->next[i] = i < ne ? (int32_t)(i + 1) : -1;
        s->prev[i] = (int32_t)i - 1;
        if (i == 0) {
            s->eop[0] = 0;
            s->is_call[0] = 0;
            s->epos[0] = 0;
            continue;
        }
        s->eop[i] = es[i - 1].op;
        s->is_call[i] = es[i - 1].is_call;
        s->epos[i] = es[i - 1].pos;
        if (!s->is_call[i]) s->ret_of[s->eop[i]] = (int32_t)i;
    }
    free(es);
    s->zob = fl_xmalloc(n * sizeof *s->zob);
    uint64_t seed = 0x5eed1234abcdULL;
    for (size_t i = 0; i < n; i++) s->zob[i] = splitmix(&seed);
    s->c.nw = (n + 63) / 64;
    /* start the cache at about 8 entries per op (fewer doublings on typical histories) */
    while (s->c.cap < 8 * n && s->c.cap < (1u << 16)) s->c.cap = s->c.cap ? s->c.cap * 2 : 64;
    if (s->c.cap) {
        s->c.slots = fl_xcalloc(s->c.cap, sizeof *s->c.slots);
    } else {
        cache_grow_table(&s->c);
    }
    s->cur = fl_xcalloc(s->c.nw, sizeof *s->cur);
    s->stk_ent = fl_xmalloc(n * sizeof *s->stk_ent);
    s->stk_state = fl_xmalloc(n * sizeof *s->stk_state);
    s->base_bytes = (ne + 1) * (3 * sizeof(int32_t) + 1 + sizeof(size_t)) +
                    n * (sizeof(int32_t) + 2 * sizeof(uint64_t) + sizeof(int32_t));
    s->ctx = lim ? lim->ctx : NULL;
    s->max_steps = lim ? lim->max_steps : 0;
    s->want_best = lim && lim->want_best;
    if (s->want_best) {
        s->out.best = fl_xmalloc(n * sizeof *s->out.best);
        s->out.best_states = fl_xmalloc(n * sizeof *s->out.best_states);
    }
    setup_prefix(s);
    s->collect = lim && lim->collect;
    s->state = lim && lim->has_init ? lim->init : m->init;
    s->next_check = 1024;
    s->e = s->next[0];
    return s;
}

static void finish(lin_searcher *s, lin_answer a) {
    s->done = 1;
    s->out.answer = a;
    s->out.steps = s->steps;
    s->out.cache_entries = s->c.n;
    s->out.peak_bytes = s->base_bytes + cache_bytes(&s->c);
    if (s->ctx && s->charged)
        s->ctx->memory_used -= s->charged < s->ctx->memory_used ? s->charged : s->ctx->memory_used;
    s->charged = 0;
}

int lin_searcher_run(lin_searcher *s, size_t slice, lin_search_out *out) {
    if (s->done) goto done;
    /* Hot state in locals. */
    lin_model *m = s->m;
    const lin_op *ops = s->ops;
    int32_t *next = s->next, *prev = s->prev, *ret_of = s->ret_of;
    const uint32_t *eop = s->eop;
    const uint8_t *is_call = s->is_call;
    const uint64_t *zob = s->zob;
    uint64_t *cur = s->cur;
    uint64_t state = s->state, zh = s->zh;
    size_t sp = s->sp, remaining = s->remaining, steps = s->steps;
    size_t blo = s->blo, bhi = s->bhi;
    const size_t nw = s->c.nw;
    int32_t e = s->e;
    size_t stop = slice ? steps + slice : SIZE_MAX;
    lin_answer answer = LIN_UNKNOWN;
    int finished = 0;
    for (;;) {
        if (remaining == 0 || e < 0) { /* e < 0 cannot happen while an ok op is open */
            if (s->collect) {
                size_t i = 0, nw = s->c.nw;
                while (i < s->out.nfinals &&
                       (s->out.finals[i] != state ||
                        memcmp(s->out.final_bits + i * nw, cur, nw * sizeof *cur) != 0))
                    i++;
                if (i == s->out.nfinals) {
                    if (s->out.nfinals == 4096) { /* too many to list: give up */
                        answer = LIN_UNKNOWN;
                        finished = 1;
                        break;
                    }
                    if (s->out.nfinals == s->finals_cap) {
                        s->finals_cap = s->finals_cap ? s->finals_cap * 2 : 16;
                        s->out.finals =
                            fl_xrealloc(s->out.finals, s->finals_cap * sizeof *s->out.finals);
                        s->out.final_bits = fl_xrealloc(
                            s->out.final_bits, s->finals_cap * nw * sizeof *s->out.final_bits);
                    }
                    memcpy(s->out.final_bits + s->out.nfinals * nw, cur, nw * sizeof *cur);
                    s->out.final_nw = nw;
                    s->out.finals[s->out.nfinals++] = state;
                }
                goto backtrack;
            }
            answer = LIN_OK;
            finished = 1;
            break;
        }
        if (is_call[e]) {
            uint32_t oi = eop[e];
            const lin_op *op = &ops[oi];
            uint64_t ns;
            if (++steps >= s->next_check) {
                s->next_check = steps + 1024;
                size_t bytes = s->base_bytes + cache_bytes(&s->c);
                if (s->ctx) {
                    if (bytes > s->charged) {
                        fl_check_charge(s->ctx, bytes - s->charged);
                        s->charged = bytes;
                    }
                    if (fl_check_timed_out(s->ctx) || s->ctx->over_budget) {
                        answer = LIN_UNKNOWN;
                        finished = 1;
                        break;
                    }
                }
                if (s->max_steps && steps > s->max_steps) {
                    answer = LIN_UNKNOWN;
                    finished = 1;
                    break;
                }
                if (steps >= stop) break;
            }
            int legal = lin_model_step(m, state, op, &ns);
            if (legal && s->prefix && !op->ro) {
                /* kv lookahead: if no write can come before the next pending read, only
                 * appends can, so the new state must be a prefix of what it read. */
                int32_t nn = (int32_t)s->n, R = s->rl_next[nn];
                if (R != nn) {
                    int32_t W = s->wl_next[nn];
                    if (W == (int32_t)oi) W = s->wl_next[W];
                    if ((W == nn || ops[W].call_pos > ops[R].ret_pos) &&
                        !lin_model_kv_prefix_possible(m, ns, &ops[R]))
                        legal = 0;
                }
            }
            if (legal) {
                size_t w = oi >> 6, olo = blo, ohi = bhi;
                cur[w] |= 1ULL << (oi & 63);
                if (w + 1 > bhi) bhi = w + 1;
                while (blo < nw && cur[blo] == ~0ULL) blo++;
                uint64_t nz = zh ^ zob[oi];
                uint64_t h = nz ^ lin_mix64(ns + 0x9e3779b97f4a7c15ULL);
                if (!h) h = 1;
                int forced = op->ro;
                if (cache_insert(&s->c, h, ns, cur, blo, bhi)) {
                    s->stk_ent[sp] = forced ? -e : e;
                    s->stk_state[sp] = state;
                    sp++;
                    state = ns;
                    zh = nz;
                    remaining -= op->must;
                    /* lift: unlink the call, then the return */
                    next[prev[e]] = next[e];
                    if (next[e] >= 0) prev[next[e]] = prev[e];
                    int32_t r = ret_of[oi];
                    if (r >= 0) {
                        next[prev[r]] = next[r];
                        if (next[r] >= 0) prev[next[r]] = prev[r];
                    }
                    if (s->prefix && s->lst[oi]) {
                        if (s->lst[oi] == 1)
                            list_unlink(s->rl_next, s->rl_prev, (int32_t)oi);
                        else
                            list_unlink(s->wl_next, s->wl_prev, (int32_t)oi);
                    }
                    if (s->want_best && sp > s->best_depth) {
                        s->best_depth = sp;
                        for (size_t i = 0; i < sp; i++) {
                            int32_t se = s->stk_ent[i] < 0 ? -s->stk_ent[i] : s->stk_ent[i];
                            s->out.best[i] = eop[se];
                            s->out.best_states[i] = i + 1 < sp ? s->stk_state[i + 1] : state;
                        }
                        s->out.nbest = sp;
                    }
                    e = next[0];
                    continue;
                }
                cur[w] &= ~(1ULL << (oi & 63));
                blo = olo;
                bhi = ohi;
                /* A read-only op (it never changes the state) that is legal now can always
                 * be linearized first: it is already invoked, everything that must precede
                 * it is linearized, and moving it earlier changes no state any other op
                 * sees.
                 * So (S, s) has a completion iff (S + op, s) has; that pair was seen and
                 * failed, hence (S, s) fails too. */
                if (forced) goto backtrack;
            }
            e = next[e];
        } else {
            if (s->epos[e] >= s->frontier) {
                s->frontier = s->epos[e];
                s->out.fail_op = eop[e];
            }
        backtrack:
            if (sp == 0) {
                answer = s->out.nfinals ? LIN_OK : LIN_ILLEGAL;
                finished = 1;
                break;
            }
            sp--;
            int32_t ce = s->stk_ent[sp];
            int was_forced = ce < 0;
            if (was_forced) ce = -ce;
            uint32_t oi = eop[ce];
            state = s->stk_state[sp];
            zh ^= zob[oi];
            size_t w = oi >> 6;
            cur[w] &= ~(1ULL << (oi & 63));
            if (w < blo) blo = w;
            while (bhi > blo && cur[bhi - 1] == 0) bhi--;
            remaining += ops[oi].must;
            if (s->prefix && s->lst[oi]) {
                if (s->lst[oi] == 1)
                    list_relink(s->rl_next, s->rl_prev, (int32_t)oi);
                else
                    list_relink(s->wl_next, s->wl_prev, (int32_t)oi);
            }
            /* unlift: relink the return, then the call */
            int32_t r = ret_of[oi];
            if (r >= 0) {
                next[prev[r]] = r;
                if (next[r] >= 0) prev[next[r]] = r;
            }
            next[prev[ce]] = ce;
            if (next[ce] >= 0) prev[next[ce]] = ce;
            /* a forced op had no alternative: its parent fails too */
            if (was_forced) goto backtrack;
            e = next[ce];
        }
    }
    s->state = state;
    s->zh = zh;
    s->blo = blo;
    s->bhi = bhi;
    s->sp = sp;
    s->remaining = remaining;
    s->steps = steps;
    s->e = e;
    if (!finished) return 0;
    finish(s, answer);
done:
    *out = s->out;
    /* the caller owns the arrays now */
    s->out.best = NULL;
    s->out.best_states = NULL;
    s->out.finals = NULL;
    s->out.final_bits = NULL;
    return 1;
}

void lin_searcher_free(lin_searcher *s) {
    if (!s) return;
    if (s->ctx && s->charged)
        s->ctx->memory_used -= s->charged < s->ctx->memory_used ? s->charged : s->ctx->memory_used;
    free(s->next);
    free(s->prev);
    free(s->eop);
    free(s->is_call);
    free(s->epos);
    free(s->ret_of);
    free(s->zob);
    free(s->c.slots);
    free(s->c.arena);
    free(s->cur);
    free(s->stk_ent);
    free(s->stk_state);
    free(s->lst);
    free(s->rl_next);
    free(s->rl_prev);
    free(s->wl_next);
    free(s->wl_prev);
    free(s->out.best);
    free(s->out.best_states);
    free(s->out.finals);
    free(s->out.final_bits);
    free(s);
}

void lin_search(lin_model *m, const lin_op *ops, size_t n, const lin_search_limits *lim,
                lin_search_out *out) {
    lin_searcher *s = lin_searcher_new(m, ops, n, lim);
    lin_searcher_run(s, 0, out);
    lin_searcher_free(s);
}
