/*
 * adapter.c — the shared half of the shipped adapters (see adapter.h): the stdin/stdout
 * protocol loop, TCP with timeouts, base64 and value encoding.
 *
 * Requests enter as JSON lines on stdin; each is handed to the adapter's handler and its
 * reply leaves as one JSON line on stdout, flushed at once. A request that is not JSON gets
 * a `fail` reply with an error, never a crash.
 */
#define _GNU_SOURCE
#include "adapter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int ad_parse_addr(const char *s, ad_node *out) {
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof out->host) return -1;
    memcpy(out->host, s, (size_t)(colon - s));
    out->host[colon - s] = 0;
    out->port = atoi(colon + 1);
    return out->port > 0 ? 0 : -1;
}

int ad_nodes(ad_node *out, int cap) {
    const char *env = getenv("FAULTLINE_NODES");
    if (!env) return 0;
    char *copy = strdup(env), *save = NULL;
    int n = 0;
    for (char *t = strtok_r(copy, ",", &save); t && n < cap; t = strtok_r(NULL, ",", &save))
        if (ad_parse_addr(t, &out[n]) == 0) n++;
    free(copy);
    return n;
}

int ad_timeout_ms(void) {
    const char *e = getenv("FAULTLINE_OP_TIMEOUT_MS");
    int t = e ? atoi(e) : 0;
    return t > 0 ? t : 1000;
}

void ad_close(ad_conn *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->rlen = 0;
}

int ad_connect(ad_conn *c, const ad_node *n, int timeout_ms, const char **why) {
    ad_close(c);
    c->node = *n;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)n->port);
    if (inet_pton(AF_INET, n->host, &a.sin_addr) != 1) {
        *why = "bad node address";
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *why = "socket failed";
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (errno != EINPROGRESS) {
            *why = errno == ECONNREFUSED ? "connection refused" : "connect failed";
            close(fd);
            return -1;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, timeout_ms) != 1) {
            *why = "connect timed out";
            close(fd);
            return -1;
        }
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            *why = err == ECONNREFUSED ? "connection refused" : "connect failed";
            close(fd);
            return -1;
        }
    }
    c->fd = fd;
    c->rlen = 0;
    return 0;
}

int ad_send(ad_conn *c, const void *data, size_t len, int timeout_ms) {
    const char *p = data;
    while (len > 0) {
        ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = {c->fd, POLLOUT, 0};
            if (poll(&pf, 1, timeout_ms) != 1) return -1;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        return -1;
    }
    return 0;
}

int ad_fill(ad_conn *c, int timeout_ms, const char **why) {
    if (c->rlen >= sizeof c->rbuf) {
        *why = "reply too large";
        return -1;
    }
    for (;;) {
        ssize_t r = recv(c->fd, c->rbuf + c->rlen, sizeof c->rbuf - c->rlen, 0);
        if (r > 0) {
            c->rlen += (size_t)r;
            return 0;
        }
        if (r == 0) {
            *why = "connection closed by the server";
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            *why = errno == ECONNRESET ? "connection reset" : "receive failed";
            return -1;
        }
        struct pollfd pf = {c->fd, POLLIN, 0};
        int pr = poll(&pf, 1, timeout_ms);
        if (pr == 0) {
            *why = "timed out";
            return -1;
        }
        if (pr < 0 && errno != EINTR) {
            *why = "poll failed";
            return -1;
        }
    }
}

void ad_consume(ad_conn *c, size_t n) {
    if (n >= c->rlen) {
        c->rlen = 0;
        return;
    }
    memmove(c->rbuf, c->rbuf + n, c->rlen - n);
    c->rlen -= n;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *ad_b64_encode(const char *data, size_t len) {
    char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;
    const unsigned char *d = (const unsigned char *)data;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        *o++ = b64[d[i] >> 2];
        *o++ = b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        *o++ = b64[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
        *o++ = b64[d[i + 2] & 63];
    }
    if (i < len) {
        *o++ = b64[d[i] >> 2];
        if (i + 1 < len) {
            *o++ = b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
            *o++ = b64[(d[i + 1] & 15) << 2];
        } else {
            *o++ = b64[(d[i] & 3) << 4];
            *o++ = '=';
        }
        *o++ = '=';
    }
    *o = 0;
    return out;
}

char *ad_b64_decode(const char *s, size_t *len) {
    size_t n = strlen(s);
    char *out = malloc(n / 4 * 3 + 4);
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = strchr(b64, s[i]);
        if (s[i] == '=' || !p || !s[i]) continue;
        v = (v << 6) | (unsigned)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((v >> bits) & 0xff);
        }
    }
    out[o] = 0;
    *len = o;
    return out;
}

char *ad_encode_value(const json_t *v) {
    if (!v) return strdup("null");
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

json_t *ad_decode_value(const char *s, size_t len) {
    json_error_t e;
    json_t *v = json_loadb(s, len, JSON_DECODE_ANY, &e);
    return v ? v : json_stringn(s, len);
}

int ad_serve(ad_handler h, void *state) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t e;
        json_t *req = json_loadb(line, (size_t)n, 0, &e);
        json_t *reply = json_object();
        json_object_set(reply, "id", req ? json_object_get(req, "id") : json_null());
        ad_type t;
        if (!req || !json_is_object(req) || !json_is_string(json_object_get(req, "f"))) {
            json_object_set_new(reply, "error", json_string("request is not {id, f, ...} JSON"));
            t = AD_FAIL;
        } else {
            t = h(req, reply, state);
        }
        json_object_set_new(reply, "type",
                            json_string(t == AD_OK     ? "ok"
                                        : t == AD_FAIL ? "fail"
                                                       : "info"));
        char *out = json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputs(out, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        free(out);
        json_decref(reply);
        json_decref(req);
    }
    free(line);
    return 0;
}
