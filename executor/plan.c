/*
 * plan.c — reads a plan JSON (SPEC §4) into fl_plan.
 *
 * The file's bytes enter; scenarios leave as fl_scenario structs with every run-block field
 * filled (defaults where the plan is silent). Parsing is lenient (unknown fields are kept
 * in the JSON and ignored, numbers may be given as strings), but a broken plan is rejected
 * with the file, the line of the offending scenario and what was expected.
 */
#include "exec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Line of the first `"key": "value"` (or `"key":` when value is NULL) at or after byte
 * offset *from; *from moves past the match. 0 when not found. */
static int line_of(const char *text, const char *key, const char *value, size_t *from) {
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    for (const char *p = text + *from; *p; p++) {
        if (*p != '"' || strncmp(p + 1, key, kl) != 0 || p[kl + 1] != '"') continue;
        const char *q = p + kl + 2;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (*q != ':') continue;
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (value) {
            if (*q == '"') q++;
            if (strncmp(q, value, vl) != 0 ||
                !(q[vl] == '"' || q[vl] == ',' || q[vl] == '}' || isspace((unsigned char)q[vl])))
                continue;
        }
        int line = 1;
        for (const char *r = text; r < p; r++) line += *r == '\n';
        *from = (size_t)(q - text);
        return line;
    }
    return 0;
}

typedef struct ctx {
    const char *path;
    const char *text;
    int line;
    fl_error *err;
    size_t run_pos; /* byte offset of the scenario's "run" key */
} ctx;

/* Points c->line at `"key":` inside the current run block, when it is there. */
static void at_key(ctx *c, const char *key) {
    size_t pos = c->run_pos;
    int l = line_of(c->text, key, NULL, &pos);
    if (l) c->line = l;
}

static int bad(ctx *c, const char *fmt, const char *a, const char *b) {
    char msg[900];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    fl_error_set(c->err, c->path, c->line, 0, "%s", msg);
    return -1;
}

static char *dup_or_null(const char *s) {
    return s ? fl_xstrdup(s) : NULL;
}

/* A string field; NULL when absent; error when present and not a string. */
static int get_str(ctx *c, json_t *obj, const char *k, char **out, const char *where) {
    json_t *v = json_object_get(obj, k);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return bad(c, "%s.%s: expected a string", where, k);
    *out = fl_xstrdup(json_string_value(v));
    return 0;
}

/* A number field (a numeric string is accepted); `def` when absent. */
static int get_num(ctx *c, json_t *obj, const char *k, double def, double *out, const char *where) {
    json_t *v = json_object_get(obj, k);
    *out = def;
    if (!v || json_is_null(v)) return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        char *end;
        double d = strtod(json_string_value(v), &end);
        if (end != json_string_value(v) && *end == 0) {
            *out = d;
            return 0;
        }
    }
    return bad(c, "%s.%s: expected a number", where, k);
}

static int parse_kind(const char *s, fl_nem_kind *k) {
    static const struct {
        const char *name;
        fl_nem_kind kind;
    } kinds[] = {{"kill", FL_NEM_KILL},
                 {"crash", FL_NEM_KILL},
                 {"restart", FL_NEM_RESTART},
                 {"pause", FL_NEM_PAUSE},
                 {"partition", FL_NEM_PARTITION},
                 {"clock-skew", FL_NEM_CLOCK_SKEW},
                 {"clock", FL_NEM_CLOCK_SKEW},
                 {"latency", FL_NEM_LATENCY},
                 {"loss", FL_NEM_LOSS}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, kinds[i].name) == 0) {
            *k = kinds[i].kind;
            return 0;
        }
    return -1;
}

static int valid_target(const char *t) {
    if (!strcmp(t, "random") || !strcmp(t, "leader") || !strcmp(t, "minority") ||
        !strcmp(t, "majority") || !strcmp(t, "all") || !strcmp(t, "non-leader"))
        return 1;
    if (strncmp(t, "node-", 5) == 0 && atoi(t + 5) > 0) return 1;
    return 0;
}

