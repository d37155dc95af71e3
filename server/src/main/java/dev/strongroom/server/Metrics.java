package dev.strongroom.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's metrics, in Prometheus form at {@code /metrics} (docs/operations.md lists them):
 * HTTP requests by method, route template and status (count and latency histogram), request
 * and response bytes, errors, requests in flight; store operations by store, operation and
 * outcome (latency histogram); JVM and process gauges. Labels never hold ids: routes are
 * templates ({@code /v1/vaults/{id}/packs/{id}}).
 *
 * <p>Each server has its own registry, so several servers in one JVM (tests) do not mix.
 */
final class Metrics implements AutoCloseable {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};
    private static final Duration[] STORE_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    Metrics(String version) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("strongroom.build.info", () -> 1).tag("version", version)
                .description("The running Strongroom version (always 1)").register(registry);
        Gauge.builder("strongroom.http.server.requests.active", inFlight, AtomicInteger::get)
                .description("HTTP requests being handled").register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestFinished(String method, String route, int status, long nanos, long bytesIn, long bytesOut) {
        inFlight.decrementAndGet();
        String code = Integer.toString(status);
        Timer.builder("strongroom.http.server.requests")
                .description("HTTP requests by method, route template and status")
                .tags("method", method, "route", route, "status", code)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (bytesIn > 0) {
            Counter.builder("strongroom.http.server.request.bytes").baseUnit("bytes")
                    .description("Request body bytes received").tags("route", route)
                    .register(registry).increment(bytesIn);
        }
        if (bytesOut > 0) {
            Counter.builder("strongroom.http.server.response.bytes").baseUnit("bytes")
                    .description("Response body bytes sent").tags("route", route)
                    .register(registry).increment(bytesOut);
        }
        if (status >= 400) {
            Counter.builder("strongroom.http.server.errors")
                    .description("Answers with a 4xx (client) or 5xx (server) status")
                    .tags("route", route, "kind", status >= 500 ? "server" : "client")
                    .register(registry).increment();
        }
    }

    /** A failed attempt of the server to check a store or finish a request (not a refusal). */
    void internalFailure(String what) {
        Counter.builder("strongroom.server.failures").description("Internal failures by kind").tags("kind", what)
                .register(registry).increment();
    }

    /**
     * The same store, timing every operation into {@code strongroom.store.operations} with tags
     * {@code store}, {@code operation} and {@code outcome}. A dynamic proxy rather than a
     * hand-written decorator: the store interfaces grow (device chains, pairing, the log), and a
     * proxy times new operations without being edited.
     */
    <T> T timed(Class<T> type, T target, String store) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> target.toString();
                };
            }
            long start = System.nanoTime();
            String outcome = "ok";
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                outcome = "error";
                throw e.getCause();
            } finally {
                Timer.builder("strongroom.store.operations")
                        .description("Metadata and blob store operations by store, operation and outcome")
                        .tags("store", store, "operation", method.getName(), "outcome", outcome)
                        .serviceLevelObjectives(STORE_BUCKETS)
                        .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        return type.cast(proxy);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
