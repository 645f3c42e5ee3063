/*
 * elle_gen.c — generator of VALID transactional histories for the elle tests and the
 * bench/elle benchmark (a test tool, not part of faultline).
 *
 * It simulates a strictly serializable store: P client processes each invoke a random
 * transaction (1–4 micro-ops over a pool of active keys), the store executes it atomically
 * at one instant strictly between its invoke and its completion, and the completion reports
 * what it read. Each key takes at most A appends/writes and is then retired for a fresh key
 * (so list reads stay short, like Elle's generator). A few ops fail (never executed) or end
 * `info` (executed or not: unknown to the client; the process is then replaced).
 *
 * Data in: options on the command line. Data out: the history on stdout in one of the three
 * SPEC §3 machine formats (events JSONL, op-record JSONL, Jepsen EDN), same content in each.
 *
 * usage: fl_elle_gen [--txns N] [--procs P] [--keys K] [--per-key A] [--seed S]
 *                    [--model list-append|rw-register] [--format events|ops|edn]
 *                    [--faults 0|1] [--stale PERMILLE]
 *
 * --stale makes the store buggy on purpose: that share of reads (per mille) misses the
 * key's latest version, which yields anomalies (for tests that must flag them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mop {
    int kind; /* 0 read, 1 append/write */
    long key;
    long val;     /* appended/written value */
    long *read;   /* list read (list-append) */
    size_t nread; /* elements read; for rw-register 0 = nil, 1 = read[0] */
    int has_read;
} mop;

typedef struct txn {
    mop m[4];
    int n;
    long proc;
    int state; /* 0 idle, 1 invoked, 2 executed */
    int executed;
    long long t_inv;
    int line_id;
} txn;

typedef struct keyst {
    long id;
    long *list; /* list-append contents; rw-register: list[0] = current value if len > 0 */
    size_t len, cap;
    long next_val;
    long writes;
} keyst;

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int model_rw;  /* 0 list-append, 1 rw-register */
static int fmt;       /* 0 events, 1 ops, 2 edn */
static long op_index; /* EDN :index / op_id */

static void put_value(FILE *o, const txn *t, int with_reads) {
    fputc('[', o);
    for (int i = 0; i < t->n; i++) {
        const mop *m = &t->m[i];
        if (i) fputc(fmt == 2 ? ' ' : ',', o);
        const char *f = m->kind ? (model_rw ? "w" : "append") : "r";
        if (fmt == 2)
            fprintf(o, "[:%s %ld ", f, m->key);
        else
            fprintf(o, "[\"%s\",%ld,", f, m->key);
        if (m->kind) {
            fprintf(o, "%ld]", m->val);
            continue;
        }
        if (!with_reads || !m->has_read) {
            fputs(fmt == 2 ? "nil]" : "null]", o);
            continue;
        }
        if (model_rw) {
            if (m->nread)
                fprintf(o, "%ld]", m->read[0]);
            else
                fputs(fmt == 2 ? "nil]" : "null]", o);
            continue;
        }
        fputc('[', o);
        for (size_t j = 0; j < m->nread; j++)
            fprintf(o, j ? (fmt == 2 ? " %ld" : ",%ld") : "%ld", m->read[j]);
        fputs("]]", o);
    }
    fputc(']', o);
}

static void emit_event(FILE *o, const txn *t, const char *type, long long time, int reads) {
    if (fmt == 2) {
        fprintf(o, "{:process %ld, :type :%s, :f :txn, :value ", t->proc, type);
        put_value(o, t, reads);
        fprintf(o, ", :time %lld, :index %ld}\n", time, op_index++);
    } else {
        fprintf(o, "{\"process\":%ld,\"type\":\"%s\",\"f\":\"txn\",\"value\":", t->proc, type);
        put_value(o, t, reads);
        fprintf(o, ",\"time\":%lld}\n", time);
    }
}

/* op-record: one line per op, written at its completion. type: 0 ok, 1 fail, 2 info */
static void emit_record(FILE *o, const txn *t, int type, long long now) {
    fprintf(o, "{\"op_id\":%ld,\"process_id\":%ld,\"invoke_ts\":%lld,\"complete_ts\":", op_index++,
            t->proc, t->t_inv);
    if (type == 2)
        fputs("null", o);
    else
        fprintf(o, "%lld", now);
    fputs(",\"op_type\":\"txn\",\"key\":null,\"input\":", o);
    put_value(o, t, 0);
    fputs(",\"output\":", o);
    if (type == 0)
        put_value(o, t, 1);
    else
        fputs("null", o);
    fprintf(o, ",\"error\":%s,\"timeout_marker\":%s,\"node_seen\":null,\"fault_epoch\":0}\n",
            type == 1 ? "\"aborted\"" : "null", type == 2 ? "true" : "false");
}