static int parse_cluster(ctx *c, fl_scenario *s, json_t *cl) {
    double d;
    if (!json_is_object(cl)) return bad(c, "run.cluster: expected an object%s%s", NULL, NULL);
    if (get_num(c, cl, "nodes", 1, &d, "run.cluster") < 0) return -1;
    if (d < 1 || d > 15) return bad(c, "run.cluster.nodes: expected 1..15%s%s", NULL, NULL);
    s->nodes = (int)d;
    if (get_num(c, cl, "base_port", 0, &d, "run.cluster") < 0) return -1;
    if (d < 1024 || d > 65000)
        return bad(c, "run.cluster.base_port: expected a port number in 1024..65000%s%s", NULL,
                   NULL);
    s->base_port = (int)d;
    if (get_num(c, cl, "port_stride", 10, &d, "run.cluster") < 0) return -1;
    s->port_stride = (int)d;
    if (s->base_port + (s->nodes - 1) * s->port_stride + 1 > 65535)
        return bad(c, "run.cluster: ports run past 65535%s%s", NULL, NULL);
    json_t *st = json_object_get(cl, "start");
    s->start = fl_xcalloc((size_t)s->nodes, sizeof(char *));
    if (json_is_string(st)) {
        for (int i = 0; i < s->nodes; i++) s->start[i] = fl_xstrdup(json_string_value(st));
    } else if (json_is_array(st)) {
        if ((int)json_array_size(st) != s->nodes)
            return bad(c, "run.cluster.start: expected one command per node%s%s", NULL, NULL);
        for (int i = 0; i < s->nodes; i++) {
            json_t *e = json_array_get(st, (size_t)i);
            if (!json_is_string(e))
                return bad(c, "run.cluster.start: expected strings%s%s", NULL, NULL);
            s->start[i] = fl_xstrdup(json_string_value(e));
        }
    } else {
        return bad(c, "run.cluster.start: expected a command or a list of commands%s%s", NULL,
                   NULL);
    }
    if (get_str(c, cl, "health", &s->health, "run.cluster") < 0) return -1;
    if (!s->health) return bad(c, "run.cluster.health: expected a health command%s%s", NULL, NULL);
    if (get_str(c, cl, "leader", &s->leader, "run.cluster") < 0) return -1;
    if (get_str(c, cl, "log", &s->log, "run.cluster") < 0) return -1;
    if (get_num(c, cl, "ready_timeout_s", 30, &s->ready_timeout_s, "run.cluster") < 0) return -1;
    return 0;
}

static int parse_workload(ctx *c, fl_scenario *s, json_t *w) {
    double d;
    if (!json_is_object(w)) return bad(c, "run.workload: expected an object%s%s", NULL, NULL);
    if (get_str(c, w, "model", &s->model, "run.workload") < 0) return -1;
    if (!s->model) return bad(c, "run.workload.model: expected a model name%s%s", NULL, NULL);
    if (!fl_exec_workload_model_known(s->model))
        return bad(c,
                   "run.workload.model: '%s' is not a model the generator knows (register, "
                   "cas-register, kv, set, queue, list-append, counter, ledger)%s",
                   s->model, NULL);
    if (get_num(c, w, "keys", 1, &d, "run.workload") < 0) return -1;
    s->keys = d < 1 ? 1 : (int)d;
    if (get_num(c, w, "rate", 50, &s->rate, "run.workload") < 0) return -1;
    if (s->rate <= 0) return bad(c, "run.workload.rate: expected ops/s > 0%s%s", NULL, NULL);
    if (get_num(c, w, "duration_s", 10, &s->duration_s, "run.workload") < 0) return -1;
    if (s->duration_s <= 0 || s->duration_s > 86400)
        return bad(c, "run.workload.duration_s: expected 0 < seconds <= 86400%s%s", NULL, NULL);
    if (get_num(c, w, "seed", 1, &d, "run.workload") < 0) return -1;
    s->seed = (long long)d;
    json_t *mix = json_object_get(w, "mix");
    if (mix && !json_is_object(mix))
        return bad(c, "run.workload.mix: expected an object of op weights%s%s", NULL, NULL);
    if (mix) {
        const char *k;
        json_t *v;
        s->mix = fl_xcalloc(json_object_size(mix) + 1, sizeof *s->mix);
        json_object_foreach(mix, k, v) {
            if (!json_is_number(v) || json_number_value(v) < 0)
                return bad(c, "run.workload.mix.%s: expected a weight >= 0%s", k, NULL);
            s->mix[s->nmix].f = fl_xstrdup(k);
            s->mix[s->nmix].weight = json_number_value(v);
            s->nmix++;
        }
    }
    return 0;
}

