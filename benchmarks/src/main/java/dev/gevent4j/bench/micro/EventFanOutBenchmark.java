package dev.gevent4j.bench.micro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event fan-out (reported with workload 3): 1,000 tasks wait on one event; it is set once they all wait,
 * and every waiter wakes and ends. The score is nanoseconds per waiter (spawn, wait, wake, join).
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar EventFanOutBenchmark
 * }</pre>
 *
 * <p>gevent4j: greenlets on one hub awaiting {@code dev.gevent4j.event.Event}; the setter is the spawning greenlet
 * after a {@code sleep(0)} (all waiters are parked by then: strict FIFO). Virtual threads: a
 * {@code CountDownLatch(1)} counted down once all waiters have arrived (a second latch counts the arrivals).
 * Every waiter ends by itself: no timeout, interrupt or kill.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventFanOutBenchmark extends HubBenchmark {
    static final int WAITERS = 1_000;

    @Benchmark
    @OperationsPerInvocation(WAITERS)
    public Object gevent4j() {
        return hub.spawn(() -> {
            Event ev = new Event();
            List<Greenlet<?>> gs = new ArrayList<>(WAITERS);
            for (int i = 0; i < WAITERS; i++) {
                gs.add(Gevent.spawn((Runnable) ev::await));
            }
            Gevent.sleep(0);
            ev.set();
            return Gevent.joinAll(gs).size();
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(WAITERS)
    public void virtualThreads() throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(WAITERS);
        CountDownLatch ev = new CountDownLatch(1);
        Thread[] ts = new Thread[WAITERS];
        for (int i = 0; i < WAITERS; i++) {
            ts[i] = Thread.startVirtualThread(() -> {
                arrived.countDown();
                try {
                    ev.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        arrived.await();
        ev.countDown();
        for (Thread t : ts) {
            t.join();
        }
    }
}
