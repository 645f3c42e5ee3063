/*
 * rules_walk.c — the tables of walk mode (see internal.h): which main patterns can start at
 * each node type, the predicates on a pattern's root node and along fixed paths below it
 * that a node must pass first, the call roots the scanner matches itself, the node types
 * sibling patterns start at, and the type checks of the lean patterns' @__t.<type> captures.
 * Built once per language from query_shape.c's forms; read by facts.c for every node.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The language's own copy of a node type name (static, outlives the rules). */
static const char *root_type_name(const TSLanguage *lang, uint32_t nsym, const char *type) {
    for (uint32_t sym = 0; sym < nsym; sym++) {
        const char *name = ts_language_symbol_name(lang, (TSSymbol)sym);
        if (name && strcmp(name, type) == 0) return name;
    }
    return NULL;
}

/* Calls fn(sym) for each regular symbol named `type`. Returns the number of them, or -1
 * when the name is a supertype's (its nodes carry their subtypes' symbols). */
static int each_symbol(const TSLanguage *lang, uint32_t nsym, const char *type,
                       void (*fn)(void *, uint32_t), void *arg) {
    size_t tn = strlen(type);
    int found = 0;
    for (uint32_t sym = 0; sym < nsym; sym++) {
        const char *name = ts_language_symbol_name(lang, (TSSymbol)sym);
        if (!name || strlen(name) != tn || memcmp(name, type, tn) != 0) continue;
        TSSymbolType ty = ts_language_symbol_type(lang, (TSSymbol)sym);
        if (ty == TSSymbolTypeSupertype) return -1;
        if (ty != TSSymbolTypeRegular) continue;
        found++;
        fn(arg, sym);
    }
    return found;
}

typedef struct walk_build {
    uint32_t *count, *fill, *out;
    uint32_t pattern;
    unsigned char *flags;
} walk_build;

static void ignore_sym(void *arg, uint32_t sym) {
    (void)arg;
    (void)sym;
}

static void count_sym(void *arg, uint32_t sym) {
    ((walk_build *)arg)->count[sym]++;
}

static void fill_sym(void *arg, uint32_t sym) {
    walk_build *b = arg;
    b->out[b->fill[sym]++] = b->pattern;
}

static void flag_sym(void *arg, uint32_t sym) {
    ((walk_build *)arg)->flags[sym] = 1;
}

/* The capture ids of `q` named in names[0..n). */
static void caps_named(const fl_rule_query *q, char *const *names, size_t n, uint32_t **ids,
                       size_t *count) {
    for (uint32_t c = 0; c < q->cap_count; c++) {
        uint32_t len;
        const char *cap = ts_query_capture_name_for_id(q->query, c, &len);
        for (size_t k = 0; k < n; k++) {
            if (strlen(names[k]) != len || memcmp(names[k], cap, len) != 0) continue;
            *ids = fl_xrealloc(*ids, (*count + 1) * sizeof **ids);
            (*ids)[(*count)++] = c;
            break;
        }
    }
}

/* Walk mode (see fl_lang_rules) when every main pattern starts at one node of known types
 * and every sibling pattern at a node of a known type: per symbol, the main patterns that
 * can start there (and per pattern its predicates on that node alone), and the symbols a
 * sibling pattern starts at. */
