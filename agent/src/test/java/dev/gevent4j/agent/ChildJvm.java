package dev.gevent4j.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a new JVM (the same JDK as the test), with or without the real agent jar, and captures its
 * output. The class path is the test classes plus whatever the caller adds.
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar()), List.of(), "pkg.Main");
 * }</pre>
 *
 * <p>Timeout: a child still running after {@code timeoutSeconds} is killed (with its descendants) and the test fails.
 */
final class ChildJvm {
    private ChildJvm() {}

    record Result(int exitCode, String stdout, String stderr) {}

    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    static String agentJar() {
        String p = System.getProperty("gevent4j.agent.jar");
        if (p == null || !new File(p).isFile()) {
            throw new IllegalStateException("system property gevent4j.agent.jar must name the built agent jar: " + p);
        }
        return p;
    }

    /** The test classes directory (where this class was loaded from). */
    static String testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jar or directory a class was loaded from (a test-scope dependency, for example). */
    static String locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ProcessBuilder builder(List<String> jvmArgs, List<String> extraClassPath, String mainClass,
                                  String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmArgs);
        List<String> cp = new ArrayList<>();
        cp.add(testClasses());
        cp.addAll(extraClassPath);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static Result run(List<String> jvmArgs, List<String> extraClassPath, String mainClass, String... args)
            throws IOException, InterruptedException {
        return run(60, jvmArgs, extraClassPath, mainClass, args);
    }

    static Result run(int timeoutSeconds, List<String> jvmArgs, List<String> extraClassPath, String mainClass,
                      String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("child-out", ".txt");
        Path err = Files.createTempFile("child-err", ".txt");
        try {
            Process p = builder(jvmArgs, extraClassPath, mainClass, args)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError("child JVM " + mainClass + " did not finish in " + timeoutSeconds
                        + " s; stdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
