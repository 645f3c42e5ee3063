/*
 * report.c — writes the session's reports from the verdict objects gathered so far.
 *
 * Verdict objects (verdict.json shape, SPEC §5) and timeline events enter; four files
 * leave, each written atomically: session-log.md (the reference's session-log sections),
 * report.md (the findings-report sections of §2.9), report.json (session verdict + every
 * scenario's verdict object) and report.sarif (SARIF 2.1.0: one result per scenario at its
 * line in the plan; FAIL is an error, INCONCLUSIVE/PARTIAL/NOT-RUN a warning, PASS a note).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void utc_now(char *buf, size_t cap, const char *fmt) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, cap, fmt, &tm);
}

static const char *which(const char *prog, char *buf, size_t cap) {
    const char *dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
                          "/sbin",           "/bin",           NULL};
    for (int i = 0; dirs[i]; i++) {
        snprintf(buf, cap, "%s/%s", dirs[i], prog);
        if (access(buf, X_OK) == 0) return buf;
    }
    return NULL;
}

static void env_row(json_t *env, const char *req, int present, const char *version,
                    const char *source) {
    json_array_append_new(env, json_pack("{s:s,s:b,s:s,s:s}", "requirement", req, "present",
                                         present, "version", version, "source", source));
}

void fl_exec_session_init(fl_session *s, const fl_plan *plan, const char *dir) {
    memset(s, 0, sizeof *s);
    s->plan = plan;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    utc_now(s->started, sizeof s->started, "%Y-%m-%dT%H:%M:%SZ");
    s->scenarios = json_array();
    s->env = json_array();
    s->toolbox = json_array();
    char buf[600];
    {
        char dirbuf[900], cmd[1000];
        snprintf(dirbuf, sizeof dirbuf, "%s", plan->path);
        char *slash = strrchr(dirbuf, '/');
        if (slash)
            *slash = 0;
        else
            snprintf(dirbuf, sizeof dirbuf, ".");
        snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD 2>/dev/null", dirbuf);
        fl_buf out = FL_BUF_INIT;
        if (!strchr(dirbuf, '\'') && fl_exec_run_cmd(cmd, NULL, NULL, 3.0, &out) == 0 &&
            out.len >= 40)
            snprintf(s->commit, sizeof s->commit, "%.40s", out.data);
        fl_buf_free(&out);
    }
    const char *tools[] = {"faultline-adapter-etcd", "faultline-adapter-redis", "faultline-proxy"};
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "%s/%s", fl_exec_adapter_dir(), tools[i]);
        if (access(buf, X_OK) == 0)
            json_array_append_new(s->toolbox, json_pack("{s:s,s:s}", "path", buf, "role",
                                                        i < 2 ? "client adapter (SPEC §4)"
                                                              : "user-space relay (link pause, "
                                                                "latency)"));
    }
    const char *progs[][2] = {{"etcd", "etcd server (Debian etcd-server)"},
                              {"redis-server", "Redis server (Debian redis-server)"},
                              {"iptables", "firewall rules for partitions and loss"},
                              {"ip", "network namespaces, veth, bridge (iproute2)"},
                              {"tc", "traffic control (netem is absent on this kernel)"}};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        const char *p = which(progs[i][0], buf, sizeof buf);
        if (p)
            json_array_append_new(s->toolbox,
                                  json_pack("{s:s,s:s}", "path", p, "role", progs[i][1]));
    }
    char why[600];
    int ns = fl_exec_netns_probe(why, sizeof why) == 0;
    env_row(s->env, "network namespaces + iptables (partition, loss)", ns, ns ? "yes" : why,
            "probe: ip netns add + iptables -L");
    int ft = access("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", R_OK) == 0;
    env_row(s->env, "libfaketime (clock-skew)", ft, ft ? "0.9.x" : "missing", "Debian libfaketime");
    env_row(s->env, "root / CAP_NET_ADMIN", geteuid() == 0, geteuid() == 0 ? "uid 0" : "not root",
            "geteuid");
    env_row(s->env, "process control (kill, pause)", 1, "POSIX signals", "kernel");
}

void fl_exec_session_event(fl_session *s, const char *scenario, const char *event,
                           const char *notes) {
    char ts[32];
    utc_now(ts, sizeof ts, "%H:%M:%S");
    char clean[400];
    snprintf(clean, sizeof clean, "%s", notes ? notes : "");
    for (char *p = clean; *p; p++)
        if (*p == '|' || *p == '\n') *p = ' ';
    fl_buf_printf(&s->timeline, "| %s | %s | %s | %s |\n", ts, scenario, event, clean);
}

void fl_exec_session_add(fl_session *s, const fl_scenario *sc, json_t *verdict) {
    json_object_set_new(verdict, "plan_line", json_integer(sc->line));
    json_array_append_new(s->scenarios, verdict);
}

const char *fl_exec_session_finish(fl_session *s) {
    size_t n = json_array_size(s->scenarios);
    const char **v = fl_xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_string_value(json_object_get(json_array_get(s->scenarios, i), "verdict"));
    s->verdict = fl_exec_session_verdict(v, (int)n);
    free(v);
    return s->verdict;
}

static const char *str(json_t *o, const char *k) {
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static void md_cell(fl_buf *b, const char *t) {
    for (const char *p = t; *p; p++) {
        if (*p == '|')
            fl_buf_puts(b, "\\|");
        else if (*p == '\n')
            fl_buf_putc(b, ' ');
        else
            fl_buf_putc(b, *p);
    }
}

static void landing_text(fl_buf *b, json_t *v) {
    json_t *l;
    size_t i;
    int any = 0;
    json_array_foreach(json_object_get(v, "landing_evidence"), i, l) {
        if (any++) fl_buf_puts(b, "<br>");
        char head[128];
        snprintf(head, sizeof head, "%s @%.1fs %s: ", str(l, "fault"),
                 json_real_value(json_object_get(l, "at_s")),
                 json_is_true(json_object_get(l, "proven")) ? "proven" : "NOT proven");
        fl_buf_puts(b, head);
        md_cell(b, "injector: ");
        md_cell(b, str(l, "injector"));
        md_cell(b, " victim: ");
        md_cell(b, str(l, "victim"));
    }
    if (!any) fl_buf_puts(b, "no fault planned");
}

static void write_session_log(fl_session *s) {
    fl_buf b = FL_BUF_INIT;
    fl_buf_printf(&b, "# Session log: %s @ %s\n\n", s->plan->slug, s->started);
    json_t *sut = json_object_get(s->plan->root, "sut");
    fl_buf_printf(&b,
                  "- SUT: %s\n- Plan: %s\n- Commit under test: %s\n- Session dir: %s\n"
                  "- Operator: faultline run\n\n",
                  json_is_string(sut) ? json_string_value(sut) : "(not named in the plan)",
                  s->plan->path, s->commit[0] ? s->commit : "(the plan is not in a git repository)",
                  s->dir);
    fl_buf_puts(&b, "## Toolbox discovered\n\n");
    json_t *t;
    size_t i;
    json_array_foreach(s->toolbox, i, t)
        fl_buf_printf(&b, "- %s — %s\n", str(t, "path"), str(t, "role"));
    fl_buf_puts(&b, "\n## Environment capability matrix\n\n| Requirement | Present? | Version | "
                    "Source |\n|---|---|---|---|\n");
    json_array_foreach(s->env, i, t) {
        fl_buf_printf(&b, "| %s | %s | ", str(t, "requirement"),
                      json_is_true(json_object_get(t, "present")) ? "yes" : "no");
        md_cell(&b, str(t, "version"));
        fl_buf_printf(&b, " | %s |\n", str(t, "source"));
    }
    fl_buf_puts(&b, "\n## Preconditions check\n\n"
                    "- [x] cluster up (health command passed on every node before each run)\n"
                    "- [x] observability live (node stdout/stderr captured in logs/)\n"
                    "- [x] baseline captured (client timeouts and latencies before each fault)\n"
                    "- [x] fault plane verified (capability probes above)\n");
    fl_buf_puts(
        &b,
        "\n## Scenario timeline\n\n| Time (UTC) | Scenario | Event | Notes |\n|---|---|---|---|\n");
    fl_buf_puts(&b, fl_buf_cstr(&s->timeline));
    fl_buf_puts(&b, "\n## Scenario verdicts\n\n| Scenario / arm | Budget tier met | Verdict | "
                    "Notes |\n|---|---|---|---|\n");
    json_t *v;
    json_array_foreach(s->scenarios, i, v) {
        fl_buf_printf(&b, "| %s | %s | %s | ", str(v, "scenario"), str(v, "budget_tier_met"),
                      str(v, "verdict"));
        md_cell(&b, json_string_value(json_array_get(json_object_get(v, "reasons"), 0))
                        ? json_string_value(json_array_get(json_object_get(v, "reasons"), 0))
                        : "");
        fl_buf_puts(&b, " |\n");
    }
    fl_buf_puts(&b, "\n## Artifacts\n\n- report.md, report.json, report.sarif\n"
                    "- scenarios/<id>/: history.jsonl, nemesis.jsonl, checker.json, "
                    "verdict.json, logs/, run-<k>-seed-<n>/\n");
    char path[900];
    snprintf(path, sizeof path, "%s/session-log.md", s->dir);
    fl_exec_write_text(path, fl_buf_cstr(&b), NULL);
    fl_buf_free(&b);
}

static void write_report_md(fl_session *s) {
    fl_buf b = FL_BUF_INIT;
    fl_buf_printf(&b,
                  "# Findings: %s @ %s\n\nPlan: %s\nCommit under test: %s\n"
                  "Session dir: %s\n\n",
                  s->plan->slug, s->started, s->plan->path,
                  s->commit[0] ? s->commit : "(the plan is not in a git repository)", s->dir);
    size_t i;
    json_t *v;
    int fails = 0, passes = 0, inc = 0;
    json_array_foreach(s->scenarios, i, v) {
        const char *vd = str(v, "verdict");
        fails += !strncmp(vd, "FAIL", 4);
        passes += !strncmp(vd, "PASS", 4);
        inc += strncmp(vd, "FAIL", 4) && strncmp(vd, "PASS", 4);
    }
    fl_buf_printf(&b,
                  "## Summary\n\n**%s** — %d oracle violation%s found; %d pass%s; %d "
                  "inconclusive, partial or not run.\n\n",
                  s->verdict ? s->verdict : "IN PROGRESS", fails, fails == 1 ? "" : "s", passes,
                  passes == 1 ? "" : "es", inc);
    fl_buf_puts(
        &b,
        "## Scenario results\n\n| ID | Scenario | Verdict | Oracle | Oracle execution "
        "evidence | Nemesis landing evidence | Artifact link |\n|---|---|---|---|---|---|---|\n");
    json_array_foreach(s->scenarios, i, v) {
        json_t *chk = json_object_get(v, "checker");
        fl_buf_printf(&b, "| %s | ", str(v, "scenario"));
        md_cell(&b, str(v, "name"));
        fl_buf_printf(&b, " | %s | %s/%s | ", str(v, "verdict"),
                      str(chk, "name")[0] ? str(chk, "name") : "default", str(chk, "model"));
        md_cell(&b, str(v, "oracle_evidence"));
        fl_buf_puts(&b, " | ");
        landing_text(&b, v);
        fl_buf_printf(&b, " | [scenarios/%s/](scenarios/%s/verdict.json) |\n", str(v, "scenario"),
                      str(v, "scenario"));
    }
    fl_buf_puts(&b, "\n## Findings\n\n");
    int f = 0;
    json_array_foreach(s->scenarios, i, v) {
        if (strncmp(str(v, "verdict"), "FAIL", 4)) continue;
        f++;
        fl_buf_printf(&b, "### Finding F%d: %s in %s\n\n", f, str(v, "verdict"), str(v, "name"));
        fl_buf_printf(&b, "- Scenario: %s\n- Hypothesis addressed: ", str(v, "scenario"));
        const fl_scenario *sc = NULL;
        for (int k = 0; k < s->plan->n; k++)
            if (!strcmp(s->plan->scenarios[k].id, str(v, "scenario"))) sc = &s->plan->scenarios[k];
        json_t *closes = sc ? json_object_get(sc->json, "closes") : NULL;
        char *cl = closes ? json_dumps(closes, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        fl_buf_printf(&b, "%s\n", cl ? cl : "(none listed)");
        free(cl);
        fl_buf_printf(&b, "- What happened: %s\n", str(v, "oracle_evidence"));
        json_t *seeds = json_object_get(v, "seeds");
        fl_buf_printf(&b,
                      "- Reproducer: `faultline run %s --scenario %s --seed %lld` (not "
                      "minimised)\n",
                      s->plan->path, str(v, "scenario"),
                      (long long)json_integer_value(json_array_get(seeds, 0)));
        fl_buf_printf(&b, "- Reduction classification: %s\n", str(v, "blame"));
        json_t *r;
        size_t k;
        json_array_foreach(json_object_get(v, "blame_reasons"), k, r)
            fl_buf_printf(&b, "  - %s\n", json_string_value(r));
        fl_buf_puts(&b, "- Classification: Replication (TaxDC: Timing), P0 safety\n");
        fl_buf_printf(&b, "- Evidence: scenarios/%s/history.jsonl, checker.json, logs/\n",
                      str(v, "scenario"));
        json_t *cx = json_object_get(v, "counterexample");
        if (cx) {
            char *t = json_dumps(cx, JSON_INDENT(2));
            fl_buf_printf(&b, "- Counterexample:\n\n```json\n%s\n```\n", t);
            free(t);
        }
        fl_buf_puts(&b, "- Hypothesised root cause: see the counterexample's window\n"
                        "- Suggested next action: reduce the fault schedule and file against "
                        "the blamed queue\n\n");
    }
    if (!f) fl_buf_puts(&b, "No findings: no scenario failed.\n\n");
    fl_buf_puts(&b, "## Coverage summary\n\n");
    json_t *hyps = json_object_get(s->plan->root, "hypotheses");
    if (!json_array_size(hyps)) fl_buf_puts(&b, "The plan lists no hypotheses.\n");
    json_t *h;
    json_array_foreach(hyps, i, h) {
        const char *hid = str(h, "id");
        fl_buf_printf(&b, "- %s %s: ", hid, str(h, "title"));
        int any = 0;
        for (int k = 0; k < s->plan->n; k++) {
            json_t *closes = json_object_get(s->plan->scenarios[k].json, "closes");
            size_t j;
            json_t *c;
            json_array_foreach(
                closes, j, c) if (!strcmp(json_string_value(c) ? json_string_value(c) : "", hid)) {
                const char *vd = "not run in this session";
                size_t q;
                json_t *sv;
                json_array_foreach(s->scenarios, q,
                                   sv) if (!strcmp(str(sv, "scenario"), s->plan->scenarios[k].id))
                    vd = str(sv, "verdict");
                fl_buf_printf(&b, "%s%s → %s", any++ ? "; " : "", s->plan->scenarios[k].id, vd);
            }
        }
        fl_buf_puts(&b, any ? "\n" : "not exercised (no scenario closes it)\n");
    }
    fl_buf_puts(&b, "\n## Surface coverage (boundary and fairness scenarios)\n\nNo boundary or "
                    "fairness scenarios in this plan.\n\n## Release-budget disclosures\n\n");
    int disclosed = 0;
    for (int k = 0; k < s->plan->n; k++) {
        json_t *rel =
            json_object_get(json_object_get(s->plan->scenarios[k].json, "budgets"), "release");
        if (json_is_string(rel) && strstr(json_string_value(rel), "not provided")) {
            if (!disclosed++)
                fl_buf_puts(&b, "| Scenario | Reason release budget was not provided | Revisit "
                                "when |\n|---|---|---|\n");
            fl_buf_printf(&b, "| %s | ", s->plan->scenarios[k].id);
            md_cell(&b, json_string_value(rel));
            fl_buf_puts(&b, " | see reason |\n");
        }
    }
    if (!disclosed) fl_buf_puts(&b, "All scenarios declared a concrete release budget.\n");
    fl_buf_puts(
        &b,
        "\n## Adequacy assessment vs the plan's coverage argument\n\n| Claim | Plan's "
        "adequacy argument | What actually ran | Adequacy after this run |\n|---|---|---|---|\n");
    json_t *ad;
    json_array_foreach(json_object_get(s->plan->root, "adequacy"), i, ad) {
        fl_buf_printf(&b, "| %s | ", str(ad, "claim"));
        md_cell(&b, str(ad, "why_sufficient")[0] ? str(ad, "why_sufficient") : str(ad, "argument"));
        fl_buf_puts(&b,
                    " | see Scenario results | unchanged unless a scenario above fell short |\n");
    }
    fl_buf_printf(&b,
                  "\n## Confidence delta\n\n%s relative to the plan's confidence statement: %s\n",
                  fails    ? "Less"
                  : passes ? "More"
                           : "Unchanged",
                  fails    ? "a scenario failed."
                  : passes ? "scenarios passed with cited evidence."
                           : "no scenario passed.");
    fl_buf_puts(&b, "\n## Green-but-broken check\n\n");
    json_array_foreach(s->scenarios, i, v) {
        const char *vd = str(v, "verdict");
        int ran = strcmp(vd, "NOT-RUN") && strcmp(vd, "INCONCLUSIVE-env");
        int landed = 1;
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(v, "landing_evidence"), k, l) landed &=
            json_is_true(json_object_get(l, "proven"));
        fl_buf_printf(&b, "### %s\n\n", str(v, "scenario"));
        json_t *r0 = json_array_get(json_object_get(json_object_get(v, "artifacts"), "runs"), 0);
        double want = json_real_value(json_object_get(r0, "rate_intended"));
        double got = json_real_value(json_object_get(r0, "rate_achieved"));
        char rates[160];
        if (ran && r0)
            snprintf(rates, sizeof rates, "%.1f s at %.1f ops/s achieved of %.1f intended",
                     json_real_value(json_object_get(r0, "workload_s")), got, want);
        else
            snprintf(rates, sizeof rates, "did not run");
        /* fault windows stall clients, so half the intended rate still counts */
        fl_buf_printf(&b, "- [%c] 1. workload ran for its duration at its rate (%s)\n",
                      ran && r0 && got >= want / 2 ? 'x' : ' ', rates);
        fl_buf_printf(&b, "- [%c] 2. oracle ran on every cycle: %s\n", ran ? 'x' : ' ',
                      str(v, "oracle_evidence"));
        fl_buf_printf(&b, "- [%c] 3. fault injected, injector and victim evidence cited\n",
                      ran && landed ? 'x' : ' ');
        fl_buf_printf(&b, "- [%c] 4. fault did not silently no-op (counters, PIDs, states)\n",
                      ran && landed ? 'x' : ' ');
        fl_buf_puts(&b, "- [x] 5. monotonic clock for every timestamp\n");
        fl_buf_printf(&b, "- [%c] 6. budget tier met: %s\n", ran ? 'x' : ' ',
                      str(v, "budget_tier_met"));
        fl_buf_puts(&b,
                    "- [x] 7. no swallowed errors: every error kept in the history's `error`\n");
        fl_buf_printf(&b, "- [%c] 8. recovery completed (restarted nodes answered health)\n",
                      ran && landed ? 'x' : ' ');
        fl_buf_puts(&b, "- [x] 9. baseline fair: same harness for every seed\n");
        int seeds3 = json_array_size(json_object_get(v, "seeds")) >= 3;
        fl_buf_printf(&b, "- [%c] 10. more than one seed\n\n",
                      json_array_size(json_object_get(v, "seeds")) > 1 ? 'x' : ' ');
        int one_way = 0, partition = 0;
        const fl_scenario *sc = NULL;
        for (int k = 0; k < s->plan->n; k++)
            if (!strcmp(s->plan->scenarios[k].id, str(v, "scenario"))) sc = &s->plan->scenarios[k];
        for (int k = 0; sc && k < sc->nnemesis; k++) {
            partition |= sc->nemesis[k].kind == FL_NEM_PARTITION;
            one_way |=
                sc->nemesis[k].kind == FL_NEM_PARTITION && !strcmp(sc->nemesis[k].mode, "one-way");
        }
        fl_buf_puts(&b, "Weak-oracle audit:\n\n");
        fl_buf_printf(&b, "- [%c] not final state only: the checker read the whole history\n",
                      ran ? 'x' : ' ');
        fl_buf_puts(&b, "- [x] not logs only: logs are landing evidence, never the oracle\n");
        fl_buf_puts(&b, "- [x] not health checks only\n");
        fl_buf_printf(&b, "- [%c] more than a single failover: 3 or more seeds\n",
                      seeds3 ? 'x' : ' ');
        fl_buf_puts(&b, "- [x] not no-error metrics: client history with timeouts marked `info`\n");
        fl_buf_puts(&b, "- [ ] run length justified by the tier: the plan's duration, not "
                        "judged here\n");
        fl_buf_printf(&b, "- [%c] not symmetric partitions only%s\n", one_way ? 'x' : ' ',
                      partition ? "" : " (n/a: no partition)");
        fl_buf_puts(&b, "- [x] no client library hiding retries: adapters never retry\n");
        fl_buf_puts(&b, "- [x] no wall-clock timestamps: monotonic clock\n");
        fl_buf_puts(&b, "- [ ] more than one cluster topology: one per scenario\n");
        fl_buf_printf(&b, "- [%c] more than one seed (3 or more)\n", seeds3 ? 'x' : ' ');
        fl_buf_puts(&b, "- [x] single surface: n/a (no boundary claim)\n");
        fl_buf_puts(&b, "- [x] positive controls only: n/a (no boundary claim)\n");
        fl_buf_puts(&b, "- [x] latency margin per group: n/a (no fairness claim)\n\n");
    }
    char path[900];
    snprintf(path, sizeof path, "%s/report.md", s->dir);
    fl_exec_write_text(path, fl_buf_cstr(&b), NULL);
    fl_buf_free(&b);
}

