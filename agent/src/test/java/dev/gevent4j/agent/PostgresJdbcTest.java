package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL's JDBC driver (blocking java.net.Socket inside) under the agent: 90 greenlets on one hub, each on its
 * own connection, run {@code SELECT pg_sleep(0.5)} together and finish in under 2 s (45 s one after another).
 * Needs the real server that .ci/postgres-setup.sh installs and starts (127.0.0.1:5432, user/password/db gevent4j;
 * override with GEVENT4J_PG_URL, GEVENT4J_PG_USER, GEVENT4J_PG_PASSWORD).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresJdbcTest {
    private static final String URL = env("GEVENT4J_PG_URL", "jdbc:postgresql://127.0.0.1:5432/gevent4j?sslmode=disable");

    private static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", env("GEVENT4J_PG_USER", "gevent4j"));
        p.setProperty("password", env("GEVENT4J_PG_PASSWORD", "gevent4j"));
        try {
            return DriverManager.getConnection(URL, p);
        } catch (SQLException e) {
            if (!"08001".equals(e.getSQLState())) {
                throw e;
            }
            throw new SQLException("PostgreSQL is not reachable at " + URL + ": run .ci/postgres-setup.sh (as root) to "
                    + "install and start it (" + e.getMessage() + ")", e);
        }
    }

    @Test
    void ninetyConcurrentPgSleepsOnOneHubTakeAboutOneSleep() throws Exception {
        int n = 90;
        try (Hub hub = Hub.create()) {
            // Connect first (concurrently, as greenlets too): the measured part is the 90 queries.
            List<Greenlet<Connection>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(hub.spawn(PostgresJdbcTest::connect));
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
}
