package dev.gevent4j.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Whether the PostgreSQL of workload 8 answers, so that its contenders are skipped with a reason rather than
 * failed when the database is absent.
 *
 * <pre>{@code
 * if (PgCheck.reachable("jdbc:postgresql://127.0.0.1:5432/postgres", "gevent4j_bench", "gevent4j_bench")) { ... }
 * }</pre>
 *
 * <p>Timeout: the login waits at most 5 s. Interrupt and kill do not apply (a plain JDBC call on the harness's
 * thread).
 */
final class PgCheck {
    private PgCheck() {}

    static boolean reachable(String url, String user, String password) {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return c.isValid(5);
        } catch (SQLException e) {
            System.out.println("  PostgreSQL: " + e.getMessage());
            return false;
        }
    }
}
