package dev.gevent4j.compat.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Plain java.net.Socket and BufferedReader.readLine: n threads, each connects to the line server, writes a line and
 * reads the answer (which comes after {@link Probe#DELAY_MILLIS}). Args: port [n].
 */
public final class RawSocketApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 200);
        Probe p = new Probe();
        Probe.Task call = i -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(30_000);
                OutputStream o = s.getOutputStream();
                PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8), true);
                w.println("hello " + i);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (!("ok hello " + i).equals(line)) {
                    throw new IllegalStateException("answer " + line);
                }
            }
        };
        new Probe().onPlainThreads(5, "warm", call);
        p.begin();
        p.onPlainThreads(n, "client", call);
        p.end("raw-socket", n);
    }
}
