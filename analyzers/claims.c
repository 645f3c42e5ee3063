/*
 * claims.c — finds the promises a product makes, with pcre2 patterns over prose (Markdown
 * docs, doc comments) and over identifiers split into words (error type names, test names).
 * Each pattern is a topic ("exactly-once", "linearizable", "durable", ...) mapped to one of
 * the 11 claim categories. Text enters as a byte range; claims leave appended to the file's
 * facts with their line and the sentence (or identifier) they were read from.
 */
#include "internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FL_TOPIC_LITS 16

typedef struct topic {
    const char *name;
    fl_claim_category category;
    const char *pattern;
    pcre2_code *re;
} topic;

/* What any match of a topic must contain, found by init (below): one lowercase literal per
 * top-level branch of its pattern; no literals: the topic always runs. */
typedef struct topic_filter {
    char lits[FL_TOPIC_LITS][32];
    size_t lit_lens[FL_TOPIC_LITS];
    size_t lit_count;
} topic_filter;

static topic topics[] = {
    {"exactly-once", FL_CLAIM_IDEMPOTENCY, "exactly[- ]once", NULL},
    {"at-least-once", FL_CLAIM_IDEMPOTENCY, "at[- ]least[- ]once", NULL},
    {"at-most-once", FL_CLAIM_IDEMPOTENCY, "at[- ]most[- ]once", NULL},
    {"idempotent", FL_CLAIM_IDEMPOTENCY,
     "idempoten(t|cy|tly)|\\bde-?dup(e|ed|licat\\w*|ing)?\\b|safe to retry|"
     "retr(y|ies) (is|are) safe|duplicate (requests?|writes?|messages?|deliver\\w*)",
     NULL},
    {"linearizable", FL_CLAIM_SAFETY, "lineari[sz]ab\\w*", NULL},
    {"serializable", FL_CLAIM_ISOLATION,
     "seriali[sz]ab(le|ility)|snapshot isolation|read committed|repeatable read|"
     "isolation level|\\bG2\\b|write skew",
     NULL},
    {"durable", FL_CLAIM_DURABILITY,
     "durab(le|ility)|never (lose|loses|lost)|no data loss|(won't|will not|never) be lost|"
     "\\bnot lose\\b|persist\\w* to (disk|stable storage)|fsync\\w* (before|prior)|"
     "surviv\\w+ (a |an )?(crash|restart|power)|crash[- ]safe|crash[- ]consisten\\w*|"
     "write[- ]ahead log",
     NULL},
    {"ordered", FL_CLAIM_ORDERING,
     "\\bFIFO\\b|\\bin[- ]order\\b|total(ly)? order\\w*|strict(ly)? order\\w*|"
     "order(ing)? guarantee\\w*|causal(ly)? (order|consisten)\\w*|"
     "monotonic(ally)? increasing|preserv\\w+ (the )?order|\\bordered\\b",
     NULL},
    {"lease", FL_CLAIM_SAFETY,
     "\\bleases?\\b|\\bleased\\b|fencing|mutual exclusion|mutually exclusive|"
     "at most one (leader|holder|owner|writer|primary|client)|distributed lock|"
     "lock holder|split[- ]brain",
     NULL},
    {"leader", FL_CLAIM_SAFETY, "\\bleader(ship)?\\b|single leader|leader election", NULL},
    {"consistency", FL_CLAIM_SAFETY,
     "strong(ly)? consisten\\w*|read[- ]your[- ](own[- ])?writes|monotonic reads?|"
     "stale reads?|sequential(ly)? consisten\\w*|consistent reads?|"
     "atomic(ally)? (commit|transaction|write|update|rename|batch)\\w*|all[- ]or[- ]nothing",
     NULL},
    {"membership", FL_CLAIM_MEMBERSHIP,
     "\\bmembership\\b|reconfigur\\w+|join\\w* the cluster|\\bquorum\\b|\\bconsensus\\b|"
     "majority of (the )?(nodes|replicas|members)",
     NULL},
    {"availability", FL_CLAIM_LIVENESS,
     "highly available|high availability|always available|eventual(ly)? consisten\\w*|"
     "eventually converge\\w*|no single point of failure|makes? progress|"
     "recover\\w* automatically|automatic(ally)? fail-?over|self-healing|wait-free|"
     "deadlock[- ]free|\\blivelock",
     NULL},
    {"latency-slo", FL_CLAIM_PERFORMANCE_SLO,
     "\\bp(50|90|95|99|999)\\b|latency (under|below|of less than)|"
     "within \\d+ ?(ms|milliseconds|seconds)\\b|throughput of|"
     "\\d+[kKmM]? (ops|requests|writes|reads)(/s| per second)|sub-?millisecond",
     NULL},
    {"tenant-boundary", FL_CLAIM_BOUNDARY,
     "\\btenants?\\b|multi-?tenan\\w*|namespace isolation|cross-tenant", NULL},
    {"fairness", FL_CLAIM_FAIRNESS,
     "\\bfair(ly|ness)?\\b|noisy neighbo\\w*|\\bstarv(e|ation|ing)\\b|per-tenant (quota|limit)",
     NULL},
    {"operations", FL_CLAIM_OPERATIONAL,
     "rolling (upgrade|restart)\\w*|zero[- ]downtime|backwards? compatib\\w*|"
     "backup and restore|point-in-time recovery|online migration",
     NULL},
};

