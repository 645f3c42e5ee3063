/*
 * jepsen_gen.c — generator of VALID histories for the Jepsen-family checkers (a test tool,
 * not part of faultline).
 *
 * It simulates a correct (linearizable) store for one model: P client processes each
 * invoke a random op; the store applies it at one instant strictly between its invoke and
 * its completion, and the completion reports what the op returned. A few ops fail (never
 * applied) or end `info` (applied or not; the process is then replaced). Models: set
 * (add/read), queue (enqueue/dequeue, then a final drain), counter (add/read), ledger
 * (transfer/read over 5 accounts of 100), lease (acquire with fencing token/release),
 * unique-ids (generate), register (write/read over 3 keys).
 *
 * Data in: options. Data out: the history on stdout as events JSONL, op-record JSONL or
 * Jepsen EDN (same content in each).
 *
 * usage: fl_jepsen_gen --model M [--ops N] [--procs P] [--seed S] [--format events|ops|edn]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SET, QUEUE, COUNTER, LEDGER, LEASE, IDS, REGISTER };
static int model, fmt; /* fmt: 0 events, 1 ops, 2 edn */
static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- store state ---------------------------------------------------------------------- */
static long *items; /* set elements / queue contents */
static size_t nitems, citems, qhead;
static long next_val = 1, counter, token, holder = -1, regs[3];
static long bal[5] = {100, 100, 100, 100, 100};

static void push(long v) {
    if (nitems == citems) {
        citems = citems ? citems * 2 : 64;
        items = realloc(items, citems * sizeof *items);
    }
    items[nitems++] = v;
}

typedef struct op {
    long proc;
    int state; /* 0 idle, 1 invoked, 2 applied */
    char f[16];
    int key;     /* register key, -1 none */
    char in[96]; /* invoke value, already formatted */
    char *out;   /* completion value, formatted (malloc'd) */
    int failed;  /* completion type when applied: 0 ok, 1 fail */
    long long t_inv;
} op;

static char *buf;
static size_t blen, bcap;
static void put(const char *s) {
    size_t n = strlen(s);
    if (blen + n + 1 > bcap) {
        bcap = (blen + n + 1) * 2;
        buf = realloc(buf, bcap);
    }
    memcpy(buf + blen, s, n + 1);
    blen += n;
}
static void putl(long v) {
    char t[32];
    snprintf(t, sizeof t, "%ld", v);
    put(t);
}
static const char *NIL(void) {
    return fmt == 2 ? "nil" : "null";
}

static char *take(void) {
    char *s = strdup(buf ? buf : "");
    blen = 0;
    if (buf) buf[0] = 0;
    return s;
}

static void choose(op *o) {
    uint64_t r = rnd() % 100;
    o->key = -1;
    o->out = NULL;
    o->failed = 0;
    switch (model) {
        case SET:
        case QUEUE:
            if (r < 55) {
                snprintf(o->f, sizeof o->f, model == SET ? "add" : "enqueue");
                snprintf(o->in, sizeof o->in, "%ld", next_val++);
            } else {
                snprintf(o->f, sizeof o->f, model == SET ? "read" : "dequeue");
                snprintf(o->in, sizeof o->in, "%s", NIL());
            }
            break;
        case COUNTER:
            if (r < 60) {
                snprintf(o->f, sizeof o->f, "add");
                snprintf(o->in, sizeof o->in, "%ld", (long)(1 + rnd() % 5));
            } else {
                snprintf(o->f, sizeof o->f, "read");
                snprintf(o->in, sizeof o->in, "%s", NIL());
            }
            break;
        case LEDGER:
            if (r < 60) {
                long a = (long)(rnd() % 5), b = (long)((a + 1 + rnd() % 4) % 5),
                     amt = (long)(1 + rnd() % 20);
                snprintf(o->f, sizeof o->f, "transfer");
                if (fmt == 2)
                    snprintf(o->in, sizeof o->in, "{:from %ld :to %ld :amount %ld}", a, b, amt);
                else
                    snprintf(o->in, sizeof o->in, "{\"from\":%ld,\"to\":%ld,\"amount\":%ld}", a, b,
                             amt);
            } else {
                snprintf(o->f, sizeof o->f, "read");
                snprintf(o->in, sizeof o->in, "%s", NIL());
            }
            break;
        case LEASE:
            snprintf(o->f, sizeof o->f, holder == o->proc ? "release" : "acquire");
            snprintf(o->in, sizeof o->in, "%s", NIL());
            break;
        case IDS:
            snprintf(o->f, sizeof o->f, "generate");
            snprintf(o->in, sizeof o->in, "%s", NIL());
            break;
        case REGISTER:
            o->key = (int)(rnd() % 3);
            if (r < 50) {
                snprintf(o->f, sizeof o->f, "write");
                snprintf(o->in, sizeof o->in, "%ld", next_val++);
            } else {
                snprintf(o->f, sizeof o->f, "read");
                snprintf(o->in, sizeof o->in, "%s", NIL());
            }
            break;
    }
}

