package dev.gevent4j.internal.agent.hooks;

import java.io.IOException;

/**
 * epoll refused an fd (EPERM: a regular file or directory). Callers that wait for files fall back to the hub's
 * thread pool; socket waits report it as the JDK's poller would (an IOException).
 *
 * <pre>{@code
 * catch (NotPollableException e) { return hub.threadPool().apply(read); }
 * }</pre>
 */
final class NotPollableException extends IOException {
    private static final long serialVersionUID = 1L;

    NotPollableException(String message, Throwable cause) {
        super(message, cause);
    }
}