static int parse_nemesis(ctx *c, fl_scenario *s, json_t *arr) {
    if (!arr || json_is_null(arr)) return 0;
    if (json_is_object(arr)) {
        json_t *one = json_array();
        json_array_append(one, arr);
        int r = parse_nemesis(c, s, one);
        json_decref(one);
        return r;
    }
    if (!json_is_array(arr))
        return bad(c, "run.nemesis: expected a list of faults%s%s", NULL, NULL);
    s->nemesis = fl_xcalloc(json_array_size(arr) + 1, sizeof *s->nemesis);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        fl_exec_nemesis_spec *n = &s->nemesis[s->nnemesis++]; /* counted now: freed on error */
        n->line = c->line;
        if (!json_is_object(e)) return bad(c, "run.nemesis[]: expected an object%s%s", NULL, NULL);
        if (get_str(c, e, "kind", &n->kind_name, "run.nemesis[]") < 0) return -1;
        if (!n->kind_name)
            return bad(c, "run.nemesis[].kind: expected a fault kind%s%s", NULL, NULL);
        if (parse_kind(n->kind_name, &n->kind) < 0)
            return bad(c,
                       "run.nemesis[].kind: '%s' is not one of kill, pause, restart, partition, "
                       "clock-skew, latency, loss%s",
                       n->kind_name, NULL);
        if (get_str(c, e, "target", &n->target, "run.nemesis[]") < 0) return -1;
        if (!n->target) n->target = fl_xstrdup("random");
        if (!valid_target(n->target))
            return bad(c,
                       "run.nemesis[].target: '%s' is not random, leader, non-leader, minority, "
                       "majority, all or node-N%s",
                       n->target, NULL);
        if (strncmp(n->target, "node-", 5) == 0 && atoi(n->target + 5) > s->nodes)
            return bad(c, "run.nemesis[].target: '%s' names a node past the cluster's size%s",
                       n->target, NULL);
        if (get_str(c, e, "mode", &n->mode, "run.nemesis[]") < 0) return -1;
        if (!n->mode) n->mode = fl_xstrdup("isolate");
        if (get_num(c, e, "at_s", 1, &n->at_s, "run.nemesis[]") < 0) return -1;
        if (get_num(c, e, "duration_s", 0, &n->duration_s, "run.nemesis[]") < 0) return -1;
        if (n->at_s < 0 || n->duration_s < 0)
            return bad(c, "run.nemesis[]: at_s and duration_s must be >= 0%s%s", NULL, NULL);
        if (get_num(c, e, "skew_s", 60, &n->skew_s, "run.nemesis[]") < 0) return -1;
        if (get_num(c, e, "probability", 0.3, &n->probability, "run.nemesis[]") < 0) return -1;
        double d;
        if (get_num(c, e, "delay_ms", 200, &d, "run.nemesis[]") < 0) return -1;
        n->delay_ms = (int)d;
        if (n->kind == FL_NEM_PARTITION || n->kind == FL_NEM_LOSS) s->needs_netns = 1;
    }
    return 0;
}

static int parse_evidence(ctx *c, fl_scenario *s, json_t *arr) {
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr)) return bad(c, "run.evidence: expected a list%s%s", NULL, NULL);
    s->evidence = fl_xcalloc(json_array_size(arr) + 1, sizeof *s->evidence);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        fl_exec_evidence_spec *v = &s->evidence[s->nevidence++];
        v->line = c->line;
        if (!json_is_object(e)) return bad(c, "run.evidence[]: expected an object%s%s", NULL, NULL);
        if (get_str(c, e, "kind", &v->kind, "run.evidence[]") < 0) return -1;
        if (!v->kind) v->kind = fl_xstrdup("log");
        if (strcmp(v->kind, "log") && strcmp(v->kind, "command"))
            return bad(c, "run.evidence[].kind: '%s' is not log or command%s", v->kind, NULL);
        if (get_str(c, e, "node", &v->node, "run.evidence[]") < 0) return -1;
        if (!v->node) v->node = fl_xstrdup("target");
        if (get_str(c, e, "pattern", &v->pattern, "run.evidence[]") < 0) return -1;
        if (get_str(c, e, "command", &v->command, "run.evidence[]") < 0) return -1;
        if (!strcmp(v->kind, "log") && !v->pattern)
            return bad(c, "run.evidence[]: a log entry needs a pattern%s%s", NULL, NULL);
        if (!strcmp(v->kind, "command") && !v->command)
            return bad(c, "run.evidence[]: a command entry needs a command%s%s", NULL, NULL);
        if (get_num(c, e, "within_s", 10, &v->within_s, "run.evidence[]") < 0) return -1;
        double fi;
        if (get_num(c, e, "fault", 0, &fi, "run.evidence[]") < 0) return -1;
        v->fault = (int)fi;
    }
    return 0;
}

