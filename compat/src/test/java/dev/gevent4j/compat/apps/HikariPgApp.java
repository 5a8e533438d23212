package dev.gevent4j.compat.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * PostgreSQL's JDBC driver through a HikariCP pool of n connections: n threads each borrow a connection and run
 * {@code SELECT pg_sleep(DELAY)}. The server comes from -Dcompat.pg.url/user/password. Args: [n].
 */
public final class HikariPgApp {
    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 100);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(System.getProperty("compat.pg.url"));
        cfg.setUsername(System.getProperty("compat.pg.user"));
        cfg.setPassword(System.getProperty("compat.pg.password"));
        cfg.setMaximumPoolSize(n);
        cfg.setMinimumIdle(n);
        cfg.setConnectionTimeout(30_000);
        Probe p = new Probe();
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            // the pool fills itself (HikariCP's own adder thread) up to minimumIdle; wait for that, bounded
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (ds.getHikariPoolMXBean().getTotalConnections() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String sql = "SELECT pg_sleep(" + Probe.DELAY_MILLIS / 1000.0 + "), 'ok'";
            Probe.Task query = i -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    JdkHttpServerApp.check(rs.getString(2));
                }
            };
            new Probe().onPlainThreads(5, "warm", query);
            p.begin();
            p.onPlainThreads(n, "query", query);
            p.end("pgjdbc-hikaricp", n);
        }
    }
}
