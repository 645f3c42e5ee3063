/*
 * plan_scenario.c — scenarios from hypotheses. Hypotheses of the same pitfall, fault, model
 * and checker on the same detected stack form one scenario (one claim-shaped name, one
 * workload, one fault schedule, one checker); boundary and fairness hypotheses get a §7.M.S
 * surface decomposition with one arm per surface. Each scenario carries every field of the
 * reference's §7 and §7.M, three budget tiers, a target test file with an AUTO-GENERATED
 * skeleton and, when the stack is one faultline's executor has an adapter for (etcd's v3
 * JSON gateway, Redis's RESP) and the model is one that adapter serves, a SPEC §4 run
 * block; otherwise the scenario is NOT-RUN until someone completes its skeleton.
 * Input: the plan's hypotheses and claims; output: p->scen, and each hypothesis's
 * scenarios.
 */
#include "plan_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-template prose ------------------------------------------------------------------ */

typedef struct stpl {
    int pitfall;
    const char *fault, *model, *checker;
    const char *name;     /* claim-shaped */
    const char *workload; /* what the clients do */
    const char *oracle;   /* the property, machine-checkable */
} stpl;

static const stpl templates[] = {
    {5, "partition", "ledger", "exactly-once", "retried_write_takes_effect_once_under_partition",
     "concurrent writes, each carrying a business idempotency key in its value, sent through "
     "the SUT's retrying write path so that lost acks cause retries",
     "exactly-once: at most one committed effect per idempotency key (the key travels in the "
     "input; never the op id)"},
    {1, "partition", "cas-register", "linearizable",
     "retried_ops_stay_linearizable_under_partition",
     "concurrent read / write / cas on a few keys, the writes sent through the SUT's retry path",
     "linearizable: every key's history (ok, fail and info ops) has a linearization; a retry "
     "that applies twice or over a newer write has none"},
    {5, "latency", "register", "linearizable", "timed_out_ops_stay_unknown_under_latency",
     "concurrent reads and writes with a client timeout shorter than the injected delay",
     "linearizable: timed-out ops are info (may have happened); a write reported failed that "
     "later shows up in a read is a violation"},
    {14, "pause", "lease", "lease", "lease_holders_never_overlap_under_pause",
     "clients contend for one lock / lease: acquire, act with the fencing token, release",
     "lease: no two holders overlap in real time and fencing tokens only increase"},
    {2, "partition", "register", "linearizable", "reads_never_stale_under_leader_partition",
     "concurrent reads and writes on a few keys while the leader is cut off",
     "linearizable: no read returns a value older than the latest completed write"},
    {12, "clock-skew", "lease", "lease", "lease_safety_holds_under_clock_skew",
     "clients contend for one lease while one node's wall clock jumps",
     "lease: no two holders overlap in real time and fencing tokens only increase"},
    {7, "kill", "set", "set", "acknowledged_writes_survive_kill",
     "clients add unique elements; a final read after recovery",
     "set: every element whose add was acknowledged is in the final read (no lost, duplicated "
     "or unexpected elements)"},
    {3, "partition", "kv", "linearizable", "replicas_agree_after_partition",
     "concurrent read / write / cas on several keys across a partition and its heal",
     "linearizable per key: every key's history has a linearization; diverged replicas show "
     "as reads no linearization explains"},
    {15, "restart", "ledger", "exactly-once", "idempotency_key_dedups_after_restart",
     "requests replayed with the same idempotency key before and after the node restarts",
     "exactly-once: at most one committed effect per idempotency key, across the restart"},
};

static const stpl *find_template(const fl_phyp *h) {
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
        const stpl *t = &templates[i];
        if (t->pitfall == h->pitfall && strcmp(t->fault, h->fault) == 0 &&
            strcmp(t->model, h->model) == 0 && strcmp(t->checker, h->checker) == 0)
            return t;
    }
    return NULL;
}

const char *fl__model_ref(const char *m) {
    if (!strcmp(m, "register") || !strcmp(m, "cas-register")) return "register";
    if (!strcmp(m, "kv")) return "map";
    if (!strcmp(m, "lease")) return "lease";
    if (!strcmp(m, "lock")) return "lock";
    if (!strcmp(m, "ledger")) return "ledger";
    if (!strcmp(m, "counter")) return "counter";
    if (!strcmp(m, "queue")) return "queue";
    if (!strcmp(m, "set")) return "other(set)";
    if (!strcmp(m, "list-append") || !strcmp(m, "rw-register")) return "map";
    return "other(unknown)";
}

