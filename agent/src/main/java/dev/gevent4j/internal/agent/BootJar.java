package dev.gevent4j.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The bootstrap half of the agent (the OpenTelemetry agent's split): the jar nested in the agent jar at
 * {@value #RESOURCE} — the gevent4j runtime, Netty, and the hook classes patched JDK code calls — extracted to a
 * temporary file and appended to the bootstrap class path, so that JDK classes can see the hooks and there is one
 * copy of every {@code dev.gevent4j} class for the agent and the application.
 *
 * <pre>{@code
 * BootJar.append(instrumentation);   // before any dev.gevent4j runtime class is loaded
 * }</pre>
 */
final class BootJar {
    static final String RESOURCE = "META-INF/gevent4j/gevent4j-boot.jar";

    private BootJar() {}

    static void append(Instrumentation inst) throws IOException {
        Path tmp = Files.createTempFile("gevent4j-boot-", ".jar");
        tmp.toFile().deleteOnExit();
        try (InputStream in = BootJar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("gevent4j agent: " + RESOURCE + " is missing from the agent jar");
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(tmp.toFile()));
        // Resources of a jar appended to the boot path at run time are invisible to ClassLoader.getSystemResources,
        // which is where Netty looks for its native epoll library when its classes come from the boot loader. The
        // system loader gets the jar as well, for resources only: it asks the boot loader first for every class,
        // so each class still has exactly one copy, the bootstrap one.
        inst.appendToSystemClassLoaderSearch(new JarFile(tmp.toFile()));
    }
}