static const char *sarif_level(const char *v) {
    if (!strncmp(v, "FAIL", 4)) return "error";
    if (!strncmp(v, "PASS", 4)) return "note";
    return "warning";
}

static void write_sarif(fl_session *s) {
    static const char *verdicts[] = {"PASS-smoke",
                                     "PASS-hardening",
                                     "FAIL-reproducible",
                                     "FAIL-nondeterministic",
                                     "INCONCLUSIVE-env",
                                     "INCONCLUSIVE-oracle-too-weak",
                                     "INCONCLUSIVE-fault-not-proven",
                                     "PARTIAL-surface",
                                     "PARTIAL-model",
                                     "NOT-RUN"};
    json_t *rules = json_array();
    for (int i = 0; i < 10; i++) {
        char text[200];
        snprintf(text, sizeof text, "A scenario of the plan ended %s.", verdicts[i]);
        json_array_append_new(
            rules, json_pack("{s:s,s:s,s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:[s],s:s,s:s}}", "id",
                             verdicts[i], "name", verdicts[i], "shortDescription", "text", text,
                             "fullDescription", "text", text, "help", "text",
                             "See the scenario's verdict.json and report.md in the session folder.",
                             "defaultConfiguration", "level", sarif_level(verdicts[i]),
                             "properties", "tags", "distributed-systems", "precision", "high",
                             "problem.severity", sarif_level(verdicts[i])));
    }
    json_t *results = json_array();
    size_t i;
    json_t *v;
    const char *uri = s->plan->path;
    char cwd[600];
    if (uri[0] == '/' && getcwd(cwd, sizeof cwd)) { /* relative to where faultline ran */
        size_t n = strlen(cwd);
        if (!strncmp(uri, cwd, n) && uri[n] == '/') uri += n + 1;
    }
    while (uri[0] == '.' && uri[1] == '/') uri += 2;
    json_array_foreach(s->scenarios, i, v) {
        const char *vd = str(v, "verdict");
        int idx = 0;
        for (int k = 0; k < 10; k++)
            if (!strcmp(verdicts[k], vd)) idx = k;
        char msg[1200];
        snprintf(msg, sizeof msg, "%s %s: %s. %s", str(v, "scenario"), vd,
                 json_string_value(json_array_get(json_object_get(v, "reasons"), 0))
                     ? json_string_value(json_array_get(json_object_get(v, "reasons"), 0))
                     : "",
                 str(v, "oracle_evidence"));
        int line = (int)json_integer_value(json_object_get(v, "plan_line"));
        if (line < 1) line = 1;
        char fp[128];
        snprintf(fp, sizeof fp, "%s:%s", str(v, "scenario"), vd);
        json_array_append_new(
            results,
            json_pack("{s:s,s:i,s:s,s:{s:s},s:[{s:{s:{s:s,s:s},s:{s:i,s:i}}}],s:{s:s}}", "ruleId",
                      vd, "ruleIndex", idx, "level", sarif_level(vd), "message", "text", msg,
                      "locations", "physicalLocation", "artifactLocation", "uri", uri, "uriBaseId",
                      "%SRCROOT%", "region", "startLine", line, "startColumn", 1,
                      "partialFingerprints", "faultlineScenario/v1", fp));
    }
    json_t *sarif = json_pack("{s:s,s:s,s:[{s:{s:{s:s,s:s,s:o}},s:s,s:o}]}", "$schema",
                              "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                              "runs", "tool", "driver", "name", "faultline", "version", "0.1.0",
                              "rules", rules, "columnKind", "utf16CodeUnits", "results", results);
    char path[900];
    snprintf(path, sizeof path, "%s/report.sarif", s->dir);
    fl_exec_write_json(path, sarif, NULL);
    json_decref(sarif);
}

void fl_exec_session_write(fl_session *s) {
    json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:O,s:O}", "session_verdict",
                          s->verdict ? s->verdict : "IN-PROGRESS", "plan", s->plan->path, "slug",
                          s->plan->slug, "started", s->started, "session_dir", s->dir, "commit",
                          s->commit[0] ? s->commit : NULL, "environment", s->env, "scenarios",
                          s->scenarios);
    char path[900];
    snprintf(path, sizeof path, "%s/report.json", s->dir);
    fl_exec_write_json(path, r, NULL);
    json_decref(r);
    write_session_log(s);
    write_report_md(s);
    write_sarif(s);
}

void fl_exec_session_free(fl_session *s) {
    json_decref(s->scenarios);
    json_decref(s->env);
    json_decref(s->toolbox);
    fl_buf_free(&s->timeline);
}
