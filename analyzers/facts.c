/*
 * facts.c — the analysis of ONE file: parse (incrementally when given an edited tree), run
 * the language's rules over the tree (node by node in walk mode, else one query cursor; see
 * internal.h), and turn matches into facts: sites (capture names
 * @<category>.<kind>), functions, calls, and claim text (doc comments, error type names,
 * test names). Then the per-file resolution: each site's enclosing function, what a retry
 * site retries (its @target, or the first meaningful call inside it), nested retry loops
 * collapsed to the innermost, and the rule for retried writes with no idempotency key in
 * reach. Text enters as a buffer; facts leave as an fl_file_facts owned by the caller.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- fact storage ----------------------------------------------------------------------- */

fl_site *fl__facts_add_site(fl_file_facts *f) {
    if (f->site_count == f->site_cap) {
        f->site_cap = f->site_cap ? f->site_cap * 2 : 8;
        f->sites = fl_xrealloc(f->sites, f->site_cap * sizeof *f->sites);
    }
    fl_site *s = &f->sites[f->site_count++];
    memset(s, 0, sizeof *s);
    return s;
}

fl_claim *fl__facts_add_claim(fl_file_facts *f) {
    if (f->claim_count == f->claim_cap) {
        f->claim_cap = f->claim_cap ? f->claim_cap * 2 : 8;
        f->claims = fl_xrealloc(f->claims, f->claim_cap * sizeof *f->claims);
    }
    fl_claim *c = &f->claims[f->claim_count++];
    memset(c, 0, sizeof *c);
    return c;
}

static char *dup_or_empty(const char *s) {
    return fl_xstrdup(s ? s : "");
}

void fl__site_copy(fl_site *dst, const fl_site *src) {
    *dst = *src;
    dst->rule = dup_or_empty(src->rule);
    dst->path = dup_or_empty(src->path);
    dst->function = dup_or_empty(src->function);
    dst->target = dup_or_empty(src->target);
    dst->message = dup_or_empty(src->message);
}

void fl__site_fini(fl_site *s) {
    free(s->rule);
    free(s->path);
    free(s->function);
    free(s->target);
    free(s->message);
}

void fl__claim_copy(fl_claim *dst, const fl_claim *src) {
    *dst = *src;
    dst->text = dup_or_empty(src->text);
    dst->topic = dup_or_empty(src->topic);
    dst->path = dup_or_empty(src->path);
    dst->kind = dup_or_empty(src->kind);
}

void fl__claim_fini(fl_claim *c) {
    free(c->text);
    free(c->topic);
    free(c->path);
    free(c->kind);
}

void fl_file_facts_free(fl_file_facts *f) {
    if (!f) return;
    for (size_t i = 0; i < f->site_count; i++) fl__site_fini(&f->sites[i]);
    for (size_t i = 0; i < f->claim_count; i++) fl__claim_fini(&f->claims[i]);
    for (size_t i = 0; i < f->func_count; i++) free(f->funcs[i].name);
    free(f->sites);
    free(f->claims);
    free(f->funcs);
    free(f->calls);
    free(f->path);
    free(f);
}

const fl_site *fl_file_facts_sites(const fl_file_facts *f, size_t *count) {
    *count = f->site_count;
    return f->sites;
}

const fl_claim *fl_file_facts_claims(const fl_file_facts *f, size_t *count) {
    *count = f->claim_count;
    return f->claims;
}

int fl_file_facts_parse_errors(const fl_file_facts *f) {
    return f->parse_errors;
}

long fl__enclosing_function(const fl_file_facts *f, uint32_t start, uint32_t end) {
    long best = -1;
    /* funcs are sorted by start; the innermost container is the last one that contains */
    for (size_t i = 0; i < f->func_count; i++) {
        if (f->funcs[i].start_byte > start) break;
        if (f->funcs[i].end_byte >= end) best = (long)i;
    }
    return best;
}

/* ---- positions --------------------------------------------------------------------------- */

typedef struct pos {
    int line, column, end_line, end_column, c16, ec16;
} pos;

static pos node_pos(TSNode n, const char *text) {
    pos p;
    TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
    uint32_t sb = ts_node_start_byte(n), eb = ts_node_end_byte(n);
    p.line = (int)a.row + 1;
    p.column = (int)a.column + 1;
    p.end_line = (int)b.row + 1;
    p.end_column = (int)b.column + 1;
    p.c16 = fl__utf16_column(text + sb - a.column, a.column);
    p.ec16 = fl__utf16_column(text + eb - b.column, b.column);
    return p;
}

/* ---- messages ---------------------------------------------------------------------------- */

typedef struct rule_text {
    const char *rule;
    const char *with_target; /* %s = target */
    const char *without_target;
} rule_text;

