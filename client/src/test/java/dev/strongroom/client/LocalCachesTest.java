package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.RollbackException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's local caches that spare work on every command (the verified chain head, the
 * sealed root key) must never weaken verification: a damaged cache falls back to the server's
 * authenticated data, and a chain that no longer contains the verified head is a rollback.
 */
class LocalCachesTest {
    @TempDir
    Path tmp;

    TestServer server;
    Path home;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.plain(tmp.resolve("server"));
        home = tmp.resolve("home");
        try (Client c = server.newAccount(home)) {
            c.createVault("v");
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("the verified chain head and the sealed root key are cached after the first use")
    void cached() {
        Path state = Home.at(home).stateDir();
        assertThat(state.resolve("chain-head")).exists();
        assertThat(state.resolve("ark-1")).exists();
        try (Client c = TestServer.open(home)) {
            assertThat(c.vaults()).extracting(Client.VaultInfo::name).containsExactly("v");
        }
    }

    @Test
    @DisplayName("a chain that lacks the head this device verified before is refused as a rollback")
    void chainRollback() throws Exception {
        Files.writeString(Home.at(home).stateDir().resolve("chain-head"), "ab".repeat(32) + "\n");
        assertThatThrownBy(() -> TestServer.open(home))
                .isInstanceOf(RollbackException.class)
                .hasMessageContaining("device chain");
    }

    @Test
    @DisplayName("a corrupted root-key cache is ignored and replaced from the envelope")
    void corruptedArkCache() throws Exception {
        Path ark = Home.at(home).stateDir().resolve("ark-1");
        byte[] b = Files.readAllBytes(ark);
        b[b.length / 2] ^= 1;
        Files.write(ark, b);
        try (Client c = TestServer.open(home)) {
            assertThat(c.vaults()).extracting(Client.VaultInfo::name).containsExactly("v");
        }
        assertThat(Files.readAllBytes(ark)).isNotEqualTo(b);
    }

    @Test
    @DisplayName("another device's root-key cache does not open here (bound to the device key)")
    void foreignArkCache() throws Exception {
        Path other = tmp.resolve("other");
        try (Client c = server.newAccount(other)) {
            c.createVault("w");
        }
        Files.copy(Home.at(other).stateDir().resolve("ark-1"), Home.at(home).stateDir().resolve("ark-1"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Client c = TestServer.open(home)) {
            assertThat(c.vaults()).extracting(Client.VaultInfo::name).containsExactly("v");
        }
    }
}
