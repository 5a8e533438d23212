package dev.gevent4j.bench.micro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 4 (skynet): a tree of tasks, ten children each, whose 1,000,000 leaves return their ordinal and whose
 * inner tasks sum their children; 1,111,111 tasks in all. The score is nanoseconds per task.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar SkynetBenchmark
 * }</pre>
 *
 * <p>gevent4j: every task is a greenlet and a parent waits with {@code Greenlet.get()}. Virtual threads: every task
 * is a virtual thread and a parent joins its children. Platform threads run a tree of 10,000 leaves (11,111 tasks;
 * a million OS threads would take minutes); the score is still per task. Single-shot: one tree per iteration (2
 * warm-up trees, 5 measured), so that the workload's time stays bounded on a loaded 2-core machine. The sum is checked, so a wrong tree fails
 * the benchmark. No timeout, interrupt or kill is involved.
 */
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, "-Xmx6g"})
public class SkynetBenchmark extends HubBenchmark {
    static final int LEAVES = 1_000_000;
    static final int TASKS = 1_111_111;
    static final int PLATFORM_LEAVES = 10_000;
    static final int PLATFORM_TASKS = 11_111;

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long gevent4j() {
        return check(hub.spawn(() -> greenletTree(0, LEAVES)).get(), LEAVES);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualThreads() throws InterruptedException {
        return check(threadTree(true, 0, LEAVES), LEAVES);
    }

    @Benchmark
    @OperationsPerInvocation(PLATFORM_TASKS)
    public long platformThreads() throws InterruptedException {
        return check(threadTree(false, 0, PLATFORM_LEAVES), PLATFORM_LEAVES);
    }

    private static long check(long sum, long leaves) {
        if (sum != leaves * (leaves - 1) / 2) {
            throw new AssertionError("skynet sum " + sum + " for " + leaves + " leaves");
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static long greenletTree(long num, int size) {
        if (size == 1) {
            return num;
        }
        int sub = size / 10;
        Greenlet<Long>[] kids = new Greenlet[10];
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            kids[i] = Gevent.spawn(() -> greenletTree(n, sub));
        }
        long sum = 0;
        for (Greenlet<Long> k : kids) {
            sum += k.get();
        }
        return sum;
    }

    private static long threadTree(boolean virtual, long num, int size) throws InterruptedException {
        if (size == 1) {
            return num;
        }
        int sub = size / 10;
        Node[] kids = new Node[10];
        for (int i = 0; i < 10; i++) {
            kids[i] = new Node(virtual, num + (long) i * sub, sub);
            kids[i].thread = virtual ? Thread.startVirtualThread(kids[i]) : Thread.ofPlatform().start(kids[i]);
        }
        long sum = 0;
        for (Node k : kids) {
            k.thread.join();
            sum += k.result;
        }
        return sum;
    }

    private static final class Node implements Runnable {
        final boolean virtual;
        final long num;
        final int size;
        Thread thread;
        long result;

        Node(boolean virtual, long num, int size) {
            this.virtual = virtual;
            this.num = num;
            this.size = size;
        }

        @Override
        public void run() {
            try {
                result = threadTree(virtual, num, size);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
