/*
 * cmd_scan.c — `faultline scan [PATH...] [--format text|json|sarif]`: sites, claims and
 * hypotheses for files or trees (analyzers/fl_analyzers.h), printed to stdout or written
 * atomically with -o. Exit 0, or 2 on bad input (a missing path, a broken user query file).
 */
#include "fl_analyzers.h"
#include "fl_server.h"

#include <stdlib.h>
#include <string.h>

const char fl_cmd_scan_usage[] =
    "usage: faultline scan [PATH...] [--format text|json|sarif] [-o FILE]\n"
    "                      [--root DIR] [--include-vendored] [--no-ignore] [--jobs N]\n"
    "                      [--parse-only]\n"
    "\n"
    "Finds the sites where a distributed system can break (retries, timeouts, leases and\n"
    "locks, commits and fsyncs, idempotency keys, wall-clock decisions), the claims its docs,\n"
    "doc comments, error types and test names make, and the hypotheses that link them.\n"
    "PATH defaults to '.'. Folders are walked honouring .gitignore; vendor/, node_modules/,\n"
    "third_party/ and generated files are skipped unless --include-vendored. Rules of your own\n"
    "go in <root>/.faultline/queries/<lang>/*.scm (tree-sitter queries whose capture names\n"
    "are rule ids, e.g. @retry.loop, @lease.acquire).\n"
    "\n"
    "  --format F          text (path:line:col: rule: message), json, or sarif (2.1.0)\n"
    "  -o, --output FILE   write there instead of stdout\n"
    "  --root DIR          paths in the output are relative to DIR (default: the git\n"
    "                      work tree holding PATH, else PATH)\n"
    "  --include-vendored  also read vendored and generated code\n"
    "  --no-ignore         do not honour .gitignore\n"
    "  --jobs N            worker threads (default: all cores)\n"
    "  --parse-only        only parse the files (prints counts; the benchmark's floor)\n";

int fl_cmd_scan(int argc, char **argv);

int fl_cmd_scan(int argc, char **argv) {
    static const fl_opt opts[] = {
        {"format", 0, 1},    {"output", 'o', 1}, {"root", 0, 1},       {"include-vendored", 0, 0},
        {"no-ignore", 0, 0}, {"jobs", 'j', 1},   {"parse-only", 0, 0}, {NULL, 0, 0},
    };
    fl_scan_options so;
    memset(&so, 0, sizeof so);
    fl_scan_format format = FL_SCAN_TEXT;
    const char *output = NULL;
    const char **paths = fl_xcalloc((size_t)argc + 1, sizeof *paths);
    size_t npaths = 0;
    fl_args a;
    fl_args_init(&a, argc, argv);
    int k;
    while ((k = fl_args_next(&a, opts)) != FL_ARGS_END) {
        if (k == FL_ARGS_ERROR) {
            free(paths);
            return fl_cli_usage_error("scan", "%s", a.problem);
        }
        if (k == FL_ARGS_POSITIONAL) {
            paths[npaths++] = a.value;
            continue;
        }
        const char *name = opts[k].name;
        if (strcmp(name, "format") == 0) {
            if (strcmp(a.value, "text") == 0)
                format = FL_SCAN_TEXT;
            else if (strcmp(a.value, "json") == 0)
                format = FL_SCAN_JSON;
            else if (strcmp(a.value, "sarif") == 0)
                format = FL_SCAN_SARIF;
            else {
                free(paths);
                return fl_cli_usage_error("scan", "--format expects text, json or sarif, not '%s'",
                                          a.value);
            }
        } else if (strcmp(name, "output") == 0) {
            output = a.value;
        } else if (strcmp(name, "root") == 0) {
            so.root = a.value;
        } else if (strcmp(name, "include-vendored") == 0) {
            so.include_vendored = 1;
        } else if (strcmp(name, "no-ignore") == 0) {
            so.no_ignore = 1;
        } else if (strcmp(name, "parse-only") == 0) {
            so.parse_only = 1;
        } else if (strcmp(name, "jobs") == 0) {
            char *end;
            long n = strtol(a.value, &end, 10);
            if (*end || n < 1 || n > 64) {
                free(paths);
                return fl_cli_usage_error("scan", "--jobs expects a number from 1 to 64, not '%s'",
                                          a.value);
            }
            so.threads = (int)n;
        }
    }
    fl_scan_result r;
    fl_error err;
    fl_error_clear(&err);
    int rc = fl_scan(paths, npaths, &so, &r, &err);
    free(paths);
    if (rc != 0) return fl_cli_fail(&err);
    fl_buf out = FL_BUF_INIT;
    if (so.parse_only)
        fl_buf_printf(&out, "parsed %zu files, %zu bytes\n", r.files, r.bytes);
    else
        fl_scan_write(&r, format, &out);
    fl_scan_result_free(&r);
    int code = FL_EXIT_OK;
    if (output) {
        if (fl_file_write_atomic(output, out.data ? out.data : "", out.len, &err) != 0)
            code = fl_cli_fail(&err);
    } else {
        fwrite(fl_buf_cstr(&out), 1, out.len, stdout);
    }
    fl_buf_free(&out);
    return code;
}
