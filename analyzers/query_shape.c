/*
 * query_shape.c — reads the shape of tree-sitter query text (our own small reader of the
 * S-expression syntax; the C query API does not expose a pattern's structure) and sorts one
 * language's patterns (the concatenated built-in and user files) by how the scanner can run
 * them without a query cursor keeping states for every pattern at every node:
 *
 *   call root  the structure pattern `(T F: (_) @call.name) @call` that matches every call
 *              node of type T; the scanner makes its match itself.
 *   dispatched a pattern rooted at T with an #eq? / #any-of? (or a `^literal` #match?) on a
 *              capture every match binds inside the call (in the callee: under F):
 *              `(call_expression function: (selector_expression field: (field_identifier)
 *              @_fn)) (#any-of? @_fn "Grant" "Revoke")`. It can only match a call whose text
 *              holds one of those names as a whole identifier (or one starting with the
 *              literal), so it runs only at such calls.
 *   rooted     a pattern starting at one node of known types: run node by node, only where
 *              the node's type fits and the predicates on the root (or on a capture along a
 *              fixed path of fields and types below it) hold.
 *   sibling    a sequence of sibling nodes starting at a captured node: run at the parent.
 *   other      anything else (a wildcard root, text the reader does not understand): then
 *              all patterns run in one query cursor over the whole file, as tree-sitter does.
 *
 * It also writes each built-in pattern's lean form, which tree-sitter compiles several times
 * faster: tree-sitter analyses every typed parent step against the grammar's parse table, and
 * skips that for a wildcard, so each parent step below the root becomes `_` with a capture
 * `@__t.<type>` whose type the scanner checks (and a dispatched pattern's root becomes `_`:
 * the dispatch query only runs at call nodes).
 *
 * Text enters as the query source; patterns leave as forms with their offsets, and texts are
 * built from them (fl__query_text keeps every offset, so tree-sitter's error positions stay
 * right). Every pattern's own predicates still decide what matches.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum qkind { Q_NODE, Q_GROUP, Q_ALT, Q_STRING, Q_WILD, Q_PRED, Q_ANCHOR, Q_OTHER };

typedef struct qspan {
    const char *s;
    size_t n;
} qspan;

#define Q_MAX_CAPS 4
#define Q_MAX_ARGS 64

/* One element of a pattern, in pre-order; children follow their parent. */
typedef struct qel {
    int kind;   /* enum qkind */
    int parent; /* index, -1 for a top-level form */
    qspan type; /* Q_NODE: the node type ("_" for (_)); Q_PRED: the predicate name */
    qspan field;
    char quant; /* 0, '?', '*' or '+' */
    qspan caps[Q_MAX_CAPS];
    int cap_count; /* > Q_MAX_CAPS: too many to follow */
    /* Q_PRED: arguments; is_cap[i] says whether args[i] is a capture name */
    qspan args[Q_MAX_ARGS];
    unsigned char is_cap[Q_MAX_ARGS];
    int arg_count; /* > Q_MAX_ARGS: too many to follow */
    size_t start, end;
} qel;

typedef struct qreader {
    const char *src;
    size_t len, pos;
    qel *els;
    size_t count, cap;
    int failed;
} qreader;

static int is_name_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == '?' || c == '!' || c >= 0x80;
}

static int is_ident_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static void skip_space(qreader *r) {
    while (r->pos < r->len) {
        char c = r->src[r->pos];
        if (c == ';') {
            while (r->pos < r->len && r->src[r->pos] != '\n') r->pos++;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            r->pos++;
        } else {
            break;
        }
    }
}

static int peek(qreader *r) {
    skip_space(r);
    return r->pos < r->len ? (unsigned char)r->src[r->pos] : -1;
}

/* A bare name: node type, field, capture or predicate name (without its sigil). */
static qspan read_name(qreader *r) {
    qspan s = {r->src + r->pos, 0};
    while (r->pos < r->len && is_name_char((unsigned char)r->src[r->pos])) r->pos++;
    s.n = (size_t)(r->src + r->pos - s.s);
    return s;
}

