/*
 * hypotheses.c — links sites to claims through the reference's pitfall catalogue. Each
 * template says which sites it reads (by rule prefix), which claim topics it could falsify,
 * which of the 16 pitfalls it is, and the fault, model and checker that would falsify it.
 * Sites are grouped per template and file (the reference groups hypotheses by subsystem).
 * Where no document states a relevant claim, one `inferred` claim per template is added and
 * listed as the hypothesis's missing claim. Input: a result with sorted sites and claims
 * and ids; output: the same result with inferred claims and hypotheses added.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *pitfall_names[17] = {
    "",
    "Lost updates under concurrent write + partition",
    "Stale reads from followers/secondaries",
    "Replica divergence after partition/restart",
    "Linearizability violation under wall-clock skew or timing",
    "Aborts of \"committed\" transactions (lost acks vs lost commits)",
    "Reconfiguration / membership-change races",
    "Crash-recovery divergence",
    "Schema migration during traffic",
    "ID / sequence-number collision under partition",
    "Watch / change-feed event loss or duplication",
    "Cross-shard / cross-partition transaction non-atomicity",
    "Clock-skew-dependent safety violations",
    "Auth / quota / metadata state divergence under partition",
    "Lease expiry under contention",
    "Idempotency replay bypassed by a cold cache",
    "Async outbox head-of-line block on a missing referent",
};

typedef struct htemplate {
    const char *key;
    const char *rules;  /* '|'-separated rule prefixes the template reads */
    const char *topics; /* '|'-separated claim topics it could falsify */
    int pitfall;
    const char *fault, *model, *checker;
    const char *title; /* %s = the first site's function or target */
    fl_claim_category inferred_category;
    const char *inferred_topic;
    const char *inferred_text;
} htemplate;

static const htemplate templates[] = {
    {"retried-write", "idempotency.retried-write", "exactly-once|at-most-once|idempotent", 5,
     "partition", "ledger", "exactly-once",
     "retried write %s applies twice when its ack is lost under a partition", FL_CLAIM_IDEMPOTENCY,
     "idempotent",
     "A retried write takes effect at most once, even when its first attempt's ack was lost"},
    {"retry", "retry.",
     "exactly-once|at-least-once|at-most-once|idempotent|linearizable|consistency", 1, "partition",
     "cas-register", "linearizable",
     "retry of %s repeats an operation or overwrites a newer write under a partition",
     FL_CLAIM_IDEMPOTENCY, "idempotent",
     "Retried operations are safe to repeat: a retry never applies twice or over a newer write"},
    {"timeout", "timeout.", "linearizable|consistency|exactly-once|latency-slo", 5, "latency",
     "register", "linearizable",
     "timeout around %s reports failure for an operation that may still commit", FL_CLAIM_SAFETY,
     "consistency",
     "An operation that times out has an unknown outcome and is never reported as failed"},
    {"lease", "lease.acquire|lease.renew|lease.release|lease.ttl|lease.fencing",
     "lease|leader|linearizable", 14, "pause", "lease", "lease",
     "lease %s expires under contention while its holder still acts on it", FL_CLAIM_SAFETY,
     "lease",
     "At most one client holds a lease or lock at a time, and a holder whose lease "
     "expired stops acting on it"},
    {"leader", "lease.leader", "leader|lease|linearizable|consistency", 2, "partition", "register",
     "linearizable",
     "stale leadership at %s serves stale reads or split-brain writes under a partition",
     FL_CLAIM_SAFETY, "leader", "Only the current leader serves reads and writes"},
    {"clock", "clock.", "lease|leader|linearizable|consistency", 12, "clock-skew", "lease", "lease",
     "wall-clock decision at %s breaks safety under clock skew", FL_CLAIM_SAFETY, "consistency",
     "Safety does not depend on synchronized wall clocks"},
    {"commit", "commit.call|commit.fsync|commit.ack", "durable|consistency|serializable", 7, "kill",
     "set", "set", "commit path %s loses acknowledged writes when the node is killed",
     FL_CLAIM_DURABILITY, "durable",
     "A write acknowledged to a client survives a crash of the node that acknowledged it"},
    {"consensus", "commit.propose|commit.apply", "linearizable|membership|durable|ordered", 3,
     "partition", "kv", "linearizable",
     "consensus path %s diverges across replicas after a partition or restart", FL_CLAIM_ORDERING,
     "ordered", "Every replica applies the same committed entries in the same order"},
    {"idempotency-key", "idempotency.key", "exactly-once|idempotent|at-most-once", 15, "restart",
     "ledger", "exactly-once",
     "idempotency check %s is bypassed when its cache is cold after a restart",
     FL_CLAIM_IDEMPOTENCY, "exactly-once",
     "A request replayed with the same idempotency key takes effect once, even after a "
     "restart"},
};

#define TEMPLATE_COUNT (sizeof templates / sizeof templates[0])

static int in_list(const char *list, const char *s, int prefix) {
    size_t n = strlen(s);
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (prefix ? (l <= n && strncmp(p, s, l) == 0) : (l == n && strncmp(p, s, l) == 0))
            return 1;
        p += l;
        if (*p == '|') p++;
    }
    return 0;
}

static const char *dir_end(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s : path;
}

static int same_dir(const char *a, const char *b) {
    size_t la = (size_t)(dir_end(a) - a), lb = (size_t)(dir_end(b) - b);
    return la == lb && strncmp(a, b, la) == 0;
}

