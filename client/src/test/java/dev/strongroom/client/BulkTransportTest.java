package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PackId;
import dev.strongroom.format.VaultId;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pack uploads and reads through {@link PackTransport} against the real server: refusals
 * arrive as the server's answer (not as a broken connection halfway through a pack), and an
 * expired token is renewed on both paths.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Bulk transport against the real server")
class BulkTransportTest {
    Path tmp;
    TestServer server;
    Client client;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.plain(tmp.resolve("server"));
        client = server.newAccount(tmp.resolve("home"));
        client.createVault("t");
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** Makes the client hold a token the server never issued (as after the real one expired). */
    private void spoilToken() throws ReflectiveOperationException {
        Field f = HttpRemote.class.getDeclaredField("token");
        f.setAccessible(true);
        f.set(client.remote(), "bm90LWEtdG9rZW4");
    }

    @Test
    @DisplayName("a backup and a restore with an expired token: the upload and the read renew it and go on")
    void expiredToken() throws Exception {
        try (Vault v = client.vault("t")) {
            Path src = Trees.varied(tmp.resolve("src"), 5, 2, 9 * Trees.MIB, 12 * Trees.MIB);
            spoilToken();
            v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            spoilToken();
            Path out = tmp.resolve("out");
            v.restore(v.version(Optional.empty()), "/", out, Progress.NONE);
            assertThat(Trees.snapshot(out)).isEqualTo(Trees.snapshot(src));
        }
    }

    @Test
    @DisplayName("a 16 MiB upload the server refuses (unknown vault) fails with the server's reason")
    void refusedUpload() {
        byte[] part = new byte[16 << 20];
        VaultId nowhere = new VaultId(random(VaultId.LENGTH));
        PackId pack = new PackId(random(PackId.LENGTH));
        assertThatThrownBy(() -> client.remote().putPack(nowhere, pack, Remote.PackBody.of(List.of(part))))
                .isInstanceOfAny(NotFoundException.class, OperationFailedException.class)
                .hasMessageContaining("uploading a pack").hasMessageNotContaining("connection");
        // the pool still works afterwards
        assertThat(client.remote().vaults()).isNotEmpty();
    }

    @Test
    @DisplayName("a read of a pack the server does not have is 'not found'")
    void missingPack() {
        VaultId vault = client.vaults().getFirst().id();
        assertThatThrownBy(() -> client.remote().readPack(vault, new PackId(random(PackId.LENGTH)), 0, 1 << 20))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("reading pack");
    }
}
