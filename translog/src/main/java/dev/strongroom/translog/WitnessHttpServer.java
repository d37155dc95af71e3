package dev.strongroom.translog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strongroom.format.OperationFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a {@link Witness} over plain HTTP with the JDK's built-in server:
 * <ul>
 *   <li>{@code POST <prefix>/add-checkpoint} (c2sp.org/tlog-witness), and</li>
 *   <li>{@code GET <prefix>/<hex SHA-256 of origin>/checkpoint}, the latest cosigned
 *       checkpoint (the spec's monitoring retrieval; same prefix for both).</li>
 * </ul>
 * Plain HTTP is enough: a witness's answers are signed, and requests are authenticated by the
 * log's signature. Put TLS in front if the network needs it. One virtual thread per request.
 */
public final class WitnessHttpServer implements AutoCloseable {
    private static final Pattern MONITOR = Pattern.compile("/([0-9a-f]{64})/checkpoint");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String prefix;

    private WitnessHttpServer(HttpServer server, ExecutorService executor, String prefix) {
        this.server = server;
        this.executor = executor;
        this.prefix = prefix;
    }

    /**
     * Starts serving.
     *
     * @param witness the witness
     * @param address where to listen (port 0 picks a free port)
     * @param prefix  the URL path prefix, e.g. {@code ""} or {@code "/witness"}
     * @throws OperationFailedException if the address cannot be bound
     */
    public static WitnessHttpServer start(Witness witness, InetSocketAddress address, String prefix) {
        Objects.requireNonNull(witness, "witness");
        String p = normalize(prefix);
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new OperationFailedException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(ex);
        server.createContext(p.isEmpty() ? "/" : p, exchange -> handle(witness, p, exchange));
        server.start();
        return new WitnessHttpServer(server, ex, p);
    }

    private static String normalize(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty() && !p.startsWith("/")) {
            p = "/" + p;
        }
        return p;
    }

    /** The bound address (with the actual port). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The submission (and monitoring) prefix URL, e.g. {@code http://127.0.0.1:7380/witness}. */
    public URI url() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + prefix);
    }

    /** Stops accepting requests and waits up to a second for running ones. */
    @Override
    public void close() {
        server.stop(1);
        executor.close();
    }

    private static void handle(Witness witness, String prefix, HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (!path.startsWith(prefix)) {
                send(ex, Witness.Response.text(404, "not found"));
                return;
            }
            String rest = path.substring(prefix.length());
            String method = ex.getRequestMethod();
            if (rest.equals("/add-checkpoint")) {
                if (!method.equals("POST")) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    send(ex, Witness.Response.text(405, "use POST"));
                    return;
                }
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readNBytes(Witness.MAX_REQUEST + 1);
                }
                if (body.length > Witness.MAX_REQUEST) {
                    send(ex, Witness.Response.text(413, "request body too large"));
                    return;
                }
                send(ex, witness.addCheckpoint(body));
                return;
            }
            Matcher m = MONITOR.matcher(rest);
            if (m.matches()) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(ex, Witness.Response.text(405, "use GET"));
                    return;
                }
                Optional<Note> n = witness.latestByOriginHash(m.group(1));
                if (n.isEmpty()) {
                    send(ex, Witness.Response.text(404, "no checkpoint cosigned for that log"));
                } else {
                    send(ex, new Witness.Response(200, Witness.TEXT, n.get().toString()));
                }
                return;
            }
            send(ex, Witness.Response.text(404, "not found"));
        } catch (RuntimeException e) {
            try {
                send(ex, Witness.Response.text(500, "internal error"));
            } catch (IOException | RuntimeException ignored) {
                // the response may already be under way
            }
        }
    }

    private static void send(HttpExchange ex, Witness.Response r) throws IOException {
        byte[] body = r.body();
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(r.status(), head ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
