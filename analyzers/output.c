/*
 * output.c — a scan result in the forms users read: the SPEC §1 JSON shapes, compiler-style
 * text lines (path:line:col: rule: message), and SARIF 2.1.0 for GitHub code scanning (one
 * rule per site rule with the help texts GitHub asks for, UTF-16 columns, a stable
 * fingerprint per site; the log is built by sarif.c, which `faultline review` shares).
 * Input: an fl_scan_result; output: jansson values or bytes in an fl_buf.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

json_t *fl_site_json(const fl_site *s) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:s, s:s}", "id", s->id,
                     "rule", s->rule, "category", fl_site_category_name(s->category), "language",
                     s->language, "path", s->path, "line", s->line, "column", s->column, "end_line",
                     s->end_line, "end_column", s->end_column, "function", s->function, "target",
                     s->target, "message", s->message);
}

json_t *fl_claim_json(const fl_claim *c) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i}, s:b}", "id", c->id, "text", c->text,
                     "category", fl_claim_category_name(c->category), "topic", c->topic, "kind",
                     c->kind, "source", "path", c->path, "line", c->line, "inferred", c->inferred);
}

static json_t *str_array(char *const *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

json_t *fl_hypothesis_json(const fl_hypothesis *h) {
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:s, s:s, s:s, s:s}", "id", h->id, "title",
                     h->title, "claims", str_array(h->claims, h->claim_count), "missing_claims",
                     str_array(h->missing_claims, h->missing_claim_count), "sites",
                     str_array(h->sites, h->site_count), "pitfall", h->pitfall, "pitfall_name",
                     h->pitfall_name, "fault", h->fault, "model", h->model, "checker", h->checker);
}

json_t *fl_scan_result_json(const fl_scan_result *r) {
    json_t *sites = json_array(), *claims = json_array(), *hyps = json_array(),
           *notes = json_array();
    for (size_t i = 0; i < r->site_count; i++)
        json_array_append_new(sites, fl_site_json(&r->sites[i]));
    for (size_t i = 0; i < r->claim_count; i++)
        json_array_append_new(claims, fl_claim_json(&r->claims[i]));
    for (size_t i = 0; i < r->hypothesis_count; i++)
        json_array_append_new(hyps, fl_hypothesis_json(&r->hypotheses[i]));
    for (size_t i = 0; i < r->note_count; i++)
        json_array_append_new(notes, json_pack("{s:s, s:i, s:i, s:s}", "path", r->notes[i].path,
                                               "line", r->notes[i].line, "column",
                                               r->notes[i].column, "message", r->notes[i].message));
    return json_pack("{s:o, s:o, s:o, s:o, s:{s:I, s:I}}", "sites", sites, "claims", claims,
                     "hypotheses", hyps, "notes", notes, "stats", "files", (json_int_t)r->files,
                     "bytes", (json_int_t)r->bytes);
}

static void write_json(const fl_scan_result *r, fl_buf *out) {
    json_t *j = fl_scan_result_json(r);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fl_buf_puts(out, s);
    fl_buf_putc(out, '\n');
    free(s);
    json_decref(j);
}

static void write_text(const fl_scan_result *r, fl_buf *out) {
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *s = &r->sites[i];
        fl_buf_printf(out, "%s:%d:%d: %s: %s", s->path, s->line, s->column, s->rule, s->message);
        if (s->function[0]) fl_buf_printf(out, " [in %s]", s->function);
        fl_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < r->claim_count; i++) {
        const fl_claim *c = &r->claims[i];
        fl_buf_printf(out, "%s:%d: claim %s [%s%s]: %s\n", c->path, c->line, c->id,
                      fl_claim_category_name(c->category), c->inferred ? ", inferred" : "",
                      c->text);
    }
    for (size_t i = 0; i < r->hypothesis_count; i++) {
        const fl_hypothesis *h = &r->hypotheses[i];
        fl_buf_printf(out, "hypothesis %s [pitfall %d: %s]: %s; fault %s, model %s, checker %s\n",
                      h->id, h->pitfall, h->pitfall_name, h->title, h->fault, h->model, h->checker);
    }
    for (size_t i = 0; i < r->note_count; i++)
        fl_buf_printf(out, "%s:%d:%d: note: %s\n", r->notes[i].path, r->notes[i].line,
                      r->notes[i].column, r->notes[i].message);
    fl_buf_printf(out, "%zu sites, %zu claims, %zu hypotheses in %zu files\n", r->site_count,
                  r->claim_count, r->hypothesis_count, r->files);
}

/* ---- SARIF ------------------------------------------------------------------------------ */

