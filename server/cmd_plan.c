/*
 * cmd_plan.c — `faultline plan`: a project-wide or change-scoped test plan
 * (analyzers/fl_analyzers.h, fl_plan_build), written atomically as
 * <repo>/docs/testing-plans/<slug>.md and .json, or one rendering to -o FILE or stdout; and
 * `faultline plan --check FILE`, which validates a hand-edited plan JSON and lists broken
 * references with their JSON paths. Exit 0, or 2 on bad input (bad folder or revision, a
 * plan with problems).
 */
#include "fl_analyzers.h"
#include "fl_server.h"

#include <stdlib.h>
#include <string.h>

const char fl_cmd_plan_usage[] =
    "usage: faultline plan [--repo DIR] [--base REV [--head REV]] [--slug S] [--date D]\n"
    "                      [--format md|json] [-o FILE] [--jobs N]\n"
    "       faultline plan --check FILE\n"
    "\n"
    "Writes a claim-driven test plan: project-wide by default, change-scoped with --base\n"
    "(the diff base..head, or base..work tree with untracked files when --head is absent;\n"
    "renames followed; hunks mapped to their functions; sites in changed functions and in\n"
    "their direct callers are in scope). Docs-only, tests-only and formatting-only changes\n"
    "exit early and say why. Without -o or --format, writes <repo>/docs/testing-plans/\n"
    "<slug>.md and <slug>.json; with --format and no -o, prints that rendering.\n"
    "The same repository state gives byte-identical files: the date is the head commit's\n"
    "(HEAD for the work tree), the slug '<folder>-project-wide' or\n"
    "'<folder>-<base7>-<head7|worktree>'; ids C/M/H/S come from stable hashes.\n"
    "\n"
    "  --repo DIR      the folder to plan (default '.'); must be inside a git work tree\n"
    "  --base REV      change-scoped: the base revision\n"
    "  --head REV      the head revision (default: the work tree)\n"
    "  --slug S        the plan's name (file names, title)\n"
    "  --date D        the Date: field (default: the head commit's date, UTC)\n"
    "  --format F      md or json\n"
    "  -o, --output F  write one rendering there ('-' = stdout; format from --format or .json)\n"
    "  --jobs N        analysis threads (default: all cores)\n"
    "  --check FILE    validate a plan JSON; problems are listed as 'FILE: $.path: what'\n";

int fl_cmd_plan(int argc, char **argv);

static int ends_with(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static void render(const fl_plan *p, int json, fl_buf *out) {
    if (json) {
        json_t *j = fl_plan_json(p);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fl_buf_puts(out, s);
        fl_buf_putc(out, '\n');
        free(s);
        json_decref(j);
    } else {
        fl_plan_markdown(p, out);
    }
}

static int check_file(const char *path) {
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) {
        fl_error err;
        fl_error_set(&err, path, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0,
                     "expected a plan JSON: %s", je.text);
        return fl_cli_fail(&err);
    }
    fl_plan_problem *probs = NULL;
    size_t n = fl_plan_check(j, &probs);
    json_decref(j);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s: %s: %s\n", path, probs[i].where, probs[i].what);
    fl_plan_problems_free(probs, n);
    if (n) {
        fprintf(stderr, "%s: %zu problem%s\n", path, n, n == 1 ? "" : "s");
        return FL_EXIT_USAGE;
    }
    printf("%s: ok\n", path);
    return FL_EXIT_OK;
}

int fl_cmd_plan(int argc, char **argv) {
    static const fl_opt opts[] = {
        {"repo", 0, 1},   {"base", 0, 1},     {"head", 0, 1},   {"slug", 0, 1},  {"date", 0, 1},
        {"format", 0, 1}, {"output", 'o', 1}, {"jobs", 'j', 1}, {"check", 0, 1}, {NULL, 0, 0},
    };
    fl_plan_options po;
    memset(&po, 0, sizeof po);
    const char *format = NULL, *output = NULL, *check = NULL;
    fl_args a;
    fl_args_init(&a, argc, argv);
    int k;
    while ((k = fl_args_next(&a, opts)) != FL_ARGS_END) {
        if (k == FL_ARGS_ERROR) return fl_cli_usage_error("plan", "%s", a.problem);
        if (k == FL_ARGS_POSITIONAL)
            return fl_cli_usage_error("plan", "unexpected argument '%s' (use --repo DIR)", a.value);
        const char *name = opts[k].name;
        if (!strcmp(name, "repo"))
            po.repo = a.value;
        else if (!strcmp(name, "base"))
            po.base = a.value;
        else if (!strcmp(name, "head"))
            po.head = a.value;
        else if (!strcmp(name, "slug"))
            po.slug = a.value;
        else if (!strcmp(name, "date"))
            po.date = a.value;
        else if (!strcmp(name, "output"))
            output = a.value;
        else if (!strcmp(name, "check"))
            check = a.value;
        else if (!strcmp(name, "format")) {
            if (strcmp(a.value, "md") && strcmp(a.value, "json"))
                return fl_cli_usage_error("plan", "--format expects md or json, not '%s'", a.value);
            format = a.value;
        } else if (!strcmp(name, "jobs")) {
            char *end;
            long n = strtol(a.value, &end, 10);
            if (*end || n < 1 || n > 64)
                return fl_cli_usage_error("plan", "--jobs expects a number from 1 to 64, not '%s'",
                                          a.value);
            po.threads = (int)n;
        }
    }
    if (check) return check_file(check);
    if (po.head && !po.base) return fl_cli_usage_error("plan", "--head needs --base");
    if (po.slug && (!po.slug[0] || strchr(po.slug, '/') || po.slug[0] == '.'))
        return fl_cli_usage_error("plan", "--slug expects a name without '/', not '%s'", po.slug);
    fl_error err;
    fl_error_clear(&err);
    fl_plan *p = NULL;
    if (fl_plan_build(&po, &p, &err) != 0) return fl_cli_fail(&err);
    int code = FL_EXIT_OK;
    fl_buf out = FL_BUF_INIT;
    if (output || format) {
        int json = format ? !strcmp(format, "json") : (output && ends_with(output, ".json"));
        render(p, json, &out);
        if (!output || !strcmp(output, "-"))
            fwrite(fl_buf_cstr(&out), 1, out.len, stdout);
        else if (fl_file_write_atomic(output, fl_buf_cstr(&out), out.len, &err) != 0)
            code = fl_cli_fail(&err);
    } else {
        for (int json = 0; json < 2 && code == FL_EXIT_OK; json++) {
            fl_buf_reset(&out);
            render(p, json, &out);
            fl_buf path = FL_BUF_INIT;
            fl_buf_printf(&path, "%sdocs/testing-plans/%s.%s", fl_plan_root(p), fl_plan_slug(p),
                          json ? "json" : "md");
            if (fl_file_write_atomic(fl_buf_cstr(&path), fl_buf_cstr(&out), out.len, &err) != 0)
                code = fl_cli_fail(&err);
            else
                printf("wrote %s\n", fl_buf_cstr(&path));
            fl_buf_free(&path);
        }
        if (code == FL_EXIT_OK && fl_plan_early_exit(p))
            printf("early exit: the change does not warrant a distributed test plan (see the "
                   "plan)\n");
    }
    fl_buf_free(&out);
    fl_plan_free(p);
    return code;
}
