/*
 * cmd_check.c — `faultline check --model M [--checker C] HISTORY...` (SPEC §2–3).
 *
 * Data in: flags and history files ("-" reads stdin). Each file is checked on its own with
 * fl_check_path / fl_check_buffer; results go to stdout as readable text, or one JSON object
 * per line with --json; --html FILE writes one timeline page covering every history.
 * Exit: 1 if any history has a violation, else 3 if any is unknown, else 0; 2 for bad usage
 * or bad input (errors name file and line, on stderr; the other files are still checked).
 */
#include "fl_checkers.h"
#include "fl_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char fl_cmd_check_usage[] =
    "usage: faultline check --model M [--checker C] [options] HISTORY...\n"
    "\n"
    "Checks histories (event JSONL or a JSON array of events, op-record JSONL, Jepsen EDN,\n"
    "jepsen.util log lines; detected from the content). HISTORY '-' reads stdin.\n"
    "\n"
    "options:\n"
    "  --model M         register, cas-register, kv, set, queue, lock, counter, ...\n"
    "  --checker C       linearizable, ... (default: the model's checker)\n"
    "  --format F        events, ops, edn, jepsen-log or knossos-html (default: detect)\n"
    "  --json            one SPEC result object per line, each with its \"file\"\n"
    "  --timeout S       give up after S seconds per history: the answer is unknown\n"
    "  --max-memory N    give up beyond N bytes of search memory (K, M, G suffixes)\n"
    "  --html FILE       write a self-contained timeline page of the results\n"
    "  --consistency C   elle only: serializable, strict-serializable, snapshot-isolation,\n"
    "                    repeatable-read, read-committed\n"
    "  --total N         ledger only: the expected total\n"
    "  --allow-negative  ledger only: negative balances are not a violation\n"
    "\n"
    "exit: 0 valid, 1 a violation, 3 unknown (budget hit), 2 bad input or usage\n";

static int parse_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0) return -1;
    double mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024.0, end++;
    else if (*end == 'm' || *end == 'M')
        mult = 1024.0 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        mult = 1024.0 * 1024 * 1024, end++;
    if (*end == 'b' || *end == 'B') end++;
    if (*end) return -1;
    *out = (size_t)(v * mult);
    return 0;
}

static int read_stdin(fl_buf *b) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) fl_buf_append(b, chunk, n);
    return ferror(stdin) ? -1 : 0;
}

int fl_cmd_check(int argc, char **argv) {
    static const fl_opt opts[] = {
        {"model", 'm', 1}, {"checker", 'c', 1},      {"format", 'f', 1}, {"json", 0, 0},
        {"timeout", 0, 1}, {"max-memory", 0, 1},     {"html", 0, 1},     {"consistency", 0, 1},
        {"total", 0, 1},   {"allow-negative", 0, 0}, {NULL, 0, 0},
    };
    fl_check_options o;
    fl_check_options_init(&o);
    int json_out = 0;
    const char *html = NULL;
    const char **files = fl_xcalloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    fl_args a;
    fl_args_init(&a, argc, argv);
    int k, rc = FL_EXIT_OK;
    while ((k = fl_args_next(&a, opts)) != FL_ARGS_END) {
        if (k == FL_ARGS_ERROR) {
            free(files);
            return fl_cli_usage_error("check", "%s", a.problem);
        }
        if (k == FL_ARGS_POSITIONAL) {
            files[nfiles++] = a.value;
            continue;
        }
        const char *name = opts[k].name, *v = a.value;
        char *end;
        if (strcmp(name, "model") == 0)
            o.model = v;
        else if (strcmp(name, "checker") == 0)
            o.checker = v;
        else if (strcmp(name, "format") == 0)
            o.format = v;
        else if (strcmp(name, "json") == 0)
            json_out = 1;
        else if (strcmp(name, "html") == 0)
            html = v;
        else if (strcmp(name, "consistency") == 0)
            o.consistency = v;
        else if (strcmp(name, "allow-negative") == 0)
            o.allow_negative = 1;
        else if (strcmp(name, "timeout") == 0) {
            o.timeout_s = strtod(v, &end);
            if (end == v || *end || o.timeout_s < 0) {
                free(files);
                return fl_cli_usage_error("check", "--timeout expects seconds, got '%s'", v);
            }
        } else if (strcmp(name, "max-memory") == 0) {
            if (parse_size(v, &o.max_memory_bytes) < 0) {
                free(files);
                return fl_cli_usage_error("check", "--max-memory expects bytes (K/M/G), got '%s'",
                                          v);
            }
        } else if (strcmp(name, "total") == 0) {
            o.total = strtoll(v, &end, 10);
            if (end == v || *end) {
                free(files);
                return fl_cli_usage_error("check", "--total expects an integer, got '%s'", v);
            }
        }
    }
    if (!o.model) {
        free(files);
        return fl_cli_usage_error("check", "--model is required");
    }
    char why[512];
    if (!fl_check_resolve(&o, why, sizeof why)) {
        free(files);
        return fl_cli_usage_error("check", "%s", why);
    }
    if (nfiles == 0) {
        free(files);
        return fl_cli_usage_error("check", "expected at least one history file");
    }
    o.want_details = html != NULL;

    int any_invalid = 0, any_unknown = 0, any_bad = 0;
    json_t *all = json_array();
    fl_buf text = FL_BUF_INIT;
    for (int i = 0; i < nfiles; i++) {
        fl_check_result res;
        fl_error err;
        fl_error_clear(&err);
        int r;
        if (strcmp(files[i], "-") == 0) {
            fl_buf in = FL_BUF_INIT;
            if (read_stdin(&in) < 0) {
                fl_error_set(&err, "<stdin>", 0, 0, "could not read standard input");
                r = -1;
            } else {
                r = fl_check_buffer("<stdin>", in.data ? in.data : "", in.len, &o, &res, &err);
            }
            fl_buf_free(&in);
        } else {
            r = fl_check_path(files[i], &o, &res, &err);
        }
        if (r < 0) {
            fl_cli_fail(&err);
            any_bad = 1;
            continue;
        }
        if (res.verdict == FL_CHECK_INVALID) any_invalid = 1;
        if (res.verdict == FL_CHECK_UNKNOWN) any_unknown = 1;
        if (json_out) {
            json_t *copy = json_deep_copy(res.json);
            json_object_del(copy, "details");
            char *s = json_dumps(copy, JSON_COMPACT | JSON_ENSURE_ASCII);
            fputs(s, stdout);
            fputc('\n', stdout);
            free(s);
            json_decref(copy);
        } else {
            fl_buf_reset(&text);
            fl_check_render_text(res.json, &text);
            fputs(fl_buf_cstr(&text), stdout);
        }
        fflush(stdout);
        json_array_append(all, res.json);
        fl_check_result_free(&res);
    }
    fl_buf_free(&text);
    if (html) {
        char *page = fl_check_render_html(all);
        fl_error err;
        fl_error_clear(&err);
        if (fl_file_write_atomic(html, page, strlen(page), &err) < 0) {
            fl_cli_fail(&err);
            any_bad = 1;
        }
        free(page);
    }
    json_decref(all);
    free(files);
    if (any_bad)
        rc = FL_EXIT_USAGE;
    else if (any_invalid)
        rc = FL_EXIT_FOUND;
    else if (any_unknown)
        rc = FL_EXIT_UNKNOWN;
    return rc;
}
