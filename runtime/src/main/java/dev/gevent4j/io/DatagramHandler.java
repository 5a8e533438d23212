package dev.gevent4j.io;

import java.net.InetSocketAddress;

/**
 * What a {@link DatagramServer} runs for each datagram received, in its own greenlet.
 *
 * <pre>{@code
 * DatagramHandler echo = (server, data, peer) -> server.sendTo(data, peer);
 * }</pre>
 *
 * <p>An exception is logged and affects only that datagram. Handlers still running when the server stops past its
 * grace period are killed ({@link dev.gevent4j.GreenletExit} at their blocking point).
 */
@FunctionalInterface
public interface DatagramHandler {
    /** Handles one datagram: {@code data} is exactly its payload, {@code peer} its sender. */
    void handle(DatagramServer server, byte[] data, InetSocketAddress peer) throws Exception;
}
