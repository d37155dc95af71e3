package dev.strongroom.client;

import dev.strongroom.format.MalformedDataException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The bulk half of the HTTPS transport: pack uploads and ranged pack reads, as HTTP/1.1 over
 * blocking TLS sockets kept alive in a small pool (RFC 9112). The JDK's {@code HttpClient}
 * (used for everything else) hands every 16 KiB of a body between its selector and worker
 * threads in fresh buffers and then copies them into one array; for the hundreds of MiB a
 * backup or restore moves, that cost more CPU than decrypting the data. Here a response body
 * is read straight into one array of its announced length, and a pack is written from its
 * parts in 64 KiB slices.
 *
 * <p>Same trust as the rest of the client: the socket factory comes from the SSL context that
 * pins the server's key. Everything the server sends is bounded before it is buffered: the
 * status line and headers together ({@value #MAX_HEAD} bytes), a successful body (by the
 * caller's limit: the size of the range asked for), an error body ({@value #MAX_ERROR_BODY}
 * bytes). Requests sent here are idempotent (a pack is named by its id), so a request that
 * fails on a kept-alive connection the server had meanwhile closed is sent once more on a new one.
 * Uploads ask for {@code 100-continue}, so a refusal (such as an expired token) arrives before
 * the pack is sent.
 */
final class PackTransport implements AutoCloseable {
    static final int MAX_HEAD = 64 << 10;
    static final int MAX_ERROR_BODY = 1 << 20;
    private static final int SLICE = 64 << 10;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_IDLE = 8;
    private static final int CONTINUE_WAIT_MILLIS = 1_000;

    /** A status and a complete body. */
    record Response(int status, byte[] body) {
    }

    private final SSLSocketFactory factory;
    private final String host;
    private final int port;
    private final String authority;
    private final int readTimeoutMillis;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    PackTransport(SSLSocketFactory factory, String host, int port, String authority, int readTimeoutMillis) {
        this.factory = factory;
        this.host = host;
        this.port = port;
        this.authority = authority;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** GET with extra headers; a successful body longer than {@code maxBody} is refused. */
    Response get(String path, Map<String, String> headers, long maxBody) throws IOException {
        return exchange("GET", path, headers, List.of(), 0, maxBody);
    }

    /** PUT of the concatenation of {@code parts} ({@code length} bytes in all). */
    Response put(String path, Map<String, String> headers, List<byte[]> parts, long length) throws IOException {
        return exchange("PUT", path, headers, parts, length, MAX_ERROR_BODY);
    }

    private Response exchange(String method, String path, Map<String, String> headers, List<byte[]> body,
                              long length, long maxBody) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Conn c = idle.pollFirst();
            boolean reused = c != null;
            if (c == null) {
                c = open();
            }
            boolean keep = false;
            try {
                boolean expect = !body.isEmpty();
                writeHead(c, method, path, headers, length, expect);
                if (expect) {
                    // RFC 9110 §10.1.1: the server answers 100 before we send the pack, or at
                    // once with its refusal (an expired token, an unknown vault, too large), which
                    // then reaches the caller instead of a broken pipe halfway through 16 MiB
                    Parsed early = awaitContinue(c, method, maxBody);
                    if (early != null) {
                        return new Response(early.status, early.body); // body unsent: connection closed below
                    }
                    writeBody(c, body, length);
                }
                Parsed p = read(c.in, method, maxBody, false);
                keep = p.keepAlive && !closed;
                return new Response(p.status, p.body);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                // a kept-alive connection may have been closed by the server while idle
                if (reused && attempt == 0) {
                    continue;
                }
                throw e;
            } finally {
                if (keep && idle.size() < MAX_IDLE) {
                    idle.addFirst(c);
                } else {
                    c.close();
                }
            }
        }
    }

    private Conn open() throws IOException {
        if (closed) {
            throw new IOException("the transport is closed");
        }
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            raw.setSoTimeout(readTimeoutMillis);
            SSLSocket s = (SSLSocket) factory.createSocket(raw, host, port, true);
            SSLParameters params = s.getSSLParameters();
            params.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(params);
            s.startHandshake();
            return new Conn(s, new BufferedInputStream(s.getInputStream(), SLICE), s.getOutputStream());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private void writeHead(Conn c, String method, String path, Map<String, String> headers, long length,
                           boolean expect) throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header value with a line break");
            }
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (method.equals("PUT")) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        if (expect) {
            head.append("Expect: 100-continue\r\n");
        }
        head.append("\r\n");
        c.out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        c.out.flush();
    }

    private static void writeBody(Conn c, List<byte[]> body, long length) throws IOException {
        long sent = 0;
        for (byte[] part : body) {
            for (int off = 0; off < part.length; off += SLICE) {
                c.out.write(part, off, Math.min(SLICE, part.length - off));
            }
            sent += part.length;
        }
        if (sent != length) {
            throw new IllegalArgumentException("body of " + sent + " bytes, declared " + length);
        }
        c.out.flush();
    }

    /**
     * Waits up to {@value #CONTINUE_WAIT_MILLIS} ms for the server's first answer to a request
     * sent with {@code Expect: 100-continue}: null to send the body (a 100, or silence: a server
     * or proxy that ignores the expectation), else the server's final answer.
     */
    private Parsed awaitContinue(Conn c, String method, long maxBody) throws IOException {
        c.in.mark(1);
        c.socket.setSoTimeout(CONTINUE_WAIT_MILLIS);
        try {
            if (c.in.read() < 0) {
                throw new EOFException("the server closed the connection");
            }
        } catch (SocketTimeoutException e) {
            return null; // nothing read: go ahead
        } finally {
            c.socket.setSoTimeout(readTimeoutMillis);
        }
        c.in.reset();
        Parsed first = read(c.in, method, maxBody, true);
        if (first.status >= 200 && first.status < 300) {
            throw new MalformedDataException("the server accepted an upload (" + first.status + ") before receiving it");
        }
        return first.status == 100 ? null : first;
    }

    /** A parsed answer; {@code keepAlive}: the connection may carry another request. */
    record Parsed(int status, byte[] body, boolean keepAlive) {
    }

    /** Reads one final answer (skipping interim 1xx ones) to a {@code method} request. */
    static Parsed read(InputStream in, String method, long maxBody) throws IOException {
        return read(in, method, maxBody, false);
    }

    /** As {@link #read(InputStream, String, long)}; with {@code stopAt100}, a 100 is returned, not skipped. */
    static Parsed read(InputStream in, String method, long maxBody, boolean stopAt100) throws IOException {
        int[] budget = {MAX_HEAD};
        while (true) {
            String statusLine = line(in, budget);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new MalformedDataException("the server's answer does not start with an HTTP/1.x status line");
            }
            int status = parseStatus(statusLine.substring(9, 12));
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            long contentLength = -1;
            boolean chunked = false;
            boolean close = http10;
            String h;
            while (!(h = line(in, budget)).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new MalformedDataException("the server sent a malformed header line");
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        long v = parseLength(value);
                        if (contentLength >= 0 && contentLength != v) {
                            throw new MalformedDataException("the server sent two different Content-Length headers");
                        }
                        contentLength = v;
                    }
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.contains("close")) {
                            close = true;
                        } else if (v.contains("keep-alive")) {
                            close = false;
                        }
                    }
                    default -> {
                    }
                }
            }
            if (status == 100 && stopAt100) {
                return new Parsed(100, new byte[0], true);
            }
            if (status >= 100 && status < 200) {
                continue; // an interim answer (RFC 9110 §15.2); the final one follows
            }
            long limit = status >= 200 && status < 300 ? maxBody : MAX_ERROR_BODY;
            byte[] body;
            if (method.equals("HEAD") || status == 204 || status == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = chunkedBody(in, limit);
            } else if (contentLength >= 0) {
                if (contentLength > limit) {
                    throw new MalformedDataException("the server announced a " + contentLength + "-byte answer where at most "
                            + limit + " bytes were expected");
                }
                body = new byte[(int) contentLength];
                int n = in.readNBytes(body, 0, body.length);
                if (n != body.length) {
                    throw new EOFException("the server's answer ended after " + n + " of " + contentLength + " bytes");
                }
            } else {
                body = bounded(in, limit);
                close = true;
            }
            return new Parsed(status, body, !close);
        }
    }

    private static int parseStatus(String s) {
        for (int i = 0; i < 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new MalformedDataException("the server sent a malformed HTTP status");
            }
        }
        return Integer.parseInt(s);
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new MalformedDataException("the server sent a malformed Content-Length");
        }
        return Long.parseLong(v);
    }

    /** One line up to CRLF (or LF), ASCII, charged against the head budget. */
    private static String line(InputStream in, int[] budget) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection mid-answer");
            }
            if (--budget[0] < 0) {
                throw new MalformedDataException("the server's status line and headers exceed " + MAX_HEAD + " bytes");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
    }

    private static byte[] chunkedBody(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] budget = {MAX_HEAD};
        while (true) {
            String size = line(in, budget);
            int semi = size.indexOf(';');
            String hex = (semi >= 0 ? size.substring(0, semi) : size).trim();
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new MalformedDataException("the server sent a malformed chunk size");
            }
            long n = Long.parseLong(hex, 16);
            if (n == 0) {
                while (!line(in, budget).isEmpty()) {
                    // trailer fields: ignored
                }
                return out.toByteArray();
            }
            if (out.size() + n > limit) {
                throw new MalformedDataException("the server's answer exceeds the " + limit + " bytes expected");
            }
            byte[] chunk = in.readNBytes((int) n);
            if (chunk.length != n) {
                throw new EOFException("the server's answer ended inside a chunk");
            }
            out.write(chunk);
            if (!line(in, budget).isEmpty()) {
                throw new MalformedDataException("the server sent a chunk longer than its size");
            }
        }
    }

    private static byte[] bounded(InputStream in, long limit) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (b.length > limit) {
            throw new MalformedDataException("the server's answer exceeds the " + limit + " bytes expected");
        }
        return b;
    }

    @Override
    public void close() {
        closed = true;
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    private record Conn(SSLSocket socket, BufferedInputStream in, OutputStream out) {
        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }
}
