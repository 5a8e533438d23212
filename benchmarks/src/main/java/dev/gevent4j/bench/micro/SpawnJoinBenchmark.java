package dev.gevent4j.bench.micro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 1 (gevent's bench_spawn): spawn 100,000 tasks that each yield once, then join them all. The score is
 * nanoseconds per task (spawn + run + yield + finish + join).
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar SpawnJoinBenchmark
 * }</pre>
 *
 * <p>gevent4j: the spawner is a greenlet on a dedicated hub (as gevent's main greenlet is on its hub), each task
 * calls {@code Gevent.sleep(0)}, and {@code Gevent.joinAll} waits for them. Virtual threads: the benchmark thread
 * starts them on the JDK's default scheduler, each calls {@code Thread.yield()}, then joins each. Platform threads
 * run 1,000 tasks per invocation (100,000 would take about 8 s each); the score is still per task. The
 * {@code ...ParallelGC} variants repeat gevent4j and virtual threads with {@code -XX:+UseParallelGC}: with G1 (the
 * default) the 100,000 simultaneously parked greenlets that gevent's FIFO semantics create dominate the cost.
 * {@code virtualThreadsFifo} is the reference for those semantics without gevent4j: JDK virtual threads on a
 * one-thread FIFO scheduler (a single-thread executor through the JDK's package-private
 * {@code VirtualThreadBuilder(Executor)}), spawned from a virtual thread on that scheduler, so that, as on a hub, every
 * task is created before the first runs and all 100,000 are parked at once after their yield. No timeout,
 * interrupt or kill is involved: every task ends by itself.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpawnJoinBenchmark extends HubBenchmark {
    static final int N = 100_000;
    static final int PLATFORM_N = 1_000;

    private ExecutorService fifo;
    private Thread.Builder.OfVirtual fifoBuilder;

    @Setup
    public void createFifo() throws ReflectiveOperationException {
        fifo = Executors.newSingleThreadExecutor();
        Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                .getDeclaredConstructor(Executor.class);
        c.setAccessible(true);
        fifoBuilder = (Thread.Builder.OfVirtual) c.newInstance(fifo);
    }

    @TearDown
    public void shutdownFifo() {
        fifo.shutdown();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object gevent4j() {
        return hub.spawn(() -> {
            List<Greenlet<?>> gs = new ArrayList<>(N);
            for (int i = 0; i < N; i++) {
                gs.add(Gevent.spawn(SpawnJoinBenchmark::yieldOnce));
            }
            return Gevent.joinAll(gs).size();
        }).get();
    }

    /** The same with the Parallel collector: G1's cost for 100,000 live parked continuations, isolated. */
    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, Flags.PARALLEL_GC})
    public Object gevent4jParallelGC() {
        return gevent4j();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, Flags.PARALLEL_GC})
    public void virtualThreadsParallelGC() throws InterruptedException {
        startAndJoin(Thread.ofVirtual(), N);
    }

    /** JDK virtual threads with gevent4j's scheduling semantics (one thread, FIFO): see the class comment. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void virtualThreadsFifo() throws InterruptedException {
        Thread spawner = fifoBuilder.start(() -> {
            try {
                startAndJoin(fifoBuilder, N);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        });
        spawner.join();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void virtualThreads() throws InterruptedException {
        startAndJoin(Thread.ofVirtual(), N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, Flags.ONE_CARRIER})
    public void virtualThreadsOneCarrier() throws InterruptedException {
        startAndJoin(Thread.ofVirtual(), N);
    }

    @Benchmark
    @OperationsPerInvocation(PLATFORM_N)
    public void platformThreads() throws InterruptedException {
        startAndJoin(Thread.ofPlatform(), PLATFORM_N);
    }

    private static void startAndJoin(Thread.Builder b, int n) throws InterruptedException {
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = b.start(Thread::yield);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    private static void yieldOnce() {
        Gevent.sleep(0);
    }
}
