package dev.gevent4j.io;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@link Subprocess#run} returns: the command, its exit code and everything it wrote to stdout and stderr.
 *
 * <pre>{@code
 * SubprocessResult r = Subprocess.run(List.of("uname", "-s"), Duration.ofSeconds(5));
 * if (r.exitCode() == 0) System.out.println(r.stdoutText().strip());
 * }</pre>
 *
 * <p>A plain value: no timeout, interrupt or kill behaviour of its own.
 */
public record SubprocessResult(List<String> command, int exitCode, byte[] stdout, byte[] stderr) {
    public SubprocessResult {
        command = List.copyOf(command);
    }

    /** stdout decoded as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr decoded as UTF-8. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SubprocessResult[" + command + ", exit " + exitCode + ", " + stdout.length + " bytes stdout, "
                + stderr.length + " bytes stderr]";
    }
}
