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
 * connection. The socket is a {@link Sockets} socket: its waits are gevent4j waits with or without the agent, so a
 * kill or {@link dev.gevent4j.Timeout} is raised at a blocked read or write and the connection stays open (a handler
 * may catch a Timeout and go on). With an idle timeout, a read that waits longer throws
 * {@link java.net.SocketTimeoutException}. When the server stops, handlers still running after the grace period are
 * killed ({@link dev.gevent4j.GreenletExit} arrives at their blocking point).
 */
@FunctionalInterface
public interface StreamHandler {
    /** Serves one connection; {@code peer} is the client's address. */
    void handle(Socket socket, InetSocketAddress peer) throws Exception;
}
