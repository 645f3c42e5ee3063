/*
 * lsp_client.c — the JSON-RPC test client (see lsp_client.h). Spawns the real
 * `faultline serve`, frames messages itself, parses answers with jansson, and keeps every
 * message it received so tests can assert on order and content.
 */
#define _GNU_SOURCE
#include "lsp_client.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Live servers, killed by lc_kill_all (a failed assertion must not leave one behind). */
static pid_t live[64];

static void track(pid_t pid, bool add) {
    for (int i = 0; i < 64; i++) {
        if (add && live[i] == 0) {
            live[i] = pid;
            return;
        }
        if (!add && live[i] == pid) {
            live[i] = 0;
            return;
        }
    }
}

int lc_kill_all(void **state) {
    (void)state;
    for (int i = 0; i < 64; i++)
        if (live[i] > 0) {
            kill(live[i], SIGKILL);
            waitpid(live[i], NULL, 0);
            live[i] = 0;
        }
    return 0;
}

static void die(const char *what) {
    fprintf(stderr, "lsp_client: %s: %s\n", what, strerror(errno));
    abort();
}

lc_client *lc_start(const char *const *extra) {
    const char *bin = getenv("FAULTLINE");
    if (!bin) {
        fprintf(stderr, "lsp_client: FAULTLINE is not set\n");
        abort();
    }
    signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    if (pipe(in) || pipe(out)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        const char *argv[16] = {bin, "serve"};
        int n = 2;
        for (int i = 0; extra && extra[i] && n < 15; i++) argv[n++] = extra[i];
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    track(pid, true);
    lc_client *c = calloc(1, sizeof *c);
    c->pid = pid;
    c->to_server = in[1];
    c->from_server = out[0];
    c->seen = json_array();
    c->next_id = 100;
    return c;
}

void lc_write_raw(lc_client *c, const void *data, size_t n) {
    const char *p = data;
    while (n) {
        ssize_t w = write(c->to_server, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* the server is gone; the test will notice */
        p += w;
        n -= (size_t)w;
    }
}

void lc_send_text(lc_client *c, const char *body) {
    char hdr[64];
    int hn = snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", strlen(body));
    lc_write_raw(c, hdr, (size_t)hn);
    lc_write_raw(c, body, strlen(body));
}

void lc_send(lc_client *c, json_t *msg) {
    char *s = json_dumps(msg, JSON_COMPACT);
    lc_send_text(c, s);
    free(s);
    json_decref(msg);
}

int lc_request(lc_client *c, const char *method, json_t *params) {
    int id = ++c->next_id;
    json_t *m = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", id, "method", method);
    if (params) json_object_set_new(m, "params", params);
    lc_send(c, m);
    return id;
}

void lc_notify(lc_client *c, const char *method, json_t *params) {
    json_t *m = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
    if (params) json_object_set_new(m, "params", params);
    lc_send(c, m);
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Cuts one message out of the buffer; NULL when incomplete. */
static json_t *cut(lc_client *c) {
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return NULL;
    size_t hlen = (size_t)(end - c->buf) + 4;
    char *cl = memmem(c->buf, hlen, "Content-Length: ", 16);
    if (!cl) {
        fprintf(stderr, "lsp_client: server sent a header without Content-Length\n");
        abort();
    }
    size_t blen = strtoul(cl + 16, NULL, 10);
    if (c->len < hlen + blen) return NULL;
    json_error_t e;
    json_t *m = json_loadb(c->buf + hlen, blen, 0, &e);
    if (!m) {
        fprintf(stderr, "lsp_client: server sent invalid JSON: %s\n", e.text);
        abort();
    }
    memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
    c->len -= hlen + blen;
    return m;
}

static void answer_server_request(lc_client *c, json_t *m) {
    json_t *id = json_object_get(m, "id");
    const char *method = json_string_value(json_object_get(m, "method"));
    if (!id || !method) return;
    json_t *r;
    if (c->refuse_progress && strcmp(method, "window/workDoneProgress/create") == 0)
        r = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id, "error", "code",
                      -32603, "message", "refused by the test client");
    else
        r = json_pack("{s:s, s:O, s:n}", "jsonrpc", "2.0", "id", id, "result");
    lc_send(c, r);
}

/* Reads until one more message is in `seen`, or the timeout. */
static bool read_one(lc_client *c, long long deadline) {
    for (;;) {
        json_t *m = cut(c);
        if (m) {
            json_array_append_new(c->seen, m);
            if (json_object_get(m, "method") && json_object_get(m, "id"))
                answer_server_request(c, m);
            return true;
        }
        long long left = deadline - now_ms();
        if (left <= 0) return false;
        struct pollfd p = {.fd = c->from_server, .events = POLLIN};
        int pr = poll(&p, 1, (int)left);
        if (pr <= 0) continue;
        if (c->cap - c->len < 65536) {
            c->cap = c->cap ? c->cap * 2 : 262144;
            c->buf = realloc(c->buf, c->cap);
        }
        ssize_t n = read(c->from_server, c->buf + c->len, c->cap - c->len);
        if (n <= 0) return false;
        c->len += (size_t)n;
    }
}

json_t *lc_next(lc_client *c, int timeout_ms) {
    long long deadline = now_ms() + timeout_ms;
    while (c->consumed >= json_array_size(c->seen))
        if (!read_one(c, deadline)) return NULL;
    return json_array_get(c->seen, c->consumed++);
}

static json_t *find_seen(lc_client *c, size_t from, bool (*pred)(json_t *, const void *),
                         const void *arg, int timeout_ms) {
    long long deadline = now_ms() + timeout_ms;
    size_t i = from;
    for (;;) {
        for (; i < json_array_size(c->seen); i++)
            if (pred(json_array_get(c->seen, i), arg)) return json_array_get(c->seen, i);
        if (!read_one(c, deadline)) return NULL;
    }
}

static bool is_response_id(json_t *m, const void *arg) {
    json_t *id = json_object_get(m, "id");
    return !json_object_get(m, "method") && json_is_integer(id) &&
           json_integer_value(id) == *(const int *)arg;
}

json_t *lc_response(lc_client *c, int id, int timeout_ms) {
    return find_seen(c, 0, is_response_id, &id, timeout_ms);
}

static bool is_null_response(json_t *m, const void *arg) {
    (void)arg;
    json_t *id = json_object_get(m, "id");
    return !json_object_get(m, "method") && id && json_is_null(id);
}

json_t *lc_null_response(lc_client *c, size_t after, int timeout_ms) {
    return find_seen(c, after, is_null_response, NULL, timeout_ms);
}

size_t lc_mark(lc_client *c) {
    return json_array_size(c->seen);
}

struct method_arg {
    const char *method, *uri;
};

static bool is_method(json_t *m, const void *arg) {
    const struct method_arg *a = arg;
    const char *mm = json_string_value(json_object_get(m, "method"));
    if (!mm || strcmp(mm, a->method) != 0) return false;
    if (!a->uri) return true;
    const char *u = json_string_value(json_object_get(json_object_get(m, "params"), "uri"));
    return u && strcmp(u, a->uri) == 0;
}

json_t *lc_wait_method(lc_client *c, const char *method, const char *uri, size_t after,
                       int timeout_ms) {
    struct method_arg a = {method, uri};
    return find_seen(c, after, is_method, &a, timeout_ms);
}

size_t lc_count_method(lc_client *c, const char *method) {
    size_t n = 0, i;
    json_t *m;
    json_array_foreach(c->seen, i, m) {
        const char *mm = json_string_value(json_object_get(m, "method"));
        if (mm && strcmp(mm, method) == 0) n++;
    }
    return n;
}

json_t *lc_initialize(lc_client *c, const char *root_uri, json_t *caps, json_t *init_options) {
    json_t *p = json_pack("{s:n, s:o}", "processId", "capabilities", caps ? caps : json_object());
    if (root_uri) json_object_set_new(p, "rootUri", json_string(root_uri));
    if (init_options) json_object_set_new(p, "initializationOptions", init_options);
    int id = lc_request(c, "initialize", p);
    json_t *r = lc_response(c, id, 10000);
    lc_notify(c, "initialized", json_object());
    return r;
}

void lc_close_input(lc_client *c) {
    if (c->to_server >= 0) close(c->to_server);
    c->to_server = -1;
}

int lc_wait_exit(lc_client *c, int timeout_ms) {
    if (c->exited) return c->exit_status;
    long long deadline = now_ms() + timeout_ms;
    int st = 0;
    for (;;) {
        pid_t r = waitpid(c->pid, &st, WNOHANG);
        if (r == c->pid) break;
        if (now_ms() > deadline) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &st, 0);
            track(c->pid, false);
            c->exited = true;
            c->exit_status = -1; /* a hang */
            return -1;
        }
        /* Keep draining output so the server never blocks writing. */
        struct pollfd p = {.fd = c->from_server, .events = POLLIN};
        if (poll(&p, 1, 10) > 0) {
            if (c->cap - c->len < 65536) {
                c->cap = c->cap ? c->cap * 2 : 262144;
                c->buf = realloc(c->buf, c->cap);
            }
            ssize_t n = read(c->from_server, c->buf + c->len, c->cap - c->len);
            if (n > 0) c->len += (size_t)n;
        }
    }
    c->exited = true;
    track(c->pid, false);
    c->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return c->exit_status;
}

