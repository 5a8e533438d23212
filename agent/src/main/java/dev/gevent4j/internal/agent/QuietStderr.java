package dev.gevent4j.internal.agent;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

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
 * <p>Where libc cannot be reached (not Linux), the step runs unchanged and the warning shows.
 */
final class QuietStderr {
    interface Step {
        void run() throws Exception;
    }

    private QuietStderr() {}

    static void during(Step step) throws Exception {
        MethodHandle dup;
        MethodHandle dup2;
        MethodHandle open;
        MethodHandle close;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            FunctionDescriptor intInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
            dup = linker.downcallHandle(libc.find("dup").orElseThrow(), intInt);
            close = linker.downcallHandle(libc.find("close").orElseThrow(), intInt);
            dup2 = linker.downcallHandle(libc.find("dup2").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        } catch (Throwable t) {
            step.run();
            return;
        }
        int saved;
        int devNull;
        try (Arena arena = Arena.ofConfined()) {
            System.err.flush();
            saved = (int) dup.invokeExact(2);
            devNull = (int) open.invokeExact(arena.allocateFrom("/dev/null"), 1 /* O_WRONLY */);
            if (saved < 0 || devNull < 0 || (int) dup2.invokeExact(devNull, 2) < 0) {
                if (saved >= 0) {
                    int ignored = (int) close.invokeExact(saved);
                }
                if (devNull >= 0) {
                    int ignored = (int) close.invokeExact(devNull);
                }
                step.run();
                return;
            }
        } catch (Throwable t) {
            step.run();
            return;
        }
        try {
            step.run();
        } finally {
            try {
                int r1 = (int) dup2.invokeExact(saved, 2);
                int r2 = (int) close.invokeExact(saved);
                int r3 = (int) close.invokeExact(devNull);
            } catch (Throwable ignored) {
                // fd 2 stays as it is; nothing else to do
            }
        }
    }
}