int fl__category_serious(fl_claim_category c) {
    return c == FL_CLAIM_SAFETY || c == FL_CLAIM_DURABILITY || c == FL_CLAIM_IDEMPOTENCY ||
           c == FL_CLAIM_ISOLATION || c == FL_CLAIM_ORDERING || c == FL_CLAIM_MEMBERSHIP;
}

static const char *stack_name(unsigned s) {
    return s == FL_STACK_ETCD    ? "etcd"
           : s == FL_STACK_REDIS ? "redis"
           : s == FL_STACK_SQL   ? "sql"
                                 : "";
}

/* Landing evidence by fault, for prose (§7.M) — injector side and victim side. */
static const char *landing_text(const char *fault, const char *stack) {
    int etcd = !strcmp(stack, "etcd");
    if (!strcmp(fault, "partition"))
        return etcd ? "injector: the partition rules' DROP packet counters rise above 0; victim: "
                      "the cut node fails its health check and a peer logs `became leader at "
                      "term` or `lost leader`; client timeouts rise during the window"
                    : "injector: the partition rules' DROP packet counters rise above 0; victim: "
                      "client timeouts rise during the window and the cut node's peers log the "
                      "lost connection (name that log line, §9)";
    if (!strcmp(fault, "kill"))
        return etcd ? "injector: the victim's PID is gone and a new PID serves after restart; "
                      "victim: a peer logs `became leader at term` when the leader was killed"
                    : "injector: the victim's PID is gone and a new PID serves after restart; "
                      "victim: the restarted node logs its recovery (e.g. Redis `Ready to "
                      "accept connections`)";
    if (!strcmp(fault, "pause"))
        return "injector: the victim's process state is `T` (SIGSTOP) for the window; victim: "
               "client timeouts rise and, for a paused leader, a peer logs a leader change";
    if (!strcmp(fault, "restart"))
        return "injector: the victim's PID changes; victim: it serves again (health check) "
               "and its peers log it rejoining";
    if (!strcmp(fault, "latency"))
        return "injector: tc/netem shows the delay qdisc on the victim's interface with a rising "
               "packet count; victim: op latencies in the history rise past the client "
               "timeout (info ops appear in the window)";
    if (!strcmp(fault, "clock-skew"))
        return "injector: the victim's clock (libfaketime / date) reads the skewed time; victim: "
               "a peer logs clock drift (etcd: `prober found high clock drift`) or the "
               "SUT's lease decisions change in its log";
    return "injector and victim signals for this fault must be named (§9)";
}

static const char *ambiguous_default =
    "timeouts and unknown commits are info ops (invoke set, completion null, timeout_marker "
    "true): they may take effect at any time after the invoke, or never; a process that got "
    "info is never reused; a retry is a separate op with the same input and a new op id; two "
    "outputs for one op id are a recorder bug";

/* ---- run blocks -------------------------------------------------------------------------- */

static const char *etcd_start =
    "etcd --name {name} --data-dir {dir} --listen-client-urls http://{host}:{port} "
    "--advertise-client-urls http://{host}:{port} --listen-peer-urls http://{host}:{peer_port} "
    "--initial-advertise-peer-urls http://{host}:{peer_port} --initial-cluster {peers} "
    "--initial-cluster-state new --initial-cluster-token faultline-{port:1} "
    "--heartbeat-interval 100 --election-timeout 1000 --logger zap --log-outputs stderr";

static const char *redis_start =
    "redis-server --port {port} --bind {host} --dir {dir} --protected-mode no --save '' "
    "--appendonly yes --appendfsync always";

/* The model the adapter runs for a hypothesis model, or NULL when it cannot. */
static const char *run_model(unsigned stack, const char *model) {
    if (stack == FL_STACK_ETCD) {
        if (!strcmp(model, "register") || !strcmp(model, "cas-register") || !strcmp(model, "kv"))
            return model;
        return NULL;
    }
    if (stack == FL_STACK_REDIS) {
        if (!strcmp(model, "register") || !strcmp(model, "cas-register") || !strcmp(model, "kv") ||
            !strcmp(model, "set") || !strcmp(model, "counter"))
            return model;
        return NULL;
    }
    return NULL;
}

static json_t *mix_for(const char *model) {
    if (!strcmp(model, "register")) return json_pack("{s:f, s:f}", "read", 0.5, "write", 0.5);
    if (!strcmp(model, "set")) return json_pack("{s:f, s:f}", "add", 0.9, "read", 0.1);
    if (!strcmp(model, "counter")) return json_pack("{s:f, s:f}", "add", 0.8, "read", 0.2);
    return json_pack("{s:f, s:f, s:f}", "read", 0.5, "write", 0.3, "cas", 0.2);
}

static const char *checker_for(const char *model) {
    if (!strcmp(model, "set")) return "set";
    if (!strcmp(model, "counter")) return "counter";
    return "linearizable";
}