static char **str_push(char **v, size_t *n, const char *s) {
    v = fl_xrealloc(v, (*n + 1) * sizeof *v);
    v[(*n)++] = fl_xstrdup(s);
    return v;
}

static int cmp_hyp(const void *a, const void *b) {
    const fl_hypothesis *x = a, *y = b;
    if (x->pitfall != y->pitfall) return x->pitfall < y->pitfall ? -1 : 1;
    return strcmp(x->id, y->id);
}

void fl__hypotheses_build(fl_scan_result *r) {
    size_t hcap = 0;
    /* which documented claims each template can use */
    for (size_t t = 0; t < TEMPLATE_COUNT; t++) {
        const htemplate *T = &templates[t];
        int any_site = 0;
        for (size_t i = 0; i < r->site_count && !any_site; i++)
            if (in_list(T->rules, r->sites[i].rule, 1)) any_site = 1;
        if (!any_site) continue;
        int documented = 0;
        for (size_t c = 0; c < r->claim_count && !documented; c++)
            if (!r->claims[c].inferred && in_list(T->topics, r->claims[c].topic, 0)) documented = 1;
        char inferred_id[24] = "";
        if (!documented) {
            /* one inferred claim for the template, located at its first site */
            const fl_site *first = NULL;
            for (size_t i = 0; i < r->site_count && !first; i++)
                if (in_list(T->rules, r->sites[i].rule, 1)) first = &r->sites[i];
            r->claims = fl_xrealloc(r->claims, (r->claim_count + 1) * sizeof *r->claims);
            fl_claim *c = &r->claims[r->claim_count++];
            memset(c, 0, sizeof *c);
            c->text = fl_xstrdup(T->inferred_text);
            c->category = T->inferred_category;
            c->topic = fl_xstrdup(T->inferred_topic);
            c->path = fl_xstrdup(first->path);
            c->line = first->line;
            c->inferred = 1;
            c->kind = fl_xstrdup("inferred");
            fl__make_id(c->id, "claim-", fl__hash_str(T->key, fl__hash_str("inferred", 3)));
            memcpy(inferred_id, c->id, sizeof inferred_id);
        }
        /* one hypothesis per file */
        size_t i = 0;
        while (i < r->site_count) {
            if (!in_list(T->rules, r->sites[i].rule, 1)) {
                i++;
                continue;
            }
            const char *path = r->sites[i].path;
            if (r->hypothesis_count == hcap) {
                hcap = hcap ? hcap * 2 : 16;
                r->hypotheses = fl_xrealloc(r->hypotheses, hcap * sizeof *r->hypotheses);
            }
            fl_hypothesis *h = &r->hypotheses[r->hypothesis_count++];
            memset(h, 0, sizeof *h);
            const fl_site *first = &r->sites[i];
            size_t j = i;
            for (; j < r->site_count && strcmp(r->sites[j].path, path) == 0; j++)
                if (in_list(T->rules, r->sites[j].rule, 1))
                    h->sites = str_push(h->sites, &h->site_count, r->sites[j].id);
            /* name it after the first site that sits in a function, else its target */
            const fl_site *named = first;
            for (size_t k = i; k < j; k++) {
                if (in_list(T->rules, r->sites[k].rule, 1) && r->sites[k].function[0]) {
                    named = &r->sites[k];
                    break;
                }
            }
            const char *what = named->function[0] ? named->function
                               : named->target[0] ? named->target
                                                  : named->rule;
            fl_buf title = FL_BUF_INIT;
            fl_buf_printf(&title, T->title, what);
            fl_buf_printf(&title, " (%s", path);
            if (h->site_count > 1) fl_buf_printf(&title, ", %zu sites", h->site_count);
            fl_buf_putc(&title, ')');
            h->title = fl_buf_take(&title);
            fl__make_id(h->id, "hyp-", fl__hash_str(path, fl__hash_str(T->key, 4)));
            h->pitfall = T->pitfall;
            h->pitfall_name = pitfall_names[T->pitfall];
            h->fault = T->fault;
            h->model = T->model;
            h->checker = T->checker;
            if (documented) {
                /* nearest first: same file, same folder, then docs; at most 8 */
                for (int pass = 0; pass < 3 && h->claim_count < 8; pass++) {
                    for (size_t c = 0; c < r->claim_count && h->claim_count < 8; c++) {
                        const fl_claim *cl = &r->claims[c];
                        if (cl->inferred || !in_list(T->topics, cl->topic, 0)) continue;
                        int ok = pass == 0 ? strcmp(cl->path, path) == 0
                                 : pass == 1
                                     ? strcmp(cl->path, path) != 0 && same_dir(cl->path, path)
                                     : !same_dir(cl->path, path) && strcmp(cl->kind, "doc") == 0;
                        if (ok) h->claims = str_push(h->claims, &h->claim_count, cl->id);
                    }
                }
                if (h->claim_count == 0) {
                    /* docs elsewhere only: take the first relevant claim of the workspace */
                    for (size_t c = 0; c < r->claim_count; c++) {
                        const fl_claim *cl = &r->claims[c];
                        if (!cl->inferred && in_list(T->topics, cl->topic, 0)) {
                            h->claims = str_push(h->claims, &h->claim_count, cl->id);
                            break;
                        }
                    }
                }
            } else {
                h->missing_claims =
                    str_push(h->missing_claims, &h->missing_claim_count, inferred_id);
            }
            /* next file */
            i = j;
        }
    }
    if (r->hypothesis_count > 1)
        qsort(r->hypotheses, r->hypothesis_count, sizeof *r->hypotheses, cmp_hyp);
}
