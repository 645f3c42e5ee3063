/*
 * lsp_docs.c — the open documents: their text, version and tree-sitter tree.
 *
 * didOpen enters through lsp_docs_open (full parse); each didChange entry goes through
 * lsp_doc_apply_change, which splices the text and applies the same edit to the old tree
 * with ts_tree_edit; lsp_doc_reparse then reparses with the edited old tree, so tree-sitter
 * reuses every unchanged subtree. A parse that runs past its time budget is abandoned and
 * the document is marked parse_failed (answers about it degrade, the server goes on).
 * Also here: file: URI <-> local path conversion.
 */
#include "lsp.h"

#include "fl_grammars.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A parse that takes longer than this is abandoned (pathological input). */
#define PARSE_BUDGET_NS (5ull * 1000 * 1000 * 1000)

void lsp_docs_init(lsp_docs *d) {
    memset(d, 0, sizeof *d);
    d->parser = ts_parser_new();
}

void lsp_analysis_free(struct lsp_analysis *a);

static void doc_free(lsp_doc *doc) {
    if (!doc) return;
    free(doc->uri);
    free(doc->path);
    free(doc->language_id);
    lsp_text_free(&doc->text);
    if (doc->tree) ts_tree_delete(doc->tree);
    lsp_analysis_free(doc->analysis);
    free(doc->last_result_id);
    free(doc->pending);
    free(doc);
}

void lsp_docs_free(lsp_docs *d) {
    for (size_t i = 0; i < d->count; i++) doc_free(d->items[i]);
    free(d->items);
    if (d->parser) ts_parser_delete(d->parser);
    memset(d, 0, sizeof *d);
}

lsp_doc *lsp_docs_find(lsp_docs *d, const char *uri) {
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i]->uri, uri) == 0) return d->items[i];
    return NULL;
}