/* A string literal; the span is its content with escapes left in. */
static qspan read_string(qreader *r) {
    qspan s = {NULL, 0};
    r->pos++; /* opening quote */
    s.s = r->src + r->pos;
    while (r->pos < r->len && r->src[r->pos] != '"') {
        if (r->src[r->pos] == '\\') r->pos++;
        r->pos++;
    }
    if (r->pos >= r->len) {
        r->failed = 1;
        return s;
    }
    s.n = (size_t)(r->src + r->pos - s.s);
    r->pos++;
    return s;
}

static int new_el(qreader *r, int kind, int parent) {
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->els = fl_xrealloc(r->els, r->cap * sizeof *r->els);
    }
    qel *e = &r->els[r->count];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->parent = parent;
    e->start = r->pos;
    return (int)r->count++;
}

static void read_element(qreader *r, int parent);

/* Children up to `close`; returns 0 at the closing character. */
static void read_children(qreader *r, int parent, char close) {
    for (;;) {
        int c = peek(r);
        if (c < 0 || r->failed) {
            r->failed = 1;
            return;
        }
        if (c == close) {
            r->pos++;
            return;
        }
        read_element(r, parent);
    }
}

/* Captures and quantifiers after an element, in any order. */
static void read_suffix(qreader *r, int idx) {
    r->els[idx].end = r->pos; /* the element's last byte, whitespace after it left out */
    for (;;) {
        int c = peek(r);
        if (c == '?' || c == '*' || c == '+') {
            if (r->els[idx].quant) r->failed = 1;
            r->els[idx].quant = (char)c;
            r->pos++;
        } else if (c == '@') {
            r->pos++;
            qspan n = read_name(r);
            qel *e = &r->els[idx];
            if (e->cap_count < Q_MAX_CAPS) e->caps[e->cap_count] = n;
            e->cap_count++;
        } else {
            return;
        }
        r->els[idx].end = r->pos;
    }
}

static void read_predicate(qreader *r, int idx) {
    r->pos++; /* '#' */
    r->els[idx].type = read_name(r);
    for (;;) {
        int c = peek(r);
        if (c < 0) {
            r->failed = 1;
            return;
        }
        if (c == ')') {
            r->pos++;
            return;
        }
        qel *e = &r->els[idx];
        qspan a;
        int is_cap = 0;
        if (c == '@') {
            r->pos++;
            a = read_name(r);
            is_cap = 1;
        } else if (c == '"') {
            a = read_string(r);
        } else if (is_name_char((unsigned char)c)) {
            a = read_name(r);
        } else {
            r->failed = 1;
            return;
        }
        if (e->arg_count < Q_MAX_ARGS) {
            e->args[e->arg_count] = a;
            e->is_cap[e->arg_count] = (unsigned char)is_cap;
        }
        e->arg_count++;
        if (r->failed) return;
    }
}

static void read_element(qreader *r, int parent) {
    int c = peek(r);
    if (c < 0) {
        r->failed = 1;
        return;
    }
    if (c == '.') { /* anchor */
        int idx = new_el(r, Q_ANCHOR, parent);
        r->pos++;
        r->els[idx].end = r->pos;
        return;
    }
    if (c == '!') { /* negated field */
        r->pos++;
        int idx = new_el(r, Q_OTHER, parent);
        r->els[idx].field = read_name(r);
        r->els[idx].end = r->pos;
        return;
    }
    qspan field = {NULL, 0};
    if (is_name_char((unsigned char)c) && c != '_') {
        /* a field name (`name:`) or a bare node name */
        size_t save = r->pos;
        qspan n = read_name(r);
        if (r->pos < r->len && r->src[r->pos] == ':') {
            r->pos++;
            field = n;
            c = peek(r);
        } else {
            r->pos = save;
        }
    }
    int idx;
    if (c == '(') {
        size_t open = r->pos;
        r->pos++;
        int d = peek(r);
        if (d == '#') {
            idx = new_el(r, Q_PRED, parent);
            r->els[idx].start = open;
            read_predicate(r, idx);
        } else if (d == '(' || d == '[' || d == '"' || d == '.' || d == ')') {
            idx = new_el(r, Q_GROUP, parent);
            r->els[idx].start = open;
            read_children(r, idx, ')');
        } else if (d >= 0 && is_name_char((unsigned char)d)) {
            idx = new_el(r, Q_NODE, parent);
            r->els[idx].start = open;
            r->els[idx].type = read_name(r);
            read_children(r, idx, ')');
        } else {
            r->failed = 1;
            return;
        }
    } else if (c == '[') {
        idx = new_el(r, Q_ALT, parent);
        r->pos++;
        read_children(r, idx, ']');
    } else if (c == '"') {
        idx = new_el(r, Q_STRING, parent);
        read_string(r);
    } else if (c == '_') {
        idx = new_el(r, Q_WILD, parent);
        r->pos++;
    } else if (is_name_char((unsigned char)c)) {
        /* a bare name (MISSING, a supertype...): not followed */
        idx = new_el(r, Q_OTHER, parent);
        read_name(r);
    } else {
        r->failed = 1;
        return;
    }
    if (r->failed) return;
    r->els[idx].field = field;
    read_suffix(r, idx);
}

