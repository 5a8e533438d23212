package dev.gevent4j.bench.micro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 2 (gevent's bench_sleep0): two tasks each yield 10,000 times; one round trip is A yields, B runs and
 * yields, A runs again. The score is nanoseconds per round trip.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RoundTripBenchmark
 * }</pre>
 *
 * <p>gevent4j: two greenlets on one hub calling {@code Gevent.sleep(0)} (strict alternation). Virtual threads:
 * two threads calling {@code Thread.yield()} on the default scheduler (two carriers on a 2-CPU machine, so they may
 * also run side by side) and on one carrier. Platform threads: {@code Thread.yield()} between two OS threads (on
 * 2 cores they rarely have to wait for each other, so this is an upper bound, not a hand-off). Every task ends by
 * itself: no timeout, interrupt or kill.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoundTripBenchmark extends HubBenchmark {
    static final int ROUNDS = 10_000;

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object gevent4j() {
        return hub.spawn(() -> {
            Greenlet<Void> a = Gevent.spawn(RoundTripBenchmark::sleep0Loop);
            Greenlet<Void> b = Gevent.spawn(RoundTripBenchmark::sleep0Loop);
            return Gevent.joinAll(List.of(a, b)).size();
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void virtualThreads() throws InterruptedException {
        yieldPair(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE, Flags.ONE_CARRIER})
    public void virtualThreadsOneCarrier() throws InterruptedException {
        yieldPair(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void platformThreads() throws InterruptedException {
        yieldPair(Thread.ofPlatform());
    }

    private static void yieldPair(Thread.Builder b) throws InterruptedException {
        Thread x = b.start(RoundTripBenchmark::yieldLoop);
        Thread y = b.start(RoundTripBenchmark::yieldLoop);
        x.join();
        y.join();
    }

    private static void sleep0Loop() {
        for (int i = 0; i < ROUNDS; i++) {
            Gevent.sleep(0);
        }
    }

    private static void yieldLoop() {
        for (int i = 0; i < ROUNDS; i++) {
            Thread.yield();
        }
    }
}
