package dev.strongroom.server;

import static dev.strongroom.server.TestHttp.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.SqliteMetadataStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Challenges, session times and tokens expire by the server's clock (a clock the test moves). */
@DisplayName("Expiry by the server's clock")
class ExpiryTest {
    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    StrongroomServer server;
    TestHttp http;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrCreate(dir);
        server = StrongroomServer.start(new SqliteMetadataStore(dir.resolve("meta.db")),
                new FileBlobStore(dir.resolve("packs")), tls, new InetSocketAddress("127.0.0.1", 0), clock);
        http = new TestHttp(server.url(), tls.keyHash());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    @Test
    @DisplayName("a token works until it expires, then is refused")
    void tokenExpires() {
        TestHttp.Account a = http.register();
        assertThat(http.get("/v1/vaults", a.auth()).status()).isEqualTo(200);
        clock.advance(Duration.ofMillis(Service.TOKEN_TTL_MS - 60_000));
        assertThat(http.get("/v1/vaults", a.auth()).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertRefused(http.get("/v1/vaults", a.auth()), 401);
    }

    @Test
    @DisplayName("a challenge answered after it expired is refused")
    void challengeExpires() {
        TestDevice d = new TestDevice();
        TestDevice.Genesis g = TestDevice.genesis(d);
        assertThat(http.postJson("/v1/accounts", http.accountCreation(g, d)).status()).isEqualTo(201);
        byte[] nonce = http.challenge(d, g.account());
        clock.advance(Duration.ofMillis(Service.CHALLENGE_TTL_MS + 1000));
        // signed at the server's current time, so only the challenge's age is wrong
        TestHttp.Answer a = http.postJson("/v1/auth/session", http.sessionRequest(d, g.account(), nonce,
                clock.millis(), http.origin));
        assertRefused(a, 401);
        assertThat(a.json().get("error").asText()).contains("challenge");
    }

    @Test
    @DisplayName("a session request timed more than 5 minutes off the server's clock is refused")
    void requestTimeOffServerClock() {
        TestDevice d = new TestDevice();
        TestDevice.Genesis g = TestDevice.genesis(d);
        assertThat(http.postJson("/v1/accounts", http.accountCreation(g, d)).status()).isEqualTo(201);
        byte[] nonce = http.challenge(d, g.account());
        TestHttp.Answer a = http.postJson("/v1/auth/session", http.sessionRequest(d, g.account(), nonce,
                clock.millis() - Service.CLOCK_SKEW_MS - 1000, http.origin));
        assertRefused(a, 401);
        assertThat(a.json().get("error").asText()).contains("clock");
        TestHttp.Answer late = http.postJson("/v1/auth/session", http.sessionRequest(d, g.account(), http.challenge(d,
                g.account()), clock.millis() + Service.CLOCK_SKEW_MS + 1000, http.origin));
        assertRefused(late, 401);
    }
}