/* applies the op atomically now; fills o->out and o->failed */
static void apply(op *o) {
    long v = atol(o->in);
    if (!strcmp(o->f, "add") && model == SET) {
        push(v);
    } else if (!strcmp(o->f, "enqueue")) {
        push(v);
    } else if (!strcmp(o->f, "read") && model == SET) {
        put("[");
        for (size_t i = 0; i < nitems; i++) {
            if (i) put(fmt == 2 ? " " : ",");
            putl(items[i]);
        }
        put("]");
    } else if (!strcmp(o->f, "dequeue")) {
        if (qhead < nitems)
            putl(items[qhead++]);
        else
            put(NIL());
    } else if (!strcmp(o->f, "add")) {
        counter += v;
    } else if (!strcmp(o->f, "read") && model == COUNTER) {
        putl(counter);
    } else if (!strcmp(o->f, "transfer")) {
        long a, b, amt;
        const char *p = strchr(o->in, 'm'); /* "from" */
        sscanf(p + (fmt == 2 ? 2 : 3), "%ld", &a);
        p = strstr(o->in, "to");
        sscanf(p + (fmt == 2 ? 3 : 4), "%ld", &b);
        p = strstr(o->in, "amount");
        sscanf(p + (fmt == 2 ? 7 : 8), "%ld", &amt);
        if (bal[a] < amt) {
            o->failed = 1; /* insufficient funds: nothing happened */
        } else {
            bal[a] -= amt;
            bal[b] += amt;
        }
    } else if (!strcmp(o->f, "read") && model == LEDGER) {
        put("{");
        for (int i = 0; i < 5; i++) {
            char t[48];
            if (fmt == 2)
                snprintf(t, sizeof t, "%s%d %ld", i ? " " : "", i, bal[i]);
            else
                snprintf(t, sizeof t, "%s\"%d\":%ld", i ? "," : "", i, bal[i]);
            put(t);
        }
        put("}");
    } else if (!strcmp(o->f, "acquire")) {
        if (holder < 0) {
            holder = o->proc;
            putl(++token);
        } else {
            o->failed = 1;
        }
    } else if (!strcmp(o->f, "release")) {
        if (holder == o->proc)
            holder = -1;
        else
            o->failed = 1;
    } else if (!strcmp(o->f, "generate")) {
        putl(next_val++);
    } else if (!strcmp(o->f, "write")) {
        regs[o->key] = v;
    } else if (!strcmp(o->f, "read")) {
        if (regs[o->key])
            putl(regs[o->key]);
        else
            put(NIL());
    }
    o->out = take();
}

static long idx;
static void event(const op *o, const char *type, const char *value, long long t) {
    char key[32] = "";
    if (o->key >= 0) snprintf(key, sizeof key, fmt == 2 ? " :key %d" : ",\"key\":%d", o->key);
    if (fmt == 2)
        printf("{:process %ld :type :%s :f :%s%s :value %s :time %lld :index %ld}\n", o->proc, type,
               o->f, key, value, t, idx++);
    else
        printf("{\"process\":%ld,\"type\":\"%s\",\"f\":\"%s\"%s,\"value\":%s,\"time\":%lld}\n",
               o->proc, type, o->f, key, value, t);
}