static const rule_text rule_texts[] = {
    {"retry.loop", "loop retries %s after an error", "loop retries after an error"},
    {"retry.call", "retries %s through a retry helper", "call retries through a retry helper"},
    {"retry.decorator", "%s is retried by a decorator", "function is retried by a decorator"},
    {"retry.annotation", "%s is retried by an annotation", "method is retried by an annotation"},
    {"retry.policy", "retry policy configured for %s", "retry policy configured"},
    {"retry.wrapper-call", "calls %s, which retries in a loop", "calls a retrying function"},
    {"retry.decision", "decides to retry %s", "decides whether to retry"},
    {"idempotency.retried-write",
     "retries %s, a write, with no idempotency key in reach: a lost ack makes it apply twice",
     "retries a write with no idempotency key in reach"},
    {"idempotency.key", "idempotency key %s", "idempotency key or dedup check"},
    {"timeout.call", "deadline set for %s", "deadline or timeout set"},
    {"timeout.context", "context deadline %s", "context with a deadline"},
    {"timeout.socket", "socket timeout %s", "socket timeout set"},
    {"timeout.wait", "bounded wait on %s", "bounded wait"},
    {"lease.acquire", "acquires %s", "acquires a lease or lock"},
    {"lease.renew", "renews %s", "renews a lease"},
    {"lease.release", "releases %s", "releases a lease or lock"},
    {"lease.ttl", "lease/TTL %s", "lease or TTL"},
    {"lease.leader", "leadership check %s", "leadership check"},
    {"lease.fencing", "fencing token %s", "fencing token"},
    {"commit.call", "commits %s", "commits a transaction"},
    {"commit.fsync", "flushes %s to stable storage", "flushes to stable storage"},
    {"commit.propose", "proposes %s to consensus", "proposes to consensus"},
    {"commit.apply", "applies committed entries %s", "applies committed entries"},
    {"commit.ack", "acknowledges %s", "acknowledges a write"},
    {"clock.now", "wall-clock time %s used in a safety decision",
     "wall-clock time used in a safety decision"},
    {"clock.expiry", "expiry decided with the wall clock: %s",
     "expiry decided with the wall clock"},
    {NULL, NULL, NULL},
};

static char *default_message(const char *rule, const char *target) {
    fl_buf b = FL_BUF_INIT;
    for (const rule_text *t = rule_texts; t->rule; t++) {
        if (strcmp(t->rule, rule) != 0) continue;
        if (target && *target)
            fl_buf_printf(&b, t->with_target, target);
        else
            fl_buf_puts(&b, t->without_target);
        return fl_buf_take(&b);
    }
    const char *dot = strchr(rule, '.');
    fl_buf_printf(&b, "%.*s site (%s)", dot ? (int)(dot - rule) : (int)strlen(rule), rule,
                  dot ? dot + 1 : rule);
    if (target && *target) fl_buf_printf(&b, ": %s", target);
    return fl_buf_take(&b);
}

/* A target shown to people: the text up to the first '(' or newline, at most 80 bytes; a
 * chained call keeps its last method: "kvc.Txn(…).Commit". */
static char *target_text(const char *s, size_t n) {
    size_t e = 0;
    while (e < n && s[e] != '(' && s[e] != '\n' && s[e] != '{' && e < 80) e++;
    size_t head = e;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
    size_t b = 0;
    while (b < e && (s[b] == ' ' || s[b] == '@')) b++;
    fl_buf out = FL_BUF_INIT;
    fl_buf_append(&out, s + b, e - b);
    if (head < n && s[head] == '(' && n > 0 && s[n - 1] == ')') {
        /* the callee's last identifier: scan back from the final argument list */
        size_t depth = 0, k = n;
        while (k > head) {
            k--;
            if (s[k] == ')')
                depth++;
            else if (s[k] == '(' && --depth == 0)
                break;
        }
        size_t ie = k, ib;
        while (ie > head && (s[ie - 1] == ' ' || s[ie - 1] == '\t' || s[ie - 1] == '\n')) ie--;
        ib = ie;
        while (ib > head && (isalnum((unsigned char)s[ib - 1]) || s[ib - 1] == '_')) ib--;
        const char *id = s + ib;
        size_t idn = ie - ib;
        const char *dot = id;
        while (dot > s + head &&
               (dot[-1] == ' ' || dot[-1] == '\t' || dot[-1] == '\n' || dot[-1] == '\r'))
            dot--;
        if (k > head && idn && dot > s + head && dot[-1] == '.' && idn < 60)
            fl_buf_printf(&out, "(\xe2\x80\xa6).%.*s", (int)idn, id);
    }
    return fl_buf_take(&out);
}

/* ---- the helper regexes ----------------------------------------------------------------- */

typedef struct helper_res {
    pcre2_code *noise, *write, *key, *err_assign;
} helper_res;

static helper_res helpers;

