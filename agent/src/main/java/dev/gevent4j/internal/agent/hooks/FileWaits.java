package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;

/**
 * Files and pipes for greenlets (agent option {@code files}): FileInputStream reads and FileOutputStream writes of a
 * greenlet never block its hub. A pipe, tty or socket fd (child-process streams, System.in/out/err) is read or
 * written by the JDK's own call once it is ready — at once if a non-blocking poll says so, else after the greenlet
 * waited on its hub's epoll loop; a regular file (which epoll refuses) is read or written on the hub's thread pool,
 * so a slow disk never stalls the hub.
 *
 * <pre>{@code
 * // inlined at the top of FileInputStream.read(byte[], int, int):
 * Integer r = FileWaits.read(fd, this, b, off, len);   // null: go on with the JDK's read; else its result
 * }</pre>
 *
 * <p>A greenlet pinned to its hub thread (inside a class initializer, below a native frame; see {@link Pinning})
 * runs the JDK's blocking call instead: waiting on the hub would freeze it. Kill and Timeout: raised while waiting
 * for readiness (nothing of that chunk was read or written yet); during a call on the thread pool, raised once it
 * returned (see {@link PoolCalls}). Interrupt: as in the JDK (these calls are not interruptible). Platform
 * threads: unchanged.
 */
public final class FileWaits {
    /*
     * Reads and writes done here rather than by the JDK's body (thread pool, chunked pipe writes) call the private
     * natives (read0, readBytes, write(int, boolean), writeBytes) directly: calling the public methods again would
     * run a subclass's override twice. JFR's jdk.FileRead/FileWrite events are not emitted for those.
     */
    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();

    /** Bytes a pipe accepts without blocking once it reports writable (one page; PIPE_BUF on Linux). */
    private static final int PIPE_CHUNK = 4096;

    /**
     * The JDK's private methods used here, looked up on a greenlet's first file call: a platform thread (the JVM's
     * start-up, a class loader reading a jar) never initialises this.
     */
    private static final class Jdk {
        private static final MethodHandle READ0;
        private static final MethodHandle READ_BYTES;
        private static final MethodHandle IS_REGULAR_IN;
        private static final MethodHandle WRITE1;
        private static final MethodHandle WRITE_BYTES;
        private static final MethodHandle POLL;
        private static final MethodHandle FSTAT;
        private static final MethodHandle ATTRS_IS_REGULAR;
        /** False if this JDK lacks one of the private methods used here: then every call is the JDK's own. */
        private static final boolean AVAILABLE;

        static {
            boolean ok = false;
            MethodHandle[] mh = new MethodHandle[8];
            try {
                MethodHandles.Lookup me = MethodHandles.lookup();
                MethodHandles.Lookup in = MethodHandles.privateLookupIn(FileInputStream.class, me);
                mh[0] = in.findVirtual(FileInputStream.class, "read0", MethodType.methodType(int.class));
                mh[1] = in.findVirtual(FileInputStream.class, "readBytes",
                        MethodType.methodType(int.class, byte[].class, int.class, int.class));
                mh[2] = in.findVirtual(FileInputStream.class, "isRegularFile", MethodType.methodType(boolean.class));
                MethodHandles.Lookup out = MethodHandles.privateLookupIn(FileOutputStream.class, me);
                mh[3] = out.findVirtual(FileOutputStream.class, "write",
                        MethodType.methodType(void.class, int.class, boolean.class));
                mh[4] = out.findVirtual(FileOutputStream.class, "writeBytes",
                        MethodType.methodType(void.class, byte[].class, int.class, int.class, boolean.class));
                Class<?> net = Class.forName("sun.nio.ch.Net");
                mh[5] = MethodHandles.privateLookupIn(net, me).findStatic(net, "poll",
                        MethodType.methodType(int.class, FileDescriptor.class, int.class, long.class));
                Class<?> attrs = Class.forName("sun.nio.fs.UnixFileAttributes");
                MethodHandles.Lookup fs = MethodHandles.privateLookupIn(attrs, me);
                mh[6] = fs.findStatic(attrs, "get", MethodType.methodType(attrs, int.class))
                        .asType(MethodType.methodType(Object.class, int.class));
                mh[7] = fs.findVirtual(attrs, "isRegularFile", MethodType.methodType(boolean.class))
                        .asType(MethodType.methodType(boolean.class, Object.class));
                ok = true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger("dev.gevent4j").log(System.Logger.Level.WARNING, "gevent4j agent: the 'files' patch "
                        + "is inactive on JDK " + Runtime.version() + ": " + e);
            }
            READ0 = mh[0];
            READ_BYTES = mh[1];
            IS_REGULAR_IN = mh[2];
            WRITE1 = mh[3];
            WRITE_BYTES = mh[4];
            POLL = mh[5];
            FSTAT = mh[6];
            ATTRS_IS_REGULAR = mh[7];
            AVAILABLE = ok;
        }

        private Jdk() {}
    }

    private FileWaits() {}

    /** The calling greenlet's epoll hub, or null (then the JDK's own call runs). Also used by the other file hooks. */
    static Hub hub() {
        // A platform thread (the JVM's start-up, the class loader reading a jar) is never a greenlet: answered without
        // touching the runtime, which it would otherwise initialise in the middle of that read.
        if (!Thread.currentThread().isVirtual() || !Jdk.AVAILABLE) {
            return null;
        }
        Hub hub = Hub.current();
        return hub != null && !hub.isClosed() && "epoll".equals(hub.ioType()) ? hub : null;
    }

