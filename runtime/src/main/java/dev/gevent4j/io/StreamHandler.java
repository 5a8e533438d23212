package dev.gevent4j.io;

import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * What a {@link StreamServer} runs for each accepted connection, in its own greenlet.
 *
 * <pre>{@code
 * StreamHandler echo = (socket, peer) -> socket.getInputStream().transferTo(socket.getOutputStream());
 * }</pre>
 *
 * <p>The server closes the socket when the handler returns or throws; an exception is logged and ends only that
 * connection. With an idle timeout, a read that waits longer throws {@link java.net.SocketTimeoutException}. When
 * the server stops, handlers still running after the grace period are killed ({@link dev.gevent4j.GreenletExit}
 * arrives at their blocking point; a blocked socket read ends with a {@link java.net.SocketException}).
 */
@FunctionalInterface
public interface StreamHandler {
    /** Serves one connection; {@code peer} is the client's address. */
    void handle(Socket socket, InetSocketAddress peer) throws Exception;
}