/* Fills s->run for etcd or Redis; returns 0 when the stack cannot run this scenario. */
static int make_run(fl_pscenario *s, unsigned stack, const char *fault, const char *model,
                    int base_port) {
    const char *rm = run_model(stack, model);
    if (!rm) return 0;
    /* libfaketime cannot move a Go program's clock (etcd), and a clock jump of Redis is not
     * what the hypotheses are about: no run block for clock skew */
    if (!strcmp(fault, "clock-skew")) return 0;
    json_t *cluster, *nem, *ev, *client;
    const char *kind = fault;
    /* the executor injects latency only through a faultline-proxy in front of a node; a
     * short pause of the node gives the clients the same timeouts with unknown outcomes */
    if (!strcmp(fault, "latency")) kind = "pause";
    if (stack == FL_STACK_ETCD) {
        cluster = json_pack("{s:i, s:i, s:i, s:s, s:s, s:s, s:i}", "nodes", 3, "base_port",
                            base_port, "port_stride", 10, "start", etcd_start, "health",
                            "faultline-adapter-etcd --health {host}:{port}", "leader",
                            "faultline-adapter-etcd --leader", "ready_timeout_s", 30);
        client = json_pack("{s:s, s:i, s:i}", "command", "faultline-adapter-etcd", "concurrency", 5,
                           "op_timeout_ms", 1000);
        const char *target = "leader", *node = "others",
                   *pattern = "became leader at term|lost leader";
        if (!strcmp(kind, "pause")) {
            node = "any";
            pattern = "became leader at term|became follower at term|lost leader";
        } else if (!strcmp(fault, "kill")) {
            pattern = "became leader at term";
        } else if (!strcmp(fault, "restart")) {
            target = "random";
            node = "any";
            pattern = "peer became active|became leader at term|lost TCP streaming connection";
        }
        nem = json_pack("[{s:s, s:s, s:i, s:i}]", "kind", kind, "target", target, "at_s", 5,
                        "duration_s", 5);
        ev = json_pack("[{s:s, s:s, s:s, s:i, s:i}]", "kind", "log", "node", node, "pattern",
                       pattern, "within_s", 5, "fault", 0);
    } else {
        /* one Redis server: partition and latency between the client and a single server
         * are expressed as a pause of that server (the client sees the same silence) */
        if (!strcmp(fault, "partition")) kind = "pause";
        cluster =
            json_pack("{s:i, s:i, s:i, s:s, s:s, s:i}", "nodes", 1, "base_port", base_port,
                      "port_stride", 10, "start", redis_start, "health",
                      "faultline-adapter-redis --health {host}:{port}", "ready_timeout_s", 20);
        client = json_pack("{s:s, s:i, s:i}", "command", "faultline-adapter-redis", "concurrency",
                           5, "op_timeout_ms", 1000);
        nem = json_pack("[{s:s, s:s, s:i, s:i}]", "kind", kind, "target", "node-1", "at_s", 5,
                        "duration_s", 5);
        if (!strcmp(kind, "kill") || !strcmp(kind, "restart"))
            ev = json_pack("[{s:s, s:s, s:s, s:i, s:i}]", "kind", "log", "node", "target",
                           "pattern", "Ready to accept connections", "within_s", 10, "fault", 0);
        else /* a pause is proven by the executor itself: state T plus client timeouts */
            ev = json_array();
    }
    json_t *workload = json_pack("{s:s, s:i, s:o, s:i, s:i, s:i}", "model", rm, "keys",
                                 strcmp(rm, "set") == 0 ? 1 : 3, "mix", mix_for(rm), "rate", 50,
                                 "duration_s", 20, "seed", 1);
    s->run = json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s}, s:i}", "cluster", cluster, "client",
                       client, "workload", workload, "nemesis", nem, "evidence", ev, "checker",
                       "name", checker_for(rm), "model", rm, "seeds", 3);
    if (strcmp(rm, s->model) != 0) {
        free(s->model);
        s->model = fl_xstrdup(rm);
    }
    free(s->checker);
    s->checker = fl_xstrdup(checker_for(rm));
    return 1;
}

/* ---- skeletons --------------------------------------------------------------------------- */

static const char *lang_of(const char *path) {
    const fl_language *l = fl_grammar_for_path(path);
    return l ? l->name : "";
}

static char *camel(const char *name) {
    fl_buf b = FL_BUF_INIT;
    int up = 1;
    for (const char *p = name; *p; p++) {
        if (*p == '_') {
            up = 1;
            continue;
        }
        fl_buf_putc(&b, up ? (char)toupper((unsigned char)*p) : *p);
        up = 0;
    }
    return fl_buf_take(&b);
}

