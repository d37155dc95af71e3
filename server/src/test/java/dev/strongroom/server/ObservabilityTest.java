package dev.strongroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.storage.SqliteMetadataStore;
import dev.strongroom.storage.StorageFailureException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz and /metrics on the API port and on the plain-HTTP operations port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Health, readiness and metrics")
class ObservabilityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    StrongroomServer server;
    TestHttp https;
    HttpClient plain;
    URI ops;
    /** What the metadata store's check does: null = pass, else throw this or sleep (a RuntimeException "hang"). */
    final AtomicReference<String> metaCheck = new AtomicReference<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        TlsIdentity tls = StrongroomServer.identity(dir);
        MetadataStore sqlite = new SqliteMetadataStore(dir.resolve("meta.db"));
        MetadataStore meta = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (self, method, args) -> {
                    if (method.getName().equals("check")) {
                        String mode = metaCheck.get();
                        if ("fail".equals(mode)) {
                            throw new StorageFailureException("metadata store: could not check the database");
                        }
                        if ("hang".equals(mode)) {
                            Thread.sleep(60_000);
                        }
                    }
                    try {
                        return method.invoke(sqlite, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BlobStore blobs = new FileBlobStore(dir.resolve("packs"));
        server = StrongroomServer.start(meta, blobs, tls, new InetSocketAddress("127.0.0.1", 0),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), Clock.systemUTC());
        https = new TestHttp(server.url(), tls.keyHash());
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ops = server.opsUrl().orElseThrow();
    }

    @AfterAll
    void stop() throws Exception {
        https.close();
        plain.close();
        server.close();
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return plain.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("healthz and readyz answer 200 with JSON on both ports")
    void healthy() throws Exception {
        metaCheck.set(null);
        Thread.sleep(1100); // past the readiness cache
        for (TestHttp.Answer a : new TestHttp.Answer[] {https.get("/healthz"), https.get("/readyz")}) {
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            assertThat(a.header("content-type")).startsWith("application/json");
        }
        HttpResponse<String> r = get(ops, "/readyz");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("status").asText()).isEqualTo("ready");
        assertThat(n.path("checks").path("metadata").asText()).isEqualTo("ok");
        assertThat(n.path("checks").path("blobs").asText()).isEqualTo("ok");
        assertThat(get(ops, "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a failing metadata store makes readyz 503 (health stays 200), and it recovers")
    void notReady() throws Exception {
        metaCheck.set("fail");
        Thread.sleep(1100);
        HttpResponse<String> r = get(ops, "/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("status").asText()).isEqualTo("not_ready");
        assertThat(n.path("checks").path("metadata").asText()).isEqualTo("failed");
        assertThat(n.path("checks").path("blobs").asText()).isEqualTo("ok");
        assertThat(get(ops, "/healthz").statusCode()).isEqualTo(200);

        metaCheck.set(null);
        Thread.sleep(1100);
        assertThat(get(ops, "/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a store check that hangs makes readyz 503 after the check timeout, not a hung probe")
    void hangingCheck() throws Exception {
        metaCheck.set("hang");
        Thread.sleep(1100);
        long start = System.nanoTime();
        HttpResponse<String> r = get(ops, "/readyz");
        long ms = (System.nanoTime() - start) / 1_000_000;
        metaCheck.set(null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(ms).isLessThan(ObservabilityHandler.CHECK_TIMEOUT_MILLIS + 3_000);
    }

    @Test
    @DisplayName("metrics count API requests by route template and status, bytes, errors and store operations")
    void metrics() throws Exception {
        assertThat(https.get("/v1/info").status()).isEqualTo(200);
        assertThat(https.get("/v1/accounts/" + "ab".repeat(32) + "/chain").status()).isEqualTo(404);
        https.postJson("/v1/auth/challenge", "{not json");
        https.get("/v1/no-such-endpoint-" + System.nanoTime());

        HttpResponse<String> r = get(ops, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String m = r.body();
        assertThat(m).contains("strongroom_http_server_requests_seconds_count{method=\"GET\",route=\"/v1/info\","
                + "status=\"200\"}");
        assertThat(m).contains("route=\"/v1/auth/challenge\",status=\"400\"");
        assertThat(m).containsPattern("strongroom_http_server_errors_total\\{kind=\"client\",route=\"/v1/auth/challenge\"\\}");
        assertThat(m).contains("strongroom_http_server_response_bytes_total{route=\"/v1/info\"}");
        assertThat(m).contains("strongroom_http_server_request_bytes_total{route=\"/v1/auth/challenge\"}");
        assertThat(m).contains("strongroom_store_operations_seconds_count{operation=\"chain\",outcome=\"ok\","
                + "store=\"metadata\"}");
        assertThat(m).contains("strongroom_build_info{version=\"" + StrongroomServer.VERSION + "\"}");
        assertThat(m).contains("jvm_memory_used_bytes");
        // no ids in labels: the 404 for an unknown endpoint is "other", the account id a template
        assertThat(m).doesNotContain("ab".repeat(32)).doesNotContain("no-such-endpoint");
        // the TLS port serves the same
        assertThat(https.get("/metrics").status()).isEqualTo(200);
    }

    @Test
    @DisplayName("the operations port serves no API, and ops endpoints take only GET (JSON errors)")
    void opsPortOnlyOps() throws Exception {
        HttpResponse<String> api = get(ops, "/v1/info");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(api.body()).path("code").asText()).isEqualTo("not_found");
        TestHttp.Answer post = https.postJson("/readyz", "{}");
        assertThat(post.status()).isEqualTo(405);
        TestHttp.assertJsonError(post);
    }
}