static pcre2_code *compile_or_die(const char *pat) {
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        fprintf(stderr, "faultline: internal regex does not compile at %zu: %s\n", (size_t)eo,
                (const char *)msg);
        abort();
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

#include <pthread.h>
static pthread_once_t helpers_once = PTHREAD_ONCE_INIT;

static void helpers_init(void) {
    /* calls that are not "the operation" inside a retry loop */
    helpers.noise = compile_or_die(
        "^(?i:u?sleep|nanosleep|msleep|delay\\w*|wait\\w*|after|since|now|time\\w*|"
        "log\\w*|print\\w*|v?s?n?f?printf|puts|errorf|error|errors?|string|str|repr|format\\w*|"
        "is|as|new\\w*|wrap\\w*|len|cap|make|min|max|abs|rand\\w*|intn|int63n?|float64|"
        "jitter\\w*|\\w*backoff\\w*|\\w*retr(y|ies|ying)\\w*|attempt\\w*|done|err|ok|debug\\w*|"
        "info\\w*|warn\\w*|fatal\\w*|trace\\w*|perror|strerror|isinstance|int|float|range|"
        "equal\\w*|contains|has\\w*|inc|observe|with\\w*|duration|seconds|milliseconds|"
        "to_string|unwrap\\w*|expect|clone|into|map_err|ok_or\\w*|as_ref|getmessage|getcause|"
        "currenttimemillis|nanotime|valueof|tostring|equals|hashcode|size|isempty|record\\w*|"
        "metrics?|assert\\w*|require\\w*|cancel|recover|panic|close|select|get_event_loop|"
        "sleep_until|from_\\w*|to_\\w*|errno|__errno_location|exit|abort|resolve|reject|"
        "then|catch|promise|settimeout|cleartimeout|setinterval|math\\.\\w+|floor|ceil|pow|"
        "exp|join|split|append|copy|sprintf|strlen|memcpy|memset|free|malloc|calloc|fflush|"
        "fprintf|rethrow|raise|throw|throwable|interrupted|currentthread|interrupt|"
        "time_ns|monotonic|perf_counter|elapsed|instant|set\\w*timeout\\w*|todo|background|"
        "lock|unlock|rlock|runlock|trylock|run|helper|skip\\w*|func|u?int\\d*|byte|rune|"
        "bool|float\\d*|strings?|any|stringer|zap|fields?|field|sprint\\w*|json|marshal|"
        "unmarshal|parse\\w*|atoi|itoa|tick|reset|stop|timer\\w*|ticker\\w*|"
        "current_?time\\w*|system\\.\\w+|uptime\\w*)$");
    /* the line before a call that assigns its error: "err :=", "_, err =", "Err(e) =" */
    helpers.err_assign = compile_or_die("(?i:\\berr\\w*(\\(\\w*\\))?\\s*:?=[^=]*$|\\btry\\b)");
    /* operations that write: retried blindly, they can apply twice */
    helpers.write = compile_or_die(
        "^(?i:put|insert|append|send|sendall|sendto|sendmsg|publish|transfer|charge|create|"
        "write|writev|pwrite|post|update|upsert|add|incr|increment|push|enqueue|produce|submit|"
        "pay|debit|credit|delete|remove|exec|execute|executeupdate|save|store|persist|place|"
        "book|reserve|withdraw|deposit|emit|dispatch|propose|commit|grant|issue|allocate|"
        "register|apply|mutate|cas|compareandswap|compare_and_swap|txn|transact)"
        "(?-i:$|[A-Z_0-9])");
    /* an idempotency key, request id or dedup in reach of the retried write */
    helpers.key = compile_or_die(
        "(?i:idempoten|request_?id|req_?id|dedup|nonce|client_?token|op_?id\\b|operation_?id|"
        "txn_?id|transaction_?id|unique_?id|uuid|if_?match|if_?none_?match|etag|"
        "sequence_?(number|num|no)|seq_?no|message_?id|msg_?id|put_?if_?absent|"
        "on\\s+conflict|upsert|exactly.once|setnx|\\bnx\\b|compare\\(|\\bcas\\b|"
        "create_?revision|mod_?revision|with_?prev_?kv|expected_?version|"
        "prev_?log_?(index|term)|\\bterm\\b|log_?index)");
}

static int re_hit(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md) {
    return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

/* ---- claims text from identifiers ------------------------------------------------------- */

/* "IdempotencyConflictError" / "test_lease_expiry" -> "Idempotency Conflict Error" */
static char *split_ident(const char *s, size_t n) {
    fl_buf b = FL_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '_' || c == '-') {
            fl_buf_putc(&b, ' ');
            continue;
        }
        if (i > 0 && c >= 'A' && c <= 'Z') {
            char p = s[i - 1];
            char nx = i + 1 < n ? s[i + 1] : 0;
            if ((p >= 'a' && p <= 'z') || (p >= '0' && p <= '9') ||
                (p >= 'A' && p <= 'Z' && nx >= 'a' && nx <= 'z'))
                fl_buf_putc(&b, ' ');
        }
        fl_buf_putc(&b, c);
    }
    return fl_buf_take(&b);
}

/* ---- the analysis ------------------------------------------------------------------------ */

