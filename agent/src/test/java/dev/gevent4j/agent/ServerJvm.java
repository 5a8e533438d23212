package dev.gevent4j.agent;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * An unmodified server application in its own JVM (usually under the real agent), as a user runs it: started with a
 * main class that prints {@code LISTENING <port>}; read from outside only, through {@code /proc/<pid>/fd} and the
 * hub MBeans ({@code dev.gevent4j:type=Hub,name=*}) over a local JMX connection (the Attach API), never through code
 * of its own.
 *
 * <pre>{@code
 * try (ServerJvm s = ServerJvm.start(List.of("-javaagent:" + ChildJvm.agentJar()), MainAcceptEchoServer.class)) {
 *     load(s.port());
 *     ServerJvm.HubCounters c = s.hubCounters();
 * }
 * }</pre>
 *
 * <p>Timeout: start waits at most 60 s for the LISTENING line; close kills the process (and waits at most 20 s).
 */
final class ServerJvm implements AutoCloseable {
    /** The sums over the server's hubs of what is left: greenlets, timers, IO registrations, plus the dump. */
    record HubCounters(int greenlets, int timers, int ioRegistrations, int hubs, String dump) {}

    private final Process process;
    private final int port;
    private final BufferedReader out;
    private JMXConnector jmx;

    private ServerJvm(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IOException("server did not start; it said: " + line);
        }
        port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
        Thread.ofPlatform().daemon().name("server-out-" + process.pid()).start(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    System.out.println("[server " + process.pid() + "] " + l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static ServerJvm start(List<String> jvmArgs, Class<?> mainClass, String... args) throws IOException {
        List<String> jvm = new ArrayList<>(jvmArgs);
        jvm.add("-Xss512k");
        ProcessBuilder pb = ChildJvm.builder(jvm, List.of(), mainClass.getName(), args)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ServerJvm(pb.start());
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The number of open file descriptors of the server process. */
    int openFds() {
        String[] fds = new File("/proc/" + process.pid() + "/fd").list();
        if (fds == null) {
            throw new IllegalStateException("cannot list /proc/" + process.pid() + "/fd");
        }
        return fds.length;
    }

    /** The hubs' counters, read through JMX (the first call attaches and starts the local management agent). */
    HubCounters hubCounters() throws Exception {
        MBeanServerConnection c = connection();
        Set<ObjectName> names = c.queryNames(new ObjectName("dev.gevent4j:type=Hub,name=*"), null);
        int g = 0;
        int t = 0;
        int io = 0;
        StringBuilder dump = new StringBuilder();
        for (ObjectName n : names) {
            g += (Integer) c.getAttribute(n, "GreenletsAlive");
            t += (Integer) c.getAttribute(n, "PendingTimers");
            io += (Integer) c.getAttribute(n, "IoRegistrations");
            dump.append(c.invoke(n, "dump", null, null));
        }
        return new HubCounters(g, t, io, names.size(), dump.toString());
    }

    /** Polls {@link #hubCounters()} until {@code done} holds or {@code timeoutMillis} pass; returns the last. */
    HubCounters awaitHubCounters(java.util.function.Predicate<HubCounters> done, long timeoutMillis)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        HubCounters h = hubCounters();
        while (!done.test(h) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20); // polling a condition, bounded by the deadline
            h = hubCounters();
        }
        return h;
    }

    private MBeanServerConnection connection() throws Exception {
        if (jmx == null) {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
        }
        return jmx.getMBeanServerConnection();
    }

    @Override
    public void close() throws Exception {
        try {
            if (jmx != null) {
                jmx.close();
            }
        } catch (IOException ignored) {
            // the server is going away anyway
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
