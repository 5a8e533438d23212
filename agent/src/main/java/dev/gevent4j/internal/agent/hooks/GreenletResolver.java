package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Name lookups of greenlets run on their hub's thread pool while the greenlet parks (the JDK's built-in resolver
 * calls getaddrinfo, which would block the hub thread); lookups of any other thread call the built-in resolver
 * directly.
 *
 * <pre>{@code
 * new GreenletResolver(builtin).lookupByName("db.internal", policy);   // parks only the calling greenlet
 * }</pre>
 *
 * <p>Kill and Timeout: raised in the waiting greenlet; the lookup finishes on the pool thread and is dropped.
 * Failures: the resolver's UnknownHostException reaches the caller unchanged.
 */
public final class GreenletResolver implements InetAddressResolver {
    private static final AtomicLong OFFLOADED = new AtomicLong();
    private final InetAddressResolver builtin;

    public GreenletResolver(InetAddressResolver builtin) {
        this.builtin = builtin;
    }

    /** How many lookups ran on a hub's thread pool, for tests and monitoring. */
    public static long offloaded() {
        return OFFLOADED.get();
    }

    private static Hub hub() {
        Object h = Internals.currentHub();
        return h instanceof Hub hub && !hub.isClosed() ? hub : null;
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        Hub hub = hub();
        if (hub == null) {
            return builtin.lookupByName(host, policy);
        }
        OFFLOADED.incrementAndGet();
        try {
            return hub.threadPool().apply(() -> builtin.lookupByName(host, policy).toList()).stream();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw e;
        }
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
        Hub hub = hub();
        if (hub == null) {
            return builtin.lookupByAddress(addr);
        }
        OFFLOADED.incrementAndGet();
        try {
            return hub.threadPool().apply(() -> builtin.lookupByAddress(addr));
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw e;
        }
    }
}
