package dev.gevent4j.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent's private cache directory: the extracted boot jar, and the JDK classes as patched by this agent build
 * (see {@link PatchInstaller}), so that a JVM after the first one neither extracts 5 MB nor runs Byte Buddy for the
 * classes it finds here. {@code ${XDG_CACHE_HOME:-~/.cache}/gevent4j}; the system property
 * {@code -Dgevent4j.agent.cache=DIR} moves it, {@code -Dgevent4j.agent.cache=false} turns it off (then every start
 * extracts to a temporary file and patches with Byte Buddy, as the first start does).
 *
 * <pre>{@code
 * AgentCache cache = AgentCache.open(agentJar);   // null: no usable cache, do the work every time
 * Path dir = cache.dir();
 * }</pre>
 *
 * <p>What goes into the JVM's bootstrap class path and into {@code java.lang.Object} must not come from a place
 * other users can write: the directory is used only if it is owned by this user and writable by nobody else (it is
 * created that way). Files appear only by an atomic rename of a complete file, so concurrent JVMs never see half of
 * one. Each agent build has its own key (from the CRCs of every entry of the agent jar), so a new build never picks
 * up an old build's files; old files are left for the user to delete (a few MB per agent build).
 */
final class AgentCache {
    /** {@code -Dgevent4j.agent.cache=false} or a directory. */
    static final String PROPERTY = "gevent4j.agent.cache";

    private final Path dir;
    private final ZipFile agentJar;
    private final long key;

    private AgentCache(Path dir, ZipFile agentJar, long key) {
        this.dir = dir;
        this.agentJar = agentJar;
        this.key = key;
    }

    /** The cache of the agent build in {@code agentJar}, or null if there is none (turned off, unusable). */
    static AgentCache open(ZipFile agentJar) {
        String setting = System.getProperty(PROPERTY, "");
        if (setting.equals("false")) {
            return null;
        }
        try {
            Path dir;
            if (!setting.isEmpty() && !setting.equals("true")) {
                dir = Path.of(setting);
            } else {
                String xdg = System.getenv("XDG_CACHE_HOME");
                dir = xdg != null && xdg.startsWith("/") ? Path.of(xdg, "gevent4j")
                        : Path.of(System.getProperty("user.home"), ".cache", "gevent4j");
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another JVM created it: checked below like any existing directory
                }
            }
            if (!privateTo(dir)) {
                return null;
            }
            return new AgentCache(dir, agentJar, buildKey(agentJar));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Owned by this user and not writable by the group or others. */
    private static boolean privateTo(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> p = a.permissions();
        return a.isDirectory() && a.owner().getName().equals(System.getProperty("user.name"))
                && !p.contains(PosixFilePermission.GROUP_WRITE) && !p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * A key that changes with any entry of the agent jar: the CRC-32C of its central directory, which holds every
     * entry's name, size and CRC (read straight from the end of the file: about 100 KB). If the directory cannot be
     * found that way (a ZIP64 archive), the entries' CRCs are combined one by one instead.
     */
    private static long buildKey(ZipFile jar) throws IOException {
        CRC32C crc = new CRC32C();
        try (RandomAccessFile f = new RandomAccessFile(jar.getName(), "r")) {
            long length = f.length();
            int tail = (int) Math.min(length, 22 + 65535);
            byte[] end = new byte[tail];
            f.seek(length - tail);
            f.readFully(end);
            for (int i = tail - 22; i >= 0; i--) {
                if (end[i] == 0x50 && end[i + 1] == 0x4b && end[i + 2] == 0x05 && end[i + 3] == 0x06) {
                    long size = u32(end, i + 12);
                    long offset = u32(end, i + 16);
                    if (size == 0xffffffffL || offset == 0xffffffffL || offset + size > length) {
                        break;
                    }
                    byte[] directory = new byte[(int) size];
                    f.seek(offset);
                    f.readFully(directory);
                    crc.update(directory, 0, directory.length);
                    return crc.getValue();
                }
            }
        }
        byte[] b = new byte[8];
        for (Enumeration<? extends ZipEntry> en = jar.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            long v = e.getCrc() * 31 + e.getName().hashCode();
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            crc.update(b, 0, 8);
        }
        return crc.getValue();
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    Path dir() {
        return dir;
    }

    /** This agent build's key, as hex: part of every file name that depends on the build. */
    String buildKey() {
        return Long.toHexString(key);
    }

    ZipFile agentJar() {
        return agentJar;
    }

    /** The file {@code name} of this cache if it exists, else null. */
    Path find(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /** Reads {@code name}, or null if it is not there (or unreadable). */
    byte[] read(String name) {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes {@code in} to the file {@code name} (complete, then renamed into place); false if it could not. */
    boolean write(String name, InputStream in) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".tmp-", null);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            move(tmp, dir.resolve(name));
            return true;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            return false;
        }
    }

    /** Writes {@code bytes} to the file {@code name} (complete, then renamed into place); false if it could not. */
    boolean write(String name, byte[] bytes) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".tmp-", null);
            Files.write(tmp, bytes);
            move(tmp, dir.resolve(name));
            return true;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            return false;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException ignored) {
                // a stray temporary file in the cache directory; harmless
            }
        }
    }
}
