package dev.gevent4j.internal.agent;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;

/**
 * Runs one start-up step with file descriptor 2 pointed at /dev/null. Used for exactly one call: appending the boot
 * jar, for which HotSpot prints "Sharing is only supported for boot loader classes because bootstrap classpath has
 * been appended" straight to fd 2 whenever the CDS archive is in use (the application still starts normally; only
 * its own classes are then not loaded from the archive). The warning is synchronous, no other thread writes to
 * stderr during premain, and fd 2 is restored before anything else runs.
 *
 * <pre>{@code
 * QuietStderr.during(() -> BootJar.append(inst));
 * }</pre>
 *
 * <p>The file descriptors are moved with the JDK's own natives for {@code dup(2)} ({@code sun.nio.fs}) and
 * {@code dup2(2)} ({@code sun.nio.ch}), not with the foreign-function linker, whose first downcall costs about 100 ms
 * of start-up. Where those natives are missing (not Linux or macOS, another JDK), the step runs unchanged and the
 * warning shows.
 */
final class QuietStderr {
    interface Step {
        void run() throws Exception;
    }

    private QuietStderr() {}

    static void during(Step step) throws Exception {
        MethodHandle dup;
        MethodHandle dup2;
        try {
            MethodHandles.Lookup me = MethodHandles.lookup();
            Class<?> fs = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            dup = MethodHandles.privateLookupIn(fs, me).findStatic(fs, "dup",
                    MethodType.methodType(int.class, int.class));
            Class<?> ch = Class.forName("sun.nio.ch.DatagramDispatcher");
            dup2 = MethodHandles.privateLookupIn(ch, me).findStatic(ch, "dup0",
                    MethodType.methodType(void.class, FileDescriptor.class, FileDescriptor.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            step.run();
            return;
        }
        JavaIOFileDescriptorAccess fds = SharedSecrets.getJavaIOFileDescriptorAccess();
        FileDescriptor saved = new FileDescriptor();
        FileOutputStream devNull;
        try {
            System.err.flush();
            fds.set(saved, (int) dup.invokeExact(2));
            devNull = new FileOutputStream("/dev/null");
        } catch (Throwable e) {
            if (saved.valid()) {
                fds.close(saved);
            }
            step.run();
            return;
        }
        try {
            dup2.invokeExact(devNull.getFD(), FileDescriptor.err);
        } catch (Throwable e) {
            fds.close(saved);
            devNull.close();
            step.run();
            return;
        }
        try {
            step.run();
        } finally {
            try {
                dup2.invokeExact(saved, FileDescriptor.err);
            } catch (Throwable ignored) {
                // fd 2 stays as it is; nothing else to do
            }
            fds.close(saved);
            devNull.close();
        }
    }
}
