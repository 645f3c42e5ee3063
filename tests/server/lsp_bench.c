/*
 * lsp_bench.c — the language server benchmark driver (run by bench/lsp/run, never by ctest).
 *
 *   lsp_bench latency FILE.go [EDITS]   didChange → publishDiagnostics latency: opens FILE
 *                                       (its folder is the workspace), then makes EDITS
 *                                       (default 200) one-character edits, alternately typing
 *                                       and deleting inside a comment, each waited for; prints
 *                                       p50, p99 and max in ms.
 *   lsp_bench startup DIR              time from initialize to the end of the workspace
 *                                       index's work-done progress, and the server's resident
 *                                       memory (VmRSS and peak VmHWM) afterwards.
 * Uses the JSON-RPC test client (lsp_client.c) against $FAULTLINE.
 */
#include "lsp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    if (fread(t, 1, (size_t)n, f) != (size_t)n) exit(2);
    t[n] = '\0';
    fclose(f);
    return t;
}

static long proc_kb(pid_t pid, const char *key) {
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0) v = strtol(line + strlen(key) + 1, NULL, 10);
    fclose(f);
    return v;
}

static int latency(const char *file, int edits) {
    char *text = slurp(file);
    char *abs = realpath(file, NULL);
    char *dir = strdup(abs);
    *strrchr(dir, '/') = '\0';
    char *uri = lc_file_uri(abs), *root = lc_file_uri(dir);
    /* The edit point: the end of the first line that starts with "//". */
    int line = -1, col = 0, l = 0, lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    for (const char *p = text; *p; l++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= 2 && p[0] == '/' && p[1] == '/' && line < 0) {
            line = l;
            col = (int)n;
        }
        if (!e) break;
        p = e + 1;
    }
    lc_client *c = lc_start(NULL);
    lc_initialize(c, root, NULL, NULL);
    size_t mark = lc_mark(c);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "go",
                        "version", 0, "text", text));
    json_t *pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, 60000);
    if (!pub) {
        fprintf(stderr, "no diagnostics for %s\n", file);
        return 1;
    }
    size_t ndiag = json_array_size(json_object_get(json_object_get(pub, "params"), "diagnostics"));
    /* Let the workspace index finish before measuring. */
    usleep(500000);
    double *ms = calloc((size_t)edits, sizeof *ms);
    for (int i = 0; i < edits; i++) {
        int version = i + 1;
        json_t *change;
        if (i % 2 == 0)
            change =
                json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", line,
                          "character", col, "end", "line", line, "character", col, "text", "x");
        else
            change =
                json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", line,
                          "character", col, "end", "line", line, "character", col + 1, "text", "");
        mark = lc_mark(c);
        double t0 = now_ms();
        lc_notify(c, "textDocument/didChange",
                  json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", version,
                            "contentChanges", change));
        for (;;) {
            pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, 60000);
            if (!pub) {
                fprintf(stderr, "no publish after edit %d\n", i);
                return 1;
            }
            json_t *v = json_object_get(json_object_get(pub, "params"), "version");
            if (json_integer_value(v) == version) break;
            size_t k;
            json_t *m;
            json_array_foreach(c->seen, k, m) if (m == pub) mark = k + 1;
        }
        /* Arrival of the publish's last byte: the client's own JSON parsing is not the
         * server's latency. */
        ms[i] = c->last_frame_ms - t0;
    }
    qsort(ms, (size_t)edits, sizeof *ms, cmp_d);
    /* The re-queried answer: an edit followed by faultline/status, which waits for the
     * document's re-analysis (tree-sitter reparse + this file's queries + workspace facts). */
    int nfresh = 20;
    double fresh[20];
    for (int i = 0; i < nfresh; i++) {
        int version = edits + 1 + i;
        json_t *change = json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start",
                                   "line", line, "character", col, "end", "line", line, "character",
                                   col + (i % 2), "text", i % 2 ? "" : "y");
        double t0 = now_ms();
        lc_notify(c, "textDocument/didChange",
                  json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", version,
                            "contentChanges", change));
        int id = lc_request(c, "faultline/status", NULL);
        if (!lc_response(c, id, 60000)) return 1;
        fresh[i] = now_ms() - t0;
    }
    qsort(fresh, (size_t)nfresh, sizeof *fresh, cmp_d);
    long rss = proc_kb(c->pid, "VmRSS:");
    int p99 = (int)((edits * 99 + 99) / 100) - 1;
    if (line < 0) line = 0;
    printf("file: %s (%d lines, edited at line %d, %zu diagnostics)\n", file, lines, line + 1,
           ndiag);
    printf("didChange -> publishDiagnostics over %d edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           edits, ms[edits / 2], ms[p99 < 0 ? 0 : p99], ms[edits - 1]);
    printf("didChange -> re-analysed (faultline/status) over %d edits: p50 %.2f ms, max %.2f "
           "ms\n",
           nfresh, fresh[nfresh / 2], fresh[nfresh - 1]);
    printf("server resident memory: %.1f MB\n", rss / 1024.0);
    int rc = lc_stop(c);
    free(ms);
    free(text);
    free(abs);
    free(dir);
    free(uri);
    free(root);
    return rc;
}

static int startup(const char *dir) {
    char *abs = realpath(dir, NULL);
    if (!abs) {
        perror(dir);
        return 2;
    }
    char *root = lc_file_uri(abs);
    double t0 = now_ms();
    lc_client *c = lc_start(NULL);
    lc_initialize(c, root, json_pack("{s:{s:b}}", "window", "workDoneProgress", 1), NULL);
    json_t *end = NULL;
    size_t mark = 0;
    while (!end) {
        json_t *p = lc_wait_method(c, "$/progress", NULL, mark, 120000);
        if (!p) {
            fprintf(stderr, "no end of the index progress\n");
            return 1;
        }
        json_t *v = json_object_get(json_object_get(p, "params"), "value");
        if (strcmp(json_string_value(json_object_get(v, "kind")), "end") == 0) end = v;
        size_t k;
        json_t *m;
        json_array_foreach(c->seen, k, m) if (m == p) mark = k + 1;
    }
    double t = now_ms() - t0;
    int id = lc_request(c, "faultline/sites", NULL);
    json_t *r = lc_response(c, id, 120000);
    size_t nsites = json_array_size(json_object_get(json_object_get(r, "result"), "sites"));
    long rss = proc_kb(c->pid, "VmRSS:"), hwm = proc_kb(c->pid, "VmHWM:");
    printf("workspace: %s\n", abs);
    printf("index: %s; initialize -> progress end %.0f ms; %zu sites\n",
           json_string_value(json_object_get(end, "message")), t, nsites);
    printf("server resident memory: %.1f MB now, %.1f MB peak\n", rss / 1024.0, hwm / 1024.0);
    int rc = lc_stop(c);
    free(abs);
    free(root);
    return rc;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "latency") == 0)
        return latency(argv[2], argc > 3 ? atoi(argv[3]) : 200);
    if (argc == 3 && strcmp(argv[1], "startup") == 0) return startup(argv[2]);
    fprintf(stderr, "usage: lsp_bench latency FILE.go [EDITS] | lsp_bench startup DIR\n");
    return 2;
}
