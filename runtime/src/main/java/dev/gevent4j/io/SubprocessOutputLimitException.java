package dev.gevent4j.io;

import java.io.IOException;
import java.util.List;

/**
 * A child process wrote more to stdout or stderr than {@link Subprocess#run} collects (its {@code maxOutputBytes},
 * by default {@code gevent4j.subprocess.maxOutputBytes}). By the time it is thrown the child has been killed and
 * reaped, so a runaway child can never exhaust the heap.
 *
 * <pre>{@code
 * try {
 *     Subprocess.run(List.of("yes"), null, Duration.ofSeconds(5), 1 << 20);
 * } catch (SubprocessOutputLimitException e) { ... }   // "yes" never stops: 1 MiB then killed
 * }</pre>
 */
public final class SubprocessOutputLimitException extends IOException {
    private final List<String> command;
    private final int limit;

    public SubprocessOutputLimitException(List<String> command, String stream, int limit) {
        super("command " + command + " wrote more than " + limit + " bytes to " + stream
                + "; it was killed (raise the limit with maxOutputBytes or gevent4j.subprocess.maxOutputBytes, or "
                + "stream the output with Subprocess.start)");
        this.command = List.copyOf(command);
        this.limit = limit;
    }

    public List<String> getCommand() {
        return command;
    }

    /** The limit in bytes. */
    public int getLimit() {
        return limit;
    }
}