static int span_is(qspan s, const char *lit) {
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.s, lit, n) == 0;
}

static int span_eq(qspan a, qspan b) {
    return a.n == b.n && (a.n == 0 || memcmp(a.s, b.s, a.n) == 0);
}

static int has_cap(const qel *e, const char *name) {
    for (int i = 0; i < e->cap_count && i < Q_MAX_CAPS; i++)
        if (span_is(e->caps[i], name)) return 1;
    return 0;
}

/* The pattern's root node: the form itself, or the one node of a grouping that holds only
 * it and predicates. -1 when there is no single root. */
static int form_root(const qreader *r, size_t form, size_t end) {
    const qel *f = &r->els[form];
    if (f->kind == Q_NODE) return f->quant || f->field.n ? -1 : (int)form;
    if (f->kind != Q_GROUP || f->quant || f->cap_count) return -1;
    int root = -1;
    for (size_t i = form + 1; i < end; i++) {
        if (r->els[i].parent != (int)form) continue;
        if (r->els[i].kind == Q_PRED) continue;
        if (r->els[i].kind != Q_NODE || root >= 0 || r->els[i].quant || r->els[i].field.n)
            return -1;
        root = (int)i;
    }
    return root;
}

/* A call root: (T F: (_) @call.name) @call and nothing else. */
typedef struct call_root {
    qspan type, field, child_type; /* child_type "_" matches any named node */
    size_t start;                  /* the pattern's offset in the source */
} call_root;

static int as_call_root(const qreader *r, size_t form, size_t end, call_root *out) {
    if (r->els[form].kind != Q_NODE) return 0;
    const qel *root = &r->els[form];
    if (root->quant || root->field.n || root->cap_count != 1 || !has_cap(root, "call")) return 0;
    if (end != form + 2) return 0; /* exactly one element below the root */
    const qel *c = &r->els[form + 1];
    if (c->kind != Q_NODE || !c->field.n || c->quant || c->cap_count != 1 ||
        !has_cap(c, "call.name"))
        return 0;
    out->type = root->type;
    out->field = c->field;
    out->child_type = c->type;
    out->start = root->start;
    return 1;
}

/* Where every match binds the capture `name`: 0 nowhere for sure (absent, twice, optional or
 * in an alternation), 1 inside the call node, 2 inside its callee (below the root's child
 * under the call root's field, of the call root's child type unless "_"). */
static int capture_scope(const qreader *r, int root, size_t end, qspan name, const call_root *cr) {
    int found = -1;
    for (size_t i = (size_t)root; i < end; i++) {
        const qel *e = &r->els[i];
        if (e->cap_count > Q_MAX_CAPS) return 0;
        for (int k = 0; k < e->cap_count; k++) {
            if (!span_eq(e->caps[k], name)) continue;
            if (found >= 0) return 0;
            found = (int)i;
        }
    }
    if (found < 0 || found == root) return 0;
    int e = found;
    for (;;) {
        const qel *x = &r->els[e];
        if (x->parent < 0 || x->quant || (x->kind != Q_NODE && x->kind != Q_WILD)) return 0;
        if (x->parent == root) break;
        e = x->parent;
    }
    const qel *child = &r->els[e];
    if (child->kind != Q_NODE || !span_eq(child->field, cr->field)) return 1;
    if (!span_is(cr->child_type, "_") && !span_eq(child->type, cr->child_type)) return 1;
    return 2;
}

