package dev.gevent4j.samples.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One parsed HTTP/1.x request (the request line, headers and a Content-Length body), read from a stream with strict
 * limits. Anything malformed is a {@link BadRequest}, never another exception.
 *
 * <pre>{@code
 * HttpRequest r = HttpRequest.read(in);   // null at a clean end of stream between requests
 * }</pre>
 */
public record HttpRequest(String method, String target, String version, Map<String, String> headers, byte[] body) {
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;
    static final int MAX_BODY = 1 << 20;

    /** A request the server must answer with 400 and close. */
    public static final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether the connection stays open after the response (HTTP/1.1 default; HTTP/1.0 only on request). */
    public boolean keepAlive() {
        String c = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !c.contains("close") : c.contains("keep-alive");
    }

    /** Reads one request; null if the stream ends before its first byte. */
    public static HttpRequest read(InputStream in) throws IOException, BadRequest {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || parts[1].isEmpty()
                || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
            throw new BadRequest("malformed request line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                break;
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new BadRequest("too many headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequest("malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new BadRequest("malformed header name");
            }
            headers.merge(name, line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest("chunked request bodies are not supported by this sample");
        }
        byte[] body = new byte[0];
        String cl = headers.get("content-length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                throw new BadRequest("bad Content-Length");
            }
            if (n < 0 || n > MAX_BODY) {
                throw new BadRequest("Content-Length out of range");
            }
            body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new BadRequest("body shorter than Content-Length");
            }
        }
        return new HttpRequest(parts[0], parts[1], parts[2], headers, body);
    }

    /** Reads a CRLF (or LF) terminated line of printable ASCII; null only if {@code eofOk} and no byte came. */
    private static String readLine(InputStream in, boolean eofOk) throws IOException, BadRequest {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofOk && sb.isEmpty()) {
                    return null;
                }
                throw new BadRequest("connection closed in the middle of a request");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if ((b < 0x20 && b != '\r' && b != '\t') || b >= 0x7f) {
                throw new BadRequest("non-ASCII or control byte in the request head");
            }
            if (sb.length() >= MAX_LINE) {
                throw new BadRequest("line too long");
            }
            sb.append((char) b);
        }
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
