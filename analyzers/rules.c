/*
 * rules.c — turns one language's query text (built-in files + user files, concatenated)
 * into compiled rules: the main, dispatch and sibling queries query_shape.c sorts the
 * patterns into (each compiled from its lean text, or the plain one), plus what the C query
 * API leaves to us: the meaning of each capture name (internal.h), the predicates (#eq?,
 * #match?, #any-of? and their not- forms, compiled with pcre2), the (#set! message "...")
 * directive, and the tables the scanner's walk and dispatch read (which patterns start at
 * which node type, the names a call must hold). Errors name the query file, line and column.
 */
#define _GNU_SOURCE /* memmem */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* #match? looks at most this much of a node's text. */
#define FL_MATCH_MAX_BYTES (64u * 1024u)

static void offset_to_position(const char *src, const fl_query_part *parts, size_t part_count,
                               size_t offset, const char **path, int *line, int *col) {
    const fl_query_part *p = part_count ? &parts[0] : NULL;
    for (size_t i = 0; i < part_count; i++)
        if (offset >= parts[i].offset) p = &parts[i];
    *path = p ? p->path : "<query>";
    size_t start = p ? p->offset : 0;
    int l = 1, c = 1;
    for (size_t i = start; i < offset && src[i]; i++) {
        if (src[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static const char *query_error_name(TSQueryError e) {
    switch (e) {
        case TSQueryErrorSyntax:
            return "a well-formed query (syntax error)";
        case TSQueryErrorNodeType:
            return "a node type of this language's grammar";
        case TSQueryErrorField:
            return "a field name of this language's grammar";
        case TSQueryErrorCapture:
            return "a capture defined in this pattern";
        case TSQueryErrorStructure:
            return "a pattern structure the grammar allows";
        case TSQueryErrorLanguage:
            return "a compatible language version";
        default:
            return "a valid query";
    }
}

static void classify_capture(fl_capinfo *ci, const char *name) {
    ci->name = name;
    ci->category = -1;
    ci->kind = FL_CAP_HELPER;
    if (name[0] == '_') return;
    if (strcmp(name, "target") == 0)
        ci->kind = FL_CAP_TARGET;
    else if (strcmp(name, "function") == 0)
        ci->kind = FL_CAP_FUNCTION;
    else if (strcmp(name, "function.name") == 0)
        ci->kind = FL_CAP_FUNCTION_NAME;
    else if (strcmp(name, "call") == 0)
        ci->kind = FL_CAP_CALL;
    else if (strcmp(name, "call.name") == 0)
        ci->kind = FL_CAP_CALL_NAME;
    else if (strcmp(name, "claim.doc") == 0)
        ci->kind = FL_CAP_CLAIM_DOC;
    else if (strcmp(name, "claim.doc_above") == 0)
        ci->kind = FL_CAP_CLAIM_DOC_ABOVE;
    else if (strcmp(name, "claim.error_type") == 0)
        ci->kind = FL_CAP_CLAIM_ERROR_TYPE;
    else if (strcmp(name, "claim.test_name") == 0)
        ci->kind = FL_CAP_CLAIM_TEST_NAME;
    else {
        const char *dot = strchr(name, '.');
        if (!dot) return;
        char cat[32];
        size_t n = (size_t)(dot - name);
        if (n >= sizeof cat) return;
        memcpy(cat, name, n);
        cat[n] = 0;
        int c = fl_site_category_from_name(cat);
        if (c < 0) return;
        ci->kind = FL_CAP_SITE;
        ci->category = c;
    }
}

/* Compiles the predicates of one pattern. Returns 0 or -1 with err. */
static int compile_pattern(fl_rule_query *r, uint32_t pi, const char *src,
                           const fl_query_part *parts, size_t part_count, fl_error *err) {
    uint32_t n = 0;
    const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(r->query, pi, &n);
    fl_pattern_info *p = &r->patterns[pi];
    uint32_t i = 0;
    while (i < n) {
        uint32_t j = i;
        while (j < n && steps[j].type != TSQueryPredicateStepTypeDone) j++;
        /* steps[i..j) is one predicate */
        const char *epath;
        int eline, ecol;
        offset_to_position(src, parts, part_count, ts_query_start_byte_for_pattern(r->query, pi),
                           &epath, &eline, &ecol);
        if (j == i || steps[i].type != TSQueryPredicateStepTypeString) {
            fl_error_set(err, epath, eline, ecol, "expected a predicate name");
            return -1;
        }
        uint32_t len;
        const char *op = ts_query_string_value_for_id(r->query, steps[i].value_id, &len);
        uint32_t argc = j - i - 1;
        const TSQueryPredicateStep *args = steps + i + 1;
        if (strcmp(op, "set!") == 0) {
            if (argc == 2 && args[0].type == TSQueryPredicateStepTypeString &&
                args[1].type == TSQueryPredicateStepTypeString) {
                const char *key = ts_query_string_value_for_id(r->query, args[0].value_id, &len);
                if (strcmp(key, "message") == 0)
                    p->message = ts_query_string_value_for_id(r->query, args[1].value_id, &len);
            }
            i = j + 1;
            continue;
        }
        fl_pred pr;
        memset(&pr, 0, sizeof pr);
        pr.capture2 = -1;
        const char *base = op;
        if (strncmp(base, "not-", 4) == 0) {
            pr.negate = 1;
            base += 4;
        }
        if (strcmp(base, "eq?") == 0)
            pr.op = FL_PRED_EQ;
        else if (strcmp(base, "match?") == 0)
            pr.op = FL_PRED_MATCH;
        else if (strcmp(base, "any-of?") == 0)
            pr.op = FL_PRED_ANY_OF;
        else {
            fl_error_set(err, epath, eline, ecol,
                         "expected #eq?, #match?, #any-of? (or their not- forms) or #set!, "
                         "found #%s",
                         op);
            return -1;
        }
        if (argc < 2 || args[0].type != TSQueryPredicateStepTypeCapture) {
            fl_error_set(err, epath, eline, ecol, "#%s expects a capture and then %s", op,
                         pr.op == FL_PRED_ANY_OF ? "strings" : "one value");
            return -1;
        }
        pr.capture = args[0].value_id;
        if (pr.op == FL_PRED_EQ) {
            if (argc != 2) {
                fl_error_set(err, epath, eline, ecol, "#%s expects two arguments", op);
                return -1;
            }
            if (args[1].type == TSQueryPredicateStepTypeCapture)
                pr.capture2 = args[1].value_id;
            else
                pr.str = ts_query_string_value_for_id(r->query, args[1].value_id, &pr.str_len);
        } else if (pr.op == FL_PRED_MATCH) {
            if (argc != 2 || args[1].type != TSQueryPredicateStepTypeString) {
                fl_error_set(err, epath, eline, ecol, "#%s expects a capture and a regex", op);
                return -1;
            }
            const char *pat = ts_query_string_value_for_id(r->query, args[1].value_id, &len);
            int ec;
            PCRE2_SIZE eo;
            pr.re = pcre2_compile((PCRE2_SPTR)pat, len, 0, &ec, &eo, NULL);
            if (!pr.re) {
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(ec, msg, sizeof msg);
                fl_error_set(err, epath, eline, ecol, "regex '%s' does not compile at %zu: %s", pat,
                             (size_t)eo, (const char *)msg);
                return -1;
            }
            pcre2_jit_compile(pr.re, PCRE2_JIT_COMPLETE);
        } else {
            pr.value_count = argc - 1;
            pr.values = fl_xcalloc(pr.value_count, sizeof *pr.values);
            pr.value_lens = fl_xcalloc(pr.value_count, sizeof *pr.value_lens);
            for (uint32_t k = 0; k < pr.value_count; k++) {
                if (args[1 + k].type != TSQueryPredicateStepTypeString) {
                    free(pr.values);
                    free(pr.value_lens);
                    fl_error_set(err, epath, eline, ecol, "#%s expects strings after the capture",
                                 op);
                    return -1;
                }
                pr.values[k] =
                    ts_query_string_value_for_id(r->query, args[1 + k].value_id, &pr.value_lens[k]);
            }
        }
        p->preds = fl_xrealloc(p->preds, (p->pred_count + 1) * sizeof *p->preds);
        p->preds[p->pred_count++] = pr;
        i = j + 1;
    }
    /* predicates are pure and all must hold: string comparisons first, regexes last, so a
     * failed #eq? / #any-of? spares the pcre2 search (stable, otherwise in file order) */
    size_t w = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = w; k < p->pred_count; k++) {
            if ((p->preds[k].op == FL_PRED_MATCH) != pass) continue;
            fl_pred t = p->preds[k];
            memmove(&p->preds[w + 1], &p->preds[w], (k - w) * sizeof *p->preds);
            p->preds[w++] = t;
        }
    }
    return 0;
}

/* Compiles one query (`text` has the source's offsets). Returns 0 or -1 with err. */
static int compile_query(fl_rule_query *q, const fl_language *lang, const char *text, size_t length,
                         const fl_query_part *parts, size_t part_count, fl_error *err) {
    uint32_t eoff = 0;
    TSQueryError etype = TSQueryErrorNone;
    q->query = ts_query_new(lang->load(), text, (uint32_t)length, &eoff, &etype);
    if (!q->query) {
        const char *epath;
        int eline, ecol;
        offset_to_position(text, parts, part_count, eoff, &epath, &eline, &ecol);
        fl_error_set(err, epath, eline, ecol, "expected %s (%s query)", query_error_name(etype),
                     lang->name);
        return -1;
    }
    q->cap_count = ts_query_capture_count(q->query);
    q->caps = fl_xcalloc(q->cap_count ? q->cap_count : 1, sizeof *q->caps);
    for (uint32_t i = 0; i < q->cap_count; i++) {
        uint32_t len;
        classify_capture(&q->caps[i], ts_query_capture_name_for_id(q->query, i, &len));
    }
    q->pattern_count = ts_query_pattern_count(q->query);
    q->patterns = fl_xcalloc(q->pattern_count ? q->pattern_count : 1, sizeof *q->patterns);
    for (uint32_t i = 0; i < q->pattern_count; i++)
        if (compile_pattern(q, i, text, parts, part_count, err) != 0) return -1;
    return 0;
}

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

static void free_query(fl_rule_query *q);

static int each_symbol(const TSLanguage *lang, uint32_t nsym, const char *type,
                       void (*fn)(void *, uint32_t), void *arg);
static void ignore_sym(void *arg, uint32_t sym);

/* The lean dispatch patterns' type checks: capture @__t.<type> must be a node of <type>.
 * -1 when a type is not a plain node type of the grammar (a supertype: use the plain text). */
static int add_type_preds(fl_lang_rules *r, fl_rule_query *q) {
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

/* Flags main's call-root patterns (their matches run the dispatch query); forms[i] is
 * pattern i's form. */
static void mark_call_roots(fl_lang_rules *r, const fl_query_split *sp,
                            const fl_query_form **forms) {
    for (uint32_t i = 0; forms && i < r->main.pattern_count; i++) {
        if (!forms[i]) continue;
        for (size_t k = 0; k < sp->root_count; k++)
            if (sp->roots[k].start == forms[i]->start) r->main.patterns[i].call_root = (int)k + 1;
    }
}

static const fl_query_form *form_at(const fl_query_split *sp, uint32_t start) {
    size_t lo = 0, hi = sp->form_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sp->forms[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sp->form_count && sp->forms[lo].start == start ? &sp->forms[lo] : NULL;
}

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
static void build_walk(fl_lang_rules *r, const fl_query_split *sp, const fl_query_form **main_forms,
                       const fl_query_form **sib_forms) {
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

/* Set FAULTLINE_QUERY_DISPATCH=0 to try every pattern at every node (for comparisons). */
static int dispatch_enabled(void) {
    const char *v = getenv("FAULTLINE_QUERY_DISPATCH");
    return !(v && strcmp(v, "0") == 0);
}

/* Compiles the patterns of class `cls` into q: the lean text first, the plain text (source
 * offsets, so errors point at the user's file) when that fails or has a type that is not a
 * plain node type. Fills forms[i] with pattern i's form. Returns 0 or -1 with err. */
static int compile_class(fl_lang_rules *r, fl_rule_query *q, const char *source, size_t length,
                         const fl_query_part *parts, size_t part_count, fl_query_split *sp, int cls,
                         const fl_query_form ***forms, fl_error *err) {
    *forms = NULL;
    if (sp->forms && (cls == FL_FORM_DISPATCH || sp->walkable)) {
        char *text = fl__query_lean_text(source, sp, cls);
        fl_error lean_err;
        int ok = compile_query(q, r->lang, text, strlen(text), NULL, 0, &lean_err) == 0 &&
                 add_type_preds(r, q) == 0;
        free(text);
        if (ok) {
            *forms = fl_xcalloc(q->pattern_count + 1, sizeof **forms);
            uint32_t i = 0;
            for (size_t f = 0; f < sp->form_count && i < q->pattern_count; f++)
                if (fl__query_form_class(sp, &sp->forms[f]) == cls) (*forms)[i++] = &sp->forms[f];
            return 0;
        }
        free_query(q);
    }
    char *text = fl__query_text(source, length, sp, cls);
    int rc = compile_query(q, r->lang, text, length, parts, part_count, err);
    free(text);
    if (rc == 0 && sp->forms) {
        *forms = fl_xcalloc(q->pattern_count + 1, sizeof **forms);
        for (uint32_t i = 0; i < q->pattern_count; i++)
            (*forms)[i] = form_at(sp, ts_query_start_byte_for_pattern(q->query, i));
    }
    return rc;
}

/* The dispatch query's names: what a call must hold for the dispatch query to run there. */
static void take_names(fl_lang_rules *r, fl_query_split *sp) {
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

int fl__rules_compile(fl_lang_rules *r, const char *source, size_t length,
                      const fl_query_part *parts, size_t part_count, fl_error *err) {
    fl_query_split sp;
    if (dispatch_enabled())
        fl__query_split(source, length, &sp);
    else
        memset(&sp, 0, sizeof sp); /* no forms: one main query, run by a cursor */
    for (size_t f = 0; f < sp.form_count; f++) {
        const fl_query_part *pt = NULL;
        for (size_t k = 0; k < part_count; k++)
            if (sp.forms[f].start >= parts[k].offset) pt = &parts[k];
        sp.forms[f].user = pt ? pt->user : 1;
    }
    const fl_query_form **main_forms = NULL, **sib_forms = NULL, **dforms = NULL;
    int rc = compile_class(r, &r->main, source, length, parts, part_count, &sp, FL_FORM_OTHER,
                           &main_forms, err);
    if (rc == 0) mark_call_roots(r, &sp, main_forms);
    if (rc == 0 && sp.dispatch_count) {
        rc = compile_class(r, &r->dispatch, source, length, parts, part_count, &sp,
                           FL_FORM_DISPATCH, &dforms, err);
        if (rc == 0) take_names(r, &sp);
    }
    if (rc == 0 && sp.forms && sp.walkable) {
        if (sp.sibling_count)
            rc = compile_class(r, &r->siblings, source, length, parts, part_count, &sp,
                               FL_FORM_SIBLING, &sib_forms, err);
        if (rc == 0) build_walk(r, &sp, main_forms, sib_forms);
        if (rc == 0 && !r->walk) {
            /* no walk after all (a supertype root): one main query, the sibling patterns in it */
            free_query(&r->main);
            free_query(&r->siblings);
            free(main_forms);
            main_forms = NULL;
            char *text = fl__query_text(source, length, &sp, FL_FORM_OTHER | FL_FORM_SIBLING);
            rc = compile_query(&r->main, r->lang, text, length, parts, part_count, err);
            free(text);
            if (rc == 0) {
                main_forms = fl_xcalloc(r->main.pattern_count + 1, sizeof *main_forms);
                for (uint32_t i = 0; i < r->main.pattern_count; i++)
                    main_forms[i] = form_at(&sp, ts_query_start_byte_for_pattern(r->main.query, i));
                mark_call_roots(r, &sp, main_forms);
            }
        }
    }
    free(main_forms);
    free(sib_forms);
    free(dforms);
    fl__query_split_free(&sp);
    return rc;
}

static void free_query(fl_rule_query *q) {
    if (q->patterns) {
        for (uint32_t i = 0; i < q->pattern_count; i++) {
            fl_pattern_info *p = &q->patterns[i];
            for (size_t k = 0; k < p->pred_count; k++) {
                if (p->preds[k].re) pcre2_code_free(p->preds[k].re);
                free(p->preds[k].values);
                free(p->preds[k].value_lens);
            }
            free(p->preds);
            free(p->root_preds);
            free(p->path_preds);
            free(p->start_caps);
        }
    }
    free(q->patterns);
    free(q->caps);
    if (q->query) ts_query_delete(q->query);
    memset(q, 0, sizeof *q);
}

void fl__rules_free(fl_lang_rules *r) {
    free_query(&r->main);
    free_query(&r->dispatch);
    free_query(&r->siblings);
    free(r->sib_start);
    r->sib_start = NULL;
    free(r->native_field);
    free(r->native_type);
    r->native_field = NULL;
    r->native_type = NULL;
    for (size_t i = 0; i < r->owned_name_count; i++) free(r->owned_names[i].text);
    free(r->owned_names);
    name_set_free(&r->callee_names);
    name_set_free(&r->call_names);
    free(r->sym_start);
    free(r->sym_patterns);
    r->sym_start = NULL;
    r->sym_patterns = NULL;
    r->walk = 0;
    r->owned_names = NULL;
    r->owned_name_count = 0;
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

/* text[s, e) equals str (n bytes); the lengths come from the query, so most mismatches
 * cost one comparison */
static int span_eq(const char *text, uint32_t s, uint32_t e, const char *str, uint32_t n) {
    return e - s == n && memcmp(text + s, str, n) == 0;
}

static int one_pred(const fl_pred *p, TSNode node, const TSQueryMatch *m, const char *text,
                    pcre2_match_data *md) {
    uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
    switch (p->op) {
        case FL_PRED_EQ:
            if (p->capture2 >= 0) {
                for (uint16_t k = 0; k < m->capture_count; k++) {
                    if (m->captures[k].index != (uint32_t)p->capture2) continue;
                    TSNode o = m->captures[k].node;
                    uint32_t os = ts_node_start_byte(o), oe = ts_node_end_byte(o);
                    return oe - os == e - s && memcmp(text + os, text + s, e - s) == 0;
                }
                return 0;
            }
            return span_eq(text, s, e, p->str, p->str_len);
        case FL_PRED_MATCH:
            /* text past FL_MATCH_MAX_BYTES is generated data, not a site (and searching every
             * level of a long a + b + c chain would be quadratic) */
            if (e - s > FL_MATCH_MAX_BYTES) return 0;
            return pcre2_match(p->re, (PCRE2_SPTR)(text + s), e - s, 0, 0, md, NULL) >= 0;
        case FL_PRED_TYPE: {
            const char *t = ts_node_type(node);
            return strncmp(t, p->str, p->str_len) == 0 && t[p->str_len] == 0;
        }
        case FL_PRED_ANY_OF:
            for (size_t k = 0; k < p->value_count; k++)
                if (span_eq(text, s, e, p->values[k], p->value_lens[k])) return 1;
            return 0;
    }
    return 0;
}

int fl__rules_match_ok(const fl_rule_query *q, const TSQueryMatch *m, const char *text,
                       pcre2_match_data *md) {
    const fl_pattern_info *p = &q->patterns[m->pattern_index];
    for (size_t i = 0; i < p->pred_count; i++) {
        const fl_pred *pr = &p->preds[i];
        int seen = 0;
        for (uint16_t k = 0; k < m->capture_count; k++) {
            if (m->captures[k].index != pr->capture) continue;
            seen = 1;
            int ok = one_pred(pr, m->captures[k].node, m, text, md);
            if (pr->negate) ok = !ok;
            if (!ok) return 0;
        }
        /* A predicate on an optional capture that did not match holds. */
        (void)seen;
    }
    return 1;
}

/* Is there a node at the end of path `pp` below `n` (from step `level`) that passes `pr`? */
static int path_passes(TSNode n, const fl_path_pred *pp, uint32_t level, const fl_pred *pr,
                       const char *text, pcre2_match_data *md, TSTreeCursor *cursors) {
    if (level == pp->steps) {
        int ok = one_pred(pr, n, NULL, text, md);
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
            ok = one_pred(pr, n, NULL, text, md);
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
