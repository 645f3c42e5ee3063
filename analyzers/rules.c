/*
 * rules.c — turns one language's query text (built-in files + user files, concatenated)
 * into compiled rules: the main, dispatch and sibling queries query_shape.c sorts the
 * patterns into (each compiled from its lean text, or the plain one), plus what the C query
 * API leaves to us: the meaning of each capture name (internal.h), the predicates (#eq?,
 * #match?, #any-of? and their not- forms, compiled with pcre2), the (#set! message "...")
 * directive, and the tables the scanner's walk and dispatch read (which patterns start at
 * which node type, the names a call must hold). Errors name the query file, line and column.
 */
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

/* An error in a predicate names its pattern's start (worked out only then). */
#define PRED_ERROR(...)                                                                            \
    do {                                                                                           \
        const char *epath;                                                                         \
        int eline, ecol;                                                                           \
        offset_to_position(src, parts, part_count, ts_query_start_byte_for_pattern(r->query, pi),  \
                           &epath, &eline, &ecol);                                                 \
        fl_error_set(err, epath, eline, ecol, __VA_ARGS__);                                        \
    } while (0)

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
        if (j == i || steps[i].type != TSQueryPredicateStepTypeString) {
            PRED_ERROR("expected a predicate name");
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
            PRED_ERROR("expected #eq?, #match?, #any-of? (or their not- forms) or #set!, "
                       "found #%s",
                       op);
            return -1;
        }
        if (argc < 2 || args[0].type != TSQueryPredicateStepTypeCapture) {
            PRED_ERROR("#%s expects a capture and then %s", op,
                       pr.op == FL_PRED_ANY_OF ? "strings" : "one value");
            return -1;
        }
        pr.capture = args[0].value_id;
        if (pr.op == FL_PRED_EQ) {
            if (argc != 2) {
                PRED_ERROR("#%s expects two arguments", op);
                return -1;
            }
            if (args[1].type == TSQueryPredicateStepTypeCapture)
                pr.capture2 = args[1].value_id;
            else
                pr.str = ts_query_string_value_for_id(r->query, args[1].value_id, &pr.str_len);
        } else if (pr.op == FL_PRED_MATCH) {
            if (argc != 2 || args[1].type != TSQueryPredicateStepTypeString) {
                PRED_ERROR("#%s expects a capture and a regex", op);
                return -1;
            }
            const char *pat = ts_query_string_value_for_id(r->query, args[1].value_id, &len);
            int ec;
            PCRE2_SIZE eo;
            pr.re = pcre2_compile((PCRE2_SPTR)pat, len, 0, &ec, &eo, NULL);
            if (!pr.re) {
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(ec, msg, sizeof msg);
                PRED_ERROR("regex '%s' does not compile at %zu: %s", pat, (size_t)eo,
                           (const char *)msg);
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
                    PRED_ERROR("#%s expects strings after the capture", op);
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
#undef PRED_ERROR
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

static void free_query(fl_rule_query *q);

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

/* Set FAULTLINE_QUERY_DISPATCH=0 to try every pattern at every node (for comparisons). */
static int dispatch_enabled(void) {
    const char *v = getenv("FAULTLINE_QUERY_DISPATCH");
    return !(v && strcmp(v, "0") == 0);
}

/* Rooted patterns compile with wildcard, type-checked roots (fl__query_lean_text) when that
 * pays: tree-sitter analyses every typed root step against the grammar's parse table, which
 * costs more than running the wildcard form does (every pattern then starts at every node the
 * query runs at) on a grammar whose tables are this large (C++: 0.49 G instructions to
 * compile with typed roots, 0.16 G with wildcard ones), or when the scan reads little of the
 * language (Java's rules: 0.20 G against 0.10 G; the wildcard form runs about 135
 * instructions a byte dearer, so OpenJDK's 470 files took 17 % longer with it). */
#define FL_WILD_ROOT_STATES 5000
#define FL_WILD_ROOT_BYTES (128u * 1024u)

/* FAULTLINE_WILD_ROOTS=1 / 0 forces either form, for tests and comparisons. */
static int wild_roots(const fl_lang_rules *r) {
    const char *v = getenv("FAULTLINE_WILD_ROOTS");
    if (v && (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)) return v[0] == '1';
    if (r->bytes_hint && r->bytes_hint < FL_WILD_ROOT_BYTES) return 1;
    return ts_language_state_count(r->lang->load()) > FL_WILD_ROOT_STATES;
}

/* Compiles the patterns of class `cls` into q: the lean text first, the plain text (source
 * offsets, so errors point at the user's file) when that fails or has a type that is not a
 * plain node type. Fills forms[i] with pattern i's form. Returns 0 or -1 with err. */
static int compile_class(fl_lang_rules *r, fl_rule_query *q, const char *source, size_t length,
                         const fl_query_part *parts, size_t part_count, fl_query_split *sp, int cls,
                         const fl_query_form ***forms, fl_error *err) {
    *forms = NULL;
    if (sp->forms && (cls == FL_FORM_DISPATCH || sp->walkable)) {
        char *text = fl__query_lean_text(source, sp, cls, wild_roots(r));
        fl_error lean_err;
        int ok = compile_query(q, r->lang, text, strlen(text), NULL, 0, &lean_err) == 0 &&
                 fl__rules_add_type_preds(r, q) == 0;
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
        if (rc == 0) fl__rules_take_names(r, &sp);
    }
    if (rc == 0 && sp.forms && sp.walkable) {
        if (sp.sibling_count)
            rc = compile_class(r, &r->siblings, source, length, parts, part_count, &sp,
                               FL_FORM_SIBLING, &sib_forms, err);
        if (rc == 0) fl__rules_build_walk(r, &sp, main_forms, sib_forms);
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
    fl__rules_walk_free(r);
    fl__rules_names_free(r);
}

/* text[s, e) equals str (n bytes); the lengths come from the query, so most mismatches
 * cost one comparison */
static int span_eq(const char *text, uint32_t s, uint32_t e, const char *str, uint32_t n) {
    return e - s == n && memcmp(text + s, str, n) == 0;
}

int fl__pred_holds(const fl_pred *p, TSNode node, const TSQueryMatch *m, const char *text,
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
            int ok = fl__pred_holds(pr, m->captures[k].node, m, text, md);
            if (pr->negate) ok = !ok;
            if (!ok) return 0;
        }
        /* A predicate on an optional capture that did not match holds. */
        (void)seen;
    }
    return 1;
}
