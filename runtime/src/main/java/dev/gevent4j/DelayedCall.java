package dev.gevent4j;

/**
 * A call registered on a hub with {@link Hub#callSoon}, {@link Hub#callLater} or {@link Hub#callAt}: it runs once,
 * on the hub's thread, unless cancelled first.
 *
 * <pre>{@code
 * DelayedCall call = hub.callLater(Duration.ofSeconds(5), () -> log.info("slow"));
 * ...
 * call.cancel();   // it will not run
 * }</pre>
 *
 * <p>Delayed calls run on the hub thread itself, between greenlets: they must not block (no sleep, join or IO);
 * spawn a greenlet from the call for work that blocks. An exception thrown by the call is logged and the hub goes on.
 */
public interface DelayedCall {
    /**
     * Prevents the call from running if it has not started yet. Any thread may call this.
     *
     * @return true if this cancelled it, false if it already ran, was already cancelled, or is running
     */
    boolean cancel();

    /** Whether {@link #cancel()} succeeded. */
    boolean isCancelled();

    /** Whether the call has run (or started running). */
    boolean isDone();
}
