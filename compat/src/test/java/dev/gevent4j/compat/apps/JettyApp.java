package dev.gevent4j.compat.apps;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 with a QueuedThreadPool of at most 200 threads and a blocking handler that takes
 * {@link Probe#DELAY_MILLIS} (a sleep). Load: n concurrent GETs. Args: [n].
 */
public final class JettyApp {
    static final Probe P = new Probe();

    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 200);
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("jetty");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Probe.slowWork();
                P.handled();
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        });
        server.start();
        int port = connector.getLocalPort();
        new Probe().onLoadThreads(10, i -> Http.get(port, "/warm"));
        P.begin();
        P.onLoadThreads(n, i -> JdkHttpServerApp.check(Http.get(port, "/slow/" + i)));
        P.end("jetty", n);
        server.stop();
        System.exit(0);
    }
}