    /** The fd number of {@code fd}, or -1 if there is none or it is closed. */
    private static int fdNumber(FileDescriptor fd) {
        return fd == null ? -1 : FDA.get(fd);
    }

    /**
     * Before {@code in.read()} ({@code b == null}) or {@code in.read(b, off, len)} (bounds already checked): null to
     * run the JDK's read now, or the result of the read done on the hub's thread pool (regular files).
     */
    public static Integer read(FileDescriptor fd, FileInputStream in, byte[] b, int off, int len) throws IOException {
        Hub hub = b != null && len == 0 ? null : hub();
        int fdVal = hub == null ? -1 : fdNumber(fd);
        if (fdVal < 0) {
            return null; // nothing to transfer, not a greenlet of an epoll hub, or closed (the JDK reports it)
        }
        int kind = regularIn(in);
        if (kind == UNKNOWN) {
            return null;
        }
        if (kind == OTHER) {
            if (readyNow(fd, SocketWaits.POLLIN)
                    || SocketWaits.awaitReady(hub, fdVal, SocketWaits.POLLIN) != SocketWaits.NOT_POLLABLE) {
                return null; // ready (data, EOF, error) or pinned: the JDK's read
            }
        } else if (Pinning.pinned(hub)) {
            return null;
        }
        return PoolCalls.run(hub, () -> b == null ? (int) Jdk.READ0.invokeExact(in) : (int) Jdk.READ_BYTES.invokeExact(in, b, off, len));
    }

    /**
     * Before {@code out.write(oneByte)} ({@code b == null}) or {@code out.write(b, off, len)} (bounds already
     * checked): null to run the JDK's write now, or 0 after the write was done here.
     */
    public static Integer write(FileDescriptor fd, FileOutputStream out, byte[] b, int off, int len, int oneByte)
            throws IOException {
        Hub hub = b != null && len == 0 ? null : hub();
        int fdVal = hub == null ? -1 : fdNumber(fd);
        if (fdVal < 0) {
            return null; // nothing to transfer, not a greenlet of an epoll hub, or closed (the JDK reports it)
        }
        boolean append = FDA.getAppend(fd);
        int kind = regular(fdVal);
        if (kind == UNKNOWN) {
            return null;
        }
        if (kind == REGULAR) {
            if (Pinning.pinned(hub)) {
                return null;
            }
            return PoolCalls.run(hub, () -> {
                if (b == null) {
                    Jdk.WRITE1.invokeExact(out, oneByte, append);
                } else {
                    Jdk.WRITE_BYTES.invokeExact(out, b, off, len, append);
                }
                return 0;
            });
        }
        if (b == null || len <= PIPE_CHUNK) {
            if (readyNow(fd, SocketWaits.POLLOUT)
                    || SocketWaits.awaitReady(hub, fdVal, SocketWaits.POLLOUT) != SocketWaits.NOT_POLLABLE) {
                return null; // writable, or pinned: the JDK's write
            }
            return PoolCalls.run(hub, () -> {
                if (b == null) {
                    Jdk.WRITE1.invokeExact(out, oneByte, append);
                } else {
                    Jdk.WRITE_BYTES.invokeExact(out, b, off, len, append);
                }
                return 0;
            });
        }
        // A pipe reports writable once a page is free: write page-sized chunks, each once the fd is writable, so
        // that no native write blocks the hub.
        for (int done = 0; done < len; ) {
            int state = readyNow(fd, SocketWaits.POLLOUT) ? SocketWaits.READY
                    : SocketWaits.awaitReady(hub, fdVal, SocketWaits.POLLOUT);
            int from = off + done;
            if (state == SocketWaits.PINNED) {
                invoke(() -> { Jdk.WRITE_BYTES.invokeExact(out, b, from, len - (from - off), append); }); // the JDK's way
                return 0;
            }
            if (state == SocketWaits.NOT_POLLABLE) {
                int rest = len - done;
                if (PoolCalls.run(hub, () -> {
                    Jdk.WRITE_BYTES.invokeExact(out, b, from, rest, append);
                    return 0;
                }) == null) {
                    invoke(() -> { Jdk.WRITE_BYTES.invokeExact(out, b, from, rest, append); });
                }
                return 0;
            }
            int n = Math.min(PIPE_CHUNK, len - done);
            invoke(() -> { Jdk.WRITE_BYTES.invokeExact(out, b, from, n, append); });
            done += n;
        }
        return 0;
    }

    private static final int UNKNOWN = 0;
    private static final int REGULAR = 1;
    private static final int OTHER = 2;

    /** FileInputStream caches whether its fd is a regular file; UNKNOWN if fstat fails (the JDK reports it). */
    private static int regularIn(FileInputStream in) {
        try {
            return (boolean) Jdk.IS_REGULAR_IN.invokeExact(in) ? REGULAR : OTHER;
        } catch (Throwable e) {
            return UNKNOWN;
        }
    }

    private static int regular(int fdVal) {
        try {
            return (boolean) Jdk.ATTRS_IS_REGULAR.invokeExact((Object) Jdk.FSTAT.invokeExact(fdVal)) ? REGULAR : OTHER;
        } catch (Throwable e) {
            return UNKNOWN;
        }
    }

    /** A non-blocking poll(2): true if the fd is ready for {@code event} (or in error: the JDK's call reports it). */
    private static boolean readyNow(FileDescriptor fd, int event) {
        try {
            return (int) Jdk.POLL.invokeExact(fd, event, 0L) != 0;
        } catch (Throwable e) {
            return true;
        }
    }

    private interface NativeCall {
        void run() throws Throwable;
    }

    private static void invoke(NativeCall c) throws IOException {
        try {
            c.run();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }
}