/* The grammar for a client languageId, else for the path's extension. */
static const fl_language *pick_language(const char *language_id, const char *path) {
    static const struct {
        const char *id, *lang;
    } ids[] = {{"go", "go"},
               {"c", "c"},
               {"cpp", "cpp"},
               {"java", "java"},
               {"python", "python"},
               {"rust", "rust"},
               {"javascript", "javascript"},
               {"javascriptreact", "javascript"},
               {"typescript", "typescript"},
               {"typescriptreact", "tsx"}};
    if (language_id)
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
            if (strcmp(language_id, ids[i].id) == 0) return fl_grammar_by_name(ids[i].lang);
    return path ? fl_grammar_for_path(path) : NULL;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool over_budget(TSParseState *state) {
    const uint64_t *deadline = state->payload;
    return now_ns() > *deadline;
}

static const char *read_text(void *payload, uint32_t byte, TSPoint pt, uint32_t *bytes_read) {
    const lsp_text *t = payload;
    if (byte >= t->buf.len) {
        *bytes_read = 0;
        return "";
    }
    *bytes_read = (uint32_t)t->buf.len - byte;
    return t->buf.data + byte;
}

static void parse(lsp_docs *d, lsp_doc *doc, TSTree *old) {
    if (!doc->lang || !ts_parser_set_language(d->parser, doc->lang->load())) {
        if (doc->tree) ts_tree_delete(doc->tree);
        doc->tree = NULL;
        return;
    }
    uint64_t deadline = now_ns() + PARSE_BUDGET_NS;
    TSInput input = {&doc->text, read_text, TSInputEncodingUTF8, NULL};
    TSParseOptions opts = {&deadline, over_budget};
    TSTree *tree = ts_parser_parse_with_options(d->parser, old, input, opts);
    ts_parser_reset(d->parser);
    if (doc->tree) ts_tree_delete(doc->tree);
    doc->tree = tree;
    doc->parse_failed = tree == NULL;
}

lsp_doc *lsp_docs_open(lsp_docs *d, const char *uri, const char *language_id, int64_t version,
                       const char *text, size_t len) {
    lsp_doc *doc = lsp_docs_find(d, uri);
    if (doc) {
        lsp_docs_close(d, uri);
        doc = NULL;
    }
    doc = fl_xcalloc(1, sizeof *doc);
    doc->uri = fl_xstrdup(uri);
    doc->path = lsp_uri_to_path(uri);
    doc->language_id = fl_xstrdup(language_id ? language_id : "");
    doc->lang = pick_language(language_id, doc->path ? doc->path : uri);
    doc->version = version;
    doc->analysis_version = -1;
    doc->published_version = -1;
    doc->dirty = true;
    lsp_text_init(&doc->text, text, len);
    if (!d->defer_parse) parse(d, doc, NULL);
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = fl_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    d->items[d->count++] = doc;
    return doc;
}

void lsp_docs_close(lsp_docs *d, const char *uri) {
    for (size_t i = 0; i < d->count; i++) {
        if (strcmp(d->items[i]->uri, uri) != 0) continue;
        doc_free(d->items[i]);
        memmove(&d->items[i], &d->items[i + 1], (d->count - i - 1) * sizeof *d->items);
        d->count--;
        return;
    }
}

/* Reads {"line": n, "character": n} (non-negative integers). */
static bool get_pos(json_t *o, lsp_pos *p) {
    json_t *l = json_object_get(o, "line"), *c = json_object_get(o, "character");
    if (!json_is_integer(l) || !json_is_integer(c)) return false;
    json_int_t lv = json_integer_value(l), cv = json_integer_value(c);
    if (lv < 0 || cv < 0) return false;
    p->line = lv > UINT32_MAX ? UINT32_MAX : (uint32_t)lv;
    p->character = cv > UINT32_MAX ? UINT32_MAX : (uint32_t)cv;
    return true;
}

int lsp_doc_apply_change(lsp_doc *doc, json_t *change, enum lsp_encoding enc, char *problem,
                         size_t psize) {
    json_t *text = json_object_get(change, "text");
    if (!json_is_object(change) || !json_is_string(text)) {
        snprintf(problem, psize, "a content change needs a \"text\" string");
        return -1;
    }
    const char *s = json_string_value(text);
    size_t n = json_string_length(text);
    json_t *range = json_object_get(change, "range");
    if (!range || json_is_null(range)) {
        /* Whole-document replacement: start the tree afresh. */
        lsp_text_free(&doc->text);
        lsp_text_init(&doc->text, s, n);
        if (doc->tree) ts_tree_delete(doc->tree);
        doc->tree = NULL;
        doc->full_change = true;
        return 0;
    }
    lsp_pos a, b;
    if (!json_is_object(range) || !get_pos(json_object_get(range, "start"), &a) ||
        !get_pos(json_object_get(range, "end"), &b)) {
        snprintf(problem, psize,
                 "a content change's \"range\" needs \"start\" and \"end\" positions with "
                 "non-negative integer \"line\" and \"character\"");
        return -1;
    }
    uint32_t start = lsp_text_offset(&doc->text, a, enc);
    uint32_t end = lsp_text_offset(&doc->text, b, enc);
    if (end < start) {
        uint32_t t = start;
        start = end;
        end = t;
    }
    if ((uint64_t)doc->text.buf.len - (end - start) + n > UINT32_MAX / 2) {
        snprintf(problem, psize, "the document would exceed 2 GB");
        return -1;
    }
    TSInputEdit edit;
    lsp_text_replace(&doc->text, start, end, s, n, &edit);
    if (doc->tree) ts_tree_edit(doc->tree, &edit);
    if (doc->npending == doc->pending_cap) {
        doc->pending_cap = doc->pending_cap ? doc->pending_cap * 2 : 8;
        doc->pending = fl_xrealloc(doc->pending, doc->pending_cap * sizeof *doc->pending);
    }
    doc->pending[doc->npending++] = edit;
    doc->edits++;
    return 0;
}

void lsp_doc_reparse(lsp_docs *d, lsp_doc *doc) {
    TSTree *old = doc->tree;
    doc->tree = NULL;
    parse(d, doc, old);
    if (old) {
        doc->reparses++;
        ts_tree_delete(old);
    }
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *lsp_uri_to_path(const char *uri) {
    if (!uri || strncmp(uri, "file://", 7) != 0) return NULL;
    const char *p = uri + 7;
    /* file://host/path: only an empty host or localhost name this machine. */
    if (*p != '/') {
        if (strncmp(p, "localhost/", 10) == 0)
            p += 9;
        else
            return NULL;
    }
    fl_buf out = FL_BUF_INIT;
    for (; *p && *p != '?' && *p != '#'; p++) {
        if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            if (c == '\0') {
                fl_buf_free(&out);
                return NULL;
            }
            fl_buf_putc(&out, c);
            p += 2;
        } else {
            fl_buf_putc(&out, *p);
        }
    }
    return fl_buf_take(&out);
}

char *lsp_path_to_uri(const char *path) {
    static const char hex[] = "0123456789ABCDEF";
    fl_buf out = FL_BUF_INIT;
    fl_buf_puts(&out, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("/-._~!$&'()*+,;=:@", (int)c)) {
            fl_buf_putc(&out, (char)c);
        } else {
            fl_buf_putc(&out, '%');
            fl_buf_putc(&out, hex[c >> 4]);
            fl_buf_putc(&out, hex[c & 15]);
        }
    }
    return fl_buf_take(&out);
}
