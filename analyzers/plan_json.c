/*
 * plan_json.c — the plan for programs: SPEC §4's fields (slug, date, mode, sut, change,
 * status, claims, missing_claims, sites, hypotheses, scenarios with run blocks, adequacy,
 * residual, confidence, not_covered, open_questions) plus the reference's other sections
 * under their own keys. Keys are emitted in a fixed order so the same plan always dumps to
 * the same bytes. Input: an fl_plan; output: a jansson object (caller decrefs).
 */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *strv_json(const fl_strv *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->n; i++) json_array_append_new(a, json_string(v->v[i]));
    return a;
}

static json_t *change_json(const fl_plan *p) {
    if (!p->change_scoped) return json_null();
    json_t *files = json_array();
    for (size_t i = 0; i < p->change.file_count; i++) {
        const fl_changed_file *f = &p->change.files[i];
        json_t *hunks = json_array();
        for (size_t k = 0; k < f->hunk_count; k++) {
            const fl_hunk *h = &f->hunks[k];
            json_t *fns = json_array();
            for (size_t j = 0; j < p->func_count; j++) {
                const fl_pfunc *fn = &p->funcs[j];
                if (strcmp(fn->path, f->path) || strcmp(fn->why, "changed")) continue;
                int s = h->new_lines ? h->new_start : (h->new_start ? h->new_start : 1);
                int e = h->new_lines ? h->new_start + h->new_lines - 1 : s;
                if (fn->start_line <= e && fn->end_line >= s)
                    json_array_append_new(fns, json_string(fn->name));
            }
            json_array_append_new(hunks,
                                  json_pack("{s:i, s:i, s:i, s:i, s:o}", "old_start", h->old_start,
                                            "old_lines", h->old_lines, "new_start", h->new_start,
                                            "new_lines", h->new_lines, "functions", fns));
        }
        char st[2] = {f->status, 0};
        json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:o}", "path", f->path, "old_path",
                              f->old_path, "status", st, "binary", f->binary, "untracked",
                              f->untracked, "whitespace_only", f->whitespace_only, "hunks", hunks);
        json_array_append_new(files, o);
    }
    json_t *fns = json_array();
    for (size_t j = 0; j < p->func_count; j++)
        json_array_append_new(fns, json_pack("{s:s, s:s, s:i, s:i, s:s}", "path", p->funcs[j].path,
                                             "function", p->funcs[j].name, "line",
                                             p->funcs[j].start_line, "end_line",
                                             p->funcs[j].end_line, "why", p->funcs[j].why));
    return json_pack("{s:s, s:s?, s:o, s:o}", "base", p->change.base, "head",
                     p->change.head[0] ? p->change.head : NULL, "files", files, "functions", fns);
}

static json_t *claim_json(const fl_pclaim *c) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i}, s:b, s:s}", "id", c->id, "text",
                     c->c.text, "category", fl_claim_category_name(c->c.category), "topic",
                     c->c.topic, "kind", c->c.kind, "source", "path", c->c.path, "line", c->c.line,
                     "inferred", c->c.inferred, "ref", c->c.id);
}

static json_t *site_json(const fl_psite *s) {
    json_t *o = fl_site_json(&s->s);
    if (s->scope) json_object_set_new(o, "scope", json_string(s->scope));
    return o;
}

static json_t *hyp_json(const fl_phyp *h) {
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, "
        "s:s}",
        "id", h->id, "title", h->title, "claims", strv_json(&h->claims), "missing_claims",
        strv_json(&h->missing), "sites", strv_json(&h->sites), "pitfall", h->pitfall,
        "pitfall_name", h->pitfall_name, "fault", h->fault, "model", h->model, "checker",
        h->checker, "subsystem", h->subsystem, "suspected_because", h->because, "stack",
        h->stack_evidence ? h->stack_evidence : "", "scenarios", strv_json(&h->scenarios),
        "existing_tests", strv_json(&h->tests), "ref", h->ref);
}

static json_t *scenario_json(const fl_pscenario *s) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(s->id));
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "falsifies", strv_json(&s->falsifies));
    json_object_set_new(o, "closes", strv_json(&s->closes));
    json_object_set_new(o, "technique", json_string(s->technique));
    json_object_set_new(o, "workload", json_string(s->workload));
    json_object_set_new(o, "faults", json_string(s->faults));
    json_object_set_new(o, "oracle", json_string(s->oracle));
    json_object_set_new(o, "observability", json_string(s->observability));
    json_object_set_new(o, "model", json_string(s->model));
    json_object_set_new(o, "checker", json_string(s->checker));
    json_object_set_new(o, "history_fields", strv_json(&s->history_fields));
    json_object_set_new(o, "landing_evidence", json_string(s->landing_evidence));
    json_object_set_new(o, "ambiguous_outcomes", json_string(s->ambiguous_outcomes));
    json_object_set_new(o, "budgets",
                        json_pack("{s:s, s:s, s:s}", "smoke", s->smoke, "hardening", s->hardening,
                                  "release", s->release));
    json_object_set_new(o, "target_test_file", json_string(s->target_test_file));
    json_object_set_new(o, "run", s->run ? json_incref(s->run) : json_null());
    json_object_set_new(o, "serious", json_boolean(s->serious));
    json_t *m = json_null();
    if (s->serious)
        m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "model_under_test", s->model_ref,
                      "operation_history", s->history_recording, "checker", s->checker_text,
                      "nemesis_landing_evidence", s->landing_evidence, "ambiguous_outcomes",
                      s->ambiguous_outcomes, "reduction_plan", s->reduction_plan);
    json_object_set_new(o, "model_discipline", m);
    json_t *ms = json_null();
    if (s->surfaced)
        ms = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "surfaces",
                       strv_json(&s->surfaces), "operations", s->operations, "adversarial_inputs",
                       s->adversarial, "positive_controls", s->positive, "negative_controls",
                       s->negative, "delayed_async_paths", s->delayed, "observability_paths",
                       s->obs_paths, "arms", strv_json(&s->arms));
    json_object_set_new(o, "surface_decomposition", ms);
    json_object_set_new(o, "stack", json_string(s->stack));
    json_object_set_new(o, "status", json_string(s->status));
    json_object_set_new(o, "status_reason", json_string(s->status_reason));
    json_object_set_new(o, "skeleton_language", json_string(s->skeleton_language));
    json_object_set_new(o, "skeleton", json_string(s->skeleton));
    return o;
}

