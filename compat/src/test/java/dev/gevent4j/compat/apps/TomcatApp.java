package dev.gevent4j.compat.apps;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 11 (NIO connector, maxThreads 200) with a servlet that takes {@link Probe#DELAY_MILLIS} (a sleep).
 * Load: n concurrent GETs. Args: [n].
 */
public final class TomcatApp {
    static final Probe P = new Probe();

    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 200);
        java.util.logging.Logger.getLogger("org.apache").setLevel(java.util.logging.Level.WARNING);
        Path base = Files.createTempDirectory("compat-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "200");
        connector.setProperty("acceptCount", "1024");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.toString());
        Tomcat.addServlet(ctx, "slow", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    Probe.slowWork();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                P.handled();
                resp.setContentType("text/plain");
                resp.getWriter().write("ok");
            }
        });
        ctx.addServletMappingDecoded("/*", "slow");
        tomcat.start();
        int port = connector.getLocalPort();
        new Probe().onLoadThreads(10, i -> Http.get(port, "/warm"));
        P.begin();
        P.onLoadThreads(n, i -> JdkHttpServerApp.check(Http.get(port, "/slow/" + i)));
        P.end("tomcat", n);
        tomcat.stop();
        tomcat.destroy();
        deleteTree(base);
        System.exit(0);
    }

    static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
