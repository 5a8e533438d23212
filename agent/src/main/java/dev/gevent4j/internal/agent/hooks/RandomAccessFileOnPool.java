package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * RandomAccessFile reads and writes of a greenlet (agent option {@code files}) run on its hub's thread pool while
 * the greenlet parks, so a slow disk never stalls the hub. A RandomAccessFile is a file (or a device) opened by
 * name, never a pipe: there is no readiness to wait for.
 *
 * <pre>{@code
 * // inlined at the top of RandomAccessFile.readBytes(byte[], int, int):
 * Integer n = RandomAccessFileOnPool.read(this, b, off, len);   // null: go on with the JDK's read; else its result
 * }</pre>
 *
 * <p>A greenlet pinned to its hub thread (see {@link Pinning}) runs the JDK's call. Kill and Timeout: raised once the
 * call on the pool returned (see {@link PoolCalls}). Interrupt: as in the JDK (not interruptible). Platform threads:
 * unchanged.
 */
public final class RandomAccessFileOnPool {
    /* The pool calls the private natives (read0, readBytes0, write0, writeBytes0): the public methods would come back
     * through the advice (harmless on a pool thread) and run a subclass's override twice. */
    /** The JDK's private natives, looked up on a greenlet's first call (never for a platform thread). */
    private static final class Jdk {
        private static final MethodHandle READ0;
        private static final MethodHandle READ_BYTES0;
        private static final MethodHandle WRITE0;
        private static final MethodHandle WRITE_BYTES0;
        private static final boolean AVAILABLE;

        static {
            boolean ok = false;
            MethodHandle[] mh = new MethodHandle[4];
            try {
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(RandomAccessFile.class, MethodHandles.lookup());
                mh[0] = l.findVirtual(RandomAccessFile.class, "read0", MethodType.methodType(int.class));
                mh[1] = l.findVirtual(RandomAccessFile.class, "readBytes0",
                        MethodType.methodType(int.class, byte[].class, int.class, int.class));
                mh[2] = l.findVirtual(RandomAccessFile.class, "write0", MethodType.methodType(void.class, int.class));
                mh[3] = l.findVirtual(RandomAccessFile.class, "writeBytes0",
                        MethodType.methodType(void.class, byte[].class, int.class, int.class));
                ok = true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger("dev.gevent4j").log(System.Logger.Level.WARNING, "gevent4j agent: the 'files' patch "
                        + "of RandomAccessFile is inactive on JDK " + Runtime.version() + ": " + e);
            }
            READ0 = mh[0];
            READ_BYTES0 = mh[1];
            WRITE0 = mh[2];
            WRITE_BYTES0 = mh[3];
            AVAILABLE = ok;
        }

        private Jdk() {}
    }

    private RandomAccessFileOnPool() {}

    private static Hub hub(byte[] b, int off, int len) {
        if (!Thread.currentThread().isVirtual() || !Jdk.AVAILABLE
                || (b != null && (off < 0 || len <= 0 || len > b.length - off))) {
            return null; // the JDK returns 0 or throws IndexOutOfBoundsException itself
        }
        Hub hub = FileWaits.hub();
        return hub == null || Pinning.pinned(hub) ? null : hub;
    }

    /** Before {@code read()} ({@code b == null}) or {@code readBytes(b, off, len)}: null, or the pool's result. */
    public static Integer read(RandomAccessFile f, byte[] b, int off, int len) throws IOException {
        Hub hub = hub(b, off, len);
        if (hub == null) {
            return null;
        }
        return PoolCalls.run(hub, () -> b == null ? (int) Jdk.READ0.invokeExact(f)
                : (int) Jdk.READ_BYTES0.invokeExact(f, b, off, len));
    }

    /** Before {@code write(oneByte)} ({@code b == null}) or {@code writeBytes(b, off, len)}: null, or 0 when done. */
    public static Integer write(RandomAccessFile f, byte[] b, int off, int len, int oneByte) throws IOException {
        Hub hub = hub(b, off, len);
        if (hub == null) {
            return null;
        }
        return PoolCalls.run(hub, () -> {
            if (b == null) {
                Jdk.WRITE0.invokeExact(f, oneByte);
            } else {
                Jdk.WRITE_BYTES0.invokeExact(f, b, off, len);
            }
            return 0;
        });
    }
}
