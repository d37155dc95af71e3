package dev.strongroom.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.MetadataStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the API with what an operator needs, leaving the API itself untouched:
 *
 * <ul>
 *   <li>{@code GET /healthz} (liveness): 200 while the process serves requests; it checks
 *       nothing else, so a database outage does not get healthy instances restarted.</li>
 *   <li>{@code GET /readyz} (readiness): 200 when the metadata store and the blob store both
 *       answer their checks within {@value #CHECK_TIMEOUT_MILLIS} ms, else 503 with which one
 *       failed (never why: messages can carry hosts); 503 as soon as the server is stopping.
 *       Results are reused for one second, so probes cannot flood the stores.</li>
 *   <li>{@code GET /metrics}: Prometheus text format ({@link Metrics}).</li>
 *   <li>Every other request goes to the API, measured: count, latency, bytes in and out,
 *       errors by route template, and one structured log line (method, route template, status,
 *       duration, bytes). Lines and labels carry no ids, tokens or client addresses.</li>
 * </ul>
 *
 * <p>On the optional plain-HTTP operations connector only these three paths exist (404 for the
 * API). All answers of this handler are JSON except {@code /metrics}.
 */
final class ObservabilityHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger("dev.strongroom.server.access");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long CHECK_TIMEOUT_MILLIS = 5_000;
    private static final long CHECK_CACHE_NANOS = 1_000_000_000L;
    private static final int MAX_ROUTES = 100;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}|[0-9a-f]{64}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}");
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9._-]{0,31}");

    private final Metrics metrics;
    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Connector opsConnector;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile Readiness lastCheck;

    private record Readiness(long atNanos, boolean metadataOk, boolean blobsOk) {
        boolean ready() {
            return metadataOk && blobsOk;
        }
    }

    ObservabilityHandler(Handler api, Metrics metrics, MetadataStore meta, BlobStore blobs, Connector opsConnector) {
        super(api);
        this.metrics = metrics;
        this.meta = meta;
        this.blobs = blobs;
        this.opsConnector = opsConnector;
    }

    /** From now on readiness answers 503 (the server is stopping; load balancers should drain it). */
    void stopping() {
        stopping = true;
    }

    @Override
    protected void doStop() throws Exception {
        checks.shutdownNow();
        super.doStop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean ops = opsConnector != null && request.getConnectionMetaData().getConnector() == opsConnector;
        if (path != null && (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics"))) {
            serveOperations(request, response, callback, path);
            return true;
        }
        if (ops) {
            json(response, callback, 404, error("no such endpoint on the operations port", "not_found"));
            return true;
        }
        return measure(request, response, callback, path);
    }

    // ------------------------------------------------------------ the API, measured

    private boolean measure(Request request, Response response, Callback callback, String path) throws Exception {
        long start = System.nanoTime();
        String method = request.getMethod();
        AtomicLong in = new AtomicLong();
        AtomicLong out = new AtomicLong();
        Request counted = new Request.Wrapper(request) {
            @Override
            public Content.Chunk read() {
                Content.Chunk chunk = super.read();
                if (chunk != null && chunk.hasRemaining()) {
                    in.addAndGet(chunk.remaining());
                }
                return chunk;
            }
        };
        Response counting = new Response.Wrapper(counted, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback cb) {
                if (content != null) {
                    out.addAndGet(content.remaining());
                }
                super.write(last, content, cb);
            }
        };
        metrics.requestStarted();
        AtomicBoolean finished = new AtomicBoolean();
        IntConsumer finish = override -> {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            int status = override > 0 ? override : response.getStatus();
            String route = route(path, status);
            long nanos = System.nanoTime() - start;
            metrics.requestFinished(method, route, status, nanos, in.get(), out.get());
            LOG.atLevel(status >= 500 ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                    .addKeyValue("method", method)
                    .addKeyValue("route", route)
                    .addKeyValue("status", status)
                    .addKeyValue("ms", nanos / 1_000_000)
                    .addKeyValue("bytes_in", in.get())
                    .addKeyValue("bytes_out", out.get())
                    .log("request");
        };
        Callback done = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                finish.accept(0);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                // the exchange broke off (client gone, or a failure after the head was sent): 499
                finish.accept(response.getStatus() < 400 ? 499 : 0);
                super.failed(x);
            }
        };
        try {
            boolean handled = super.handle(counted, counting, done);
            if (!handled) {
                finish.accept(404); // Jetty answers unhandled requests itself
            }
            return handled;
        } catch (Exception | Error e) {
            // The API answers everything itself; should it ever throw, Jetty answers (and completes
            // the callback); count the request as a server failure here.
            finish.accept(500);
            throw e;
        }
    }

    /**
     * The route template of a path: ids become {id}, numbers {n}. Templates are admitted as
     * labels when the API recognised the route (not 404/405) and while fewer than
     * {@value #MAX_ROUTES} exist, so random paths cannot grow the metrics.
     */
    private String route(String path, int status) {
        if (path == null) {
            return "other";
        }
        String[] segments = path.split("/", -1);
        if (segments.length < 2 || segments.length > 8) {
            return "other";
        }
        StringBuilder t = new StringBuilder();
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            t.append('/');
            if (ID.matcher(s).matches()) {
                t.append("{id}");
            } else if (NUMBER.matcher(s).matches()) {
                t.append("{n}");
            } else if (WORD.matcher(s).matches()) {
                t.append(s);
            } else {
                return "other";
            }
        }
        String template = t.toString();
        if (routes.contains(template)) {
            return template;
        }
        if (status == 404 || status == 405 || routes.size() >= MAX_ROUTES) {
            return "other";
        }
        routes.add(template);
        return template;
    }

    // ------------------------------------------------------------ operations endpoints

    private void serveOperations(Request request, Response response, Callback callback, String path) {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            json(response, callback, 405, error(path.substring(1) + " takes GET", "method_not_allowed"));
            return;
        }
        switch (path) {
            case "/healthz" -> json(response, callback, 200, JSON.createObjectNode().put("status", "ok"));
            case "/readyz" -> {
                Readiness r = readiness();
                ObjectNode body = JSON.createObjectNode().put("status", r.ready() && !stopping ? "ready"
                        : stopping ? "stopping" : "not_ready");
                body.putObject("checks").put("metadata", r.metadataOk() ? "ok" : "failed")
                        .put("blobs", r.blobsOk() ? "ok" : "failed");
                json(response, callback, r.ready() && !stopping ? 200 : 503, body);
            }
            default -> {
                byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(text), callback);
            }
        }
    }

    private Readiness readiness() {
        Readiness last = lastCheck;
        if (last != null && System.nanoTime() - last.atNanos() < CHECK_CACHE_NANOS) {
            return last;
        }
        Future<Boolean> m = checks.submit(() -> check("metadata", () -> meta.check()));
        Future<Boolean> b = checks.submit(() -> check("blobs", () -> blobs.check()));
        Readiness r = new Readiness(System.nanoTime(), await(m, "metadata"), await(b, "blobs"));
        lastCheck = r;
        return r;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    private boolean check(String store, Check check) {
        try {
            check.run();
            return true;
        } catch (Exception e) {
            metrics.internalFailure(store + "_check");
            LOG.atWarn().addKeyValue("store", store).addKeyValue("error", e.getClass().getSimpleName())
                    .log("readiness check failed");
            return false;
        }
    }

    private boolean await(Future<Boolean> f, String store) {
        try {
            return f.get(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            metrics.internalFailure(store + "_check");
            LOG.atWarn().addKeyValue("store", store).log("readiness check timed out");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    private static ObjectNode error(String message, String code) {
        return JSON.createObjectNode().put("error", message).put("code", code);
    }

    private static void json(Response response, Callback callback, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