static int ident_shaped(qspan s) {
    if (!s.n) return 0;
    for (size_t i = 0; i < s.n; i++)
        if (!is_ident_char((unsigned char)s.s[i])) return 0;
    return 1;
}

/* The literal identifier prefixes every text matching regex `re` starts with: "^Dial\\w*"
 * gives Dial, "^(Retry\\w*|Do)$" gives Retry and Do. 0 when there are none for sure
 * (no ^, a top-level |, flags, an optional group, a prefix shorter than 2). */
static int regex_prefixes(qspan re, qspan *out, int max) {
    const char *s = re.s;
    size_t n = re.n;
    if (n < 2 || s[0] != '^') return 0;
    /* no | outside the first group */
    int depth = 0, in_class = 0;
    size_t group_end = 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        if (c == '[') in_class = 1;
        if (c == '(') depth++;
        if (c == ')' && --depth == 0 && i > 1 && s[1] == '(' && !group_end) group_end = i;
        if (c == '|' && depth == 0) return 0;
    }
    size_t a = 1, b = n;
    if (s[1] == '(') {
        if (!group_end || (n > 2 && s[2] == '?')) return 0;
        if (group_end + 1 < n &&
            (s[group_end + 1] == '?' || s[group_end + 1] == '*' || s[group_end + 1] == '{'))
            return 0;
        a = 2;
        b = group_end;
    }
    int count = 0;
    size_t i = a;
    while (i <= b) {
        size_t k = i;
        while (k < b && is_ident_char((unsigned char)s[k]) && s[k] != '$') k++;
        size_t len = k - i;
        if (k < b && (s[k] == '?' || s[k] == '*' || s[k] == '{') && len) len--;
        if (len < 2 || count == max) return 0;
        out[count].s = s + i;
        out[count].n = len;
        count++;
        if (s[1] != '(') break;
        /* next alternative at depth 0 inside the group */
        int d = 0;
        while (k < b && !(d == 0 && s[k] == '|')) {
            if (s[k] == '\\')
                k++;
            else if (s[k] == '(')
                d++;
            else if (s[k] == ')')
                d--;
            k++;
        }
        if (k >= b) break;
        i = k + 1;
    }
    return count;
}

/* What makes a dispatched pattern a candidate at a call: its best predicate on a capture every
 * match binds inside the call (score: 4 exact callee names, 3 callee prefixes, 2 exact names
 * in the call, 1 prefixes in the call; ties go to the later one). */
typedef struct dkey {
    int score;
    qspan values[Q_MAX_ARGS];
    int count;
} dkey;

static int dispatch_key(const qreader *r, size_t form, size_t end, const call_root *roots,
                        size_t root_count, dkey *key) {
    int root = form_root(r, form, end);
    if (root < 0) return 0;
    const qel *re = &r->els[root];
    const call_root *cr = NULL;
    for (size_t i = 0; i < root_count; i++)
        if (span_eq(roots[i].type, re->type)) cr = &roots[i];
    if (!cr) return 0;
    key->score = 0;
    for (size_t i = form; i < end; i++) {
        const qel *p = &r->els[i];
        if (p->kind != Q_PRED || p->arg_count < 2 || p->arg_count > Q_MAX_ARGS || !p->is_cap[0])
            continue;
        dkey k = {0, {{NULL, 0}}, 0};
        int exact = 0;
        if ((span_is(p->type, "eq?") && p->arg_count == 2) || span_is(p->type, "any-of?")) {
            int ok = 1;
            for (int j = 1; j < p->arg_count && ok; j++)
                ok = !p->is_cap[j] && ident_shaped(p->args[j]);
            if (!ok) continue;
            for (int j = 1; j < p->arg_count; j++) k.values[k.count++] = p->args[j];
            exact = 1;
        } else if (span_is(p->type, "match?") && p->arg_count == 2 && !p->is_cap[1]) {
            k.count = regex_prefixes(p->args[1], k.values, Q_MAX_ARGS);
            if (!k.count) continue;
        } else {
            continue;
        }
        int scope = capture_scope(r, root, end, p->args[0], cr);
        if (!scope) continue;
        k.score = scope == 2 ? (exact ? 4 : 3) : (exact ? 2 : 1);
        if (k.score >= key->score) *key = k;
    }
    return key->score > 0;
}