static int count_errors(TSNode n, int *first_line, int *first_col) {
    if (ts_node_is_error(n) || ts_node_is_missing(n)) {
        if (*first_line == 0) {
            TSPoint p = ts_node_start_point(n);
            *first_line = (int)p.row + 1;
            *first_col = (int)p.column + 1;
        }
        return 1;
    }
    if (!ts_node_has_error(n)) return 0;
    int total = 0;
    uint32_t c = ts_node_child_count(n);
    for (uint32_t i = 0; i < c; i++)
        total += count_errors(ts_node_child(n, i), first_line, first_col);
    return total;
}

static int cmp_func(const void *a, const void *b) {
    const fl_func *x = a, *y = b;
    if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte) return x->end_byte > y->end_byte ? -1 : 1;
    return 0;
}

static int cmp_call(const void *a, const void *b) {
    const fl_call *x = a, *y = b;
    if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte) return x->end_byte > y->end_byte ? -1 : 1;
    return 0;
}

static int cmp_site_pos(const void *a, const void *b) {
    const fl_site *x = a, *y = b;
    if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte) return x->end_byte > y->end_byte ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

/* The temporary form of a site while matches are collected. */
typedef struct raw_site {
    const fl_capinfo *ci; /* the capture (rule name) */
    TSNode node;
    int has_target;
    uint32_t tstart, tend; /* @target range */
    const char *message;   /* from #set!, may be NULL */
} raw_site;

/* What the matches of one file are collected into. */
typedef struct match_ctx {
    const fl_lang_rules *rules;
    fl_worker *w;
    fl_file_facts *f;
    const char *text;
    raw_site *raws;
    size_t raw_count, raw_cap;
    /* walk mode: the comments right above the node being visited (its named siblings before
     * it that are comments), so @claim.doc_above on it need not look back for them */
    TSNode above_node;
    fl_text_span above;
} match_ctx;

/* Widens `d` to take in text[s, e), which starts on line `line`. */
static void text_span_add(fl_text_span *d, uint32_t s, uint32_t e, int line) {
    if (!d->has || s < d->s) d->s = s, d->line = line;
    if (!d->has || e > d->e) d->e = e;
    d->has = 1;
}

static int is_retry_rule(const char *rule) {
    /* a one-shot retry decision (retry.decision) neither makes its function a retrying one
     * nor is it a retried call */
    return strncmp(rule, "retry.", 6) == 0 && strcmp(rule, "retry.policy") != 0 &&
           strcmp(rule, "retry.wrapper-call") != 0 && strcmp(rule, "retry.decision") != 0;
}

/* First call strictly inside [s, e) whose last identifier is not noise; -1 when none. */
static long find_target_call(const fl_file_facts *f, const char *text, uint32_t s, uint32_t e,
                             pcre2_match_data *md) {
    /* calls are sorted by start: binary search the first with start >= s */
    size_t lo = 0, hi = f->call_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->calls[mid].start_byte < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* pass 0: a call whose error is checked ("err := X()", "if let Err(e) = x()");
     * pass 1: the first meaningful call */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = lo; i < f->call_count && f->calls[i].start_byte < e; i++) {
            const fl_call *c = &f->calls[i];
            if (c->end_byte > e) continue;
            if (c->start_byte <= s && c->end_byte >= e) continue; /* the site itself */
            const char *id;
            size_t n;
            fl__last_ident(text + c->name_start, c->name_end - c->name_start, &id, &n);
            if (n == 0) continue;
            if (re_hit(helpers.noise, id, n, md)) continue;
            if (pass == 0) {
                uint32_t ls = c->start_byte;
                while (ls > s && text[ls - 1] != '\n') ls--;
                if (!re_hit(helpers.err_assign, text + ls, c->start_byte - ls, md)) continue;
            }
            return (long)i;
        }
    }
    return -1;
}

/* Records a call and the callee's name (a call-root match). */
static void add_call(match_ctx *c, TSNode call_node, TSNode call_name) {
    fl_file_facts *f = c->f;
    const char *text = c->text;
    if (f->call_count == f->call_cap) {
        f->call_cap = f->call_cap ? f->call_cap * 2 : 64;
        f->calls = fl_xrealloc(f->calls, f->call_cap * sizeof *f->calls);
    }
    fl_call *cl = &f->calls[f->call_count++];
    cl->start_byte = ts_node_start_byte(call_node);
    cl->end_byte = ts_node_end_byte(call_node);
    cl->name_start = ts_node_start_byte(call_name);
    cl->name_end = ts_node_end_byte(call_name);
    const char *id;
    size_t n;
    fl__last_ident(text + cl->name_start, cl->name_end - cl->name_start, &id, &n);
    cl->name_hash = fl__hash(id, n, 0);
    pos p = node_pos(call_node, text);
    cl->line = p.line;
    cl->column = p.column;
    cl->end_line = p.end_line;
    cl->end_column = p.end_column;
    cl->column_utf16 = p.c16;
    cl->end_column_utf16 = p.ec16;
}

