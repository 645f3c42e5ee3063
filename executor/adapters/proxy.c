/*
 * proxy.c — faultline-proxy: a small TCP relay that a plan puts in front of a node or on a
 * replication link, so faults the kernel cannot do here can be done in user space.
 *
 * `faultline-proxy LISTEN_HOST:PORT TARGET_HOST:PORT [--delay-file F]`. Bytes enter on
 * accepted connections and leave towards the target (and back), unchanged. Pausing the
 * proxy (SIGSTOP) freezes the link; with --delay-file, the number of milliseconds written
 * in F (re-read every 100 ms; 0 or missing = none) delays every chunk in both directions,
 * which is the latency fault on a kernel without netem. One process, poll(), no threads.
 */
#define _GNU_SOURCE
#include "adapter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 64

typedef struct chunk {
    double due;
    size_t len;
    char *data;
    struct chunk *next;
} chunk;

typedef struct side {
    int fd;
    chunk *head, *tail; /* bytes waiting to be written to this side */
} side;

typedef struct pair {
    side a, b; /* a: the client, b: the target */
    int used;
} pair;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int delay_ms(const char *file) {
    if (!file) return 0;
    FILE *f = fopen(file, "r");
    if (!f) return 0;
    int d = 0;
    if (fscanf(f, "%d", &d) != 1) d = 0;
    fclose(f);
    return d > 0 ? d : 0;
}

static void close_pair(pair *p) {
    side *s[2] = {&p->a, &p->b};
    for (int i = 0; i < 2; i++) {
        if (s[i]->fd >= 0) close(s[i]->fd);
        s[i]->fd = -1;
        while (s[i]->head) {
            chunk *n = s[i]->head->next;
            free(s[i]->head->data);
            free(s[i]->head);
            s[i]->head = n;
        }
        s[i]->tail = NULL;
    }
    p->used = 0;
}

static void enqueue(side *s, const char *data, size_t len, double due) {
    chunk *c = malloc(sizeof *c);
    c->data = malloc(len);
    memcpy(c->data, data, len);
    c->len = len;
    c->due = due;
    c->next = NULL;
    if (s->tail)
        s->tail->next = c;
    else
        s->head = c;
    s->tail = c;
}

/* Writes due chunks; -1 when the side broke. */
static int flush_side(side *s, double t) {
    while (s->head && s->head->due <= t) {
        chunk *c = s->head;
        ssize_t w = send(s->fd, c->data, c->len, MSG_NOSIGNAL);
        if (w < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        if ((size_t)w < c->len) {
            memmove(c->data, c->data + w, c->len - (size_t)w);
            c->len -= (size_t)w;
            return 0;
        }
        s->head = c->next;
        if (!s->head) s->tail = NULL;
        free(c->data);
        free(c);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--delay-file"))) {
        fprintf(stderr,
                "usage: faultline-proxy LISTEN_HOST:PORT TARGET_HOST:PORT [--delay-file F]\n");
        return 2;
    }
    const char *dfile = argc == 5 ? argv[4] : NULL;
    ad_node l, t;
    if (ad_parse_addr(argv[1], &l) < 0 || ad_parse_addr(argv[2], &t) < 0) {
        fprintf(stderr, "faultline-proxy: addresses must be HOST:PORT\n");
        return 2;
    }
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)l.port);
    inet_pton(AF_INET, l.host, &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 16) < 0) {
        fprintf(stderr, "faultline-proxy: cannot listen on %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    fprintf(stderr, "faultline-proxy: relaying %s -> %s\n", argv[1], argv[2]);
    pair pairs[MAXC];
    memset(pairs, 0, sizeof pairs);
    int delay = delay_ms(dfile);
    double next_delay_read = now() + 0.1;
    char buf[65536];
    for (;;) {
        struct pollfd pf[1 + 2 * MAXC];
        int map[1 + 2 * MAXC];
        int n = 0;
        pf[n].fd = ls, pf[n].events = POLLIN, map[n++] = -1;
        double t0 = now(), next_due = t0 + 0.1;
        for (int i = 0; i < MAXC; i++) {
            if (!pairs[i].used) continue;
            side *s[2] = {&pairs[i].a, &pairs[i].b};
            for (int k = 0; k < 2; k++) {
                pf[n].fd = s[k]->fd;
                pf[n].events = POLLIN;
                if (s[k]->head && s[k]->head->due <= t0) pf[n].events |= POLLOUT;
                if (s[k]->head && s[k]->head->due < next_due) next_due = s[k]->head->due;
                map[n++] = i * 2 + k;
            }
        }
        int timeout = (int)((next_due - t0) * 1000) + 1;
        if (poll(pf, (nfds_t)n, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR) return 1;
        double tn = now();
        if (tn >= next_delay_read) {
            delay = delay_ms(dfile);
            next_delay_read = tn + 0.1;
        }
        if (pf[0].revents & POLLIN) {
            int cfd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (cfd >= 0) {
                ad_conn up = {.fd = -1};
                const char *why;
                int slot = -1;
                for (int i = 0; i < MAXC; i++)
                    if (!pairs[i].used) {
                        slot = i;
                        break;
                    }
                if (slot < 0 || ad_connect(&up, &t, 2000, &why) < 0) {
                    close(cfd);
                } else {
                    pairs[slot].used = 1;
                    pairs[slot].a.fd = cfd;
                    pairs[slot].b.fd = up.fd;
                }
            }
        }
        for (int j = 1; j < n; j++) {
            int i = map[j] / 2, k = map[j] % 2;
            if (!pairs[i].used) continue;
            side *self = k ? &pairs[i].b : &pairs[i].a;
            side *other = k ? &pairs[i].a : &pairs[i].b;
            if (pf[j].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t r = recv(self->fd, buf, sizeof buf, MSG_DONTWAIT);
                if (r > 0) {
                    enqueue(other, buf, (size_t)r, tn + delay / 1000.0);
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    close_pair(&pairs[i]);
                    continue;
                }
            }
            if (flush_side(self, tn) < 0 || flush_side(other, tn) < 0) close_pair(&pairs[i]);
        }
    }
}