static char *span_dup(qspan s) {
    return fl_xstrndup(s.s, s.n);
}

/* A node step of a plain named type (not _, ERROR, MISSING or supertype/subtype syntax). */
static int plain_node_type(const qel *e) {
    if (e->kind != Q_NODE) return 0;
    if (span_is(e->type, "_") || span_is(e->type, "ERROR") || span_is(e->type, "MISSING")) return 0;
    return memchr(e->type.s, '/', e->type.n) == NULL;
}

/* Whether an element can be a pattern's root node: a named node type, no quantifier, no
 * field, no supertype syntax. */
static int plain_node(const qel *e) {
    return plain_node_type(e) && !e->quant && !e->field.n;
}

/* Fills form->types and form->root_caps when the pattern starts at one node. */
static void describe_root(const qreader *r, size_t form, size_t end, fl_query_form *out) {
    size_t at = form;
    const qel *e = &r->els[at];
    if (e->kind == Q_GROUP) {
        if (e->quant || e->cap_count) return;
        int inner = -1;
        for (size_t i = form + 1; i < end; i++) {
            if (r->els[i].parent != (int)form || r->els[i].kind == Q_PRED) continue;
            if (inner >= 0) return;
            inner = (int)i;
        }
        if (inner < 0) return;
        at = (size_t)inner;
        e = &r->els[at];
    }
    if (e->cap_count > Q_MAX_CAPS) return;
    if (e->kind == Q_NODE) {
        if (!plain_node(e)) return;
        out->types = fl_xcalloc(1, sizeof *out->types);
        out->types[out->type_count++] = span_dup(e->type);
    } else if (e->kind == Q_ALT) {
        if (e->quant || e->field.n) return;
        for (size_t i = at + 1; i < end; i++) {
            if (r->els[i].parent != (int)at) continue;
            if (!plain_node(&r->els[i])) {
                for (size_t k = 0; k < out->type_count; k++) free(out->types[k]);
                free(out->types);
                out->types = NULL;
                out->type_count = 0;
                return;
            }
            out->types = fl_xrealloc(out->types, (out->type_count + 1) * sizeof *out->types);
            out->types[out->type_count++] = span_dup(r->els[i].type);
        }
        if (!out->type_count) return;
    } else {
        return;
    }
    out->rooted = 1;
    /* the path from the root (or from the alternative of an alternation root) to each
     * capture every match binds: no quantifier, alternation or grouping on the way */
    for (size_t alt = at; alt < end; alt++) {
        const qel *base = &r->els[alt];
        if (e->kind == Q_NODE ? alt != at : base->parent != (int)at) continue;
        for (size_t i = alt + 1; i < end; i++) {
            const qel *c = &r->els[i];
            if (c->cap_count < 1 || c->cap_count > Q_MAX_CAPS) continue;
            size_t steps = 0;
            int ok = 1, x = (int)i;
            while (x != (int)alt && x >= 0 && ok) {
                const qel *st = &r->els[x];
                ok = !st->quant && (st->kind == Q_NODE || st->kind == Q_WILD);
                steps++;
                x = st->parent;
            }
            if (!ok || x != (int)alt || steps > FL_QUERY_PATH_MAX) continue;
            for (int k = 0; k < c->cap_count; k++) {
                out->paths = fl_xrealloc(out->paths, (out->path_count + 1) * sizeof *out->paths);
                fl_query_path *pa = &out->paths[out->path_count++];
                memset(pa, 0, sizeof *pa);
                pa->capture = span_dup(c->caps[k]);
                pa->root_type = e->kind == Q_ALT ? span_dup(base->type) : NULL;
                pa->steps = steps;
                size_t j = steps;
                for (int y = (int)i; y != (int)alt; y = r->els[y].parent) {
                    const qel *st = &r->els[y];
                    j--;
                    pa->fields[j] = st->field.n ? span_dup(st->field) : NULL;
                    pa->types[j] = st->kind == Q_WILD ? NULL : span_dup(st->type);
                }
            }
        }
    }
    if (e->cap_count) out->root_caps = fl_xcalloc((size_t)e->cap_count, sizeof *out->root_caps);
    for (int k = 0; k < e->cap_count; k++)
        out->root_caps[out->root_cap_count++] = span_dup(e->caps[k]);
}

