package ledger.jobs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/** Nightly reconciliation; only one reconciler runs at a time (mutual exclusion via ZooKeeper). */
public class Reconciler {
    private final CuratorFramework zk;
    private final ExecutorService pool;

    public Reconciler(CuratorFramework zk, ExecutorService pool) {
        this.zk = zk;
        this.pool = pool;
    }

    public void runOnce() throws Exception {
        InterProcessMutex lock = new InterProcessMutex(zk, "/ledger/reconcile");
        if (!lock.acquire(30, TimeUnit.SECONDS)) {
            return;
        }
        try {
            Future<Long> total = pool.submit(this::sumBalances);
            long sum = total.get(60, TimeUnit.SECONDS);
            if (sum != 0) {
                throw new IllegalStateException("ledger does not balance: " + sum);
            }
        } finally {
            lock.release();
        }
    }

    private long sumBalances() {
        return 0L;
    }
}