static const char *dir_of(const char *path, char *buf, size_t n) {
    const char *s = strrchr(path, '/');
    if (!s) return "";
    snprintf(buf, n, "%.*s", (int)(s - path), path);
    return buf;
}

static void comment_lines(fl_buf *b, const char *lead, const char *label, const char *text) {
    fl_buf_printf(b, "%s%s: ", lead, label);
    /* wrap at ~90 columns, no trailing blanks */
    size_t col = strlen(lead) + strlen(label) + 2;
    const char *p = text;
    int first = 1;
    while (*p) {
        while (*p == ' ') p++;
        size_t w = strcspn(p, " ");
        if (!w) break;
        if (!first && col + 1 + w > 92) {
            fl_buf_printf(b, "\n%s    ", lead);
            col = strlen(lead) + 4;
        } else if (!first) {
            fl_buf_putc(b, ' ');
            col++;
        }
        fl_buf_append(b, p, w);
        col += w;
        p += w;
        first = 0;
    }
    fl_buf_putc(b, '\n');
}

static void skeleton(fl_plan *p, fl_pscenario *s, const char *first_path) {
    const char *lang = lang_of(first_path);
    char dbuf[1024];
    const char *dir = dir_of(first_path, dbuf, sizeof dbuf);
    char *cn = camel(s->name);
    fl_buf b = FL_BUF_INIT;
    const char *lead = "// ";
    if (!strcmp(lang, "go")) {
        s->skeleton_language = fl_xstrdup("go");
        s->target_test_file =
            fl__strdupf("%s%sauto_%s_%s_test.go", dir, dir[0] ? "/" : "", s->id, s->name);
        for (char *q = s->target_test_file; *q; q++) *q = (char)tolower((unsigned char)*q);
    } else if (!strcmp(lang, "python")) {
        s->skeleton_language = fl_xstrdup("python");
        s->target_test_file = fl__strdupf("tests/auto/test_%s.py", s->name);
        lead = "# ";
    } else if (!strcmp(lang, "rust")) {
        s->skeleton_language = fl_xstrdup("rust");
        s->target_test_file = fl__strdupf("tests/auto/%s_%s.rs", s->id, s->name);
    } else if (!strcmp(lang, "javascript") || !strcmp(lang, "typescript") || !strcmp(lang, "tsx")) {
        s->skeleton_language = fl_xstrdup("typescript");
        s->target_test_file = fl__strdupf("tests/auto/%s.test.ts", s->name);
    } else {
        s->skeleton_language = fl_xstrdup("shell");
        s->target_test_file = fl__strdupf("tests/auto/%s_%s.sh", s->id, s->name);
        lead = "# ";
    }
    if (!strcmp(s->skeleton_language, "shell")) fl_buf_puts(&b, "#!/usr/bin/env bash\n");
    fl_buf_printf(&b,
                  "%sAUTO-GENERATED by faultline plan. REVIEW BEFORE TREATING AS A PERMANENT "
                  "REGRESSION.\n",
                  lead);
    fl_buf_printf(&b, "%sPlan: docs/testing-plans/%s.md\n", lead, p->slug);
    fl_buf_printf(&b, "%sScenario: %s %s\n", lead, s->id, s->name);
    char *f = fl__strv_join(&s->falsifies, ", ", "none");
    char *c = fl__strv_join(&s->closes, ", ", "none");
    fl_buf_printf(&b, "%sFalsifies: %s; closes: %s\n", lead, f, c);
    free(f);
    free(c);
    fl_buf_printf(&b, "%sGenerated from: %s\n", lead, p->change_label);
    const char *todo_lead = lead;
    if (!strcmp(s->skeleton_language, "go")) {
        const char *pkg = strrchr(dir, '/');
        pkg = pkg ? pkg + 1 : dir[0] ? dir : "main";
        fl_buf_printf(&b, "package %s\n\nimport \"testing\"\n\nfunc Test%s(t *testing.T) {\n", pkg,
                      cn);
        fl_buf_puts(&b, "\tt.Skip(\"NOT-RUN: faultline skeleton; complete the three TODOs\")\n");
        todo_lead = "\t// ";
    } else if (!strcmp(s->skeleton_language, "python")) {
        fl_buf_printf(&b,
                      "import pytest\n\n\n@pytest.mark.skip(reason=\"NOT-RUN: faultline "
                      "skeleton; complete the three TODOs\")\ndef test_%s():\n",
                      s->name);
        todo_lead = "    # ";
    } else if (!strcmp(s->skeleton_language, "rust")) {
        fl_buf_printf(&b,
                      "#[test]\n#[ignore = \"NOT-RUN: faultline skeleton; complete the three "
                      "TODOs\"]\nfn %s() {\n",
                      s->name);
        todo_lead = "    // ";
    } else if (!strcmp(s->skeleton_language, "typescript")) {
        fl_buf_printf(&b,
                      "import { test } from \"node:test\";\n\ntest.skip(\"%s\", async () => "
                      "{\n",
                      s->name);
        todo_lead = "  // ";
    } else {
        fl_buf_puts(&b, "set -euo pipefail\n");
    }
    comment_lines(&b, todo_lead, "TODO 1. Workload", s->workload);
    comment_lines(&b, todo_lead, "TODO 2. Faults", s->faults);
    comment_lines(&b, todo_lead, "TODO 3. Oracle", s->oracle);
    if (!strcmp(s->skeleton_language, "go") || !strcmp(s->skeleton_language, "rust"))
        fl_buf_puts(&b, "}\n");
    else if (!strcmp(s->skeleton_language, "typescript"))
        fl_buf_puts(&b, "});\n");
    else if (!strcmp(s->skeleton_language, "shell"))
        fl_buf_puts(&b, "echo \"NOT-RUN: faultline skeleton; complete the three TODOs\" >&2\nexit "
                        "77\n");
    s->skeleton = fl_buf_take(&b);
    free(cn);
}

