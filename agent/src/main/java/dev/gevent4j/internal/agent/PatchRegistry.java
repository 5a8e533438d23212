package dev.gevent4j.internal.agent;

import java.util.List;

/**
 * THE list of every JDK method the agent patches. docs/agent.md describes each; {@code PatchRegistryTest} attaches
 * the real agent and checks that each is transformed on the running JDK. Read the JDK source of a method before
 * adding it here.
 *
 * <pre>{@code
 * for (Patch p : PatchRegistry.ALL) System.out.println(p.id() + "  [" + p.option() + "]");
 * }</pre>
 */
public final class PatchRegistry {
    private PatchRegistry() {}

    public static final List<Patch> ALL = List.of(
            new Patch("socket", "sun.nio.ch.Poller", "poll", "(IIJLjava/util/function/BooleanSupplier;)V",
                    Advices.PollerPoll.class,
                    "every socket/channel wait of a virtual thread (NioSocketImpl.park, SelChImpl.park, "
                            + "DatagramChannelImpl.park) ends here; a greenlet waits on its hub's epoll loop instead"),
            new Patch("socket", "sun.nio.ch.Poller", "pollSelector", "(IJ)V",
                    Advices.PollerPollSelector.class,
                    "Selector.select on a virtual thread waits for the selector's epoll fd here"),
            new Patch("socket", "sun.nio.ch.Poller", "stopPoll", "(II)V",
                    Advices.PollerStopPoll.class,
                    "close/shutdown of a socket wakes its virtual-thread waiter here; also wake a greenlet waiter"),
            new Patch("sleep", "java.lang.VirtualThread", "schedule",
                    "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;",
                    Advices.VirtualThreadSchedule.class,
                    "every timed park of a virtual thread (sleep, parkNanos, timed waits, socket timeouts) "
                            + "schedules its wake-up here; a greenlet's goes on its hub's timers"),
            new Patch("threads", "java.lang.Thread", "start", "()V", Advices.ThreadStart.class,
                    "an application thread's start() runs its run() as a greenlet instead of a platform thread"),
            new Patch("threads", "java.lang.Thread", "start", "(Ljdk/internal/vm/ThreadContainer;)V",
                    Advices.ThreadStart.class,
                    "java.util.concurrent pools (ThreadPoolExecutor, ForkJoin-free executors) start their workers "
                            + "through this package-private overload: those workers become greenlets too"),
            new Patch("threads", "java.lang.Thread", "alive", "()Z", Advices.ThreadAlive.class,
                    "isAlive() (final) and join() see a thread that runs as a greenlet as alive"),
            new Patch("threads", "java.lang.Thread", "threadState", "()Ljava/lang/Thread$State;",
                    Advices.ThreadState.class,
                    "getState() and join(Duration) report the state of the thread's greenlet"),
            new Patch("threads", "java.lang.Thread", "interrupt", "()V", Advices.ThreadInterrupt.class,
                    "interrupt() of a thread that runs as a greenlet interrupts the greenlet"),
            new Patch("park", "java.lang.Thread", "sleepNanos", "(J)V", Advices.RaiseKill.class,
                    "Thread.sleep(...) of a greenlet: a kill/Timeout is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquireInterruptibly", "(I)V", Advices.RaiseKill.class,
                    "Lock.lockInterruptibly, Semaphore.acquire, ...: a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquireSharedInterruptibly", "(I)V", Advices.RaiseKill.class,
                    "CountDownLatch.await, Semaphore.acquire(n), ...: a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer", "tryAcquireNanos", "(IJ)Z", Advices.RaiseKill.class,
                    "Lock.tryLock(timeout): a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer", "tryAcquireSharedNanos", "(IJ)Z", Advices.RaiseKill.class,
                    "CountDownLatch.await(timeout), Semaphore.tryAcquire(timeout): a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject", "await", "()V", Advices.RaiseKill.class,
                    "Condition.await (BlockingQueue.take/put, ...): a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject", "awaitNanos", "(J)J", Advices.RaiseKill.class,
                    "Condition.awaitNanos (BlockingQueue.poll/offer with timeout, ...): a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject", "await", "(JLjava/util/concurrent/TimeUnit;)Z", Advices.RaiseKill.class,
                    "Condition.await(time, unit): a kill is raised instead of InterruptedException"),
            new Patch("park", "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject", "awaitUntil", "(Ljava/util/Date;)Z", Advices.RaiseKill.class,
                    "Condition.awaitUntil: a kill is raised instead of InterruptedException"),
            new Patch("files", "java.io.FileInputStream", "read", "()I", Advices.FileReadOne.class,
                    "a greenlet reading a pipe/tty (child-process output, System.in) waits on its hub for data; a regular file is read on the hub's thread pool"),
            new Patch("files", "java.io.FileInputStream", "read", "([B)I", Advices.FileReadArray.class,
                    "as read(): this overload calls the native readBytes directly"),
            new Patch("files", "java.io.FileInputStream", "read", "([BII)I", Advices.FileReadBytes.class,
                    "as read(): BufferedInputStream and Process streams read through here"),
            new Patch("files", "java.io.FileOutputStream", "write", "(I)V", Advices.FileWriteOne.class,
                    "a greenlet writing a pipe (a child's stdin) waits on its hub until it is writable; a regular file is written on the hub's thread pool"),
            new Patch("files", "java.io.FileOutputStream", "write", "([B)V", Advices.FileWriteArray.class,
                    "as write(int)"),
            new Patch("files", "java.io.FileOutputStream", "write", "([BII)V", Advices.FileWriteBytes.class,
                    "as write(int)"),
            new Patch("dns", "java.net.InetAddress", "loadResolver", "()Ljava/net/spi/InetAddressResolver;",
                    Advices.InetAddressLoadResolver.class,
                    "the system-wide resolver (the application's own InetAddressResolverProvider or the built-in "
                            + "one) is chosen here, once: it is wrapped so that greenlets' lookups run on the hub's "
                            + "thread pool"));
}
