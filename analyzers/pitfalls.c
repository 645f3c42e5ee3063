/*
 * pitfalls.c — what each of the 16 pitfalls of the catalogue (hypotheses.c names them) means
 * and how to test for it, in the words a code-scanning rule shows: `faultline review
 * --format sarif` reports one rule per pitfall. Input: a pitfall number; output: static text.
 */
#include "plan_internal.h"

static const fl_pitfall_doc docs[17] = {
    {"A distributed-systems risk this change adds or affects.",
     "Plan a scenario for it with `faultline plan --base REV`, run it, and review again."},
    {"Two clients write the same item concurrently while the network is partitioned; one "
     "write silently overwrites the other, or a retry re-applies an old value over a newer one.",
     "Make concurrent writes conditional (compare-and-set, version checks) and test them "
     "under a partition with a linearizability checker on a compare-and-set register."},
    {"A read is served by a follower, a secondary or a node that lost leadership, and returns "
     "a value older than a write that was already acknowledged.",
     "Serve reads that must be fresh from the current leader (read index, lease with "
     "fencing, quorum read) and test under a partition with a linearizability checker."},
    {"After a partition heals or a node restarts, replicas hold different data and never "
     "converge, or converge by dropping acknowledged writes.",
     "Test partitions and restarts followed by a quiet period, then compare every replica's "
     "final state against the acknowledged writes."},
    {"Operations look atomic in normal runs but break linearizability when clocks skew or "
     "operations are slow, for example a timed-out call that still commits.",
     "Treat timeouts as unknown outcomes and order operations by the system, not by wall "
     "clocks; test with latency and clock-skew injection and a linearizability checker."},
    {"A client sees an error or a timeout for a write that in fact committed (the ack was "
     "lost), or sees success for one that was lost; retries then duplicate or drop it.",
     "Make writes idempotent with a request key and record unknown outcomes as such; test "
     "with partitions that drop acks and an exactly-once or linearizability checker."},
    {"Adding, removing or replacing members races with ongoing operations, so two "
     "configurations act at once or a committed entry is lost.",
     "Change membership one step at a time through consensus, and test membership changes "
     "under load together with partitions and kills."},
    {"A node that crashes and recovers comes back with state that differs from what it "
     "acknowledged: an unflushed write, a half-applied entry or a replayed log.",
     "Acknowledge only after the write is durable and make recovery replay idempotent; test "
     "with kills at I/O boundaries and a set or linearizability checker."},
    {"A schema or data migration runs while traffic is served, and old and new code read or "
     "write incompatible shapes.",
     "Use expand/contract migrations that old and new versions both accept, and test the "
     "migration under a live workload with a checker on the data it touches."},
    {"Two sides of a partition hand out the same id or sequence number, or numbers go "
     "backwards after a failover.",
     "Allocate ids through the consensus path or from disjoint ranges, and test failovers "
     "and partitions with a uniqueness checker on every allocated id."},
    {"A watch or change feed loses, repeats or reorders events across a reconnect, a "
     "compaction or a leader change.",
     "Resume watches from the last seen revision and handle compaction explicitly; test "
     "reconnects under partitions with a checker comparing events to the writes made."},
    {"A transaction spans shards or partitions and commits on some of them only, so readers "
     "see half of it.",
     "Use an atomic commit protocol (or one shard) for the invariant, and test partitions "
     "and kills during commit with a checker on the cross-shard invariant."},
    {"A safety decision (lease validity, ordering, expiry) depends on wall clocks agreeing, "
     "so clock skew or a clock jump breaks it.",
     "Use monotonic clocks for durations and fencing tokens for ownership; test with "
     "clock-skew and clock-jump injection."},
    {"Authorization, quota or other metadata differs between nodes during a partition, so a "
     "boundary one surface enforces leaks through another (jobs, exports, metrics, audit).",
     "Enforce the boundary at every surface from one source of truth, and test each surface "
     "under a partition with a negative-control comparison."},
    {"A lease or lock holder pauses (GC, I/O, partition) past its lease, another client takes "
     "over, and the old holder keeps acting: two holders at once.",
     "Fence every write the lease protects with a monotonic token the resource checks, and "
     "test with process pauses and a lease checker."},
    {"Deduplication relies on a cache or in-memory state; after a restart or eviction the "
     "cache is cold and a replayed request takes effect a second time.",
     "Persist the idempotency record atomically with the effect, and test replays across "
     "restarts with an exactly-once checker."},
    {"An asynchronous outbox or queue delivers in order, and one message whose referent is "
     "missing blocks every message behind it.",
     "Retry or park the blocked message without stopping the queue, and test with the "
     "referent missing or delayed and a checker on delivery progress."},
};

const fl_pitfall_doc *fl__pitfall_doc(int pitfall) {
    return &docs[pitfall >= 1 && pitfall <= 16 ? pitfall : 0];
}
