package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * FileChannel reads and writes of a greenlet (agent option {@code files}) run on its hub's thread pool while the
 * greenlet parks, so a slow disk never stalls the hub ({@code Files.readAllBytes}, {@code Files.newInputStream} and
 * friends read through a FileChannel too). The pool thread calls the same method again, which the advice leaves to
 * the JDK there.
 *
 * <pre>{@code
 * // inlined at the top of FileChannelImpl.read(ByteBuffer):
 * Integer n = FileChannelOnPool.read(this, dst);   // null: go on with the JDK's read; else its result
 * }</pre>
 *
 * <p>A greenlet pinned to its hub thread (see {@link Pinning}), or one whose interrupt status is set (the JDK then
 * closes the channel: ClosedByInterruptException), runs the JDK's call. Kill and Timeout: raised once the call on the
 * pool returned (see {@link PoolCalls}). Platform threads: unchanged.
 */
public final class FileChannelOnPool {
    private FileChannelOnPool() {}

    private static Hub hub() {
        Hub hub = FileWaits.hub();
        return hub == null || Thread.currentThread().isInterrupted() || Pinning.pinned(hub) ? null : hub;
    }

    /** {@code read(dst)}: null, or the pool's result. */
    public static Integer read(FileChannel ch, ByteBuffer dst) throws IOException {
        Hub hub = dst == null ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.read(dst));
    }

    /** {@code read(dst, position)}: null, or the pool's result (a negative position: the JDK throws). */
    public static Integer readAt(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        Hub hub = dst == null || position < 0 ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.read(dst, position));
    }

    /** {@code write(src)}: null, or the pool's result. */
    public static Integer write(FileChannel ch, ByteBuffer src) throws IOException {
        Hub hub = src == null ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.write(src));
    }

    /** {@code write(src, position)}: null, or the pool's result (a negative position: the JDK throws). */
    public static Integer writeAt(FileChannel ch, ByteBuffer src, long position) throws IOException {
        Hub hub = src == null || position < 0 ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.write(src, position));
    }

    /** {@code read(dsts, offset, length)}: null, or the pool's result. */
    public static Long read(FileChannel ch, ByteBuffer[] dsts, int offset, int length) throws IOException {
        Hub hub = dsts == null ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.read(dsts, offset, length));
    }

    /** {@code write(srcs, offset, length)}: null, or the pool's result. */
    public static Long write(FileChannel ch, ByteBuffer[] srcs, int offset, int length) throws IOException {
        Hub hub = srcs == null ? null : hub();
        return hub == null ? null : PoolCalls.run(hub, () -> ch.write(srcs, offset, length));
    }
}
