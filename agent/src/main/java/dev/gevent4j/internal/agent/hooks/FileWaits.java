package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;

/**
 * Files and pipes for greenlets (agent option {@code files}): before FileInputStream reads or FileOutputStream
 * writes, a greenlet waits on its hub until a pipe, tty or socket fd is ready (child-process streams, System.in), and
 * then the JDK's own read or write runs without blocking the hub; a regular file (which epoll refuses) is read or
 * written on the hub's thread pool instead, so a slow disk never stalls the hub.
 *
 * <pre>{@code
 * // inlined at the top of FileInputStream.read(byte[], int, int):
 * Integer r = FileWaits.read(this, fd, () -> read(b, off, len));   // null: go on with the JDK's read
 * }</pre>
 *
 * <p>Kill and Timeout: raised while waiting for readiness (nothing was read); a read running on the thread pool is
 * abandoned by a killed greenlet and finishes there. Platform threads: unchanged.
 */
public final class FileWaits {
    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();

    /** Bytes a pipe accepts without blocking once it reports writable (one page; PIPE_BUF on Linux). */
    private static final int PIPE_CHUNK = 4096;

    private FileWaits() {}

    /** The calling greenlet's epoll hub, or null (then the JDK's own call runs). */
    private static Hub hub() {
        Object h = Internals.currentHub();
        return h instanceof Hub hub && !hub.isClosed() && "epoll".equals(hub.ioType()) ? hub : null;
    }

    /**
     * Before a read: null to run the JDK's read now (not a greenlet, or the fd is ready), or the result of the read
     * done on the hub's thread pool (regular files).
     */
    public static Integer read(FileDescriptor fd, FileInputStream in, byte[] b, int off, int len) throws IOException {
        if (b != null && len == 0) {
            return null;
        }
        return io(fd, SocketWaits.POLLIN, () -> b == null ? in.read() : in.read(b, off, len));
    }

    /** Before a write: null to run the JDK's write now, or 0 after the write was done on the thread pool. */
    public static Integer write(FileDescriptor fd, FileOutputStream out, byte[] b, int off, int len, int oneByte)
            throws IOException {
        if (b != null && len == 0) {
            return null;
        }
        if (b != null && len > PIPE_CHUNK) {
            Hub hub = hub();
            if (hub != null && fd != null && FDA.get(fd) >= 0 && SocketWaits.awaitReady(hub, FDA.get(fd),
                    SocketWaits.POLLOUT)) {
                // A pipe reports writable once a page is free: write page-sized chunks, each after a wait, so that
                // no native write blocks the hub (each chunk goes through this advice again).
                for (int done = 0; done < len; done += PIPE_CHUNK) {
                    out.write(b, off + done, Math.min(PIPE_CHUNK, len - done));
                }
                return 0;
            }
        }
        return io(fd, SocketWaits.POLLOUT, () -> {
            if (b == null) {
                out.write(oneByte);
            } else {
                out.write(b, off, len);
            }
            return 0;
        });
    }

    private static Integer io(FileDescriptor fd, int event, Callable<Integer> onPool) throws IOException {
        Hub hub = hub();
        if (hub == null || fd == null) {
            return null;
        }
        int fdVal = FDA.get(fd);
        if (fdVal < 0) {
            return null; // closed: the JDK reports it
        }
        if (SocketWaits.awaitReady(hub, fdVal, event)) {
            return null;
        }
        try {
            return hub.threadPool().apply(onPool);
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