void fl__rules_build_walk(fl_lang_rules *r, const fl_query_split *sp,
                          const fl_query_form **main_forms, const fl_query_form **sib_forms) {
    const TSLanguage *lang = r->lang->load();
    uint32_t nsym = ts_language_symbol_count(lang);
    fl_rule_query *q = &r->main;
    if (!q->query) return;
    walk_build b = {fl_xcalloc(nsym + 1, sizeof(uint32_t)), NULL, NULL, 0, NULL};
    const fl_query_form **pf = fl_xcalloc(q->pattern_count + 1, sizeof *pf);
    for (uint32_t i = 0; i < q->pattern_count; i++) {
        const fl_query_form *f = main_forms ? main_forms[i] : NULL;
        if (!f || !f->rooted || f->dispatched) goto fail;
        pf[i] = f;
        for (size_t t = 0; t < f->type_count; t++)
            if (each_symbol(lang, nsym, f->types[t], count_sym, &b) <= 0) goto fail;
    }
    if (r->siblings.query) {
        b.flags = fl_xcalloc(nsym + 1, 1);
        for (uint32_t i = 0; i < r->siblings.pattern_count; i++) {
            const fl_query_form *f = sib_forms ? sib_forms[i] : NULL;
            if (!f || !f->sibling || each_symbol(lang, nsym, f->types[0], flag_sym, &b) <= 0)
                goto fail;
            fl_pattern_info *p = &r->siblings.patterns[i];
            caps_named(&r->siblings, f->root_caps, f->root_cap_count, &p->start_caps,
                       &p->start_cap_count);
            if (!p->start_cap_count) goto fail;
        }
    }
    r->sym_start = fl_xcalloc(nsym + 1, sizeof *r->sym_start);
    for (uint32_t sym = 0; sym < nsym; sym++)
        r->sym_start[sym + 1] = r->sym_start[sym] + b.count[sym];
    r->sym_patterns = fl_xcalloc(r->sym_start[nsym] + 1, sizeof *r->sym_patterns);
    b.fill = fl_xcalloc(nsym + 1, sizeof *b.fill);
    memcpy(b.fill, r->sym_start, nsym * sizeof *b.fill);
    b.out = r->sym_patterns;
    for (uint32_t i = 0; i < q->pattern_count; i++) {
        b.pattern = i;
        for (size_t t = 0; t < pf[i]->type_count; t++)
            each_symbol(lang, nsym, pf[i]->types[t], fill_sym, &b);
        /* predicates on a capture of the root node alone */
        fl_pattern_info *p = &q->patterns[i];
        uint32_t *ids = NULL;
        size_t nids = 0;
        caps_named(q, pf[i]->root_caps, pf[i]->root_cap_count, &ids, &nids);
        for (size_t k = 0; k < p->pred_count; k++) {
            if (p->preds[k].capture2 >= 0) continue;
            int on_root = 0;
            for (size_t c = 0; c < nids; c++) on_root |= ids[c] == p->preds[k].capture;
            if (!on_root) continue;
            p->root_preds =
                fl_xrealloc(p->root_preds, (p->root_pred_count + 1) * sizeof *p->root_preds);
            p->root_preds[p->root_pred_count++] = (uint32_t)k;
        }
        free(ids);
        /* predicates on a capture at the end of a path below the root */
        for (size_t c = 0; c < pf[i]->path_count; c++) {
            const fl_query_path *pa = &pf[i]->paths[c];
            fl_path_pred pp;
            memset(&pp, 0, sizeof pp);
            pp.steps = (uint32_t)pa->steps;
            int ok = 1;
            if (pa->root_type) {
                pp.root_type = root_type_name(lang, nsym, pa->root_type);
                ok = pp.root_type != NULL;
            }
            for (size_t j = 0; j < pa->steps && ok; j++) {
                if (pa->fields[j]) {
                    pp.fields[j] = ts_language_field_id_for_name(lang, pa->fields[j],
                                                                 (uint32_t)strlen(pa->fields[j]));
                    ok = pp.fields[j] != 0;
                }
                const char *t = pa->types[j];
                if (!t || strcmp(t, "_") == 0) {
                    pp.types[j] = t ? "_" : NULL;
                } else if (each_symbol(lang, nsym, t, ignore_sym, NULL) > 0) {
                    pp.types[j] = root_type_name(lang, nsym, t);
                } else {
                    pp.types[j] = "_"; /* a supertype or alias: any named node will do */
                }
            }
            if (!ok) continue;
            uint32_t *cids = NULL;
            size_t ncids = 0;
            caps_named(q, &pa->capture, 1, &cids, &ncids);
            for (size_t k = 0; k < p->pred_count && ncids; k++) {
                if (p->preds[k].capture2 >= 0 || p->preds[k].capture != cids[0]) continue;
                pp.pred = (uint32_t)k;
                p->path_preds =
                    fl_xrealloc(p->path_preds, (p->path_pred_count + 1) * sizeof *p->path_preds);
                p->path_preds[p->path_pred_count++] = pp;
            }
            free(cids);
        }
    }
    /* a symbol whose only pattern is a call root: the scanner makes its match itself */
    r->native_field = fl_xcalloc(nsym + 1, sizeof *r->native_field);
    r->native_type = fl_xcalloc(nsym + 1, sizeof *r->native_type);
    for (uint32_t sym = 0; sym < nsym; sym++) {
        if (r->sym_start[sym + 1] - r->sym_start[sym] != 1) continue;
        int cr = q->patterns[r->sym_patterns[r->sym_start[sym]]].call_root;
        if (!cr) continue;
        const fl_query_call_root *root = &sp->roots[cr - 1];
        TSFieldId fid =
            ts_language_field_id_for_name(lang, root->field, (uint32_t)strlen(root->field));
        const char *child = NULL;
        if (strcmp(root->child_type, "_") != 0) {
            child = root_type_name(lang, nsym, root->child_type);
            if (!child) continue;
        }
        if (!fid) continue;
        r->native_field[sym] = fid;
        r->native_type[sym] = child;
    }
    /* @claim.doc_above in main: the walk keeps the comments above each node */
    for (uint32_t c = 0; c < q->cap_count && !r->sym_comment; c++) {
        if (q->caps[c].kind != FL_CAP_CLAIM_DOC_ABOVE) continue;
        r->sym_comment = fl_xcalloc(nsym + 1, 1);
        for (uint32_t sym = 0; sym < nsym; sym++) {
            if (ts_language_symbol_type(lang, (TSSymbol)sym) != TSSymbolTypeRegular) continue;
            const char *name = ts_language_symbol_name(lang, (TSSymbol)sym);
            r->sym_comment[sym] = name && strstr(name, "comment") ? 2 : 1;
        }
    }
    r->walk = 1;
    r->symbol_count = nsym;
    r->sib_start = b.flags;
    free(b.count);
    free(b.fill);
    free(pf);
    return;
fail:
    free(b.count);
    free(b.flags);
    free(pf);
    for (uint32_t i = 0; r->siblings.query && i < r->siblings.pattern_count; i++) {
        free(r->siblings.patterns[i].start_caps);
        r->siblings.patterns[i].start_caps = NULL;
        r->siblings.patterns[i].start_cap_count = 0;
    }
}