/* A pattern of sibling nodes, `((comment)+ @doc . (function_declaration))`: it starts at its
 * first node, which must be there (no ? or *), be of a plain type and carry a capture (so a
 * match can tell where it started). Fills form->types / root_caps with that first node's. */
static void describe_siblings(const qreader *r, size_t form, size_t end, fl_query_form *out) {
    const qel *g = &r->els[form];
    if (g->kind != Q_GROUP || g->quant || g->cap_count) return;
    int first = -1, steps = 0;
    for (size_t i = form + 1; i < end; i++) {
        const qel *e = &r->els[i];
        if (e->parent != (int)form || e->kind == Q_PRED) continue;
        if (first < 0 && e->kind == Q_ANCHOR) return; /* anchored to the parent's first child */
        if (e->kind == Q_ANCHOR) continue;
        if (first < 0) first = (int)i;
        steps++;
    }
    if (first < 0 || steps < 2) return;
    const qel *e = &r->els[first];
    if (!plain_node_type(e) || e->field.n || (e->quant && e->quant != '+')) return;
    if (e->cap_count < 1 || e->cap_count > Q_MAX_CAPS) return;
    out->sibling = 1;
    out->types = fl_xcalloc(1, sizeof *out->types);
    out->types[out->type_count++] = span_dup(e->type);
    out->root_caps = fl_xcalloc((size_t)e->cap_count, sizeof *out->root_caps);
    for (int k = 0; k < e->cap_count; k++)
        out->root_caps[out->root_cap_count++] = span_dup(e->caps[k]);
}

static void blank(char *text, size_t start, size_t end) {
    for (size_t i = start; i < end; i++)
        if (text[i] != '\n') text[i] = ' ';
}

/* The lean form of a pattern, which tree-sitter compiles fast: every node step with
 * steps below it (the root too) becomes `_` plus a capture `@__t.<type>` whose type the
 * scanner checks itself (FL_PRED_TYPE). Tree-sitter analyses each typed parent step against
 * the grammar's parse table (most of a query's compile time); a wildcard parent it skips. A
 * dispatched pattern's root needs no capture: the dispatch query only runs at call-root
 * nodes. A rooted pattern keeps its typed root, or (root_cap, the wild form for grammars
 * whose parse tables make every typed root expensive) becomes `_` with a capture too. */
typedef struct lean_edit {
    size_t at;    /* offset in the source */
    size_t drop;  /* bytes replaced there (the type name) or 0 (an insertion) */
    const qel *e; /* the node step */
} lean_edit;

