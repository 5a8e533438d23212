package dev.gevent4j.internal.agent;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
 * (see {@link PatchInstaller}), so that a JVM after the first one neither extracts 2 MB nor runs Byte Buddy for the
 * classes it finds here. {@code ${XDG_CACHE_HOME:-~/.cache}/gevent4j}; the system property
 * {@code -Dgevent4j.agent.cache=DIR} (or the environment variable {@code GEVENT4J_AGENT_CACHE}) moves it,
 * {@code =false} turns it off (then every start extracts to a temporary file and patches with Byte Buddy, as the
 * first start does).
 *
 * <pre>{@code
 * AgentCache cache = AgentCache.open(agentJar);   // null: no usable cache, do the work every time
 * Path dir = cache.dir();
 * }</pre>
 *
 * <p>What goes into the JVM's bootstrap class path and into {@code java.lang.Object} must not come from a place
 * other users can write: the directory is used only if it is owned by this user and writable by nobody else (it is
 * created that way). Files appear only by an atomic rename of a complete file, so concurrent JVMs never see half of
 * one. Each agent build has its own key (the CRC-32C of the agent jar's central directory, which lists every entry's
 * name and CRC), so a new build never picks up an old build's files; old files are left for the user to delete (a few MB per agent build).
 */
final class AgentCache {
    /** {@code -Dgevent4j.agent.cache=false} or a directory (listed in {@code dev.gevent4j.Config}). */
    static final String PROPERTY = "gevent4j.agent.cache";
    /** The same, as an environment variable (used when the property is not set). */
    static final String ENVIRONMENT = "GEVENT4J_AGENT_CACHE";

    private final Path dir;
    private final ZipFile agentJar;
    private final long key;

    private AgentCache(Path dir, ZipFile agentJar, long key) {
        this.dir = dir;
        this.agentJar = agentJar;
        this.key = key;
    }

