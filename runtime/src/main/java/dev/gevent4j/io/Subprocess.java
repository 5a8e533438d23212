package dev.gevent4j.io;

import dev.gevent4j.Config;
import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.OneShotLatch;
import dev.gevent4j.io.internal.PipeFd;
import dev.gevent4j.io.internal.PipeInputStream;
import dev.gevent4j.io.internal.PipeOutputStream;
import io.netty.channel.unix.FileDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A child process whose stdin, stdout and stderr are used from greenlets without ever blocking the hub (gevent's
 * {@code subprocess.Popen} and {@code subprocess.run}).
 *
 * <pre>{@code
 * SubprocessResult r = Subprocess.run(List.of("ls", "-l"), Duration.ofSeconds(10));
 *
 * try (Subprocess sort = Subprocess.start(List.of("sort"))) {
 *     Gevent.spawn(() -> { try (OutputStream in = sort.stdin()) { in.write(data); } return null; });
 *     byte[] sorted = sort.stdout().readAllBytes();   // parks this greenlet; the hub runs the others
 *     int code = sort.waitFor(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>A JDK {@link Process}'s own streams are {@code FileInputStream}s on pipes, whose reads block the carrier
 * thread and so freeze a hub. A Subprocess instead gives the child its own non-blocking pipes, watched by the hub's
 * epoll loop: a read with nothing to read, or a write to a full pipe, parks only the calling greenlet. Linux with
 * native epoll is required (the hub's {@code gevent4j.loop} must not be {@code nio}).
 *
 * <p>Timeout, interrupt and kill: {@link #waitFor(Duration)} kills and reaps the child when the time passes, then
 * throws {@link SubprocessTimeoutException}; {@link #run} does the same for its whole run. A greenlet killed (or a
 * {@code Timeout} raised) while it reads, writes or waits stops waiting at once; the child keeps running until
 * {@link #kill()} or {@link #close()}. {@link #close()} closes the pipes and kills and reaps a child still running.
 * Thread interrupts do not end these waits.
 *
 * <p>Thread contract: any thread may call these methods; each stream is used by one greenlet at a time.
 */
public final class Subprocess implements AutoCloseable {
    /*
     * Each piped stream is a pipe made with Netty's native pipe() (O_NONBLOCK on both ends). The child receives its
     * end through ProcessBuilder.Redirect.to/from("/proc/self/fd/N"): the JDK opens that path in the parent, which
     * for a pipe makes a new, blocking open file description of the same pipe, hands it to the child, and closes
     * its own copy after the start. Our copy of the child's end is closed right after start, so end of file arrives
     * when the child (and its own children) close theirs. The JDK's process reaper thread reports the exit through
     * Process.onExit(), whose callback unparks waiters (for a greenlet: a task posted to its hub's loop).
     */
    private static final System.Logger LOG = System.getLogger("dev.gevent4j.io");

    private final List<String> command;
    private final Process process;
    private final PipeFd stdinPipe;
    private final PipeFd stdoutPipe;
    private final PipeFd stderrPipe;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final OneShotLatch exited = new OneShotLatch();

    private Subprocess(List<String> command, Process process, PipeFd in, PipeFd out, PipeFd err) {
        this.command = command;
        this.process = process;
        this.stdinPipe = in;
        this.stdoutPipe = out;
        this.stderrPipe = err;
        this.stdin = in != null ? new PipeOutputStream(in) : OutputStream.nullOutputStream();
        this.stdout = out != null ? new PipeInputStream(out) : InputStream.nullInputStream();
        this.stderr = err != null ? new PipeInputStream(err) : InputStream.nullInputStream();
        process.onExit().thenRun(exited::open);
    }

    /** Starts {@code command} with stdin, stdout and stderr piped to this process. */
    public static Subprocess start(List<String> command) throws IOException {
        Objects.requireNonNull(command, "command");
        return start(new ProcessBuilder(command));
    }

    /**
     * Starts a child as {@code builder} describes (command, directory, environment, redirects). Streams the builder
     * redirects to {@link ProcessBuilder.Redirect#PIPE} (the default) become this object's streams; others keep
     * their redirect and this object's stream for them is empty. The builder itself is not changed.
     *
     * @throws IOException if the child cannot be started (no such program, ...)
     * @throws UnsupportedOperationException if the hub does not use native epoll
     */
    public static Subprocess start(ProcessBuilder builder) throws IOException {
        Objects.requireNonNull(builder, "builder");
        if (builder.command().isEmpty()) {
            throw new IllegalArgumentException("the command is empty: give the program and its arguments");
        }
        Hub hub = Hub.current() != null ? Hub.current() : Hub.getDefault();
        ProcessBuilder pb = new ProcessBuilder(builder.command()).directory(builder.directory())
                .redirectErrorStream(builder.redirectErrorStream())
                .redirectInput(builder.redirectInput())
                .redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError());
        if (pb.environment() != builder.environment()) {
            pb.environment().clear();
            pb.environment().putAll(builder.environment());
        }
        List<FileDescriptor> childEnds = new ArrayList<>(3);
        List<PipeFd> ours = new ArrayList<>(3);
        PipeFd in = null;
        PipeFd out = null;
        PipeFd err = null;
        Process p;
        try {
            if (pb.redirectInput() == ProcessBuilder.Redirect.PIPE) {
                FileDescriptor[] fds = PipeFd.newPipe();
                childEnds.add(fds[0]);
                in = PipeFd.of(hub, fds[1], false);
                ours.add(in);
                pb.redirectInput(ProcessBuilder.Redirect.from(procFd(fds[0])));
            }
            if (pb.redirectOutput() == ProcessBuilder.Redirect.PIPE) {
                FileDescriptor[] fds = PipeFd.newPipe();
                childEnds.add(fds[1]);
                out = PipeFd.of(hub, fds[0], true);
                ours.add(out);
                pb.redirectOutput(ProcessBuilder.Redirect.to(procFd(fds[1])));
            }
            if (!pb.redirectErrorStream() && pb.redirectError() == ProcessBuilder.Redirect.PIPE) {
                FileDescriptor[] fds = PipeFd.newPipe();
                childEnds.add(fds[1]);
                err = PipeFd.of(hub, fds[0], true);
                ours.add(err);
                pb.redirectError(ProcessBuilder.Redirect.to(procFd(fds[1])));
            }
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            for (PipeFd f : ours) {
                f.close();
            }
            throw e;
        } finally {
            for (FileDescriptor f : childEnds) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
        return new Subprocess(List.copyOf(pb.command()), p, in, out, err);
    }

    private static File procFd(FileDescriptor fd) {
        return new File("/proc/self/fd/" + fd.intValue());
    }

    /**
     * Runs {@code command} to completion with no input and returns its exit code and output, each of stdout and
     * stderr bounded by {@code gevent4j.subprocess.maxOutputBytes}.
     *
     * @param timeout the longest the whole run may take, or null for no limit
     * @throws SubprocessTimeoutException      if it takes longer (the child is killed and reaped)
     * @throws SubprocessOutputLimitException  if it writes more than the limit (the child is killed and reaped)
     */
    public static SubprocessResult run(List<String> command, Duration timeout) throws IOException {
        return run(command, null, timeout, Config.subprocessMaxOutputBytes());
    }

    /**
     * Runs {@code command} to completion, writing {@code input} (null: nothing) to its stdin and collecting at most
     * {@code maxOutputBytes} of each of stdout and stderr. Called outside any greenlet, it runs on the default hub.
     *
     * @see #run(List, Duration)
     */
    public static SubprocessResult run(List<String> command, byte[] input, Duration timeout, int maxOutputBytes)
            throws IOException {
        Objects.requireNonNull(command, "command");
        Durations.timeoutNanos(timeout, "timeout");
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes is " + maxOutputBytes + "; it must be at least 1");
        }
        if (Hub.current() == null) {
            try {
                return Hub.getDefault().spawn(() -> runHere(command, input, timeout, maxOutputBytes)).get();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e;
            }
        }
        return runHere(command, input, timeout, maxOutputBytes);
    }

    private static SubprocessResult runHere(List<String> command, byte[] input, Duration timeout, int max)
            throws IOException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        List<Greenlet<?>> helpers = new ArrayList<>(3);
        try (Subprocess p = start(command)) {
            if (input != null) {
                helpers.add(Gevent.spawn(() -> {
                    try (OutputStream o = p.stdin()) {
                        o.write(input);
                    } catch (IOException e) {
                        // the child closed its stdin early (broken pipe): not an error of the run
                        LOG.log(System.Logger.Level.DEBUG, "{0}: stdin closed early: {1}", command, e.getMessage());
                    }
                }));
            } else {
                p.stdin().close();
            }
            Greenlet<byte[]> out = Gevent.spawn(() -> readBounded(p.stdout(), max, command, "stdout"));
            Greenlet<byte[]> err = Gevent.spawn(() -> readBounded(p.stderr(), max, command, "stderr"));
            helpers.add(out);
            helpers.add(err);
            try {
                Gevent.joinAllOrRaise(List.of(out, err), remaining(deadline, timeout)); // returns at the first failure
            } catch (UncheckedIOException e) {
                // handled below, with the failed reader
            }
            for (Greenlet<byte[]> g : List.of(out, err)) {
                if (g.isDead() && !g.isSuccessful()) {
                    p.kill();
                    Throwable t = g.exception();
                    if (t instanceof CompletionException ce && ce.getCause() != null) {
                        t = ce.getCause();
                    }
                    if (t instanceof UncheckedIOException u) {
                        throw u.getCause();
                    }
                    if (t instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException("reading the output of " + command + " failed", t);
                }
            }
            if (!out.isDead() || !err.isDead()) {
                p.kill();
                throw new SubprocessTimeoutException(command, timeout);
            }
            Duration left = remaining(deadline, timeout);
            int code;
            try {
                code = left == null ? p.waitFor() : p.waitFor(left);
            } catch (SubprocessTimeoutException e) {
                throw new SubprocessTimeoutException(command, timeout);
            }
            return new SubprocessResult(command, code, out.value(), err.value());
        } finally {
            Gevent.killAll(helpers);
        }
    }

    private static Duration remaining(long deadline, Duration timeout) {
        if (timeout == null) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static byte[] readBounded(InputStream in, int max, List<String> command, String name) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if ((long) buf.size() + n > max) {
                    throw new UncheckedIOException(new SubprocessOutputLimitException(command, name, max));
                }
                buf.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    /** The child's stdin (closing it sends end of file); an empty sink if stdin was not piped. */
    public OutputStream stdin() {
        return stdin;
    }

    /** The child's stdout; an empty stream if stdout was not piped. Reads park the calling greenlet only. */
    public InputStream stdout() {
        return stdout;
    }

    /** The child's stderr; empty if not piped or merged into stdout ({@code redirectErrorStream}). */
    public InputStream stderr() {
        return stderr;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** The command line. */
    public List<String> command() {
        return command;
    }

    /** The JDK's handle of the child (its streams are not used: use this object's). */
    public Process process() {
        return process;
    }

    /** Whether the child has not yet exited. */
    public boolean isAlive() {
        return !exited.isOpen() && process.isAlive();
    }

    /** The exit code, or null while the child runs. */
    public Integer exitCode() {
        return isAlive() ? null : process.exitValue();
    }

    /** Waits (parking the calling greenlet) for the child to exit; returns its exit code. */
    public int waitFor() {
        awaitExit(Durations.FOREVER);
        return process.exitValue();
    }

    /**
     * Waits at most {@code timeout} (null = no limit) for the child to exit and returns its exit code.
     *
     * @throws SubprocessTimeoutException if it is still running then; it has been killed and reaped
     * @throws IllegalArgumentException if timeout is negative
     */
    public int waitFor(Duration timeout) throws SubprocessTimeoutException {
        if (!awaitExit(Durations.timeoutNanos(timeout, "timeout"))) {
            kill();
            throw new SubprocessTimeoutException(command, timeout);
        }
        return process.exitValue();
    }

    private boolean awaitExit(long nanos) {
        return exited.await(nanos, this);
    }

    /** Kills the child (SIGKILL) and waits until it has been reaped. Does nothing if it already exited. */
    public void kill() {
        if (exited.isOpen()) {
            return;
        }
        process.destroyForcibly();
        awaitExit(Durations.FOREVER);
    }

    /** Sends the child SIGTERM without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** Closes the pipes, and kills and reaps the child if it is still running. Idempotent. */
    @Override
    public void close() {
        try {
            if (stdinPipe != null) {
                stdinPipe.close();
            }
            kill();
        } finally {
            if (stdoutPipe != null) {
                stdoutPipe.close();
            }
            if (stderrPipe != null) {
                stderrPipe.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Subprocess[pid " + process.pid() + ", " + command + (isAlive() ? ", running" : ", exit "
                + process.exitValue()) + "]";
    }
}
