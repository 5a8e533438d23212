package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.agent.hooks.FileChannelWaits;
import dev.gevent4j.internal.agent.hooks.FileWaits;
import dev.gevent4j.internal.agent.hooks.RandomAccessFileWaits;
import dev.gevent4j.internal.agent.hooks.GreenletResolver;
import dev.gevent4j.internal.agent.hooks.HubTimers;
import dev.gevent4j.internal.agent.hooks.KillPoints;
import dev.gevent4j.internal.agent.hooks.SocketWaits;
import dev.gevent4j.internal.agent.hooks.ThreadGreenlets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.net.spi.InetAddressResolver;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.bytebuddy.asm.Advice;

/**
 * The advice inlined into JDK methods, one small static class per patched method. Each only calls a hook class of
 * the boot jar (dev.gevent4j.internal.agent.hooks) and, where the hook handled the call for a greenlet, skips the
 * JDK's original body. Stateless; the hooks never throw into JDK code except the exceptions the method declares and
 * the kill/Timeout they mean to raise.
 */
final class Advices {
    private Advices() {}

    /** {@code sun.nio.ch.Poller.poll(int fd, int event, long nanos, BooleanSupplier isOpen)}. */
    static final class PollerPoll {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Argument(0) int fd, @Advice.Argument(1) int event,
                             @Advice.Argument(2) long nanos, @Advice.Argument(3) BooleanSupplier isOpen)
                throws IOException {
            return SocketWaits.poll(fd, event, nanos, isOpen);
        }
    }

    /** {@code sun.nio.ch.Poller.pollSelector(int fd, long nanos)}. */
    static final class PollerPollSelector {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Argument(0) int fd, @Advice.Argument(1) long nanos) throws IOException {
            return SocketWaits.pollSelector(fd, nanos);
        }
    }

    /** {@code sun.nio.ch.Poller.stopPoll(int fd, int event)}: the original runs too (non-greenlet waiters). */
    static final class PollerStopPoll {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) int fd, @Advice.Argument(1) int event) {
            SocketWaits.stopPoll(fd, event);
        }
    }

    /** {@code java.lang.VirtualThread.schedule(Runnable, long, TimeUnit)}. */
    static final class VirtualThreadSchedule {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Future<?> enter(@Advice.FieldValue("scheduler") Executor scheduler,
                               @Advice.Argument(0) Runnable task, @Advice.Argument(1) long delay,
                               @Advice.Argument(2) TimeUnit unit) {
            return HubTimers.schedule(scheduler, task, delay, unit);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Future<?> hubTimer,
                         @Advice.Return(readOnly = false) Future<?> result) {
            if (hubTimer != null) {
                result = hubTimer;
            }
        }
    }

    /** {@code java.lang.Thread.start()} (platform threads only: VirtualThread overrides it). */
    static final class ThreadStart {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.This Thread thread) {
            return ThreadGreenlets.start(thread);
        }
    }

    /** {@code java.lang.Thread.alive()}, behind the final {@code isAlive()}. */
    static final class ThreadAlive {
        @Advice.OnMethodExit
        static void exit(@Advice.This Thread thread, @Advice.Return(readOnly = false) boolean alive) {
            if (!alive && ThreadGreenlets.isAlive(thread)) {
                alive = true;
            }
        }
    }

    /** {@code java.lang.Thread.isDaemon()}: a converted application thread answers with its own daemon status. */
    static final class ThreadIsDaemon {
        @Advice.OnMethodExit
        static void exit(@Advice.This Thread thread, @Advice.Return(readOnly = false) boolean daemon) {
            if (daemon && thread.isVirtual()) {
                Thread app = ThreadGreenlets.applicationThreadOf(thread);
                if (app != null) {
                    daemon = app.isDaemon();
                }
            }
        }
    }

    /** {@code java.lang.Thread.threadState()}, behind {@code getState()} and {@code join(Duration)}. */
    static final class ThreadState {
        @Advice.OnMethodExit
        static void exit(@Advice.This Thread thread, @Advice.Return(readOnly = false) Thread.State state) {
            if (state == Thread.State.NEW || state == Thread.State.TERMINATED) {
                Thread.State s = ThreadGreenlets.state(thread);
                if (s != null) {
                    state = s;
                }
            }
        }
    }

    /** {@code java.lang.Thread.interrupt()} of a thread that runs as a greenlet: interrupt the greenlet. */
    static final class ThreadInterrupt {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.This Thread thread) {
            return ThreadGreenlets.interrupt(thread);
        }
    }

    /**
     * Exit of a blocking JDK method that throws InterruptedException after cleaning up its wait (Thread.sleepNanos,
     * Object.wait, AQS interruptible acquires and condition awaits, FutureTask/CompletableFuture get, the transfer
     * queues, Exchanger, Phaser, CyclicBarrier, StampedLock; see the park entries of PatchRegistry): an interrupt
     * that a pending kill/Timeout caused is replaced by that kill.
     */
    static final class RaiseKill {
        @Advice.OnMethodExit(onThrowable = InterruptedException.class)
        static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown instanceof InterruptedException) {
                Throwable kill = KillPoints.pendingKill();
                if (kill != null) {
                    thrown = kill;
                }
            }
        }
    }

    /** {@code FileInputStream.read()}: pipes/ttys wait on the hub first; regular files are read on the pool. */
    static final class FileReadOne {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileInputStream in, @Advice.FieldValue("fd") FileDescriptor fd)
                throws IOException {
            return FileWaits.read(fd, in, null, 0, 0);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileInputStream.read(byte[])}. */
    static final class FileReadArray {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileInputStream in, @Advice.FieldValue("fd") FileDescriptor fd,
                             @Advice.Argument(0) byte[] b) throws IOException {
            return b == null ? null : FileWaits.read(fd, in, b, 0, b.length);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileInputStream.read(byte[], int, int)}. */
    static final class FileReadBytes {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileInputStream in, @Advice.FieldValue("fd") FileDescriptor fd,
                             @Advice.Argument(0) byte[] b, @Advice.Argument(1) int off, @Advice.Argument(2) int len)
                throws IOException {
            return b == null || off < 0 || len < 0 || len > b.length - off ? null : FileWaits.read(fd, in, b, off, len);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileOutputStream.write(int)}: pipes wait on the hub first; regular files are written on the pool. */
    static final class FileWriteOne {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileOutputStream out, @Advice.FieldValue("fd") FileDescriptor fd,
                             @Advice.Argument(0) int b) throws IOException {
            return FileWaits.write(fd, out, null, 0, 0, b);
        }
    }

    /** {@code FileOutputStream.write(byte[])}. */
    static final class FileWriteArray {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileOutputStream out, @Advice.FieldValue("fd") FileDescriptor fd,
                             @Advice.Argument(0) byte[] b) throws IOException {
            return b == null ? null : FileWaits.write(fd, out, b, 0, b.length, 0);
        }
    }

    /** {@code FileOutputStream.write(byte[], int, int)}. */
    static final class FileWriteBytes {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileOutputStream out, @Advice.FieldValue("fd") FileDescriptor fd,
                             @Advice.Argument(0) byte[] b, @Advice.Argument(1) int off, @Advice.Argument(2) int len)
                throws IOException {
            return b == null || off < 0 || len < 0 || len > b.length - off ? null
                    : FileWaits.write(fd, out, b, off, len, 0);
        }
    }

    /** {@code RandomAccessFile.read()}: on the hub's thread pool. */
    static final class RafReadOne {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This RandomAccessFile f) throws IOException {
            return RandomAccessFileWaits.read(f, null, 0, 0);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code RandomAccessFile.readBytes(byte[], int, int)} (private; behind every array read and readFully). */
    static final class RafReadBytes {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This RandomAccessFile f, @Advice.Argument(0) byte[] b,
                             @Advice.Argument(1) int off, @Advice.Argument(2) int len) throws IOException {
            return RandomAccessFileWaits.read(f, b, off, len);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code RandomAccessFile.write(int)}: on the hub's thread pool. */
    static final class RafWriteOne {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This RandomAccessFile f, @Advice.Argument(0) int b) throws IOException {
            return RandomAccessFileWaits.write(f, null, 0, 0, b);
        }
    }

    /** {@code RandomAccessFile.writeBytes(byte[], int, int)} (private; behind every array write). */
    static final class RafWriteBytes {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This RandomAccessFile f, @Advice.Argument(0) byte[] b,
                             @Advice.Argument(1) int off, @Advice.Argument(2) int len) throws IOException {
            return RandomAccessFileWaits.write(f, b, off, len, 0);
        }
    }

    /** {@code FileChannelImpl.read(ByteBuffer)}: on the hub's thread pool. */
    static final class ChannelRead {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer dst) throws IOException {
            return FileChannelWaits.read(ch, dst);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileChannelImpl.read(ByteBuffer, long)}. */
    static final class ChannelReadAt {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer dst,
                             @Advice.Argument(1) long position) throws IOException {
            return FileChannelWaits.readAt(ch, dst, position);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileChannelImpl.write(ByteBuffer)}. */
    static final class ChannelWrite {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer src) throws IOException {
            return FileChannelWaits.write(ch, src);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileChannelImpl.write(ByteBuffer, long)}. */
    static final class ChannelWriteAt {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer src,
                             @Advice.Argument(1) long position) throws IOException {
            return FileChannelWaits.writeAt(ch, src, position);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileChannelImpl.read(ByteBuffer[], int, int)} (scattering). */
    static final class ChannelReadV {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Long enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer[] dsts,
                          @Advice.Argument(1) int offset, @Advice.Argument(2) int length) throws IOException {
            return FileChannelWaits.read(ch, dsts, offset, length);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Long done, @Advice.Return(readOnly = false) long result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /** {@code FileChannelImpl.write(ByteBuffer[], int, int)} (gathering). */
    static final class ChannelWriteV {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Long enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer[] srcs,
                          @Advice.Argument(1) int offset, @Advice.Argument(2) int length) throws IOException {
            return FileChannelWaits.write(ch, srcs, offset, length);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Long done, @Advice.Return(readOnly = false) long result) {
            if (done != null) {
                result = done;
            }
        }
    }

    /**
     * {@code java.net.InetAddress.loadResolver()} (private static): whatever resolver the JDK chose (the first
     * InetAddressResolverProvider found, usually the application's own, else the built-in one) is wrapped so that
     * greenlets' lookups run on their hub's thread pool. Not run when the method throws (the JDK then retries).
     */
    static final class InetAddressLoadResolver {
        @Advice.OnMethodExit
        static void exit(@Advice.Return(readOnly = false) InetAddressResolver resolver) {
            resolver = GreenletResolver.wrap(resolver);
        }
    }

    /** The application's static {@code main} (option {@code main}, {@link MainPatch}): run it as a greenlet. */
    static final class MainRun {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Origin Class<?> type, @Advice.Origin("#m") String method,
                             @Advice.AllArguments Object[] args) throws Throwable {
            return dev.gevent4j.internal.agent.hooks.MainGreenlet.run(type, method, args);
        }
    }
}
