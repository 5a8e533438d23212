package dev.gevent4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs as a greenlet on a fresh {@link dev.gevent4j.Hub} of its own, with gevent's leak check and
 * a hub-stall check. (An annotation, not a test class: JUnit's @Timeout goes on the test classes that use it.)
 *
 * <pre>{@code
 * @org.junit.jupiter.api.Timeout(30)
 * class WorkerTest {
 *     @GeventTest
 *     void workersFinish(Hub hub) {
 *         Greenlet<Integer> g = hub.spawn(() -> { Gevent.sleep(10); return 42; });
 *         assertEquals(42, g.get());
 *     }
 * }
 * }</pre>
 *
 * <p>Per run: a hub is created before the {@code @BeforeEach} methods and closed after the {@code @AfterEach} methods;
 * the test method and the class's {@code @BeforeEach}/{@code @AfterEach} methods run as greenlets on it (one greenlet
 * each); a parameter of type {@link dev.gevent4j.Hub} gets the hub. The run fails, with a {@link
 * dev.gevent4j.Gevent#dump()}, when after the {@code @AfterEach} methods the hub still has live greenlets, pending
 * timers, IO registrations or held starts, or the process has more open file descriptors than before the hub was
 * created (see {@link #leakCheck()}); and it fails, with the stack of the culprit as the hub monitor saw it, when the
 * hub went longer than {@link #stallMillis()} without returning to its loop. See {@code docs/testing.md}.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(GeventExtension.class)
public @interface GeventTest {
    /**
     * Whether to fail a run that leaves greenlets, timers, IO registrations, held starts or fds behind (gevent's
     * leakcheck). Things closed asynchronously get {@link GeventExtension#SETTLE_MILLIS} to go away.
     */
    boolean leakCheck() default true;

    /**
     * A hub stall (the hub not returning to its loop: a greenlet computing without yielding, or blocking its carrier)
     * longer than this many milliseconds fails the run; 0 disables the check. Generous by default: a shared, loaded
     * machine stalls a hub for tens of milliseconds now and then. Needs the hub monitor ({@code gevent4j.monitor},
     * on by default).
     */
    long stallMillis() default 1000;

    /**
     * Runs the test on a hub with virtual time ({@link dev.gevent4j.Hub.Builder#virtualTime}): while every greenlet
     * waits only on timers, the hub's clock jumps to the next deadline instead of sleeping, so an hour of
     * {@code Gevent.sleep} takes no wall time. Real IO and other threads keep the clock real while they are awaited.
     */
    boolean virtualTime() default false;

    /** The value of {@link #seed()} that means "no seed". */
    long NO_SEED = Long.MIN_VALUE;

    /**
     * Runs the test this many times (0: once, unseeded), run {@code i} on a hub seeded with {@code i}
     * ({@link dev.gevent4j.Hub.Builder#seed}): each seed perturbs what gevent leaves unspecified — the order of timers
     * with equal or near deadlines (a random delay of up to {@link #timerJitterMicros()} each), the order in which
     * wake-ups from other threads and from one poll's IO readiness enter the ready queue, and small delays of those
     * wake-ups (a few passes of the loop; see {@link #perturbIo()}) — never a FIFO order gevent4j promises. Seeded
     * runs use virtual time. A failing run names its seed; replay it with {@link #seed()}, or without editing the test with
     * {@code -Dgevent4j.junit.seed=S}.
     */
    int seeds() default 0;

    /** Runs the test once, on a hub seeded with this seed (and virtual time): the replay of a failing seeded run. */
    long seed() default NO_SEED;

    /** The bound of a seeded run's random timer delays, in microseconds. */
    long timerJitterMicros() default 1000;

    /**
     * Whether a seeded run perturbs IO deliveries ({@link dev.gevent4j.Hub.Builder#perturbIo}): the order in which
     * the greenlets woken by one poll's IO readiness enter the ready queue, and small delays of them. False leaves
     * only the timer and outside-thread perturbations (to tell which one a failure needs).
     */
    boolean perturbIo() default true;
}
