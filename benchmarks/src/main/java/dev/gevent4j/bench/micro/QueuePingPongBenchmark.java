package dev.gevent4j.bench.micro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.queue.Queue;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 3 (gevent's bench_queue): ping puts a number on queue A and takes the answer from queue B; pong takes
 * from A and puts on B; 10,000 round trips. The score is nanoseconds per round trip.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar QueuePingPongBenchmark
 * }</pre>
 *
 * <p>gevent4j: two greenlets on one hub with {@code dev.gevent4j.queue.Queue} (and, for comparison, with
 * java.util.concurrent's {@code LinkedBlockingQueue}, which also yields to the hub). Virtual and platform threads:
 * {@code LinkedBlockingQueue}. Every task ends by itself after its rounds: no timeout, interrupt or kill.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QueuePingPongBenchmark extends HubBenchmark {
    static final int ROUNDS = 10_000;

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object gevent4j() {
        return onHub(Queue::new);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object gevent4jJuc() {
        return onHub(LinkedBlockingQueue::new);
    }

    private Object onHub(Supplier<BlockingQueue<Integer>> queues) {
        return hub.spawn(() -> {
            BlockingQueue<Integer> a = queues.get();
            BlockingQueue<Integer> b = queues.get();
            Greenlet<Void> ping = Gevent.spawn(() -> ping(a, b));
            Greenlet<Void> pong = Gevent.spawn(() -> pong(a, b));
            return Gevent.joinAllOrRaise(List.of(ping, pong)).size();
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void virtualThreads() throws InterruptedException {
        threads(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, Flags.ONE_CARRIER})
    public void virtualThreadsOneCarrier() throws InterruptedException {
        threads(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void platformThreads() throws InterruptedException {
        threads(Thread.ofPlatform());
    }

    private static void threads(Thread.Builder builder) throws InterruptedException {
        BlockingQueue<Integer> a = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> b = new LinkedBlockingQueue<>();
        Thread x = builder.start(() -> ping(a, b));
        Thread y = builder.start(() -> pong(a, b));
        x.join();
        y.join();
    }

    private static void ping(BlockingQueue<Integer> a, BlockingQueue<Integer> b) {
        try {
            for (int i = 0; i < ROUNDS; i++) {
                a.put(i);
                if (b.take() != i) {
                    throw new AssertionError("pong answered out of order");
                }
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pong(BlockingQueue<Integer> a, BlockingQueue<Integer> b) {
        try {
            for (int i = 0; i < ROUNDS; i++) {
                b.put(a.take());
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
