package dev.gevent4j.bench.micro;

import dev.gevent4j.Hub;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every micro benchmark shares: a dedicated hub, {@link #hub}, created for each trial ({@code @Setup}) and
 * closed after it ({@code @TearDown}); one state per benchmark ({@code Scope.Benchmark}); scores in nanoseconds;
 * one fork with the {@link Flags} greenlets need. JMH reads these annotations from the superclass; an annotation
 * on the benchmark class or method replaces the one here (as SkynetBenchmark's {@code -Xmx6g} fork does). How
 * each benchmark is measured (mode, warm-up and measured iterations) stays on its own class: JMH merges those
 * annotations attribute by attribute, so a default here would give the single-shot SkynetBenchmark an iteration
 * time it does not have.
 *
 * <pre>{@code
 * @BenchmarkMode(Mode.AverageTime)
 * public class MyBenchmark extends HubBenchmark {
 *     @Benchmark
 *     public Object gevent4j() {
 *         return hub.spawn(() -> Gevent.sleep(0)).get();
 *     }
 * }
 * }</pre>
 *
 * <p>No timeout, interrupt or kill: the benchmarks' tasks end by themselves, and the hub is closed after the trial.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS, Flags.ADD_EXPORTS, Flags.NATIVE})
abstract class HubBenchmark {
    /** The trial's hub ("bench-hub"), on which the gevent4j benchmarks spawn their driving greenlet. */
    Hub hub;

    @Setup
    public final void createHub() {
        hub = Hub.create("bench-hub");
    }

    @TearDown
    public final void closeHub() {
        hub.close();
    }
}
