package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.agent.apps.JdbcThreadsApp;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL's JDBC driver (blocking java.net.Socket inside) under the agent, against a real server
 * ({@link PostgresServer}: an embedded PostgreSQL 14 started once for this class, or GEVENT4J_PG_URL's):
 * 90 greenlets on one hub, each on its own connection, run {@code SELECT pg_sleep(0.5)} together and finish in under
 * 2 s (45 s one after another); and an unmodified thread-per-query app in a child JVM under the agent
 * ({@code threads=true}) does the same with its 90 threads run as greenlets, not as 90 platform threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresJdbcTest {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();

    @Test
    void ninetyConcurrentPgSleepsOnOneHubTakeAboutOneSleep() throws Exception {
        int n = 90;
        try (Hub hub = Hub.create()) {
            // Connect first (concurrently, as greenlets too): the measured part is the 90 queries.
            List<Greenlet<Connection>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(hub.spawn(PG::connect));
            }
            List<Connection> conns = new ArrayList<>();
            for (Greenlet<Connection> g : opening) {
                conns.add(g.get());
            }
            try {
                long t0 = System.nanoTime();
                List<Greenlet<String>> queries = new ArrayList<>();
                for (Connection c : conns) {
                    queries.add(hub.spawn(() -> {
                        try (Statement st = c.createStatement();
                             ResultSet rs = st.executeQuery("SELECT pg_sleep(0.5), 'ok'")) {
                            rs.next();
                            return rs.getString(2);
                        }
                    }));
                }
                Gevent.joinAll(queries);
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (Greenlet<String> q : queries) {
                    assertEquals("ok", q.get());
                }
                System.out.printf("[proof] %d x SELECT pg_sleep(0.5) on one hub under the agent: %.3f s%n", n, seconds);
                assertTrue(seconds < 2.0, n + " concurrent pg_sleep(0.5) took " + seconds + " s");
            } finally {
                List<Greenlet<Void>> closing = new ArrayList<>();
                for (Connection c : conns) {
                    closing.add(hub.spawn(() -> {
                        c.close();
                        return null;
                    }));
                }
                Gevent.joinAll(closing);
            }
        }
    }

    @Test
    void aThreadPerQueryAppInAChildJvmRunsItsNinetyThreadsAsGreenlets() throws Exception {
        int n = 90;
        List<String> jvm = new ArrayList<>(List.of("-javaagent:" + ChildJvm.agentJar()));
        jvm.addAll(PG.systemProperties());
        ChildJvm.Result r = ChildJvm.run(90, jvm, List.of(ChildJvm.locationOf(org.postgresql.Driver.class)),
                JdbcThreadsApp.class.getName(), "" + n, "0.5");
        // stderr is not asserted empty: on a busy machine the hub's stall monitor may report a class-loading pause
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        Map<String, String> out = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), line.substring(sp + 1));
        }
        assertEquals("[]", out.get("failures"), r.stdout() + r.stderr());
        assertEquals("" + n, out.get("virtual"), r.stdout());
        double seconds = Double.parseDouble(out.get("seconds"));
        int platform = Integer.parseInt(out.get("peak platform threads"));
        System.out.printf("[proof] child JVM under the agent: %d plain threads x SELECT pg_sleep(0.5): %.3f s, "
                + "peak %d live platform threads%n", n, seconds, platform);
        assertTrue(seconds < 2.0, n + " concurrent pg_sleep(0.5) took " + seconds + " s");
        assertTrue(platform < n / 2, "peak platform threads " + platform + " (one per query would be " + n + ")");
    }
}
