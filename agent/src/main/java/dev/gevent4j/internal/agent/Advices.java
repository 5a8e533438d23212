package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.agent.hooks.FileChannelOnPool;
import dev.gevent4j.internal.agent.hooks.FileWaits;
import dev.gevent4j.internal.agent.hooks.RandomAccessFileOnPool;
import dev.gevent4j.internal.agent.hooks.GreenletResolver;
import dev.gevent4j.internal.agent.hooks.HubTimers;
import dev.gevent4j.internal.agent.hooks.KillPoints;
import dev.gevent4j.internal.agent.hooks.SocketWaits;
import dev.gevent4j.internal.agent.hooks.ThreadGreenlets;
import dev.gevent4j.internal.agent.hooks.UninterruptibleWaits;
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
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
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

    /**
     * {@code sun.nio.ch.NioSocketImpl.tryRead(FileDescriptor, byte[], int, int)}: skipped ("would block", -2) when
     * the last read drained the socket and no edge came since; else the read runs and its result is recorded.
     */
    static final class NioSocketTryRead {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Argument(0) FileDescriptor fd) {
            return SocketWaits.skipRead(dev.gevent4j.internal.agent.hooks.FdNumbers.of(fd));
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter boolean skipped, @Advice.Argument(0) FileDescriptor fd,
                         @Advice.Argument(3) int len, @Advice.Return(readOnly = false) int n) {
            if (skipped) {
                n = -2; // IOStatus.UNAVAILABLE
            } else {
                SocketWaits.afterRead(dev.gevent4j.internal.agent.hooks.FdNumbers.of(fd), n, len);
            }
        }
    }

    /** {@code sun.nio.ch.UnixDispatcher.close(FileDescriptor)}: the original runs after. */
    static final class UnixDispatcherClose {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) FileDescriptor fd) {
            SocketWaits.closing(dev.gevent4j.internal.agent.hooks.FdNumbers.of(fd));
        }
    }

    /** {@code java.lang.VirtualThread.parkOnCarrierThread(boolean, long)}: the original runs after. */
    static final class VirtualThreadParkOnCarrier {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Thread vthread) {
            SocketWaits.pinnedPark(vthread);
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

    /** {@code java.lang.VirtualThread.sleepNanos(long)}, behind Thread.sleep of a virtual thread. */
    static final class VirtualThreadSleep {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.FieldValue("scheduler") Executor scheduler, @Advice.Argument(0) long nanos)
                throws InterruptedException {
            return HubTimers.sleep(scheduler, nanos);
        }
    }

    /**
     * {@code java.lang.VirtualThread.parkOnCarrierThread(boolean, long)}: a pinned greenlet of a virtual-time hub
     * parks the hub thread; the real time it spent moves the hub's clock on (see {@link HubTimers#pinnedParkEnded}).
     */
    static final class VirtualThreadPinnedParkClock {
        @Advice.OnMethodEnter
        static long enter() {
            return HubTimers.pinnedParkStarts();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long startNanos) {
            HubTimers.pinnedParkEnded(startNanos);
        }
    }

    /**
     * Not an advice but a marker: in a patch with it, the installer replaces each call of {@code System.nanoTime()}
     * in the method with {@link dev.gevent4j.internal.agent.hooks.VirtualClock#nanoTime()} (same descriptor, no
     * other change), so a timed java.util.concurrent wait of a greenlet measures on its virtual-time hub's clock.
     */
    static final class NanoTimeOnHubClock {
        private NanoTimeOnHubClock() {}
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

    /*
     * The JDK's uninterruptible waits (see hooks/UninterruptibleWaits). Each private wait method below takes an
     * "interruptible" flag that its uninterruptible callers pass as false. On a greenlet the enter advice passes true
     * instead; when the wait then comes back cancelled by an interrupt (the JDK's interrupt path has cancelled and
     * unlinked the waiter), the exit advice raises the kill, or repeats the method (repeatOn): interruptibly for an
     * application interrupt (re-asserted when the wait is done), uninterruptibly with the interrupt set again for a
     * kill that the JDK's own wait defers. Byte Buddy repeats the body from the arguments as the enter advice left
     * them (backupArguments, the default) with this advice's writes: a repeated AQS acquire starts with node == null.
     */

    /**
     * {@code AbstractQueuedSynchronizer.acquire(Node, int, boolean shared, boolean interruptible, boolean timed,
     * long)} and the same private method of AbstractQueuedLongSynchronizer: behind {@code acquire(arg)} and
     * {@code acquireShared(arg)}, i.e. {@code ReentrantLock.lock()}, the read and write {@code lock()} of
     * ReentrantReadWriteLock, {@code Semaphore.acquireUninterruptibly}. A Condition's re-acquisition of its lock
     * (node != null) is left alone: a condition waiter always gets its lock back, as in the JDK. Result: negative if
     * cancelled by an interrupt.
     */
    static final class AqsAcquire {
        @Advice.OnMethodEnter
        static boolean enter(@Advice.Argument(0) Object node,
                             @Advice.Argument(value = 3, readOnly = false) boolean interruptible) {
            if (node == null && !interruptible && UninterruptibleWaits.onGreenlet()) {
                interruptible = true;
                return true;
            }
            return false;
        }

        @Advice.OnMethodExit(repeatOn = Advice.OnNonDefaultValue.class)
        static boolean exit(@Advice.Enter boolean made, @Advice.This Object sync,
                            @Advice.Argument(value = 3, readOnly = false) boolean interruptible,
                            @Advice.Return int result, @Advice.Local("interrupted") boolean interrupted)
                throws Throwable {
            if (!made) {
                return false;
            }
            if (interruptible && result < 0) {
                Throwable kill = UninterruptibleWaits.killFor(sync);
                if (kill != null) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw kill;
                }
                interruptible = UninterruptibleWaits.waitAgainInterruptibly();
                interrupted |= interruptible;
                return true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /**
     * {@code StampedLock.acquireWrite(boolean interruptible, boolean timed, long)} and {@code acquireRead(...)}
     * (private): behind {@code writeLock()}, {@code readLock()} and the lock() of {@code asWriteLock()},
     * {@code asReadLock()}, {@code asReadWriteLock()}. Result: INTERRUPTED (1) if cancelled by an interrupt.
     */
    static final class StampedLockAcquire {
        @Advice.OnMethodEnter
        static boolean enter(@Advice.Argument(value = 0, readOnly = false) boolean interruptible) {
            if (!interruptible && UninterruptibleWaits.onGreenlet()) {
                interruptible = true;
                return true;
            }
            return false;
        }

        @Advice.OnMethodExit(repeatOn = Advice.OnNonDefaultValue.class)
        static boolean exit(@Advice.Enter boolean made,
                            @Advice.Argument(value = 0, readOnly = false) boolean interruptible,
                            @Advice.Return long result, @Advice.Local("interrupted") boolean interrupted)
                throws Throwable {
            if (!made) {
                return false;
            }
            if (interruptible && result == 1L) {
                Throwable kill = UninterruptibleWaits.killFor(null);
                if (kill != null) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw kill;
                }
                interruptible = UninterruptibleWaits.waitAgainInterruptibly();
                interrupted |= interruptible;
                return true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /**
     * {@code CompletableFuture.waitingGet(boolean interruptible)} (private): behind {@code join()}. Result: null if
     * cancelled by an interrupt (the Signaller is unlinked first).
     */
    static final class CompletableFutureWaitingGet {
        @Advice.OnMethodEnter
        static boolean enter(@Advice.Argument(value = 0, readOnly = false) boolean interruptible) {
            if (!interruptible && UninterruptibleWaits.onGreenlet()) {
                interruptible = true;
                return true;
            }
            return false;
        }

        @Advice.OnMethodExit(repeatOn = Advice.OnNonDefaultValue.class)
        static boolean exit(@Advice.Enter boolean made,
                            @Advice.Argument(value = 0, readOnly = false) boolean interruptible,
                            @Advice.Return Object result, @Advice.Local("interrupted") boolean interrupted)
                throws Throwable {
            if (!made) {
                return false;
            }
            if (interruptible && result == null) {
                Throwable kill = UninterruptibleWaits.killFor(null);
                if (kill != null) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw kill;
                }
                interruptible = UninterruptibleWaits.waitAgainInterruptibly();
                interrupted |= interruptible;
                return true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /**
     * {@code ForkJoinTask.awaitDone(boolean interruptible, long deadline)} (private): behind {@code join()},
     * {@code invoke()}, {@code invokeAll}, {@code quietlyJoin()}, {@code quietlyInvoke()},
     * {@code quietlyJoinUninterruptibly}. Result: ABNORMAL (1 << 16) exactly if cancelled by an interrupt (a done
     * status is negative); a repeat keeps the same deadline.
     */
    static final class ForkJoinTaskAwaitDone {
        @Advice.OnMethodEnter
        static boolean enter(@Advice.Argument(value = 0, readOnly = false) boolean interruptible) {
            if (!interruptible && UninterruptibleWaits.onGreenlet()) {
                interruptible = true;
                return true;
            }
            return false;
        }

        @Advice.OnMethodExit(repeatOn = Advice.OnNonDefaultValue.class)
        static boolean exit(@Advice.Enter boolean made,
                            @Advice.Argument(value = 0, readOnly = false) boolean interruptible,
                            @Advice.Return int result, @Advice.Local("interrupted") boolean interrupted)
                throws Throwable {
            if (!made) {
                return false;
            }
            if (interruptible && result == 1 << 16) {
                Throwable kill = UninterruptibleWaits.killFor(null);
                if (kill != null) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw kill;
                }
                interruptible = UninterruptibleWaits.waitAgainInterruptibly();
                interrupted |= interruptible;
                return true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /**
     * {@code ConditionObject.awaitUninterruptibly()} of AQS and of the long AQS: on a greenlet, {@code await()} in a
     * loop (hooks/UninterruptibleWaits).
     */
    static final class ConditionAwaitUninterruptibly {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.This Condition condition) {
            return UninterruptibleWaits.awaitUninterruptibly(condition);
        }
    }

    /**
     * {@code Phaser.internalAwaitAdvance(int phase, QNode node)} (private) with node == null, the uninterruptible
     * wait behind {@code awaitAdvance}, {@code arriveAndAwaitAdvance} and a registration during an advance: on a
     * greenlet, {@code awaitAdvanceInterruptibly} in a loop (hooks/UninterruptibleWaits).
     */
    static final class PhaserInternalAwaitAdvance {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This Phaser root, @Advice.Argument(0) int phase, @Advice.Argument(1) Object node) {
            return node == null ? UninterruptibleWaits.awaitAdvance(root, phase) : null;
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Integer done, @Advice.Return(readOnly = false) int result) {
            if (done != null) {
                result = done;
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
            return RandomAccessFileOnPool.read(f, null, 0, 0);
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
            return RandomAccessFileOnPool.read(f, b, off, len);
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
            return RandomAccessFileOnPool.write(f, null, 0, 0, b);
        }
    }

    /** {@code RandomAccessFile.writeBytes(byte[], int, int)} (private; behind every array write). */
    static final class RafWriteBytes {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This RandomAccessFile f, @Advice.Argument(0) byte[] b,
                             @Advice.Argument(1) int off, @Advice.Argument(2) int len) throws IOException {
            return RandomAccessFileOnPool.write(f, b, off, len, 0);
        }
    }

    /** {@code FileChannelImpl.read(ByteBuffer)}: on the hub's thread pool. */
    static final class ChannelRead {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Integer enter(@Advice.This FileChannel ch, @Advice.Argument(0) ByteBuffer dst) throws IOException {
            return FileChannelOnPool.read(ch, dst);
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
            return FileChannelOnPool.readAt(ch, dst, position);
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
            return FileChannelOnPool.write(ch, src);
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
            return FileChannelOnPool.writeAt(ch, src, position);
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
            return FileChannelOnPool.read(ch, dsts, offset, length);
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
            return FileChannelOnPool.write(ch, srcs, offset, length);
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
