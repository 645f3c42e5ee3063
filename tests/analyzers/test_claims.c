/*
 * test_claims.c — claim topics (analyzers/claims.c): the literals that prefilter each topic's
 * pcre2 search are the ones its pattern requires, and a scan with the prefilter finds exactly
 * the claims a scan without it finds, on phrases for every branch of every topic in mixed
 * case and on real prose (the shared reference documents, our README and example docs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static void expect_literals(const char *topic, size_t n, const char *const *want) {
    const char *got[16];
    size_t k = fl__claims_topic_literals(topic, got, 16);
    if (k != n) fail_msg("%s: %zu literals, expected %zu", topic, k, n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(got[i], want[i]) != 0)
            fail_msg("%s: literal %zu is '%s', expected '%s'", topic, i, got[i], want[i]);
}

static void test_literals(void **state) {
    (void)state;
    expect_literals("exactly-once", 1, (const char *[]){"exactly"});
    expect_literals("idempotent", 5,
                    (const char *[]){"idempoten", "dup", "safe to retry", " safe", "duplicate "});
    /* an optional last letter is left out: "leases?" needs only "lease" */
    expect_literals("lease", 9,
                    (const char *[]){"lease", "leased", "fencing", "mutual exclusion",
                                     "mutually exclusive", "at most one ", "distributed lock",
                                     "lock holder", "split"});
    /* a branch with no literal of two letters ("\bp(50|90|...)") leaves the topic unfiltered */
    const char *none[1];
    assert_int_equal(fl__claims_topic_literals("latency-slo", none, 1), 0);
    assert_int_equal(fl__claims_topic_literals("no-such-topic", none, 1), 0);
}

/* The claims of one Markdown text, as "line topic text" lines. */
static char *claims_of(fl_analyzer *a, const char *text, size_t n) {
    fl_error err;
    fl_file_facts *f = fl_analyze_text(a, "doc.md", NULL, text, n, NULL, NULL, &err);
    assert_non_null(f);
    size_t nc = 0;
    const fl_claim *c = fl_file_facts_claims(f, &nc);
    fl_buf out = FL_BUF_INIT;
    for (size_t i = 0; i < nc; i++)
        fl_buf_printf(&out, "%d %s %s\n", c[i].line, c[i].topic, c[i].text);
    fl_file_facts_free(f);
    return fl_buf_take(&out);
}

/* Claims with the prefilter and without; returns how many lines they hold. */
static size_t same_both_ways(fl_analyzer *a, const char *text, size_t n, const char *what) {
    fl__claims_prefilter = 1;
    char *with = claims_of(a, text, n);
    fl__claims_prefilter = 0;
    char *without = claims_of(a, text, n);
    fl__claims_prefilter = 1;
    if (strcmp(with, without) != 0)
        fail_msg("%s: with the prefilter\n%s\nwithout\n%s", what, with, without);
    size_t lines = 0;
    for (const char *p = with; *p; p++) lines += *p == '\n';
    free(with);
    free(without);
    return lines;
}