/* The lean dispatch patterns' type checks: capture @__t.<type> must be a node of <type>.
 * -1 when a type is not a plain node type of the grammar (a supertype: use the plain text). */
int fl__rules_add_type_preds(fl_lang_rules *r, fl_rule_query *q) {
    const TSLanguage *lang = r->lang->load();
    uint32_t nsym = ts_language_symbol_count(lang);
    for (uint32_t c = 0; c < q->cap_count; c++) {
        uint32_t len;
        const char *name = ts_query_capture_name_for_id(q->query, c, &len);
        if (len <= 4 || strncmp(name, "__t.", 4) != 0) continue;
        const char *type = name + 4;
        if (each_symbol(lang, nsym, type, ignore_sym, NULL) <= 0) return -1;
        for (uint32_t i = 0; i < q->pattern_count; i++) {
            if (ts_query_capture_quantifier_for_id(q->query, i, c) == TSQuantifierZero) continue;
            fl_pattern_info *p = &q->patterns[i];
            fl_pred pr;
            memset(&pr, 0, sizeof pr);
            pr.op = FL_PRED_TYPE;
            pr.capture = c;
            pr.capture2 = -1;
            pr.str = type;
            pr.str_len = len - 4;
            /* first: the cheapest test */
            p->preds = fl_xrealloc(p->preds, (p->pred_count + 1) * sizeof *p->preds);
            memmove(&p->preds[1], &p->preds[0], p->pred_count * sizeof *p->preds);
            p->preds[0] = pr;
            p->pred_count++;
        }
    }
    return 0;
}

/* Is there a node at the end of path `pp` below `n` (from step `level`) that passes `pr`? */
static int path_passes(TSNode n, const fl_path_pred *pp, uint32_t level, const fl_pred *pr,
                       const char *text, pcre2_match_data *md, TSTreeCursor *cursors) {
    if (level == pp->steps) {
        int ok = fl__pred_holds(pr, n, NULL, text, md);
        return pr->negate ? !ok : ok;
    }
    TSTreeCursor *tc = &cursors[level];
    ts_tree_cursor_reset(tc, n);
    if (!ts_tree_cursor_goto_first_child(tc)) return 0;
    do {
        if (pp->fields[level] && ts_tree_cursor_current_field_id(tc) != pp->fields[level]) continue;
        TSNode ch = ts_tree_cursor_current_node(tc);
        const char *t = pp->types[level];
        if (t &&
            (t[0] == '_' && t[1] == 0 ? !ts_node_is_named(ch) : strcmp(ts_node_type(ch), t) != 0))
            continue;
        if (path_passes(ch, pp, level + 1, pr, text, md, cursors)) return 1;
    } while (ts_tree_cursor_goto_next_sibling(tc));
    return 0;
}

int fl__rules_node_may_match(const fl_lang_rules *r, TSSymbol sym, TSNode n, const char *text,
                             pcre2_match_data *md, TSTreeCursor *cursors) {
    if (sym >= r->symbol_count) return 0;
    const char *type = NULL;
    for (uint32_t i = r->sym_start[sym]; i < r->sym_start[sym + 1]; i++) {
        const fl_pattern_info *p = &r->main.patterns[r->sym_patterns[i]];
        int ok = 1;
        for (size_t k = 0; k < p->root_pred_count && ok; k++) {
            const fl_pred *pr = &p->preds[p->root_preds[k]];
            ok = fl__pred_holds(pr, n, NULL, text, md);
            if (pr->negate) ok = !ok;
        }
        for (size_t k = 0; k < p->path_pred_count && ok; k++) {
            const fl_path_pred *pp = &p->path_preds[k];
            if (pp->root_type) {
                if (!type) type = ts_node_type(n);
                if (strcmp(type, pp->root_type) != 0) continue;
            }
            ok = path_passes(n, pp, 0, &p->preds[pp->pred], text, md, cursors);
        }
        if (ok) return 1;
    }
    return 0;
}

void fl__rules_walk_free(fl_lang_rules *r) {
    free(r->sym_comment);
    r->sym_comment = NULL;
    free(r->sym_start);
    free(r->sym_patterns);
    free(r->sib_start);
    free(r->native_field);
    free(r->native_type);
    r->sym_start = NULL;
    r->sym_patterns = NULL;
    r->sib_start = NULL;
    r->native_field = NULL;
    r->native_type = NULL;
    r->walk = 0;
}
