package dev.gevent4j.internal.agent.hooks;

import java.io.FileDescriptor;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;

/**
 * The number of a {@link FileDescriptor}, for advice inlined into JDK code that is handed the object.
 *
 * <pre>{@code
 * int fd = FdNumbers.of(fileDescriptor);   // -1 once closed
 * }</pre>
 */
public final class FdNumbers {
    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();

    private FdNumbers() {}

    public static int of(FileDescriptor fd) {
        return fd == null ? -1 : FDA.get(fd);
    }
}
