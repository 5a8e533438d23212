package dev.gevent4j.io;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A child process did not finish in time (gevent's {@code subprocess.TimeoutExpired}). By the time it is thrown
 * the child has been killed and reaped.
 *
 * <pre>{@code
 * try {
 *     Subprocess.run(List.of("sleep", "10"), Duration.ofMillis(100));
 * } catch (SubprocessTimeoutException e) {
 *     System.out.println(e.getCommand() + " took longer than " + e.getTimeout());
 * }
 * }</pre>
 */
public final class SubprocessTimeoutException extends IOException {
    private final List<String> command;
    private final Duration timeout;

    public SubprocessTimeoutException(List<String> command, Duration timeout) {
        super("command " + command + " did not finish within " + timeout + "; it was killed");
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /** The command that timed out. */
    public List<String> getCommand() {
        return command;
    }

    /** The time it was given. */
    public Duration getTimeout() {
        return timeout;
    }
}