typedef struct rule_doc {
    const char *prefix;
    const char *description;
    const char *help;
} rule_doc;

static const rule_doc rule_docs[] = {
    {"idempotency.retried-write",
     "A write is retried with no idempotency key in reach: when the first attempt committed "
     "but its ack was lost, the retry applies the write a second time.",
     "Carry a business idempotency key (request id) with the write and deduplicate on the "
     "server, or make the write conditional; test it with a partition that drops acks and the "
     "exactly-once checker."},
    {"retry.",
     "An operation is retried. A retry after a lost ack or a slow first attempt can "
     "repeat the operation or land after a newer write.",
     "Make sure the retried operation is idempotent or fenced, and test it under a partition "
     "with a linearizability checker."},
    {"timeout.",
     "A deadline or timeout bounds an operation. When it fires, the operation's "
     "outcome is unknown: it may still commit.",
     "Treat a timeout as an unknown outcome (never as a failure) and test with latency "
     "injection and a linearizability checker."},
    {"lease.",
     "A lease, lock, TTL or leadership check guards exclusive access. A paused holder "
     "can outlive its lease and act after another holder took over.",
     "Fence every protected write with a monotonic token checked by the resource, and test "
     "with process pauses and the lease checker."},
    {"commit.",
     "A commit, flush or consensus step makes a write durable or visible. A crash "
     "between the write and its acknowledgement can lose or duplicate it.",
     "Acknowledge only after the write is durable, and test with kills at I/O boundaries and "
     "a set or linearizability checker."},
    {"idempotency.",
     "An idempotency key or dedup check. A cold cache or a restart can let a "
     "replayed request through.",
     "Persist the dedup state with the effect, and test replays across restarts with the "
     "exactly-once checker."},
    {"clock.",
     "Wall-clock time is used in a safety decision. Clock skew or a jump makes that "
     "decision wrong.",
     "Use a monotonic clock for durations and fencing tokens for ownership; test with clock "
     "skew injection."},
    {NULL, NULL, NULL},
};

static const rule_doc *doc_for(const char *rule) {
    for (const rule_doc *d = rule_docs; d->prefix; d++)
        if (strncmp(rule, d->prefix, strlen(d->prefix)) == 0) return d;
    return &rule_docs[1];
}

static void write_sarif(const fl_scan_result *r, fl_buf *out) {
    fl__sarif sarif;
    fl__sarif_init(&sarif);
    for (size_t i = 0; i < r->site_count; i++) {
        const fl_site *s = &r->sites[i];
        int warn = s->category == FL_SITE_IDEMPOTENCY;
        if (!fl__sarif_has_rule(&sarif, s->rule)) {
            const rule_doc *d = doc_for(s->rule);
            fl__sarif_rule rule = {.id = s->rule,
                                   .short_text = d->description,
                                   .full_text = d->description,
                                   .help_text = d->help,
                                   .level = warn ? "warning" : "note",
                                   .severity = warn ? "warning" : "recommendation",
                                   .tags = {fl_site_category_name(s->category), NULL}};
            fl__sarif_add_rule(&sarif, &rule);
        }
        fl__sarif_loc at = {s->path, s->line, s->column_utf16, s->end_line, s->end_column_utf16};
        fl__sarif_add_result(&sarif, s->rule, warn ? "warning" : "note", s->message, &at,
                             "faultlineSiteId/v1", s->id);
    }
    fl__sarif_write(&sarif, out);
}

void fl_scan_write(const fl_scan_result *r, fl_scan_format format, fl_buf *out) {
    switch (format) {
        case FL_SCAN_JSON:
            write_json(r, out);
            break;
        case FL_SCAN_SARIF:
            write_sarif(r, out);
            break;
        default:
            write_text(r, out);
            break;
    }
}