    /**
     * The cache of the agent build in {@code agentJar}, or null if there is none (no agent jar, turned off, no home
     * directory, a directory others can write, an IO error).
     */
    static AgentCache open(ZipFile agentJar) {
        if (agentJar == null) {
            return null;
        }
        String setting = System.getProperty(PROPERTY);
        if (setting == null) {
            setting = System.getenv(ENVIRONMENT);
        }
        if (setting == null) {
            setting = "";
        }
        if (setting.equals("false")) {
            return null;
        }
        try {
            Path dir;
            if (!setting.isEmpty() && !setting.equals("true")) {
                dir = Path.of(setting);
            } else {
                String xdg = System.getenv("XDG_CACHE_HOME");
                String home = System.getProperty("user.home", "");
                if (xdg != null && xdg.startsWith("/")) {
                    dir = Path.of(xdg, "gevent4j");
                } else if (home.startsWith("/")) {
                    dir = Path.of(home, ".cache", "gevent4j");
                } else {
                    return null; // no home directory (user.home is "?" for a uid without a passwd entry)
                }
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

    /**
     * A key of a class file that does not depend on the order of its methods. The JVM hands a retransformation the
     * class as it reconstitutes it from its own structures, and HotSpot keeps methods sorted by the addresses of
     * their name symbols, which differ from run to run for a class not loaded from the CDS archive: the same class
     * comes back with its methods in another order. Everything else is hashed in place; the methods are hashed one
     * by one and summed. A class file this does not understand gets the CRC of all its bytes.
     */
    static String classKey(byte[] b) {
        try {
            int at = 10;
            int cpCount = u16(b, 8);
            for (int i = 1; i < cpCount; i++) {
                int tag = b[at] & 0xff;
                switch (tag) {
                    case 1 -> at += 3 + u16(b, at + 1);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                    case 5, 6 -> {
                        at += 9;
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> at += 3;
                    case 15 -> at += 4;
                    default -> throw new IllegalArgumentException("constant pool tag " + tag);
                }
            }
            at += 6;
            at += 2 + 2 * u16(b, at); // interfaces
            at = skipMembers(b, at);  // fields
            int methodsStart = at;
            int methods = u16(b, at);
            at += 2;
            long methodSum = 0;
            for (int i = 0; i < methods; i++) {
                int start = at;
                at = skipAttributes(b, at + 6);
                CRC32C m = new CRC32C();
                m.update(b, start, at - start);
                methodSum += m.getValue();
            }
            CRC32C rest = new CRC32C();
            rest.update(b, 0, methodsStart + 2);
            rest.update(b, at, b.length - at);
            return Long.toHexString(rest.getValue()) + "-" + Long.toHexString(methodSum) + "-" + b.length;
        } catch (RuntimeException unknownLayout) {
            CRC32C all = new CRC32C();
            all.update(b, 0, b.length);
            return Long.toHexString(all.getValue()) + "-" + b.length;
        }
    }

    private static int skipMembers(byte[] b, int at) {
        int n = u16(b, at);
        at += 2;
        for (int i = 0; i < n; i++) {
            at = skipAttributes(b, at + 6);
        }
        return at;
    }

    private static int skipAttributes(byte[] b, int at) {
        int n = u16(b, at);
        at += 2;
        for (int i = 0; i < n; i++) {
            at += 6 + (int) u32be(b, at + 2);
        }
        return at;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static long u32be(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
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

    /**
     * The cache file of class {@code name} as patched by this agent build with exactly {@code ps}, from these original
     * bytes (up to the order of their methods, see {@link #classKey}): a different JDK build, agent build, set of
     * enabled patches, or a class another agent changed first is a different file.
     */
    String patchedName(String name, byte[] original, java.util.List<Patch> ps) {
        CRC32C ids = new CRC32C();
        for (Patch p : ps) {
            byte[] id = p.id().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ids.update(id, 0, id.length);
        }
        return "patched-" + buildKey() + "-" + name + "-" + classKey(original) + "-" + Long.toHexString(ids.getValue())
                + ".class";
    }

    /** The patched class in {@code file}, if it is there and its CRC-32C (the first 8 bytes) matches, else null. */
    byte[] readPatched(String file) {
        byte[] b = read(file);
        if (b == null || b.length < 8) {
            return null;
        }
        long expected = 0;
        for (int i = 0; i < 8; i++) {
            expected |= (b[i] & 0xffL) << (8 * i);
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 8, b.length - 8);
        return crc.getValue() == expected ? java.util.Arrays.copyOfRange(b, 8, b.length) : null;
    }

    /** Writes {@code patched} to {@code file}, after its CRC-32C; false if it could not. */
    boolean writePatched(String file, byte[] patched) {
        CRC32C crc = new CRC32C();
        crc.update(patched, 0, patched.length);
        byte[] b = new byte[patched.length + 8];
        long v = crc.getValue();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        System.arraycopy(patched, 0, b, 8, patched.length);
        return write(file, b);
    }

    /** The file {@code name} of this cache if it exists, else null. */
    Path find(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /*
     * Reads and writes use java.io streams, not java.nio.file channels: they run inside the agent's class file
     * transformer, where a class loaded for the first time (sun.nio.ch.FileChannelImpl, itself patched) would not be
     * transformed.
     */

    /** Reads {@code name}, or null if it is not there (or unreadable). */
    byte[] read(String name) {
        try (FileInputStream in = new FileInputStream(new File(dir.toFile(), name))) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes {@code in} to the file {@code name} (complete, then renamed into place); false if it could not. */
    boolean write(String name, InputStream in) {
        File tmp = null;
        try {
            tmp = File.createTempFile(".tmp-", null, dir.toFile());
            try (FileOutputStream out = new FileOutputStream(tmp)) {
                in.transferTo(out);
            }
            return rename(tmp, name);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            return false;
        }
    }

    /** Writes {@code bytes} to the file {@code name} (complete, then renamed into place); false if it could not. */
    boolean write(String name, byte[] bytes) {
        File tmp = null;
        try {
            tmp = File.createTempFile(".tmp-", null, dir.toFile());
            try (FileOutputStream out = new FileOutputStream(tmp)) {
                out.write(bytes);
            }
            return rename(tmp, name);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            return false;
        }
    }

    /** rename(2): atomic, replacing a file another JVM put there meanwhile (the same bytes). */
    private boolean rename(File tmp, String name) {
        if (tmp.renameTo(new File(dir.toFile(), name))) {
            return true;
        }
        deleteQuietly(tmp);
        return false;
    }

    private static void deleteQuietly(File f) {
        if (f != null) {
            f.delete();
        }
    }
}
