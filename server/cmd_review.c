/*
 * cmd_review.c — `faultline review --base REV`: the PR-bot output for a change
 * (analyzers/fl_analyzers.h, fl_review): a Markdown PR comment (what changed, the new and
 * affected hypotheses, which the latest session under test-sessions/ covers with a passing
 * scenario, the residual risk), or SARIF 2.1.0, or reviewdog's rdjson. Exit 0; with
 * `--fail-on uncovered` 1 when a hypothesis is not covered by a passing scenario, with
 * `--fail-on fail` 1 when a scenario closing one FAILed; 2 on bad input.
 */
#include "fl_analyzers.h"
#include "fl_server.h"

#include <stdlib.h>
#include <string.h>

const char fl_cmd_review_usage[] =
    "usage: faultline review --base REV [--head REV] [--repo DIR] [--format md|sarif|rdjson]\n"
    "                        [--fail-on uncovered|fail] [--sessions DIR] [-o FILE]\n"
    "\n"
    "The residual risk of a change for a PR bot: what changed, the hypotheses it adds or\n"
    "affects, which are covered by a passing scenario in the latest session under\n"
    "<repo>/test-sessions/ (matched by the hypotheses' stable ids), and what is left.\n"
    "\n"
    "  --base REV       the base revision (required)\n"
    "  --head REV       the head revision (default: the work tree)\n"
    "  --repo DIR       the folder to review (default '.')\n"
    "  --format F       md (a PR comment, default), sarif (2.1.0) or rdjson (reviewdog)\n"
    "  --fail-on WHAT   uncovered: exit 1 when a hypothesis has no passing scenario;\n"
    "                   fail: exit 1 when a scenario closing one FAILed\n"
    "  --sessions DIR   read sessions there instead of <repo>/test-sessions\n"
    "  -o, --output F   write there instead of stdout\n";

int fl_cmd_review(int argc, char **argv);

int fl_cmd_review(int argc, char **argv) {
    static const fl_opt opts[] = {
        {"base", 0, 1},     {"head", 0, 1},    {"repo", 0, 1},
        {"format", 0, 1},   {"fail-on", 0, 1}, {"sessions", 0, 1},
        {"output", 'o', 1}, {"jobs", 'j', 1},  {NULL, 0, 0},
    };
    fl_plan_options po;
    memset(&po, 0, sizeof po);
    fl_review_format format = FL_REVIEW_MD;
    const char *fail_on = NULL, *sessions = NULL, *output = NULL;
    fl_args a;
    fl_args_init(&a, argc, argv);
    int k;
    while ((k = fl_args_next(&a, opts)) != FL_ARGS_END) {
        if (k == FL_ARGS_ERROR) return fl_cli_usage_error("review", "%s", a.problem);
        if (k == FL_ARGS_POSITIONAL)
            return fl_cli_usage_error("review", "unexpected argument '%s' (use --repo DIR)",
                                      a.value);
        const char *name = opts[k].name;
        if (!strcmp(name, "base"))
            po.base = a.value;
        else if (!strcmp(name, "head"))
            po.head = a.value;
        else if (!strcmp(name, "repo"))
            po.repo = a.value;
        else if (!strcmp(name, "sessions"))
            sessions = a.value;
        else if (!strcmp(name, "output"))
            output = a.value;
        else if (!strcmp(name, "format")) {
            if (!strcmp(a.value, "md"))
                format = FL_REVIEW_MD;
            else if (!strcmp(a.value, "sarif"))
                format = FL_REVIEW_SARIF;
            else if (!strcmp(a.value, "rdjson"))
                format = FL_REVIEW_RDJSON;
            else
                return fl_cli_usage_error("review",
                                          "--format expects md, sarif or rdjson, not "
                                          "'%s'",
                                          a.value);
        } else if (!strcmp(name, "fail-on")) {
            if (strcmp(a.value, "uncovered") && strcmp(a.value, "fail"))
                return fl_cli_usage_error("review",
                                          "--fail-on expects uncovered or fail, not "
                                          "'%s'",
                                          a.value);
            fail_on = a.value;
        } else if (!strcmp(name, "jobs")) {
            char *end;
            long n = strtol(a.value, &end, 10);
            if (*end || n < 1 || n > 64)
                return fl_cli_usage_error("review", "--jobs expects a number from 1 to 64");
            po.threads = (int)n;
        }
    }
    if (!po.base) return fl_cli_usage_error("review", "--base REV is required");
    fl_error err;
    fl_error_clear(&err);
    fl_buf out = FL_BUF_INIT;
    fl_review_summary sum;
    if (fl_review(&po, sessions, format, &out, &sum, &err) != 0) {
        fl_buf_free(&out);
        return fl_cli_fail(&err);
    }
    int code = FL_EXIT_OK;
    if (output) {
        if (fl_file_write_atomic(output, fl_buf_cstr(&out), out.len, &err) != 0) code = fl_cli_fail(&err);
    } else {
        fwrite(fl_buf_cstr(&out), 1, out.len, stdout);
    }
    fl_buf_free(&out);
    if (code == FL_EXIT_OK && fail_on) {
        if (!strcmp(fail_on, "uncovered") && (sum.uncovered || sum.failed)) code = FL_EXIT_FOUND;
        if (!strcmp(fail_on, "fail") && sum.failed) code = FL_EXIT_FOUND;
    }
    return code;
}
