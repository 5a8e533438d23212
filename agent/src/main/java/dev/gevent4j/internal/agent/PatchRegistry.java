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
                            + "schedules its wake-up here; a greenlet's goes on its hub's timers"));
}