/* ---- building ---------------------------------------------------------------------------- */

typedef struct group {
    char *key;
    const fl_phyp *first;
    unsigned stack;
    int surface; /* 1 boundary, 2 fairness */
    fl_strv hyps;
} group;

static int cmp_group(const void *a, const void *b) {
    return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static void fill_common(fl_plan *p, fl_pscenario *s, const group *g) {
    /* falsifies: every claim the closed hypotheses cite, documented or inferred */
    for (size_t i = 0; i < p->hyp_count; i++) {
        fl_phyp *h = &p->hyps[i];
        if (!fl__strv_has(&g->hyps, h->id)) continue;
        fl__strv_add(&s->closes, h->id);
        fl__strv_add(&h->scenarios, s->id);
        for (size_t k = 0; k < h->claims.n; k++) fl__strv_add(&s->falsifies, h->claims.v[k]);
        for (size_t k = 0; k < h->missing.n; k++)
            for (size_t c = 0; c < p->claim_count; c++)
                if (!strcmp(p->claims[c].mid, h->missing.v[k]))
                    fl__strv_add(&s->falsifies, p->claims[c].id);
    }
    fl__strv_sort(&s->falsifies);
    fl__strv_sort(&s->closes);
    for (size_t i = 0; i < s->falsifies.n; i++) {
        const fl_pclaim *c = fl__plan_claim(p, s->falsifies.v[i]);
        if (!c) continue;
        if (fl__category_serious(c->c.category)) s->serious = 1;
        if (c->c.category == FL_CLAIM_BOUNDARY || c->c.category == FL_CLAIM_FAIRNESS)
            s->surfaced = 1;
    }
    if (s->surfaced) s->serious = 1; /* every §7.M.S arm gets its own §7.M */
}

static void fill_site_scenario(fl_plan *p, fl_pscenario *s, const group *g, int base_port) {
    const fl_phyp *h = g->first;
    const stpl *t = find_template(h);
    const char *stack = stack_name(g->stack);
    if (t)
        s->name = stack[0] ? fl__strdupf("%s_on_%s", t->name, stack) : fl_xstrdup(t->name);
    else
        s->name = fl__strdupf("%s_%s_holds_under_%s%s%s", h->model, h->checker, h->fault,
                              stack[0] ? "_on_" : "", stack);
    for (char *q = s->name; *q; q++)
        if (*q == '-') *q = '_';
    s->model = fl_xstrdup(h->model);
    s->checker = fl_xstrdup(h->checker);
    s->stack = fl_xstrdup(stack);
    int runnable = g->stack && make_run(s, g->stack, h->fault, h->model, base_port);
    s->model_ref = fl_xstrdup(fl__model_ref(s->model));
    const char *fault = h->fault;
    if (runnable) {
        json_t *w = json_object_get(s->run, "workload");
        json_t *n = json_array_get(json_object_get(s->run, "nemesis"), 0);
        json_t *cl = json_object_get(s->run, "cluster");
        s->technique = fl_xstrdup("fault injection with a history checker (Jepsen-style)");
        s->workload = fl__strdupf(
            "%s. Run block: %lld %s node(s), %lld clients through faultline-adapter-%s, "
            "model %s over %lld key(s), %lld ops/s for %lld s, seed %lld",
            t ? t->workload : "concurrent operations of the model",
            json_integer_value(json_object_get(cl, "nodes")), stack, (long long)5, stack, s->model,
            json_integer_value(json_object_get(w, "keys")),
            json_integer_value(json_object_get(w, "rate")),
            json_integer_value(json_object_get(w, "duration_s")),
            json_integer_value(json_object_get(w, "seed")));
        s->faults = fl__strdupf("%s of the %s at 5 s for 5 s, then heal and quiesce before the "
                                "checker%s",
                                json_string_value(json_object_get(n, "kind")),
                                json_string_value(json_object_get(n, "target")),
                                strcmp(json_string_value(json_object_get(n, "kind")), fault)
                                    ? " (the executor's nearest fault: a pause leaves "
                                      "clients with the same timeouts and unknown outcomes)"
                                    : "");
        s->status = fl_xstrdup("runnable");
        s->status_reason = fl__strdupf(
            "the run block drives %s itself through faultline's adapter with the model the "
            "hypotheses name; it tests the guarantee the SUT relies on, not the SUT's own code "
            "path — the skeleton covers that",
            stack);
    } else {
        s->technique = fl_xstrdup(!strcmp(fault, "kill") || !strcmp(fault, "restart")
                                      ? "crash-recovery testing with a history checker"
                                      : "fault injection with a history checker (Jepsen-style)");
        s->workload = fl_xstrdup(t ? t->workload : "concurrent operations of the model");
        s->faults = fl__strdupf("%s of the node or dependency serving the sites' calls, 5 s "
                                "into the workload for 5 s, then heal and quiesce",
                                fault);
        s->status = fl_xstrdup("NOT-RUN");
        if (g->stack == FL_STACK_SQL)
            s->status_reason = fl_xstrdup("faultline has no SQL adapter yet: complete the "
                                          "skeleton (or write an adapter, SPEC §4)");
        else if (g->stack && !strcmp(fault, "clock-skew"))
            s->status_reason = fl__strdupf("faultline cannot skew %s's clock the way the "
                                           "hypotheses need (libfaketime does not reach a Go "
                                           "program's clock): complete the skeleton",
                                           stack);
        else if (g->stack)
            s->status_reason = fl__strdupf("faultline-adapter-%s does not serve the %s model: "
                                           "complete the skeleton",
                                           stack, h->model);
        else
            s->status_reason = fl_xstrdup("no client library faultline has an adapter for "
                                          "(etcd, Redis) was found: complete the skeleton");
    }
    s->oracle =
        fl__strdupf("%s (checker `%s`, model `%s`)",
                    t ? t->oracle : "the model's checker finds no anomaly", s->checker, s->model);
    s->observability = fl_xstrdup(
        "client op history (SPEC §3 event JSONL: process, type, f, key, value, time, node, "
        "error) with fault windows from the nemesis log; every node's stdout/stderr");
    s->checker_text =
        fl__strdupf("`%s` on model `%s` (checker picker: %s / %s)", s->checker, s->model,
                    s->model_ref, h->pitfall == 7 ? "durability" : "safety");
    static const char *fields[] = {
        "op_id",  "process_id", "invoke_ts",      "complete_ts", "op_type",     "key", "input",
        "output", "error",      "timeout_marker", "node_seen",   "fault_epoch", NULL};
    for (int i = 0; fields[i]; i++) fl__strv_push(&s->history_fields, fields[i]);
    s->history_recording =
        fl_xstrdup(runnable ? "in-process: the executor stamps invoke and completion on a "
                              "monotonic clock for every adapter request (missed timeouts become "
                              "info), plus the nodes' own logs as the server-side record"
                            : "in-process logger in the test (monotonic clock) plus a "
                              "server-side audit log if the SUT has one (ask, §9)");
    s->landing_evidence = fl_xstrdup(
        landing_text(runnable ? json_string_value(json_object_get(
                                    json_array_get(json_object_get(s->run, "nemesis"), 0), "kind"))
                              : fault,
                     stack));
    s->ambiguous_outcomes = fl_xstrdup(ambiguous_default);
    s->reduction_plan = fl__strdupf(
        "smallest cluster that still fails, shortest fault window, minimum op mix of the %s "
        "model, fixed seed; then classify the failure as SUT / harness / checker / environment",
        s->model);
    s->smoke = fl_xstrdup(runnable ? "the run block with its first seed only (3 nodes × 20 s × "
                                     "1 fault × 1 seed: `faultline run --seed 1`) → PASS-smoke at "
                                     "best"
                                   : "3 nodes × 20 s × 1 fault × 1 seed → PASS-smoke");
    s->hardening = fl_xstrdup(runnable ? "the run block as written: 3 seeds that must agree "
                                         "(3 nodes × 20 s × 1 fault × 3 seeds) → PASS-hardening; "
                                         "stronger: 5 nodes × 120 s × 3 faults × 3 seeds"
                                       : "5 nodes × 120 s × 3 faults × 3 seeds → PASS-hardening");
    s->release = fl_xstrdup("not provided — faultline does not know this project's release "
                            "cadence or CI time. Revisit when: a nightly job can run this "
                            "scenario for 30 min with 10 seeds.");
}

static void fill_surface_scenario(fl_plan *p, fl_pscenario *s, const group *g) {
    (void)p;
    int fair = g->surface == 2;
    s->name = fl_xstrdup(fair ? "per_group_latency_stays_fair_under_noisy_neighbour"
                              : "tenant_boundary_holds_on_every_surface");
    s->technique = fl_xstrdup(fair ? "performance testing with a per-group fairness checker"
                                   : "boundary testing with positive and negative controls");
    s->workload = fl_xstrdup(
        fair ? "an open-loop load per group (tenant), one group 10× heavier than the others"
             : "two tenants with confusable identifiers write, read, list, delete and export "
               "their own data");
    s->faults = fl_xstrdup(fair ? "the heavy group's load itself; then a partition of one node "
                                  "for 10 s"
                                : "a partition of one node for 10 s while background jobs run");
    s->oracle = fl_xstrdup(
        fair ? "worst_group_p99 / aggregate_p99 <= threshold; min_group_throughput >= threshold; "
               "error_rate_by_group == 0 (thresholds fixed before the run, §9)"
             : "negative controls: no read, list, export, metric or audit line of tenant B ever "
               "contains tenant A's keys or values; positive controls: each tenant reads its "
               "own writes");
    s->observability = fl_xstrdup(fair ? "per-group latency histograms (HdrHistogram), "
                                         "per-group throughput and error counts"
                                       : "client histories per tenant, exports, metrics "
                                         "endpoints and audit logs");
    s->model = fl_xstrdup(fair ? "other(per-group latency)" : "kv");
    s->model_ref = fl_xstrdup(fair ? "other(per-group latency)" : "map");
    s->checker = fl_xstrdup(fair ? "fairness formula" : "negative-control comparison");
    s->checker_text = fl_xstrdup(
        fair ? "no faultline checker: the §14 per-group formulas computed from per-group "
               "latency histories; the group dimension is the claim's tenant"
             : "no faultline checker: an assertion over each tenant's history that nothing of "
               "another tenant is ever observed (final-state invariant plus every read)");
    s->stack = fl_xstrdup("");
    static const char *fields[] = {
        "op_id",  "process_id", "invoke_ts",      "complete_ts", "op_type",     "key", "input",
        "output", "error",      "timeout_marker", "node_seen",   "fault_epoch", NULL};
    for (int i = 0; fields[i]; i++) fl__strv_push(&s->history_fields, fields[i]);
    fl__strv_push(&s->history_fields, "tenant");
    s->history_recording = fl_xstrdup("in-process logger per tenant plus the SUT's audit log");
    s->landing_evidence = fl_xstrdup(landing_text("partition", ""));
    s->ambiguous_outcomes = fl_xstrdup(ambiguous_default);
    s->reduction_plan = fl_xstrdup("one surface at a time, two tenants, the shortest identifier "
                                   "pair that leaks, fixed seed; then SUT / harness / checker / "
                                   "environment");
    static const char *surfaces[] = {"public API", "background jobs", "exports",
                                     "metrics",    "audit logs",      NULL};
    static const char *arms[] = {"api", "jobs", "export", "metrics", "audit", NULL};
    for (int i = 0; surfaces[i]; i++) {
        fl__strv_push(&s->surfaces, surfaces[i]);
        fl__strv_pushf(&s->arms, "%s/%s", s->id, arms[i]);
    }
    s->operations = fl_xstrdup("read, write, delete, list, admin-action, export, replay — per "
                               "surface");
    s->adversarial = fl_xstrdup(
        "the same name under two tenants; prefix collision (acme/ vs acme-corp/); case folding; "
        "embedded separators (a/b vs a%2Fb); trailing whitespace; a recycled id after deletion; "
        "Unicode normalisation collisions");
    s->positive = fl_xstrdup("each tenant reads, lists and exports its own data on every surface");
    s->negative = fl_xstrdup(
        fair ? "no group's p99 or error rate moves when another group's load rises"
             : "tenant B is denied tenant A's data on every surface, and no metric, log line or "
               "audit entry B can see mentions A's identifiers");
    s->delayed = fl_xstrdup("retries, background jobs, compaction, exports, replays");
    s->obs_paths = fl_xstrdup("metrics labels, traces, audit logs, error messages");
    s->smoke = fl_xstrdup("2 tenants × 3 surfaces × 60 s × 1 seed → PASS-smoke");
    s->hardening = fl_xstrdup("3 tenants × 5 surfaces × 300 s × 1 partition × 3 seeds → "
                              "PASS-hardening");
    s->release = fl_xstrdup("not provided — surfaces are candidates from the reference's "
                            "multi-tenant catalogue, not found in the code. Revisit when: the "
                            "surfaces are confirmed (§9).");
    s->status = fl_xstrdup("NOT-RUN");
    s->status_reason = fl_xstrdup("faultline cannot generate boundary or fairness tests: "
                                  "complete the skeleton per arm");
}

void fl__plan_scenarios(fl_plan *p, const fl_ptree *t) {
    (void)t;
    group *gs = NULL;
    size_t ng = 0;
    for (size_t i = 0; i < p->hyp_count; i++) {
        fl_phyp *h = &p->hyps[i];
        int surface = 0;
        if (h->from_claim) surface = !strcmp(h->checker, "fairness formula") ? 2 : 1;
        char *key = surface ? fl__strdupf("surface|%d", surface)
                            : fl__strdupf("%02d|%s|%s|%s|%s|%s", h->pitfall, h->fault, h->model,
                                          h->checker, stack_name(h->stack), h->lang ? h->lang : "");
        size_t k = 0;
        while (k < ng && strcmp(gs[k].key, key) != 0) k++;
        if (k == ng) {
            gs = fl_xrealloc(gs, (ng + 1) * sizeof *gs);
            memset(&gs[ng], 0, sizeof *gs);
            gs[ng].key = key;
            gs[ng].first = h;
            gs[ng].stack = h->stack;
            gs[ng].surface = surface;
            ng++;
        } else {
            free(key);
        }
        fl__strv_push(&gs[k].hyps, h->id);
    }
    if (ng > 1) qsort(gs, ng, sizeof *gs, cmp_group);
    fl_idalloc idsv, *ids = &idsv;
    fl__idalloc_init(ids, ng);
    p->scen = fl_xcalloc(ng ? ng : 1, sizeof *p->scen);
    p->scen_count = ng;
    const char **first_path = fl_xcalloc(ng ? ng : 1, sizeof *first_path);
    for (size_t k = 0; k < ng; k++) {
        fl_pscenario *s = &p->scen[k];
        fl__id_number(ids, fl__hash_str(gs[k].key, 0x5ce7), "S", s->id);
        /* the group's first hypothesis (in plan order) names the test's folder */
        const fl_phyp *first = gs[k].first;
        first_path[k] = "";
        for (size_t i = 0; i < p->site_count && first->sites.n; i++)
            if (!strcmp(p->sites[i].s.id, first->sites.v[0])) first_path[k] = p->sites[i].s.path;
        /* ports: one block of 100 per scenario number, inside 20000..59999 */
        int num = atoi(s->id + 1);
        int base_port = 20000 + (num % 400) * 100 + 79;
        if (gs[k].surface)
            fill_surface_scenario(p, s, &gs[k]);
        else
            fill_site_scenario(p, s, &gs[k], base_port);
        fill_common(p, s, &gs[k]);
    }
    /* names stay unique: the same template on two languages names the language */
    int *dup = fl_xcalloc(ng ? ng : 1, sizeof *dup);
    for (size_t a = 0; a < ng; a++)
        for (size_t b = 0; b < ng; b++)
            if (a != b && !strcmp(p->scen[a].name, p->scen[b].name)) dup[a] = 1;
    for (size_t a = 0; a < ng; a++) {
        if (!dup[a]) continue;
        const char *lang = gs[a].first->lang && gs[a].first->lang[0] ? gs[a].first->lang : "any";
        char *n = fl__strdupf("%s_%s", p->scen[a].name, lang);
        free(p->scen[a].name);
        p->scen[a].name = n;
    }
    for (size_t k = 0; k < ng; k++) skeleton(p, &p->scen[k], first_path[k]);
    free(dup);
    free(first_path);
    /* scenarios in id order */
    for (size_t a = 1; a < ng; a++)
        for (size_t b = a; b > 0 && atoi(p->scen[b - 1].id + 1) > atoi(p->scen[b].id + 1); b--) {
            fl_pscenario tmp = p->scen[b - 1];
            p->scen[b - 1] = p->scen[b];
            p->scen[b] = tmp;
        }
    for (size_t i = 0; i < p->hyp_count; i++) fl__strv_sort(&p->hyps[i].scenarios);
    for (size_t k = 0; k < ng; k++) {
        free(gs[k].key);
        fl__strv_free(&gs[k].hyps);
    }
    free(gs);
    fl__idalloc_fini(ids);
}
