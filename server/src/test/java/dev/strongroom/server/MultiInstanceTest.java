package dev.strongroom.server;

import static dev.strongroom.server.TestHttp.JSON;
import static dev.strongroom.server.TestHttp.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.Digest;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.storage.TestPostgres;
import dev.strongroom.storage.TestS3;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on one PostgreSQL database and one S3 prefix, sharing the data folder
 * (the TLS key): whatever one instance stored, the other serves; tokens work on both; commits
 * racing through both get exactly one winner per sequence number.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Two instances, one PostgreSQL, one S3")
class MultiInstanceTest {
    StrongroomServer a;
    StrongroomServer b;
    TestHttp httpA;
    TestHttp httpB;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.embedded(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0))
                .withStores(TestPostgres.databaseUri(TestPostgres.newDatabase()), TestS3.uri(TestS3.newPrefix()));
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            // started together on a fresh data folder: one creates the TLS key, the other loads it
            Future<StrongroomServer> fa = both.submit(() -> StrongroomServer.start(config));
            Future<StrongroomServer> fb = both.submit(() -> StrongroomServer.start(config));
            a = fa.get(120, TimeUnit.SECONDS);
            b = fb.get(120, TimeUnit.SECONDS);
        } finally {
            both.shutdown();
        }
        httpA = new TestHttp(a.url(), a.tls().keyHash());
        httpB = new TestHttp(b.url(), b.tls().keyHash());
    }

    @AfterAll
    void stop() throws Exception {
        httpA.close();
        httpB.close();
        a.close();
        b.close();
    }

    private String newVault(TestHttp http, TestHttp.Account account) {
        String id = HexFormat.of().formatHex(TestDevice.random(16));
        TestHttp.Answer r = http.postJson("/v1/vaults", JSON.createObjectNode().put("id", id).put("epoch", 1)
                .put("record", b64(TestDevice.random(300))), account.auth());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    private static ObjectNode commit(TestHttp.Account account, String vault, long seq, Digest parent, int writer) {
        byte[] sealed = TestDevice.random(400 + writer);
        byte[] header = new CommitHeader(Suite.CURRENT, account.id(), VaultId.fromHex(vault), seq, parent,
                Commit.hashOfSealed(sealed), account.device().id()).encode();
        ObjectNode n = JSON.createObjectNode().put("header", b64(header))
                .put("signature", b64(account.device().sign(SignatureDomain.COMMIT_HEADER, header)))
                .put("sealed", b64(sealed));
        n.putArray("packs");
        return n;
    }

    private static Digest commitHash(JsonNode commit) {
        return Commit.hashOfSealed(Base64.getDecoder().decode(commit.path("sealed").asText()));
    }

    @Test
    @DisplayName("both instances present the same key")
    void sameKey() {
        assertThat(b.tls().fingerprint()).isEqualTo(a.tls().fingerprint());
    }

    @Test
    @DisplayName("an account registered on A is served by B; A's token works on B; a pack put on A reads on B")
    void sharedState() {
        TestHttp.Account alice = httpA.register();
        assertThat(httpB.get("/v1/accounts/" + alice.id().hex() + "/chain").status()).isEqualTo(200);
        String vault = newVault(httpB, alice);
        assertThat(httpA.get("/v1/vaults", alice.auth()).json().path("vaults").get(0).path("id").asText())
                .isEqualTo(vault);

        String pack = HexFormat.of().formatHex(TestDevice.random(32));
        byte[] bytes = TestDevice.random((3 << 20) + 77);
        String path = "/v1/vaults/" + vault + "/packs/" + pack;
        assertThat(httpA.send("PUT", path, "application/octet-stream", bytes, alice.auth()).status()).isEqualTo(201);
        TestHttp.Answer whole = httpB.get(path, alice.auth());
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        TestHttp.Answer range = httpB.get(path, alice.auth()[0], alice.auth()[1], "Range", "bytes=1048576-2097151");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(bytes, 1 << 20, 2 << 20));
        // the same pack uploaded again through B (a retry) is fine
        assertThat(httpB.send("PUT", path, "application/octet-stream", bytes, alice.auth()).status()).isEqualTo(201);
        assertThat(httpA.get("/v1/vaults/" + vault + "/packs", alice.auth()).json().path("packs")).hasSize(1);
    }

    @Test
    @DisplayName("12 commits racing for each of 5 sequence numbers through both instances: one winner each, one history")
    void commitRace() throws Exception {
        TestHttp.Account alice = httpA.register();
        String vault = newVault(httpA, alice);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            Digest parent = Commit.NO_PARENT;
            for (long seq = 1; seq <= 5; seq++) {
                List<ObjectNode> bodies = new ArrayList<>();
                for (int w = 0; w < 12; w++) {
                    bodies.add(commit(alice, vault, seq, parent, w));
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int w = 0; w < 12; w++) {
                    TestHttp http = w % 2 == 0 ? httpA : httpB;
                    ObjectNode body = bodies.get(w);
                    results.add(pool.submit(() -> {
                        go.await();
                        return http.postJson("/v1/vaults/" + vault + "/commits", body, alice.auth()).status();
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : results) {
                    statuses.add(f.get(60, TimeUnit.SECONDS));
                }
                assertThat(statuses).as("seq %d", seq).containsOnly(201, 409).containsOnlyOnce(201);
                int winner = statuses.indexOf(201);
                JsonNode headA = httpA.get("/v1/vaults/" + vault + "/head", alice.auth()).json().path("commit");
                JsonNode headB = httpB.get("/v1/vaults/" + vault + "/head", alice.auth()).json().path("commit");
                assertThat(headA.path("seq").asLong()).isEqualTo(seq);
                assertThat(headB).isEqualTo(headA);
                assertThat(headA.path("sealed").asText()).isEqualTo(bodies.get(winner).path("sealed").asText());
                parent = commitHash(headA);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode history = httpB.get("/v1/vaults/" + vault + "/commits?from=1&to=10", alice.auth()).json()
                .path("commits");
        assertThat(history).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(history.get(i).path("seq").asLong()).isEqualTo(i + 1);
        }
    }

    @Test
    @DisplayName("both instances are ready, and each counts only its own requests")
    void readyAndMetrics() {
        assertThat(httpA.get("/readyz").status()).isEqualTo(200);
        assertThat(httpB.get("/readyz").status()).isEqualTo(200);
        String metrics = httpB.get("/metrics").text();
        assertThat(metrics).contains("store=\"blobs\"").contains("store=\"metadata\"");
    }
}