static int parse_run(ctx *c, fl_scenario *s, json_t *run) {
    double d;
    if (!json_is_object(run)) return bad(c, "run: expected an object%s%s", NULL, NULL);
    json_t *cl = json_object_get(run, "cluster");
    if (!cl) return bad(c, "run.cluster: expected a cluster block%s%s", NULL, NULL);
    at_key(c, "cluster");
    if (parse_cluster(c, s, cl) < 0) return -1;
    json_t *client = json_object_get(run, "client");
    at_key(c, "client");
    if (!json_is_object(client))
        return bad(c, "run.client: expected an object with a command%s%s", NULL, NULL);
    if (get_str(c, client, "command", &s->client_cmd, "run.client") < 0) return -1;
    if (!s->client_cmd)
        return bad(c, "run.client.command: expected the adapter command%s%s", NULL, NULL);
    if (get_num(c, client, "concurrency", 5, &d, "run.client") < 0) return -1;
    if (d < 1 || d > 64) return bad(c, "run.client.concurrency: expected 1..64%s%s", NULL, NULL);
    s->concurrency = (int)d;
    if (get_num(c, client, "op_timeout_ms", 1000, &d, "run.client") < 0) return -1;
    if (d < 10) return bad(c, "run.client.op_timeout_ms: expected >= 10%s%s", NULL, NULL);
    s->op_timeout_ms = (int)d;
    json_t *w = json_object_get(run, "workload");
    at_key(c, "workload");
    if (!w) return bad(c, "run.workload: expected a workload block%s%s", NULL, NULL);
    if (parse_workload(c, s, w) < 0) return -1;
    at_key(c, "nemesis");
    if (parse_nemesis(c, s, json_object_get(run, "nemesis")) < 0) return -1;
    at_key(c, "evidence");
    if (parse_evidence(c, s, json_object_get(run, "evidence")) < 0) return -1;
    json_t *chk = json_object_get(run, "checker");
    if (chk && json_is_string(chk)) {
        s->checker_name = fl_xstrdup(json_string_value(chk));
    } else if (chk) {
        if (!json_is_object(chk)) return bad(c, "run.checker: expected an object%s%s", NULL, NULL);
        if (get_str(c, chk, "name", &s->checker_name, "run.checker") < 0) return -1;
        if (get_str(c, chk, "model", &s->checker_model, "run.checker") < 0) return -1;
    }
    if (!s->checker_model) s->checker_model = fl_xstrdup(s->model);
    for (int i = 0; i < s->nevidence; i++)
        if (s->evidence[i].fault < 0 || s->evidence[i].fault >= (s->nnemesis ? s->nnemesis : 1))
            return bad(c, "run.evidence[].fault: expected the index of a nemesis entry%s%s", NULL,
                       NULL);
    if (get_num(c, run, "seeds", 3, &d, "run") < 0) return -1;
    s->seeds = d < 1 ? 1 : (int)d;
    return 0;
}

static char *slug_from_path(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = fl_xstrdup(b);
    char *dot = strrchr(s, '.');
    if (dot) *dot = 0;
    return s;
}