/* type: 0 ok, 1 fail, 2 info */
static void complete(op *o, int type, long long now) {
    const char *out = type == 0 && o->out && *o->out ? o->out : o->in;
    if (fmt == 1) {
        printf("{\"op_id\":%ld,\"process_id\":%ld,\"invoke_ts\":%lld,\"complete_ts\":", idx++,
               o->proc, o->t_inv);
        if (type == 2)
            printf("null");
        else
            printf("%lld", now);
        printf(",\"op_type\":\"%s\",\"key\":", o->f);
        if (o->key >= 0)
            printf("%d", o->key);
        else
            printf("null");
        printf(",\"input\":%s,\"output\":%s,\"error\":%s,\"timeout_marker\":%s,"
               "\"node_seen\":null,\"fault_epoch\":0}\n",
               o->in, type == 0 ? out : "null", type == 1 ? "\"rejected\"" : "null",
               type == 2 ? "true" : "false");
    } else {
        event(o, type == 0 ? "ok" : type == 1 ? "fail" : "info", type == 0 ? out : o->in, now);
    }
    free(o->out);
    o->out = NULL;
}

int main(int argc, char **argv) {
    long n = 1000, nprocs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--ops"))
            n = atol(v);
        else if (!strcmp(a, "--procs"))
            nprocs = atol(v);
        else if (!strcmp(a, "--seed"))
            rng = 0x9E3779B97F4A7C15ull * (uint64_t)(atoll(v) + 1);
        else if (!strcmp(a, "--format"))
            fmt = !strcmp(v, "ops") ? 1 : !strcmp(v, "edn") ? 2 : 0;
        else if (!strcmp(a, "--model")) {
            const char *names[] = {"set",   "queue",      "counter", "ledger",
                                   "lease", "unique-ids", "register"};
            model = -1;
            for (int k = 0; k < 7; k++)
                if (!strcmp(v, names[k])) model = k;
            if (model < 0) return 2;
        } else {
            fprintf(stderr, "fl_jepsen_gen: unknown option %s\n", a);
            return 2;
        }
    }
    if (nprocs < 1) return 2;
    op *ps = calloc((size_t)nprocs, sizeof *ps);
    for (long i = 0; i < nprocs; i++) ps[i].proc = i;
    long next_proc = nprocs, started = 0, done = 0;
    long long now = 0;
    while (done < n) {
        op *o = &ps[rnd() % (uint64_t)nprocs];
        now += 1000;
        if (o->state == 0) {
            if (started >= n) continue;
            started++;
            choose(o);
            o->state = 1;
            o->t_inv = now;
            if (fmt != 1) event(o, "invoke", o->in, now);
        } else if (o->state == 1) {
            uint64_t r = rnd() % 100;
            if (r < 2 && model != LEASE) { /* fails without effect */
                complete(o, 1, now);
                o->state = 0;
                done++;
            } else if (r < 3) { /* unknown outcome, never applied */
                complete(o, 2, now);
                o->state = 0;
                o->proc = next_proc++;
                done++;
            } else {
                apply(o);
                o->state = 2;
            }
        } else {
            if (rnd() % 100 < 1) { /* applied, but the client never heard back */
                long old = o->proc;
                complete(o, 2, now);
                o->proc = next_proc++;
                if (model == LEASE && holder == old) holder = -2; /* held by a crashed client */
            } else {
                complete(o, o->failed, now);
            }
            o->state = 0;
            done++;
        }
    }
    if (model == QUEUE) { /* drain what is left */
        op d = {next_proc, 0, "drain", -1, "", NULL, 0, 0};
        snprintf(d.in, sizeof d.in, "%s", NIL());
        now += 1000;
        d.t_inv = now;
        if (fmt != 1) event(&d, "invoke", d.in, now);
        put("[");
        for (size_t i = qhead; i < nitems; i++) {
            if (i > qhead) put(fmt == 2 ? " " : ",");
            putl(items[i]);
        }
        put("]");
        d.out = take();
        now += 1000;
        complete(&d, 0, now);
    }
    free(ps);
    free(items);
    free(buf);
    return 0;
}