static int cmp_edit(const void *a, const void *b) {
    const lean_edit *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* A wildcard root whose first child step is a typed node not anchored to it makes tree-sitter
 * start the pattern at that child and analyse it as a rootless pattern, which costs more than
 * a typed root. So that child becomes a wildcard too (*first: its index), or, when it is an
 * alternation, the root stays typed (returns 0). */
static int root_lean_ok(const qreader *r, size_t root, size_t end, int *first) {
    int anchored = 0;
    *first = -1;
    for (size_t i = root + 1; i < end; i++) {
        const qel *c = &r->els[i];
        if (c->parent != (int)root) continue;
        if (c->kind == Q_ANCHOR) {
            anchored = 1;
            continue;
        }
        if (c->kind == Q_PRED || c->kind == Q_OTHER) continue;
        if (anchored || c->kind == Q_WILD) return 1;
        if (c->kind == Q_NODE && span_is(c->type, "_")) return 1;
        if (c->kind == Q_NODE && plain_node_type(c)) {
            *first = (int)i;
            return 1;
        }
        return 0;
    }
    return 1;
}

static char *lean_form(const qreader *r, size_t form, size_t end, int wild_root, int root_cap) {
    const char *src = r->src;
    int root = form_root(r, form, end);
    int first = -1;
    int root_ok = wild_root && root >= 0 && root_lean_ok(r, (size_t)root, end, &first);
    lean_edit *edits = NULL;
    size_t count = 0;
    for (size_t i = form; i < end; i++) {
        const qel *e = &r->els[i];
        if (!plain_node_type(e)) continue;
        int parent = 0;
        for (size_t k = i + 1; k < end && !parent; k++) {
            const qel *c = &r->els[k];
            parent = c->parent == (int)i &&
                     (c->kind == Q_NODE || c->kind == Q_WILD || c->kind == Q_ALT ||
                      c->kind == Q_STRING || c->kind == Q_GROUP);
        }
        if ((int)i == root ? !(parent && root_ok) : !(parent || (root_ok && (int)i == first)))
            continue;
        /* not inside an alternation: two alternatives made alike would both match, and
         * tree-sitter keeps only one of two such states */
        int in_alt = 0;
        for (int a = e->parent; a >= 0 && !in_alt; a = r->els[a].parent)
            in_alt = r->els[a].kind == Q_ALT;
        if (in_alt) continue;
        edits = fl_xrealloc(edits, (count + 2) * sizeof *edits);
        edits[count++] = (lean_edit){(size_t)(e->type.s - src), e->type.n, e};
        if ((int)i != root || root_cap) edits[count++] = (lean_edit){e->end, 0, e};
    }
    if (count) qsort(edits, count, sizeof *edits, cmp_edit);
    fl_buf out = FL_BUF_INIT;
    size_t pos = r->els[form].start;
    for (size_t k = 0; k < count; k++) {
        fl_buf_append(&out, src + pos, edits[k].at - pos);
        if (edits[k].drop) {
            fl_buf_putc(&out, '_');
        } else {
            fl_buf_printf(&out, " @__t.%.*s ", (int)edits[k].e->type.n, edits[k].e->type.s);
        }
        pos = edits[k].at + edits[k].drop;
    }
    fl_buf_append(&out, src + pos, r->els[form].end - pos);
    free(edits);
    return fl_buf_take(&out);
}

void fl__query_split(const char *src, size_t len, fl_query_split *out) {
    memset(out, 0, sizeof *out);
    qreader r = {src, len, 0, NULL, 0, 0, 0};
    /* top-level forms: [els index, next form's index) */
    size_t *forms = NULL, nforms = 0;
    while (!r.failed && peek(&r) >= 0) {
        forms = fl_xrealloc(forms, (nforms + 2) * sizeof *forms);
        forms[nforms++] = r.count;
        read_element(&r, -1);
        if (!r.failed && r.els[forms[nforms - 1]].kind == Q_ANCHOR)
            r.failed = 1; /* a stray anchor: leave it to tree-sitter */
    }
    if (r.failed || !nforms) {
        free(forms);
        free(r.els);
        return;
    }
    forms[nforms] = r.count;
    call_root *roots = NULL;
    size_t root_count = 0;
    for (size_t f = 0; f < nforms; f++) {
        call_root cr;
        if (as_call_root(&r, forms[f], forms[f + 1], &cr)) {
            int dup = 0;
            for (size_t i = 0; i < root_count; i++) dup |= span_eq(roots[i].type, cr.type);
            if (dup) continue; /* two call roots of one type: the first one dispatches */
            roots = fl_xrealloc(roots, (root_count + 1) * sizeof *roots);
            roots[root_count++] = cr;
        }
    }
    out->forms = fl_xcalloc(nforms, sizeof *out->forms);
    out->form_count = nforms;
    for (size_t f = 0; f < nforms; f++) {
        fl_query_form *fm = &out->forms[f];
        fm->start = r.els[forms[f]].start;
        fm->end = r.els[forms[f]].end;
        describe_root(&r, forms[f], forms[f + 1], fm);
        if (!fm->rooted) describe_siblings(&r, forms[f], forms[f + 1], fm);
        dkey key;
        if (root_count && dispatch_key(&r, forms[f], forms[f + 1], roots, root_count, &key)) {
            fm->dispatched = 1;
            fm->lean = lean_form(&r, forms[f], forms[f + 1], root_count == 1, 0);
            out->dispatch_count++;
            for (int k = 0; k < key.count; k++) {
                out->names = fl_xrealloc(out->names, (out->name_count + 1) * sizeof *out->names);
                fl_query_name *nm = &out->names[out->name_count++];
                nm->text = fl_xstrndup(key.values[k].s, key.values[k].n);
                nm->prefix = key.score == 3 || key.score == 1;
                nm->callee = key.score >= 3;
            }
        }
    }
    for (size_t f = 0; f < nforms; f++) {
        if (out->forms[f].dispatched || !out->forms[f].rooted) continue;
        out->forms[f].lean = lean_form(&r, forms[f], forms[f + 1], 0, 0);
        out->forms[f].lean_wild = lean_form(&r, forms[f], forms[f + 1], 1, 1);
    }
    out->walkable = 1;
    for (size_t f = 0; f < nforms; f++) {
        const fl_query_form *fm = &out->forms[f];
        if (!fm->dispatched && !fm->rooted && !fm->sibling) out->walkable = 0;
        if (fm->sibling) out->sibling_count++;
    }
    if (root_count) {
        out->roots = fl_xcalloc(root_count, sizeof *out->roots);
        for (size_t i = 0; i < root_count; i++) {
            out->roots[i].start = roots[i].start;
            out->roots[i].type = span_dup(roots[i].type);
            out->roots[i].field = span_dup(roots[i].field);
            out->roots[i].child_type = span_dup(roots[i].child_type);
        }
        out->root_count = root_count;
    }
    free(roots);
    free(forms);
    free(r.els);
}

int fl__query_form_class(const fl_query_split *sp, const fl_query_form *f) {
    if (f->dispatched) return FL_FORM_DISPATCH;
    if (f->sibling && sp->walkable) return FL_FORM_SIBLING;
    return FL_FORM_OTHER;
}

char *fl__query_text(const char *src, size_t len, const fl_query_split *sp, int classes) {
    char *text = fl_xmalloc(len + 1);
    memcpy(text, src, len);
    text[len] = 0;
    if (!sp->forms) return text; /* not read: all of it */
    size_t pos = 0;
    for (size_t f = 0; f < sp->form_count; f++) {
        const fl_query_form *fm = &sp->forms[f];
        if (!(fl__query_form_class(sp, fm) & classes)) continue;
        blank(text, pos, fm->start);
        pos = fm->end;
    }
    blank(text, pos, len);
    return text;
}

char *fl__query_lean_text(const char *src, const fl_query_split *sp, int cls, int wild_roots) {
    fl_buf out = FL_BUF_INIT;
    for (size_t f = 0; f < sp->form_count; f++) {
        const fl_query_form *fm = &sp->forms[f];
        if (fl__query_form_class(sp, fm) != cls) continue;
        if (wild_roots && fm->lean_wild && !fm->user)
            fl_buf_puts(&out, fm->lean_wild);
        else if (fm->lean && !fm->user)
            fl_buf_puts(&out, fm->lean);
        else
            fl_buf_append(&out, src + fm->start, fm->end - fm->start);
        fl_buf_putc(&out, '\n');
    }
    return fl_buf_take(&out);
}

void fl__query_split_free(fl_query_split *q) {
    for (size_t i = 0; i < q->name_count; i++) free(q->names[i].text);
    free(q->names);
    for (size_t i = 0; i < q->root_count; i++) {
        free(q->roots[i].type);
        free(q->roots[i].field);
        free(q->roots[i].child_type);
    }
    free(q->roots);
    for (size_t i = 0; i < q->form_count; i++) {
        fl_query_form *f = &q->forms[i];
        for (size_t k = 0; k < f->type_count; k++) free(f->types[k]);
        for (size_t k = 0; k < f->root_cap_count; k++) free(f->root_caps[k]);
        for (size_t k = 0; k < f->path_count; k++) {
            fl_query_path *pa = &f->paths[k];
            free(pa->capture);
            free(pa->root_type);
            for (size_t j = 0; j < pa->steps; j++) {
                free(pa->fields[j]);
                free(pa->types[j]);
            }
        }
        free(f->paths);
        free(f->lean);
        free(f->lean_wild);
        free(f->types);
        free(f->root_caps);
    }
    free(q->forms);
    memset(q, 0, sizeof *q);
}