#define TOPIC_COUNT (sizeof topics / sizeof topics[0])

static topic_filter filters[TOPIC_COUNT];

int fl__claims_prefilter = 1;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static pcre2_code *compile(const char *pat) {
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &ec, &eo, NULL);
    if (!re) {
        fprintf(stderr, "faultline: internal claim pattern does not compile: %s\n", pat);
        abort();
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static int lit_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
           c == '-' || c == '\'' || c == ',';
}

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The longest run of plain characters that every match of one top-level branch
 * p[0, n) holds: outside groups and classes, not followed by a quantifier (which would
 * make its last character optional). Returns its length (0: none) into out. */
static size_t branch_literal(const char *p, size_t n, char *out, size_t cap) {
    size_t best = 0, i = 0;
    while (i < n) {
        char c = p[i];
        if (c == '(') { /* skip the group, and its quantifier below */
            int depth = 0;
            for (; i < n; i++) {
                if (p[i] == '\\') {
                    i++;
                    continue;
                }
                if (p[i] == '(') depth++;
                if (p[i] == ')' && --depth == 0) break;
            }
            i++;
            continue;
        }
        if (c == '[') {
            while (i < n && p[i] != ']') i += p[i] == '\\' ? 2 : 1;
            i++;
            continue;
        }
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (!lit_char(c)) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && lit_char(p[i])) i++;
        size_t e = i;
        if (i < n && (p[i] == '?' || p[i] == '*' || p[i] == '{')) e--; /* last one optional */
        if (e > s && e - s > best && e - s < cap) {
            best = e - s;
            for (size_t k = 0; k < best; k++) out[k] = lower(p[s + k]);
            out[best] = 0;
        }
    }
    return best;
}

/* Splits a topic's pattern into its top-level branches and keeps each one's literal; a
 * branch with none (or too many branches) leaves the topic without a prefilter. */
static void find_literals(const topic *tp, topic_filter *t) {
    const char *p = tp->pattern;
    size_t n = strlen(p), s = 0;
    int depth = 0;
    t->lit_count = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] == '\\') {
            i++;
            continue;
        }
        if (i < n && p[i] == '[') {
            while (i < n && p[i] != ']') i += p[i] == '\\' ? 2 : 1;
            continue;
        }
        if (i < n && p[i] == '(') depth++;
        if (i < n && p[i] == ')') depth--;
        if (i < n && (p[i] != '|' || depth > 0)) continue;
        if (t->lit_count == FL_TOPIC_LITS) {
            t->lit_count = 0;
            return;
        }
        size_t len = branch_literal(p + s, i - s, t->lits[t->lit_count], sizeof t->lits[0]);
        if (len < 2) { /* too weak to filter by */
            t->lit_count = 0;
            return;
        }
        t->lit_lens[t->lit_count++] = len;
        s = i + 1;
    }
}

/* Every literal of every topic, grouped by first byte, and the set of first two bytes they
 * start with: one pass over a text finds which topics may match it. */
typedef struct lit_ref {
    const char *text;
    size_t length;
    size_t topic;
} lit_ref;

static lit_ref lit_refs[TOPIC_COUNT * FL_TOPIC_LITS];
static size_t first_start[257]; /* lit_refs[first_start[c], first_start[c + 1]) start with c */
static uint64_t pair_bits[65536 / 64];

static void index_literals(void) {
    size_t n = 0;
    for (int c = 0; c < 256; c++) {
        first_start[c] = n;
        for (size_t t = 0; t < TOPIC_COUNT; t++)
            for (size_t k = 0; k < filters[t].lit_count; k++) {
                if ((unsigned char)filters[t].lits[k][0] != c) continue;
                lit_refs[n++] = (lit_ref){filters[t].lits[k], filters[t].lit_lens[k], t};
                unsigned pair = (unsigned)c << 8 | (unsigned char)filters[t].lits[k][1];
                pair_bits[pair >> 6] |= (uint64_t)1 << (pair & 63);
            }
    }
    first_start[256] = n;
}