int main(int argc, char **argv) {
    long ntx = 1000, nprocs = 5, nkeys = 8, per_key = 16, faults = 1, stale = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--txns"))
            ntx = atol(v);
        else if (!strcmp(a, "--procs"))
            nprocs = atol(v);
        else if (!strcmp(a, "--keys"))
            nkeys = atol(v);
        else if (!strcmp(a, "--per-key"))
            per_key = atol(v);
        else if (!strcmp(a, "--seed"))
            rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)(atoll(v) + 1);
        else if (!strcmp(a, "--stale"))
            stale = atol(v);
        else if (!strcmp(a, "--faults"))
            faults = atol(v);
        else if (!strcmp(a, "--model"))
            model_rw = !strcmp(v, "rw-register");
        else if (!strcmp(a, "--format"))
            fmt = !strcmp(v, "ops") ? 1 : !strcmp(v, "edn") ? 2 : 0;
        else {
            fprintf(stderr, "fl_elle_gen: unknown option %s\n", a);
            return 2;
        }
    }
    if (nprocs < 1 || nkeys < 1 || per_key < 1) return 2;
    FILE *o = stdout;
    static char obuf[1 << 20];
    setvbuf(o, obuf, _IOFBF, sizeof obuf);
    /* key states indexed by key id (grows); slot[i] = the id of the i-th active key */
    size_t kcap = (size_t)nkeys * 4;
    keyst *keys = calloc(kcap, sizeof *keys);
    long *slot = calloc((size_t)nkeys, sizeof *slot);
    long next_key = 0;
    for (long i = 0; i < nkeys; i++) slot[i] = next_key++;
    txn *ps = calloc((size_t)nprocs, sizeof *ps);
    for (long i = 0; i < nprocs; i++) ps[i].proc = i;
    long next_proc = nprocs;
    long started = 0, done = 0, active = 0;
    long long now = 0;
    if (fmt == 2) fputs("; generated by fl_elle_gen\n", o);
    while (done < ntx) {
        txn *t = &ps[rnd() % (uint64_t)nprocs];
        now += 1000;
        if (t->state == 0) {
            if (started >= ntx) continue;
            started++;
            active++;
            t->n = 1 + (int)(rnd() % 4);
            for (int i = 0; i < t->n; i++) {
                mop *m = &t->m[i];
                free(m->read);
                memset(m, 0, sizeof *m);
                m->kind = (int)(rnd() % 2);
                long sl = (long)(rnd() % (uint64_t)nkeys);
                if (m->kind && keys[slot[sl]].writes >= per_key) { /* retire the key */
                    slot[sl] = next_key++;
                    if ((size_t)next_key >= kcap) {
                        keys = realloc(keys, 2 * kcap * sizeof *keys);
                        memset(keys + kcap, 0, kcap * sizeof *keys);
                        kcap *= 2;
                    }
                }
                m->key = slot[sl];
                if (m->kind) {
                    keyst *k = &keys[m->key];
                    m->val = ++k->next_val;
                    k->writes++;
                }
            }
            t->state = 1;
            t->executed = 0;
            t->t_inv = now;
            if (fmt != 1) emit_event(o, t, "invoke", now, 0);
            continue;
        }
        if (t->state == 1) {
            uint64_t r = rnd() % 100;
            if (faults && r < 2) { /* fails before executing */
                if (fmt == 1)
                    emit_record(o, t, 1, now);
                else
                    emit_event(o, t, "fail", now, 0);
                t->state = 0;
                done++;
                continue;
            }
            if (faults && r < 3) { /* info, never executed */
                if (fmt == 1)
                    emit_record(o, t, 2, now);
                else
                    emit_event(o, t, "info", now, 0);
                t->state = 0;
                t->proc = next_proc++;
                done++;
                continue;
            }
            /* execute atomically now */
            for (int i = 0; i < t->n; i++) {
                mop *m = &t->m[i];
                keyst *k = &keys[m->key];
                if (m->kind) {
                    if (k->len == k->cap) {
                        k->cap = k->cap ? k->cap * 2 : 8;
                        k->list = realloc(k->list, k->cap * sizeof *k->list);
                    }
                    if (model_rw) {
                        k->list[0] = m->val;
                        k->len = 1;
                    } else {
                        k->list[k->len++] = m->val;
                    }
                } else {
                    m->has_read = 1;
                    m->nread = k->len;
                    /* injected bug: a read that misses the latest version */
                    if (stale && k->len && (long)(rnd() % 1000) < stale) m->nread--;
                    m->read = malloc((k->len ? k->len : 1) * sizeof *m->read);
                    if (k->len) memcpy(m->read, k->list, k->len * sizeof *m->read);
                }
            }
            t->executed = 1;
            t->state = 2;
            continue;
        }
        /* state 2: complete */
        if (faults && rnd() % 100 < 1) {
            if (fmt == 1)
                emit_record(o, t, 2, now);
            else
                emit_event(o, t, "info", now, 0);
            t->proc = next_proc++;
        } else {
            if (fmt == 1)
                emit_record(o, t, 0, now);
            else
                emit_event(o, t, "ok", now, 1);
        }
        t->state = 0;
        done++;
        active--;
    }
    fflush(o);
    for (long i = 0; i < nprocs; i++)
        for (int j = 0; j < 4; j++) free(ps[i].m[j].read);
    for (long i = 0; i < next_key; i++) free(keys[i].list);
    free(slot);
    free(ps);
    free(keys);
    return 0;
}
