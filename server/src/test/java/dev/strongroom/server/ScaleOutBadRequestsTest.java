package dev.strongroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.S3BlobStore;
import dev.strongroom.storage.TestPostgres;
import dev.strongroom.storage.TestS3;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad request of {@link BadRequestsTest}, against a server on PostgreSQL and S3 (embedded
 * PostgreSQL, S3Proxy on loopback): the refusals must not depend on the stores. Plus what only a
 * remote blob store can do: lose an object behind the server's back.
 */
@DisplayName("Bad requests never get a 5xx (PostgreSQL + S3)")
class ScaleOutBadRequestsTest extends BadRequestsTest {
    String prefix;

    @BeforeAll
    @Override
    void start(@TempDir Path dir) throws Exception {
        prefix = TestS3.newPrefix();
        ServerConfig config = ServerConfig.embedded(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0))
                .withStores(TestPostgres.schemaUri(TestPostgres.newSchema()), TestS3.uri(prefix));
        server = StrongroomServer.start(config);
        http = new TestHttp(server.url(), server.tls().keyHash());
        alice = http.register();
        bob = http.register();
        vault = createVault(alice);
        bobVault = createVault(bob);
        pack = hex(32);
        packBytes = TestDevice.random(2 * MIB + 12345);
        TestHttp.Answer put = http.send("PUT", packPath(vault, pack), "application/octet-stream", packBytes, alice.auth());
        assertThat(put.status()).as("pack upload: %s", put).isEqualTo(201);
    }

    @Test
    @DisplayName("a recorded pack whose object vanished from the bucket is a 404 with a JSON error, not a 500")
    void packLostFromBucket() throws Exception {
        String lost = hex(32);
        byte[] bytes = TestDevice.random(5000);
        assertThat(http.send("PUT", packPath(vault, lost), "application/octet-stream", bytes, alice.auth()).status())
                .isEqualTo(201);
        try (BlobStore s3 = new S3BlobStore(TestS3.settings(prefix), TestS3.credentials())) {
            String key = vault + "/" + lost.substring(0, 2) + "/" + lost;
            assertThat(s3.size(key)).contains(5000L);
            s3.delete(key);
        }
        TestHttp.Answer a = http.get(packPath(vault, lost), alice.auth());
        assertThat(a.status()).as(a.toString()).isEqualTo(404);
        TestHttp.assertJsonError(a);
    }
}