/* Marks in `may` (one flag per topic) the topics that could match the lowercased text. */
static void topics_in(const char *low, size_t n, unsigned char *may) {
    for (size_t t = 0; t < TOPIC_COUNT; t++)
        may[t] = filters[t].lit_count == 0 || !fl__claims_prefilter;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned c = (unsigned char)low[i], pair = c << 8 | (unsigned char)low[i + 1];
        if (!(pair_bits[pair >> 6] >> (pair & 63) & 1)) continue;
        for (size_t r = first_start[c]; r < first_start[c + 1]; r++) {
            const lit_ref *l = &lit_refs[r];
            if (!may[l->topic] && l->length <= n - i && memcmp(low + i, l->text, l->length) == 0)
                may[l->topic] = 1;
        }
    }
}

/* Each topic is searched on its own: pcre2 skips ahead to a topic's possible first letters
 * and required text, which one alternation of all topics (tried at every byte, about 900
 * instructions a byte of doc comment) cannot, so the 17 searches cost less than that one.
 * Cheaper still is not to search: a topic runs only when the text (lowercased once) holds
 * one of its branches' literals, and one pass over the text finds them all (topics_in). */
static void init(void) {
    for (size_t i = 0; i < TOPIC_COUNT; i++) {
        topics[i].re = compile(topics[i].pattern);
        find_literals(&topics[i], &filters[i]);
    }
    index_literals();
}

