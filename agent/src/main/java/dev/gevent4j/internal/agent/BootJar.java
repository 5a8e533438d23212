package dev.gevent4j.internal.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The bootstrap half of the agent (the OpenTelemetry agent's split): the jar nested in the agent jar at
 * {@value #RESOURCE} — the gevent4j runtime, Netty, and the hook classes patched JDK code calls — extracted to a
 * file and appended to the bootstrap class path, so that JDK classes can see the hooks and there is one copy of every
 * {@code dev.gevent4j} class for the agent and the application. The file is the agent's cache
 * ({@link AgentCache}: extracted once per agent build, named by the nested jar's CRC and size) or, without a cache,
 * a temporary file deleted at exit.
 *
 * <pre>{@code
 * QuietStderr.during(new BootJar(instrumentation, cache));   // before any dev.gevent4j runtime class is loaded
 * }</pre>
 */
final class BootJar implements QuietStderr.Step {
    static final String RESOURCE = "META-INF/gevent4j/gevent4j-boot.jar";

    private final Instrumentation inst;
    private final AgentCache cache;

    BootJar(Instrumentation inst, AgentCache cache) {
        this.inst = inst;
        this.cache = cache;
    }

    /** The agent jar this class was loaded from, or null if it cannot be opened. */
    static ZipFile agentJar() {
        try {
            return new ZipFile(new File(BootJar.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            return null;
        }
    }

    /** Appends the boot jar to the bootstrap class path (and, for resources only, to the system class loader's). */
    @Override
    public void run() throws IOException {
        File jar = cached();
        if (jar == null) {
            jar = extractToTemporaryFile();
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        // Resources of a jar appended to the boot path at run time are invisible to ClassLoader.getSystemResources,
        // which is where Netty looks for its native epoll library when its classes come from the boot loader. The
        // system loader gets the jar as well, for resources only: it asks the boot loader first for every class,
        // so each class still has exactly one copy, the bootstrap one.
        inst.appendToSystemClassLoaderSearch(new JarFile(jar));
    }

    /** The boot jar in the agent's cache (extracted there first if this agent build's is not there), or null. */
    private File cached() throws IOException {
        if (cache == null) {
            return null;
        }
        ZipEntry e = cache.agentJar().getEntry(RESOURCE);
        if (e == null || e.getSize() < 0) {
            return null;
        }
        String name = "gevent4j-boot-" + Long.toHexString(e.getCrc()) + "-" + e.getSize() + ".jar";
        Path p = cache.find(name);
        if (p == null) {
            try (InputStream in = cache.agentJar().getInputStream(e)) {
                if (!cache.write(name, in)) {
                    return null;
                }
            }
            p = cache.find(name);
        }
        return p != null && Files.size(p) == e.getSize() ? p.toFile() : null;
    }

    private static File extractToTemporaryFile() throws IOException {
        Path tmp = Files.createTempFile("gevent4j-boot-", ".jar");
        tmp.toFile().deleteOnExit();
        try (InputStream in = BootJar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("gevent4j agent: " + RESOURCE + " is missing from the agent jar");
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp.toFile();
    }
}
