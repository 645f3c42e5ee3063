/*
 * sarif.c — the one SARIF 2.1.0 builder behind `faultline scan --format sarif` (output.c) and
 * `faultline review --format sarif` (plan_review.c). Callers add rules (id, descriptions,
 * help, default level, tags) and results (rule, level, message, location, fingerprint); the
 * builder writes what GitHub code scanning asks for: every rule's shortDescription,
 * fullDescription, help (text and Markdown), defaultConfiguration and properties (tags,
 * precision, problem.severity), every result's ruleIndex, a location relative to %SRCROOT%
 * and a partial fingerprint, and run.columnKind "utf16CodeUnits". Output: bytes in an fl_buf.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#ifndef FL_VERSION
#define FL_VERSION "0.0.0"
#endif

void fl__sarif_init(fl__sarif *s) {
    s->rules = json_array();
    s->index = json_object();
    s->results = json_array();
}

int fl__sarif_has_rule(const fl__sarif *s, const char *id) {
    return json_object_get(s->index, id) != NULL;
}

/* help.markdown: the short description as a heading line (unless it is the full one), the
 * full description, what to do, then where the rule comes from. */
static char *help_markdown(const fl__sarif_rule *r) {
    fl_buf b = FL_BUF_INIT;
    if (strcmp(r->short_text, r->full_text)) fl_buf_printf(&b, "**%s**\n\n", r->short_text);
    fl_buf_printf(&b, "%s\n\n**What to do:** %s\n\n", r->full_text, r->help_text);
    fl_buf_printf(&b,
                  "Reported by faultline (rule `%s`). `faultline plan` turns it into a test "
                  "plan with the fault, workload and checker that would falsify it.\n",
                  r->id);
    return fl_buf_take(&b);
}

void fl__sarif_add_rule(fl__sarif *s, const fl__sarif_rule *r) {
    if (fl__sarif_has_rule(s, r->id)) return;
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("reliability"));
    for (size_t i = 0; i < sizeof r->tags / sizeof r->tags[0] && r->tags[i]; i++)
        json_array_append_new(tags, json_string(r->tags[i]));
    char *md = help_markdown(r);
    json_t *rule =
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s}, s:{s:o, s:s, s:s}}", "id",
                  r->id, "name", r->id, "shortDescription", "text", r->short_text,
                  "fullDescription", "text", r->full_text, "help", "text", r->help_text, "markdown",
                  md, "defaultConfiguration", "level", r->level, "properties", "tags", tags,
                  "precision", "medium", "problem.severity", r->severity);
    free(md);
    json_object_set_new(s->index, r->id, json_integer((json_int_t)json_array_size(s->rules)));
    json_array_append_new(s->rules, rule);
}

void fl__sarif_add_result(fl__sarif *s, const char *rule_id, const char *level, const char *message,
                          const fl__sarif_loc *loc, const char *fp_key, const char *fp) {
    json_t *region = json_pack("{s:i}", "startLine", loc->line > 0 ? loc->line : 1);
    if (loc->column > 0) {
        json_object_set_new(region, "startColumn", json_integer(loc->column));
        json_object_set_new(region, "endLine",
                            json_integer(loc->end_line > 0 ? loc->end_line : loc->line));
        json_object_set_new(region, "endColumn", json_integer(loc->end_column));
    }
    json_t *res = json_pack("{s:s}", "ruleId", rule_id);
    json_t *ix = json_object_get(s->index, rule_id);
    if (ix) json_object_set(res, "ruleIndex", ix);
    json_object_set_new(res, "level", json_string(level));
    json_object_set_new(res, "message", json_pack("{s:s}", "text", message));
    json_object_set_new(res, "locations",
                        json_pack("[{s:{s:{s:s, s:s}, s:o}}]", "physicalLocation",
                                  "artifactLocation", "uri", loc->path, "uriBaseId", "%SRCROOT%",
                                  "region", region));
    json_object_set_new(res, "partialFingerprints", json_pack("{s:s}", fp_key, fp));
    json_array_append_new(s->results, res);
}

void fl__sarif_write(fl__sarif *s, fl_buf *out) {
    json_t *doc =
        json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:s, s:o}]}", "$schema",
                  "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                  "tool", "driver", "name", "faultline", "version", FL_VERSION, "rules", s->rules,
                  "columnKind", "utf16CodeUnits", "results", s->results);
    json_decref(s->index);
    memset(s, 0, sizeof *s);
    char *txt = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fl_buf_puts(out, txt);
    fl_buf_putc(out, '\n');
    free(txt);
    json_decref(doc);
}
