package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The agent's DNS patch (option {@code dns}): the system-wide resolver the JDK chose — the built-in one, or the
 * application's own {@code InetAddressResolverProvider} (JEP 418) — wrapped so that name and address lookups of
 * greenlets run on their hub's thread pool while the greenlet parks (a resolver blocks in getaddrinfo or in whatever
 * the application's resolver does, which would block the hub thread). Lookups of any other thread call the wrapped
 * resolver directly. {@link #wrap} is called by the exit advice of {@code java.net.InetAddress.loadResolver()}.
 *
 * <pre>{@code
 * InetAddress.getByName("db.internal");   // in a greenlet: resolved on the hub's thread pool, the hub runs on
 * }</pre>
 *
 * <p>Kill and Timeout: raised in the waiting greenlet at once; the lookup finishes on the pool thread and its answer
 * is dropped. Interrupt: ignored while waiting, like gevent4j's other waits. Failures: the resolver's
 * UnknownHostException (the same object) and unchecked exceptions reach the caller unchanged.
 */
public final class GreenletResolver implements InetAddressResolver {
    private static final AtomicLong OFFLOADED = new AtomicLong();
    private final InetAddressResolver delegate;

    public GreenletResolver(InetAddressResolver delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * {@code resolver} wrapped for greenlets; the same object if it already is a GreenletResolver (or null). Called
     * from JDK code: never throws.
     */
    public static InetAddressResolver wrap(InetAddressResolver resolver) {
        return resolver == null || resolver instanceof GreenletResolver ? resolver : new GreenletResolver(resolver);
    }

    /** The resolver this one hands lookups to. */
    public InetAddressResolver delegate() {
        return delegate;
    }

    /** How many lookups ran on a hub's thread pool, for tests and monitoring. */
    public static long offloaded() {
        return OFFLOADED.get();
    }

    private static Hub hub() {
        if (!Thread.currentThread().isVirtual()) {
            return null; // not a greenlet: the runtime is not initialised for a platform thread's lookup
        }
        Hub hub = Hub.current();
        return hub != null && !hub.isClosed() ? hub : null;
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        Hub hub = hub();
        if (hub == null) {
            return delegate.lookupByName(host, policy);
        }
        OFFLOADED.incrementAndGet();
        try {
            // the stream is consumed on the pool thread: an application's resolver may produce it lazily
            return hub.threadPool().apply(() -> delegate.lookupByName(host, policy).toList()).stream();
        } catch (CompletionException e) {
            throw unknownHost(e);
        }
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
        Hub hub = hub();
        if (hub == null) {
            return delegate.lookupByAddress(addr);
        }
        OFFLOADED.incrementAndGet();
        try {
            return hub.threadPool().apply(() -> delegate.lookupByAddress(addr));
        } catch (CompletionException e) {
            throw unknownHost(e);
        }
    }

    /** The pool wraps checked exceptions only: the one a resolver may throw is UnknownHostException. */
    private static UnknownHostException unknownHost(CompletionException e) {
        if (e.getCause() instanceof UnknownHostException u) {
            return u;
        }
        UnknownHostException u = new UnknownHostException(String.valueOf(e.getCause()));
        u.initCause(e.getCause());
        return u;
    }

    @Override
    public String toString() {
        return "GreenletResolver[" + delegate + "]";
    }
}