/* Runs the dispatch query at a call whose callee (or text) names what one of its patterns
 * needs. */
static void take_match(match_ctx *c, const fl_rule_query *q, const TSQueryMatch *m);
static void dispatch_at(match_ctx *c, TSNode call_node, TSNode call_name) {
    if (!fl__rules_dispatch_candidate(c->rules, c->text, ts_node_start_byte(call_node),
                                      ts_node_end_byte(call_node), ts_node_start_byte(call_name),
                                      ts_node_end_byte(call_name)))
        return;
    const fl_rule_query *dq = &c->rules->dispatch;
    fl_worker *w = c->w;
    ts_query_cursor_exec(w->dcursor, dq->query, call_node);
    TSQueryMatch dm;
    while (ts_query_cursor_next_match(w->dcursor, &dm))
        if (fl__rules_match_ok(dq, &dm, c->text, w->md)) take_match(c, dq, &dm);
}

/* Turns one match of `q` into facts; a call-root match also runs the dispatch query on
 * its call when the callee names an identifier a dispatched pattern needs. */
static void take_match(match_ctx *c, const fl_rule_query *q, const TSQueryMatch *m) {
    fl_file_facts *f = c->f;
    const char *text = c->text;
    fl_worker *w = c->w;
    int has_target = 0;
    uint32_t ts_ = 0, te = 0;
    TSNode fn_node = {0}, fn_name = {0}, call_node = {0}, call_name = {0};
    int has_fn = 0, has_fn_name = 0, has_call = 0, has_call_name = 0;
    fl_text_span doc = {0, 0, 0, 0};
    for (uint16_t k = 0; k < m->capture_count; k++) {
        const fl_capinfo *ci = &q->caps[m->captures[k].index];
        TSNode n = m->captures[k].node;
        switch (ci->kind) {
            case FL_CAP_TARGET:
                has_target = 1;
                ts_ = ts_node_start_byte(n);
                te = ts_node_end_byte(n);
                break;
            case FL_CAP_FUNCTION:
                fn_node = n, has_fn = 1;
                break;
            case FL_CAP_FUNCTION_NAME:
                fn_name = n, has_fn_name = 1;
                break;
            case FL_CAP_CALL:
                call_node = n, has_call = 1;
                break;
            case FL_CAP_CALL_NAME:
                call_name = n, has_call_name = 1;
                break;
            case FL_CAP_CLAIM_DOC_ABOVE: {
                if (ts_node_eq(n, c->above_node)) {
                    if (c->above.has) text_span_add(&doc, c->above.s, c->above.e, c->above.line);
                    break;
                }
                /* the named siblings right before the node that are comments */
                TSNode p = ts_node_prev_named_sibling(n);
                while (!ts_node_is_null(p) && strstr(ts_node_type(p), "comment")) {
                    text_span_add(&doc, ts_node_start_byte(p), ts_node_end_byte(p),
                                  (int)ts_node_start_point(p).row + 1);
                    p = ts_node_prev_named_sibling(p);
                }
                break;
            }
            case FL_CAP_CLAIM_DOC:
                /* adjacent comment lines of one match are read as one text */
                text_span_add(&doc, ts_node_start_byte(n), ts_node_end_byte(n),
                              (int)ts_node_start_point(n).row + 1);
                break;
            case FL_CAP_CLAIM_ERROR_TYPE:
            case FL_CAP_CLAIM_TEST_NAME: {
                uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
                char *words = split_ident(text + s, e - s);
                char *ident = fl_xstrndup(text + s, e - s);
                fl__claims_scan(f, words, strlen(words), ident, (int)ts_node_start_point(n).row + 1,
                                ci->kind == FL_CAP_CLAIM_ERROR_TYPE ? "error-type" : "test-name",
                                w->md);
                free(ident);
                free(words);
                break;
            }
            default:
                break;
        }
    }
    if (doc.has) fl__claims_scan(f, text + doc.s, doc.e - doc.s, NULL, doc.line, "comment", w->md);
    if (has_fn && has_fn_name) {
        if (f->func_count == f->func_cap) {
            f->func_cap = f->func_cap ? f->func_cap * 2 : 16;
            f->funcs = fl_xrealloc(f->funcs, f->func_cap * sizeof *f->funcs);
        }
        fl_func *fn = &f->funcs[f->func_count++];
        uint32_t s = ts_node_start_byte(fn_name), e = ts_node_end_byte(fn_name);
        fn->name = fl_xstrndup(text + s, e - s);
        fn->start_byte = ts_node_start_byte(fn_node);
        fn->end_byte = ts_node_end_byte(fn_node);
        fn->line = (int)ts_node_start_point(fn_node).row + 1;
        fn->retrying = 0;
    }
    if (has_call && has_call_name) add_call(c, call_node, call_name);
    for (uint16_t k = 0; k < m->capture_count; k++) {
        const fl_capinfo *ci = &q->caps[m->captures[k].index];
        if (ci->kind != FL_CAP_SITE) continue;
        if (c->raw_count == c->raw_cap) {
            c->raw_cap = c->raw_cap ? c->raw_cap * 2 : 16;
            c->raws = fl_xrealloc(c->raws, c->raw_cap * sizeof *c->raws);
        }
        raw_site *r = &c->raws[c->raw_count++];
        r->ci = ci;
        r->node = m->captures[k].node;
        r->has_target = has_target;
        r->tstart = ts_;
        r->tend = te;
        r->message = q->patterns[m->pattern_index].message;
    }
    if (q->patterns[m->pattern_index].call_root && has_call && has_call_name)
        dispatch_at(c, call_node, call_name);
}