size_t fl__claims_topic_literals(const char *topic_name, const char **out, size_t cap) {
    pthread_once(&once, init);
    for (size_t i = 0; i < TOPIC_COUNT; i++) {
        if (strcmp(topics[i].name, topic_name) != 0) continue;
        for (size_t k = 0; k < filters[i].lit_count && k < cap; k++) out[k] = filters[i].lits[k];
        return filters[i].lit_count;
    }
    return 0;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The sentence around [ms, me) in text[0, n), comment markers and Markdown stripped,
 * whitespace collapsed, at most 240 bytes. */
static char *sentence(const char *t, size_t n, size_t ms, size_t me) {
    size_t b = ms;
    while (b > 0) {
        char c = t[b - 1];
        if ((c == '.' || c == '!' || c == '?') && b < n && is_space(t[b])) break;
        if (c == '\n' && b >= 2 && t[b - 2] == '\n') break;
        b--;
    }
    size_t e = me;
    while (e < n) {
        char c = t[e];
        if ((c == '.' || c == '!' || c == '?') && (e + 1 >= n || is_space(t[e + 1]))) {
            e++;
            break;
        }
        if (c == '\n' && e + 1 < n && t[e + 1] == '\n') break;
        e++;
    }
    fl_buf out = FL_BUF_INIT;
    int at_line_start = 1, pending_space = 0;
    for (size_t i = b; i < e && out.len < 240; i++) {
        char c = t[i];
        if (c == '\n' || c == '\r') {
            at_line_start = 1;
            pending_space = out.len > 0;
            continue;
        }
        if (at_line_start) {
            /* comment markers, list bullets, heading and quote marks at a line start */
            if (is_space(c) || c == '/' || c == '*' || c == '#' || c == '>' || c == '-' ||
                c == '!' || c == '"' || c == '\'' || c == '`')
                continue;
            at_line_start = 0;
        }
        if (c == '\t' || c == ' ') {
            pending_space = out.len > 0;
            continue;
        }
        if (c == '*' && i + 1 < e && t[i + 1] == '/') break; /* end of a block comment */
        if (c == '`' || c == '*') continue;
        if (pending_space) fl_buf_putc(&out, ' ');
        pending_space = 0;
        fl_buf_putc(&out, c);
    }
    /* trailing comment enders and docstring quotes */
    while (out.len > 0 && (out.data[out.len - 1] == '"' || out.data[out.len - 1] == '\'' ||
                           out.data[out.len - 1] == '/' || out.data[out.len - 1] == ' '))
        out.data[--out.len] = 0;
    return fl_buf_take(&out);
}

/* Texts no topic matched, per thread: the same licence header or boilerplate comment heads
 * most files of a tree, and 17 searches through it cost ~300 instructions a byte. A slot
 * keeps its own copy of the text, so a hit is an exact match, not a hash guess. */
#define QUIET_SLOTS 64
#define QUIET_MIN 128
#define QUIET_MAX 8192

typedef struct quiet_slot {
    char *text;
    size_t length;
} quiet_slot;

static _Thread_local quiet_slot quiet[QUIET_SLOTS];
static pthread_key_t quiet_key;
static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet_free(void *unused) {
    (void)unused;
    for (size_t i = 0; i < QUIET_SLOTS; i++) {
        free(quiet[i].text);
        quiet[i].text = NULL;
    }
}

static void quiet_init(void) {
    pthread_key_create(&quiet_key, quiet_free);
}

static quiet_slot *quiet_slot_for(const char *text, size_t length) {
    return &quiet[fl__hash(text, length, 0) % QUIET_SLOTS];
}

void fl__claims_scan(fl_file_facts *f, const char *text, size_t length, const char *display,
                     int line, const char *kind, pcre2_match_data *md) {
    pthread_once(&once, init);
    quiet_slot *qs = NULL;
    if (length >= QUIET_MIN && length <= QUIET_MAX) {
        qs = quiet_slot_for(text, length);
        if (qs->text && qs->length == length && memcmp(qs->text, text, length) == 0) return;
    }
    int hits = 0;
    char small[1024];
    char *low = length <= sizeof small ? small : fl_xmalloc(length ? length : 1);
    for (size_t k = 0; k < length; k++) low[k] = lower(text[k]);
    unsigned char may[TOPIC_COUNT];
    topics_in(low, length, may);
    for (size_t i = 0; i < TOPIC_COUNT; i++) {
        if (!may[i]) continue;
        if (pcre2_match(topics[i].re, (PCRE2_SPTR)text, length, 0, 0, md, NULL) < 0) continue;
        hits++;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        int at_line = line;
        for (size_t k = 0; k < ms; k++)
            if (text[k] == '\n') at_line++;
        int dup = 0;
        for (size_t k = 0; k < f->claim_count && !dup; k++)
            if (f->claims[k].line == at_line && strcmp(f->claims[k].topic, topics[i].name) == 0)
                dup = 1;
        if (dup) continue;
        char *t = display ? fl_xstrdup(display) : sentence(text, length, ms, me);
        if (!t[0]) {
            free(t);
            continue;
        }
        fl_claim *c = fl__facts_add_claim(f);
        c->text = t;
        c->category = topics[i].category;
        c->topic = fl_xstrdup(topics[i].name);
        c->path = fl_xstrdup(f->path);
        c->line = at_line;
        c->inferred = 0;
        c->kind = fl_xstrdup(kind);
    }
    if (low != small) free(low);
    if (qs && !hits) {
        pthread_once(&quiet_once, quiet_init);
        if (!qs->text) pthread_setspecific(quiet_key, qs); /* frees the slots at thread exit */
        free(qs->text);
        qs->text = fl_xmalloc(length);
        memcpy(qs->text, text, length);
        qs->length = length;
    }
}

void fl__claims_scan_doc(fl_file_facts *f, const char *text, size_t length, pcre2_match_data *md) {
    int in_fence = 0;
    int line = 1;
    size_t i = 0;
    /* one paragraph at a time, so sentences that wrap lines stay whole */
    while (i < length) {
        size_t ls = i;
        while (i < length && text[i] != '\n') i++;
        size_t le = i;
        if (i < length) i++;
        size_t k = ls;
        while (k < le && (text[k] == ' ' || text[k] == '\t')) k++;
        if (le - k >= 3 && (strncmp(text + k, "```", 3) == 0 || strncmp(text + k, "~~~", 3) == 0)) {
            in_fence = !in_fence;
            line++;
            continue;
        }
        if (in_fence || k == le) {
            line++;
            continue;
        }
        /* gather the paragraph: following non-blank, non-fence lines */
        int start_line = line;
        size_t pe = le;
        line++;
        while (text[k] != '#' && text[k] != '|' && i < length) {
            size_t ns = i;
            size_t ne = ns;
            while (ne < length && text[ne] != '\n') ne++;
            size_t nk = ns;
            while (nk < ne && (text[nk] == ' ' || text[nk] == '\t')) nk++;
            if (nk == ne || (ne - nk >= 3 && (strncmp(text + nk, "```", 3) == 0 ||
                                              strncmp(text + nk, "~~~", 3) == 0)))
                break;
            if (text[nk] == '#' || text[nk] == '|') break; /* headings and tables stand alone */
            pe = ne;
            i = ne < length ? ne + 1 : ne;
            line++;
        }
        fl__claims_scan(f, text + ls, pe - ls, NULL, start_line, "doc", md);
    }
}
