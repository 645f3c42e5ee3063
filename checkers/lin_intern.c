/*
 * lin_intern.c — the two hash tables the linearizability models use: an interner from byte
 * strings to dense ids (values, strings, element sequences) and a uint64 → uint32 map
 * (memoised model transitions). Both grow geometrically, so the search allocates only when
 * it meets a state it has never seen.
 *
 * Data in: bytes / keys; data out: ids / values.
 */
#include "lin.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const void *p, uint32_t n) {
    /* FNV-1a, then a finaliser. */
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (uint32_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
    return lin_mix64(h ^ n);
}

void lin_interner_init(lin_interner *t) {
    memset(t, 0, sizeof *t);
}

void lin_interner_free(lin_interner *t) {
    for (uint32_t i = 0; i < t->count; i++) free(t->data[i]);
    free(t->data);
    free(t->len);
    free(t->hash);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static void rehash(lin_interner *t, uint32_t nslots) {
    free(t->slots);
    t->slots = fl_xcalloc(nslots, sizeof *t->slots);
    t->nslots = nslots;
    for (uint32_t id = 0; id < t->count; id++) {
        uint32_t i = (uint32_t)t->hash[id] & (nslots - 1);
        while (t->slots[i]) i = (i + 1) & (nslots - 1);
        t->slots[i] = id + 1;
    }
}

uint32_t lin_interner_find(const lin_interner *t, const void *data, uint32_t len) {
    if (!t->nslots) return UINT32_MAX;
    uint64_t h = hash_bytes(data, len);
    for (uint32_t i = (uint32_t)h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
        uint32_t s = t->slots[i];
        if (!s) return UINT32_MAX;
        uint32_t id = s - 1;
        if (t->hash[id] == h && t->len[id] == len && memcmp(t->data[id], data, len) == 0) return id;
    }
}

uint32_t lin_intern(lin_interner *t, const void *data, uint32_t len) {
    uint32_t found = lin_interner_find(t, data, len);
    if (found != UINT32_MAX) return found;
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->data = fl_xrealloc(t->data, t->cap * sizeof *t->data);
        t->len = fl_xrealloc(t->len, t->cap * sizeof *t->len);
        t->hash = fl_xrealloc(t->hash, t->cap * sizeof *t->hash);
    }
    uint32_t id = t->count++;
    t->data[id] = fl_xmalloc((size_t)len + 1);
    if (len) memcpy(t->data[id], data, len);
    t->data[id][len] = 0;
    t->len[id] = len;
    t->hash[id] = hash_bytes(data, len);
    t->bytes += (size_t)len + 1 + 24;
    if ((uint64_t)t->count * 2 >= t->nslots) {
        rehash(t, t->nslots ? t->nslots * 2 : 128);
    } else {
        uint32_t i = (uint32_t)t->hash[id] & (t->nslots - 1);
        while (t->slots[i]) i = (i + 1) & (t->nslots - 1);
        t->slots[i] = id + 1;
    }
    return id;
}

void lin_map_free(lin_map *m) {
    free(m->slots);
    memset(m, 0, sizeof *m);
}

int lin_map_get(const lin_map *m, uint64_t key, uint32_t *val) {
    if (!m->cap) return 0;
    uint64_t k1 = key + 1;
    for (size_t i = lin_mix64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const lin_map_slot *s = &m->slots[i];
        if (s->key1 == k1) {
            *val = s->val;
            return 1;
        }
        if (!s->key1) return 0;
    }
}

static void map_place(lin_map_slot *slots, size_t cap, uint64_t k1, uint32_t val) {
    for (size_t i = lin_mix64(k1 - 1) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (!slots[i].key1 || slots[i].key1 == k1) {
            slots[i].key1 = k1;
            slots[i].val = val;
            return;
        }
    }
}

void lin_map_put(lin_map *m, uint64_t key, uint32_t val) {
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 4096;
        lin_map_slot *ns = fl_xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key1) map_place(ns, ncap, m->slots[i].key1, m->slots[i].val);
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    uint64_t k1 = key + 1;
    for (size_t i = lin_mix64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        lin_map_slot *s = &m->slots[i];
        if (!s->key1) {
            s->key1 = k1;
            s->val = val;
            m->n++;
            return;
        }
        if (s->key1 == k1) {
            s->val = val;
            return;
        }
    }
}
