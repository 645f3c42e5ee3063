/*
 * rules_dispatch.c — when the dispatch query runs: the names its patterns need in a call
 * (query_shape.c finds them: whole identifiers or identifier prefixes, in the callee or
 * anywhere in the call), kept as small sets, and the test the scanner makes at every call
 * (fl__rules_dispatch_candidate) by looking through the callee's and the call's identifiers.
 */
#define _GNU_SOURCE /* memmem */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void name_set_add(fl_name_set *set, const char *name, int prefix) {
    uint32_t n = (uint32_t)strlen(name);
    if (prefix) {
        set->prefixes = fl_xrealloc(set->prefixes, (set->prefix_count + 1) * sizeof *set->prefixes);
        set->prefix_lens =
            fl_xrealloc(set->prefix_lens, (set->prefix_count + 1) * sizeof *set->prefix_lens);
        set->prefixes[set->prefix_count] = name;
        set->prefix_lens[set->prefix_count++] = n;
        return;
    }
    size_t i = fl__hash(name, n, 0) & set->mask;
    while (set->slots[i]) {
        if (set->lens[i] == n && memcmp(set->slots[i], name, n) == 0) return;
        i = (i + 1) & set->mask;
    }
    set->slots[i] = name;
    set->lens[i] = n;
}

static void name_set_init(fl_name_set *set, size_t count) {
    size_t slots = 16;
    while (slots < count * 2) slots *= 2;
    set->mask = slots - 1;
    set->slots = fl_xcalloc(slots, sizeof *set->slots);
    set->lens = fl_xcalloc(slots, sizeof *set->lens);
}

static void name_set_free(fl_name_set *set) {
    free(set->slots);
    free(set->lens);
    free(set->prefixes);
    free(set->prefix_lens);
    memset(set, 0, sizeof *set);
}

static int name_set_empty(const fl_name_set *set) {
    if (set->prefix_count) return 0;
    for (size_t i = 0; set->slots && i <= set->mask; i++)
        if (set->slots[i]) return 0;
    return 1;
}

/* Does text[b, b + n), an identifier, belong to the set? */
static int name_set_has(const fl_name_set *set, const char *id, uint32_t n) {
    size_t k = fl__hash(id, n, 0) & set->mask;
    while (set->slots[k]) {
        if (set->lens[k] == n && memcmp(set->slots[k], id, n) == 0) return 1;
        k = (k + 1) & set->mask;
    }
    for (size_t i = 0; i < set->prefix_count; i++)
        if (set->prefix_lens[i] <= n && memcmp(set->prefixes[i], id, set->prefix_lens[i]) == 0)
            return 1;
    return 0;
}

/* The dispatch query's names: what a call must hold for the dispatch query to run there. */
void fl__rules_take_names(fl_lang_rules *r, fl_query_split *sp) {
    /* the names stay owned by the rules: take them from the split */
    r->owned_names = sp->names;
    r->owned_name_count = sp->name_count;
    sp->names = NULL;
    sp->name_count = 0;
    name_set_init(&r->callee_names, r->owned_name_count);
    name_set_init(&r->call_names, r->owned_name_count);
    for (size_t i = 0; i < r->owned_name_count; i++) {
        const fl_query_name *nm = &r->owned_names[i];
        name_set_add(nm->callee ? &r->callee_names : &r->call_names, nm->text, nm->prefix);
    }
    if (name_set_empty(&r->call_names)) name_set_free(&r->call_names);
    size_t few = 0;
    for (size_t i = 0; r->call_names.slots && i <= r->call_names.mask; i++)
        few += r->call_names.slots[i] != NULL;
    if (r->call_names.slots && !r->call_names.prefix_count && few <= 4) {
        for (size_t i = 0; i <= r->call_names.mask; i++) {
            if (!r->call_names.slots[i]) continue;
            r->few[r->few_count] = r->call_names.slots[i];
            r->few_lens[r->few_count++] = r->call_names.lens[i];
        }
    }
}

static int ident_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

/* Callees / calls longer than this (a function literal called in place, a closure passed)
 * are not looked through:
 * the dispatch query runs on them, so the result stays exact. */
#define FL_CALLEE_SCAN_MAX 256u
#define FL_CALL_SCAN_MAX 1024u

/* 1 when an identifier of text[s, e) is in the set. */
static int text_has_name(const fl_name_set *set, const char *text, uint32_t s, uint32_t e) {
    uint32_t i = s;
    while (i < e) {
        while (i < e && !ident_byte((unsigned char)text[i])) i++;
        uint32_t b = i;
        while (i < e && ident_byte((unsigned char)text[i])) i++;
        if (i > b && name_set_has(set, text + b, i - b)) return 1;
    }
    return 0;
}

/* The same for a set of a few whole names and no prefixes: memmem finds each name (the
 * common case, a name or two that may sit in the arguments) faster than hashing every word. */
static int text_has_few(const fl_lang_rules *r, const char *text, uint32_t s, uint32_t e) {
    for (size_t i = 0; i < r->few_count; i++) {
        const char *name = r->few[i];
        uint32_t n = r->few_lens[i];
        const char *p = text + s, *end = text + e;
        while ((p = memmem(p, (size_t)(end - p), name, n)) != NULL) {
            int left = p == text + s || !ident_byte((unsigned char)p[-1]);
            int right = p + n == end || !ident_byte((unsigned char)p[n]);
            if (left && right) return 1;
            p++;
        }
    }
    return 0;
}

int fl__rules_dispatch_candidate(const fl_lang_rules *r, const char *text, uint32_t s, uint32_t e,
                                 uint32_t cs, uint32_t ce) {
    if (!r->dispatch.query) return 0;
    if (ce - cs > FL_CALLEE_SCAN_MAX || text_has_name(&r->callee_names, text, cs, ce)) return 1;
    if (!r->call_names.slots) return 0;
    if (e - s > FL_CALL_SCAN_MAX) return 1;
    if (r->few_count) return text_has_few(r, text, s, e);
    return text_has_name(&r->call_names, text, s, e);
}

void fl__rules_names_free(fl_lang_rules *r) {
    for (size_t i = 0; i < r->owned_name_count; i++) free(r->owned_names[i].text);
    free(r->owned_names);
    name_set_free(&r->callee_names);
    name_set_free(&r->call_names);
    r->owned_names = NULL;
    r->owned_name_count = 0;
    r->few_count = 0;
}