int fl_exec_plan_load(const char *path, fl_plan *plan, fl_error *err) {
    memset(plan, 0, sizeof *plan);
    fl_buf text = FL_BUF_INIT;
    if (fl_file_read(path, &text, err) < 0) return -1;
    json_error_t je;
    json_t *root = json_loadb(text.data ? text.data : "", text.len, 0, &je);
    if (!root) {
        fl_error_set(err, path, je.line, je.column, "expected a JSON plan: %s", je.text);
        fl_buf_free(&text);
        return -1;
    }
    ctx c = {path, fl_buf_cstr(&text), 1, err, 0};
    plan->path = fl_xstrdup(path);
    plan->root = root;
    if (!json_is_object(root)) {
        bad(&c, "expected a plan object with a scenarios list%s%s", NULL, NULL);
        goto fail;
    }
    json_t *slug = json_object_get(root, "slug");
    plan->slug = json_is_string(slug) ? fl_xstrdup(json_string_value(slug)) : slug_from_path(path);
    for (char *p = plan->slug; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') *p = '-';
    json_t *scs = json_object_get(root, "scenarios");
    if (!json_is_array(scs)) {
        size_t at = 0;
        c.line = line_of(c.text, "scenarios", NULL, &at);
        if (!c.line) c.line = 1;
        bad(&c, "expected \"scenarios\": a list of scenario objects%s%s", NULL, NULL);
        goto fail;
    }
    plan->scenarios = fl_xcalloc(json_array_size(scs) + 1, sizeof *plan->scenarios);
    size_t i;
    json_t *e;
    int last_line = 1;
    size_t pos = 0;
    json_array_foreach(scs, i, e) {
        fl_scenario *s = &plan->scenarios[plan->n];
        s->json = e;
        c.line = last_line;
        if (!json_is_object(e)) {
            bad(&c, "scenarios[]: expected an object%s%s", NULL, NULL);
            goto fail;
        }
        json_t *id = json_object_get(e, "id");
        if (!json_is_string(id)) {
            bad(&c, "scenarios[]: expected an \"id\" string (S<n>)%s%s", NULL, NULL);
            goto fail;
        }
        s->id = fl_xstrdup(json_string_value(id));
        int l = line_of(c.text, "id", s->id, &pos);
        if (l) last_line = c.line = s->line = l;
        for (int j = 0; j < plan->n; j++)
            if (strcmp(plan->scenarios[j].id, s->id) == 0) {
                bad(&c, "scenario id '%s' is used twice%s", s->id, NULL);
                goto fail;
            }
        json_t *nm = json_object_get(e, "name");
        s->name = dup_or_null(json_is_string(nm) ? json_string_value(nm) : s->id);
        json_t *run = json_object_get(e, "run");
        plan->n++;
        if (run && !json_is_null(run)) {
            size_t rpos = pos;
            int rl = line_of(c.text, "run", NULL, &rpos);
            if (rl) c.line = rl;
            c.run_pos = rl ? rpos : pos;
            s->has_run = 1;
            if (parse_run(&c, s, run) < 0) goto fail;
        }
    }
    fl_buf_free(&text);
    return 0;
fail:
    fl_buf_free(&text);
    fl_exec_plan_free(plan);
    return -1;
}

static void free_scenario(fl_scenario *s) {
    free(s->id);
    free(s->name);
    for (int i = 0; s->start && i < s->nodes; i++) free(s->start[i]);
    free(s->start);
    free(s->health);
    free(s->leader);
    free(s->log);
    free(s->client_cmd);
    free(s->model);
    for (int i = 0; i < s->nmix; i++) free(s->mix[i].f);
    free(s->mix);
    for (int i = 0; i < s->nnemesis; i++) {
        free(s->nemesis[i].kind_name);
        free(s->nemesis[i].target);
        free(s->nemesis[i].mode);
    }
    free(s->nemesis);
    for (int i = 0; i < s->nevidence; i++) {
        free(s->evidence[i].kind);
        free(s->evidence[i].node);
        free(s->evidence[i].pattern);
        free(s->evidence[i].command);
    }
    free(s->evidence);
    free(s->checker_name);
    free(s->checker_model);
}

void fl_exec_plan_free(fl_plan *plan) {
    for (int i = 0; i < plan->n; i++) free_scenario(&plan->scenarios[i]);
    /* a scenario that failed mid-parse is past n */
    if (plan->scenarios) free_scenario(&plan->scenarios[plan->n]);
    free(plan->scenarios);
    free(plan->path);
    free(plan->slug);
    json_decref(plan->root);
    memset(plan, 0, sizeof *plan);
}

int fl_exec_validate_plan(const char *plan_path, fl_error *err) {
    fl_plan p;
    if (fl_exec_plan_load(plan_path, &p, err) < 0) return -1;
    fl_exec_plan_free(&p);
    return 0;
}