json_t *fl_plan_json(const fl_plan *p) {
    json_t *o = json_object();
    json_object_set_new(o, "slug", json_string(p->slug));
    json_object_set_new(o, "date", json_string(p->date));
    json_object_set_new(o, "mode", json_string(p->mode));
    json_object_set_new(o, "sut", json_string(p->sut ? p->sut : ""));
    json_object_set_new(o, "change_under_test", json_string(p->change_label));
    json_object_set_new(o, "plan_author", json_string("faultline plan"));
    json_object_set_new(o, "change", change_json(p));
    json_object_set_new(o, "status", json_string(p->status));
    if (p->early_exit) {
        json_object_set_new(o, "early_exit",
                            json_pack("{s:s, s:s, s:s}", "kind", p->early_kind, "reason",
                                      p->early_exit, "recommendation", p->recommendation));
    } else {
        json_object_set_new(o, "early_exit", json_null());
    }
    json_t *claims = json_array(), *sites = json_array(), *hyps = json_array(),
           *scen = json_array();
    for (size_t i = 0; i < p->claim_count; i++)
        json_array_append_new(claims, claim_json(&p->claims[i]));
    for (size_t i = 0; i < p->site_count; i++)
        json_array_append_new(sites, site_json(&p->sites[i]));
    for (size_t i = 0; i < p->hyp_count; i++) json_array_append_new(hyps, hyp_json(&p->hyps[i]));
    for (size_t i = 0; i < p->scen_count; i++)
        json_array_append_new(scen, scenario_json(&p->scen[i]));
    json_object_set_new(o, "architecture", strv_json(&p->architecture));
    json_object_set_new(o, "scope",
                        json_pack("{s:s, s:o, s:o}", "summary", p->scope_text ? p->scope_text : "",
                                  "in_scope", strv_json(&p->in_scope), "out_of_scope",
                                  strv_json(&p->out_of_scope)));
    json_object_set_new(o, "claims", claims);
    json_object_set_new(o, "missing_claims", fl__table_json(&p->missing));
    static const char *const sut_keys[7] = {
        "tenancy_isolation",  "persistence",       "replication_consensus", "ordering",
        "network_boundaries", "retry_idempotency", "observability"};
    json_t *sm = json_object();
    for (int i = 0; i < 7; i++)
        json_object_set_new(sm, sut_keys[i], json_string(p->sut_model[i] ? p->sut_model[i] : ""));
    json_object_set_new(o, "sut_model", sm);
    json_t *inv = json_array();
    for (size_t i = 0; i < p->test_count; i++) {
        const fl_ptest *t = &p->tests[i];
        json_array_append_new(inv,
                              json_pack("{s:s, s:o, s:b, s:s?, s:i}", "path", t->path, "functions",
                                        strv_json(&t->functions), "injects_faults",
                                        t->marker != NULL, "fault_marker", t->marker,
                                        "fault_marker_line", t->marker ? t->marker_line : 0));
    }
    json_object_set_new(o, "existing_tests", inv);
    json_object_set_new(o, "sites", sites);
    json_object_set_new(o, "hypotheses", hyps);
    json_object_set_new(o, "category_sweep", fl__table_json(&p->sweep));
    json_object_set_new(o, "coverage_matrix",
                        p->change_scoped ? json_null() : fl__table_json(&p->matrix));
    json_object_set_new(o, "techniques", fl__table_json(&p->techniques));
    json_object_set_new(o, "environment", fl__table_json(&p->environment));
    json_object_set_new(o, "scenarios", scen);
    json_object_set_new(o, "adequacy", fl__table_json(&p->adequacy));
    json_object_set_new(o, "residual", fl__table_json(&p->residual));
    json_object_set_new(o, "confidence", json_string(p->confidence ? p->confidence : ""));
    json_object_set_new(o, "confidence_aspects", fl__table_json(&p->aspects));
    json_object_set_new(o, "not_covered", strv_json(&p->not_covered));
    json_object_set_new(o, "open_questions", fl__table_json(&p->questions));
    json_object_set_new(o, "self_check", fl__table_json(&p->self_check));
    return o;
}