/* Runs the sibling patterns at `parent`: those starting at its children (and, for the tree's
 * root, at itself: it has no siblings a cursor over the whole tree would see either). */
static void run_siblings(match_ctx *c, TSNode parent, int is_root) {
    const fl_rule_query *sq = &c->rules->siblings;
    fl_worker *w = c->w;
    ts_query_cursor_exec(w->scursor, sq->query, parent);
    TSQueryMatch m;
    while (ts_query_cursor_next_match(w->scursor, &m)) {
        const fl_pattern_info *p = &sq->patterns[m.pattern_index];
        int at_parent = 0;
        for (uint16_t k = 0; k < m.capture_count && !is_root && !at_parent; k++)
            for (size_t j = 0; j < p->start_cap_count; j++)
                if (m.captures[k].index == p->start_caps[j] &&
                    ts_node_eq(m.captures[k].node, parent))
                    at_parent = 1;
        /* a match starting at the parent itself belongs to the parent's own parent, where its
         * siblings are in view */
        if (at_parent) continue;
        if (fl__rules_match_ok(sq, &m, c->text, w->md)) take_match(c, sq, &m);
    }
}

/* Walk mode: visits every node once and runs main only where one of its patterns can start
 * (max start depth 0); the sibling patterns run once at each parent of a node they can start
 * at (max start depth 1). */
static void walk_tree(match_ctx *c, TSNode root) {
    const fl_lang_rules *rules = c->rules;
    fl_worker *w = c->w;
    ts_query_cursor_set_max_start_depth(w->cursor, 0);
    if (rules->siblings.query) run_siblings(c, root, 1);
    if (!w->stack_cap) {
        w->stack_cap = 64;
        w->stack = fl_xcalloc(w->stack_cap, sizeof *w->stack);
        w->sib_done = fl_xcalloc(w->stack_cap, 1);
        w->above = fl_xcalloc(w->stack_cap, sizeof *w->above);
    }
    c->above_node = (TSNode){0};
    fl_tree_walk_start(w->walk, root);
    TSNode n;
    TSSymbol sym;
    uint32_t depth; /* of n; w->stack[0..depth) are its ancestors */
    while (fl_tree_walk_next(w->walk, &n, &sym, &depth)) {
        if (depth + 1 >= w->stack_cap) {
            w->stack_cap *= 2;
            w->stack = fl_xrealloc(w->stack, w->stack_cap * sizeof *w->stack);
            w->sib_done = fl_xrealloc(w->sib_done, w->stack_cap);
            w->above = fl_xrealloc(w->above, w->stack_cap * sizeof *w->above);
        }
        /* n's children, if any, start a new level: no comments above them yet, their
         * parent's sibling patterns not run (the root's ran above) */
        w->stack[depth] = n;
        w->sib_done[depth] = depth == 0;
        w->above[depth + 1].has = 0;
        if (depth == 0) w->above[0].has = 0;
        if (rules->sym_comment) {
            /* the run of comments right above n, then n's place in it */
            fl_text_span *a = &w->above[depth];
            c->above_node = n;
            c->above = *a;
            /* 0 anonymous, 1 named, 2 a comment (ERROR nodes are named) */
            unsigned char k = sym < rules->symbol_count ? rules->sym_comment[sym] : 1;
            if (k == 2) {
                text_span_add(a, ts_node_start_byte(n), ts_node_end_byte(n),
                              (int)ts_node_start_point(n).row + 1);
            } else if (k == 1) {
                a->has = 0;
            }
        }
        if (depth > 0 && rules->sib_start && !w->sib_done[depth - 1]) {
            if (sym < rules->symbol_count && rules->sib_start[sym]) {
                w->sib_done[depth - 1] = 1;
                run_siblings(c, w->stack[depth - 1], 0);
            }
        }
        int any = sym < rules->symbol_count && rules->sym_start[sym] != rules->sym_start[sym + 1];
        uint16_t nf = any ? rules->native_field[sym] : 0;
        if (!any) {
            /* no main pattern starts at this type */
        } else if (nf) {
            /* a call root's match, made here: the callee is the child under its field */
            TSNode callee = ts_node_child_by_field_id(n, nf);
            if (!ts_node_is_null(callee) && ts_node_is_named(callee) &&
                (!rules->native_type[sym] ||
                 strcmp(ts_node_type(callee), rules->native_type[sym]) == 0)) {
                add_call(c, n, callee);
                if (rules->dispatch.query) dispatch_at(c, n, callee);
            }
        } else if (fl__rules_node_may_match(rules, sym, n, c->text, w->md, w->children)) {
            ts_query_cursor_exec(w->cursor, rules->main.query, n);
            TSQueryMatch m;
            while (ts_query_cursor_next_match(w->cursor, &m))
                if (fl__rules_match_ok(&rules->main, &m, c->text, w->md))
                    take_match(c, &rules->main, &m);
        }
    }
}