static void test_prefilter_exact_phrases(void **state) {
    (void)state;
    /* one phrase per branch of every topic, in mixed case, one paragraph each */
    static const char *phrases[] = {
        "Delivery is EXACTLY-ONCE.",
        "At least once delivery.",
        "At-Most-Once semantics.",
        "Writes are IdempotenT.",
        "We dedupe retries.",
        "It is Safe To Retry.",
        "Retries Are Safe here.",
        "Duplicate Requests are dropped.",
        "Reads are Linearizable.",
        "Serializable isolation.",
        "Snapshot Isolation holds.",
        "READ COMMITTED only.",
        "Repeatable read mode.",
        "Set the isolation level.",
        "No G2 anomalies.",
        "No write skew.",
        "Durable writes.",
        "We never lose data.",
        "No data loss.",
        "Acked data will not be lost.",
        "We do not lose acked writes.",
        "Persisted to disk first.",
        "Fsynced before the ack.",
        "Survives a crash.",
        "Crash-safe log.",
        "Crash consistent.",
        "A write-ahead log.",
        "FIFO queues.",
        "Messages arrive in order.",
        "Totally ordered log.",
        "Strictly ordered.",
        "Ordering guarantees apply.",
        "Causally consistent.",
        "Monotonically increasing ids.",
        "Preserves the order.",
        "An ordered stream.",
        "Leases expire.",
        "Leased keys.",
        "Fencing tokens.",
        "Mutual exclusion.",
        "Mutually exclusive.",
        "At most one leader.",
        "A distributed lock.",
        "The lock holder.",
        "No split-brain.",
        "The leader steps down.",
        "Single leader.",
        "Leader election.",
        "Strongly consistent.",
        "Read your writes.",
        "Monotonic reads.",
        "No stale reads.",
        "Sequentially consistent.",
        "Consistent reads.",
        "Atomically commits.",
        "All-or-nothing.",
        "Membership changes.",
        "Reconfiguration.",
        "Nodes joining the cluster.",
        "A quorum acks.",
        "Consensus decides.",
        "A majority of the nodes.",
        "Highly available.",
        "High availability.",
        "Always available.",
        "Eventually consistent.",
        "Replicas eventually converge.",
        "No single point of failure.",
        "Makes progress.",
        "Recovers automatically.",
        "Automatic failover.",
        "Self-healing.",
        "Wait-free.",
        "Deadlock-free.",
        "No livelock.",
        "p99 under 10 ms.",
        "Latency under 5 ms.",
        "Within 200 ms.",
        "Throughput of 10k.",
        "50k ops/s.",
        "Sub-millisecond reads.",
        "Per tenant.",
        "Multi-tenant.",
        "Namespace isolation.",
        "Cross-tenant reads.",
        "Fair scheduling.",
        "Noisy neighbours.",
        "No starvation.",
        "Per-tenant quota.",
        "Rolling upgrades.",
        "Zero downtime.",
        "Backwards compatible.",
        "Backup and restore.",
        "Point-in-time recovery.",
        "Online migration.",
        /* near misses: a literal but no match, no literal at all */
        "Exactly twice.",
        "The leaderboard.",
        "Ordering pizza.",
        "Nothing to see.",
    };
    fl_error err;
    fl_analyzer *a = fl_analyzer_new(NULL, &err);
    assert_non_null(a);
    fl_buf doc = FL_BUF_INIT;
    size_t each = 0;
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        fl_buf_printf(&doc, "%s\n\n", phrases[i]);
        each += same_both_ways(a, phrases[i], strlen(phrases[i]), phrases[i]) > 0;
    }
    /* every phrase but the four near misses is a claim */
    assert_int_equal(each, sizeof phrases / sizeof phrases[0] - 4);
    assert_true(same_both_ways(a, doc.data, doc.len, "all phrases") >= each);
    fl_buf_free(&doc);
    fl_analyzer_free(a);
}

static size_t prose_in(fl_analyzer *a, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) fail_msg("%s: cannot open", dir);
    size_t claims = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        fl_buf text = FL_BUF_INIT;
        fl_error err;
        assert_int_equal(fl_file_read(path, &text, &err), 0);
        claims += same_both_ways(a, text.data ? text.data : "", text.len, path);
        fl_buf_free(&text);
    }
    closedir(d);
    return claims;
}

static void test_prefilter_exact_prose(void **state) {
    (void)state;
    fl_error err;
    fl_analyzer *a = fl_analyzer_new(NULL, &err);
    assert_non_null(a);
    char dir[1024];
    size_t claims = 0;
    snprintf(dir, sizeof dir, "%s/../shared/reference", FL_SOURCE_DIR);
    claims += prose_in(a, dir);
    snprintf(dir, sizeof dir, "%s/../shared", FL_SOURCE_DIR);
    claims += prose_in(a, dir);
    snprintf(dir, sizeof dir, "%s", FL_SOURCE_DIR);
    claims += prose_in(a, dir);
    assert_true(claims >= 50);
    fl_analyzer_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_prefilter_exact_phrases),
        cmocka_unit_test(test_prefilter_exact_prose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
