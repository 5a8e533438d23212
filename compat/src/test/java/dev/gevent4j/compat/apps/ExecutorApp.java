package dev.gevent4j.compat.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * A plain java.util.concurrent app: n tasks on Executors.newFixedThreadPool(200) through invokeAll, each taking
 * {@link Probe#DELAY_MILLIS} (a sleep) inside a Semaphore of 100 permits (so two waves). Args: [n].
 */
public final class ExecutorApp {
    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 200);
        Probe p = new Probe();
        ExecutorService pool = Executors.newFixedThreadPool(200);
        Semaphore permits = new Semaphore(100);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(() -> {
                permits.acquire();
                try {
                    Probe.slowWork();
                } finally {
                    permits.release();
                }
                p.ok();
                return true;
            });
        }
        pool.invokeAll(List.<Callable<Boolean>>of(() -> true, () -> true));
        p.begin();
        for (Future<Boolean> f : pool.invokeAll(tasks)) {
            try {
                f.get();
            } catch (ExecutionException e) {
                p.fail(e.getCause());
            }
        }
        p.end("executor", n);
        pool.shutdown();
    }
}