fl_file_facts *fl__analyze(const fl_analyzer *a, fl_worker *w, const char *path,
                           const char *language, const char *text, size_t length,
                           const TSTree *old_tree, TSTree **tree_out, fl_error *err) {
    pthread_once(&helpers_once, helpers_init);
    if (tree_out) *tree_out = NULL;
    const fl_language *lang = NULL;
    int is_doc = 0;
    if (language && strcmp(language, "markdown") == 0)
        is_doc = 1;
    else {
        lang = language ? fl_grammar_by_name(language) : fl_grammar_for_path(path);
        if (!lang && !language && fl__is_doc_path(path)) is_doc = 1;
        if (!lang && !is_doc) {
            fl_error_set(err, path, 0, 0,
                         "expected a file faultline reads (Go, Java, Python, Rust, C, C++, "
                         "JavaScript, TypeScript or Markdown)%s%s",
                         language ? "; unknown language " : "", language ? language : "");
            return NULL;
        }
    }
    fl_file_facts *f = fl_xcalloc(1, sizeof *f);
    f->path = fl_xstrdup(path);
    f->bytes = length;
    if (is_doc) {
        f->language = "markdown";
        fl__claims_scan_doc(f, text, length, w->md);
        return f;
    }
    f->language = lang->name;
    /* parse first: while this language's rules compile (once, on first use, under a lock),
     * the other workers' parses go on */
    ts_parser_set_language(w->parser, lang->load());
    TSTree *tree = ts_parser_parse_string(w->parser, old_tree, text, (uint32_t)length);
    if (!tree) {
        fl_error_set(err, path, 0, 0, "expected text the %s parser accepts", f->language);
        fl_file_facts_free(f);
        return NULL;
    }
    const fl_lang_rules *rules = fl__analyzer_rules(a, lang);
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root))
        f->parse_errors = count_errors(root, &f->first_error_line, &f->first_error_column);

    match_ctx mc = {.rules = rules, .w = w, .f = f, .text = text};
    if (rules->main.query && rules->walk) {
        walk_tree(&mc, root);
    } else if (rules->main.query) {
        ts_query_cursor_set_max_start_depth(w->cursor, UINT32_MAX);
        ts_query_cursor_exec(w->cursor, rules->main.query, root);
        TSQueryMatch m;
        while (ts_query_cursor_next_match(w->cursor, &m))
            if (fl__rules_match_ok(&rules->main, &m, text, w->md))
                take_match(&mc, &rules->main, &m);
    }
    raw_site *raws = mc.raws;
    size_t raw_count = mc.raw_count;
    if (f->func_count) qsort(f->funcs, f->func_count, sizeof *f->funcs, cmp_func);
    if (f->call_count) qsort(f->calls, f->call_count, sizeof *f->calls, cmp_call);
    /* drop duplicate calls (two patterns matching one call) */
    if (f->call_count > 1) {
        size_t o = 1;
        for (size_t i = 1; i < f->call_count; i++) {
            if (f->calls[i].start_byte == f->calls[o - 1].start_byte &&
                f->calls[i].end_byte == f->calls[o - 1].end_byte)
                continue;
            f->calls[o++] = f->calls[i];
        }
        f->call_count = o;
    }

    /* raw matches -> sites */
    for (size_t i = 0; i < raw_count; i++) {
        raw_site *r = &raws[i];
        const fl_capinfo *ci = r->ci;
        uint32_t s = ts_node_start_byte(r->node), e = ts_node_end_byte(r->node);
        /* the same rule on the same node from two patterns counts once */
        int dup = 0;
        for (size_t k = 0; k < f->site_count; k++)
            if (f->sites[k].start_byte == s && f->sites[k].end_byte == e &&
                strcmp(f->sites[k].rule, ci->name) == 0)
                dup = 1;
        if (dup) continue;
        /* a retry loop that holds another retry loop is the inner one's business */
        if (strcmp(ci->name, "retry.loop") == 0) {
            int outer = 0;
            for (size_t k = 0; k < raw_count && !outer; k++) {
                if (k == i || strcmp(raws[k].ci->name, ci->name) != 0) continue;
                uint32_t ks = ts_node_start_byte(raws[k].node), ke = ts_node_end_byte(raws[k].node);
                if (ks >= s && ke <= e && (ks != s || ke != e)) outer = 1;
            }
            if (outer) continue;
        }
        fl_site *site = fl__facts_add_site(f);
        site->rule = fl_xstrdup(ci->name);
        site->category = (fl_site_category)ci->category;
        site->language = f->language;
        site->path = fl_xstrdup(path);
        pos p = node_pos(r->node, text);
        site->line = p.line;
        site->column = p.column;
        site->end_line = p.end_line;
        site->end_column = p.end_column;
        site->column_utf16 = p.c16;
        site->end_column_utf16 = p.ec16;
        site->start_byte = s;
        site->end_byte = e;
        long fi = fl__enclosing_function(f, s, e);
        site->function = fl_xstrdup(fi >= 0 ? f->funcs[fi].name : "");
        if (fi >= 0 && is_retry_rule(site->rule)) f->funcs[fi].retrying = 1;
        long tc = -1;
        if (r->has_target) {
            site->target = target_text(text + r->tstart, r->tend - r->tstart);
        } else if (site->category == FL_SITE_RETRY && strcmp(site->rule, "retry.policy") != 0) {
            tc = find_target_call(f, text, s, e, w->md);
            if (tc >= 0)
                site->target = target_text(text + f->calls[tc].name_start,
                                           f->calls[tc].name_end - f->calls[tc].name_start);
        }
        if (!site->target && site->category != FL_SITE_RETRY) {
            /* a call names itself: "lock.acquire", "new InterProcessMutex" */
            const char *type = ts_node_type(r->node);
            if (strstr(type, "call") || strstr(type, "invocation") || strstr(type, "creation") ||
                strstr(type, "new_expression"))
                site->target = target_text(text + s, e - s);
            else if (e - s <= 60 && !memchr(text + s, '\n', e - s))
                site->target = fl_xstrndup(text + s, e - s); /* short: "Timeout: 3 * time.Second" */
        }
        if (!site->target) site->target = fl_xstrdup("");
        site->message =
            r->message ? fl_xstrdup(r->message) : default_message(site->rule, site->target);

        /* the retried-write rule */
        if (is_retry_rule(site->rule) && site->target[0]) {
            const char *id;
            size_t n;
            fl__last_ident(site->target, strlen(site->target), &id, &n);
            if (n && re_hit(helpers.write, id, n, w->md)) {
                uint32_t rs = fi >= 0 ? f->funcs[fi].start_byte : s;
                uint32_t re_ = fi >= 0 ? f->funcs[fi].end_byte : e;
                if (!re_hit(helpers.key, text + rs, re_ - rs, w->md)) {
                    /* copy what we need before the site array may move */
                    char *target = fl_xstrdup(site->target);
                    char *func = fl_xstrdup(site->function);
                    fl_site copy = *site;
                    fl_site *u = fl__facts_add_site(f);
                    *u = copy;
                    if (tc >= 0) fl__site_at_call(u, &f->calls[tc]);
                    u->rule = fl_xstrdup("idempotency.retried-write");
                    u->category = FL_SITE_IDEMPOTENCY;
                    u->path = fl_xstrdup(path);
                    u->function = func;
                    u->target = target;
                    u->message = default_message(u->rule, target);
                }
            }
        }
    }
    free(raws);
    /* a function nested in a retrying one under the same name (a decorated Python def
     * inside its decorated_definition) retries too */
    for (size_t i = 0; i < f->func_count; i++) {
        if (!f->funcs[i].retrying) continue;
        for (size_t k = i + 1; k < f->func_count && f->funcs[k].start_byte < f->funcs[i].end_byte;
             k++)
            if (f->funcs[k].end_byte <= f->funcs[i].end_byte &&
                strcmp(f->funcs[k].name, f->funcs[i].name) == 0)
                f->funcs[k].retrying = 1;
    }
    if (f->site_count > 1) qsort(f->sites, f->site_count, sizeof *f->sites, cmp_site_pos);

    if (tree_out)
        *tree_out = tree;
    else
        ts_tree_delete(tree);
    return f;
}

fl_file_facts *fl_analyze_text(const fl_analyzer *a, const char *path, const char *language,
                               const char *text, size_t length, const TSTree *old_tree,
                               TSTree **tree_out, fl_error *err) {
    fl_worker w;
    fl_worker_init(&w);
    fl_file_facts *f = fl__analyze(a, &w, path, language, text, length, old_tree, tree_out, err);
    fl_worker_fini(&w);
    return f;
}

void fl__site_at_call(fl_site *s, const fl_call *c) {
    s->line = c->line;
    s->column = c->column;
    s->end_line = c->end_line;
    s->end_column = c->end_column;
    s->column_utf16 = c->column_utf16;
    s->end_column_utf16 = c->end_column_utf16;
    s->start_byte = c->start_byte;
    s->end_byte = c->end_byte;
}