int lc_stop(lc_client *c) {
    int id = lc_request(c, "shutdown", NULL);
    lc_response(c, id, 10000);
    lc_notify(c, "exit", NULL);
    int rc = lc_wait_exit(c, 10000);
    lc_free(c);
    return rc;
}

void lc_free(lc_client *c) {
    if (!c) return;
    if (!c->exited) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
        track(c->pid, false);
    }
    if (c->to_server >= 0) close(c->to_server);
    close(c->from_server);
    free(c->buf);
    json_decref(c->seen);
    free(c);
}

int lc_error_code(json_t *r) {
    json_t *e = json_object_get(r, "error");
    return e ? (int)json_integer_value(json_object_get(e, "code")) : 0;
}

char *lc_file_uri(const char *path) {
    char *u = malloc(strlen(path) * 3 + 8);
    strcpy(u, "file://");
    char *o = u + 7;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == ' ' || *p >= 0x80)
            o += sprintf(o, "%%%02X", *p);
        else
            *o++ = (char)*p;
    }
    *o = '\0';
    return u;
}

char *lc_tempdir(void) {
    char tmpl[] = "/tmp/fl-lsp-test.XXXXXX";
    if (!mkdtemp(tmpl)) die("mkdtemp");
    return strdup(tmpl);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f) {
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

void lc_rmtree(const char *path) {
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void lc_write_file(const char *path, const char *text) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    if (!f) die(path);
    fputs(text, f);
    fclose(f);
}
