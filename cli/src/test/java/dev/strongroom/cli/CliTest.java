package dev.strongroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.server.StrongroomServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Drives the real CLI (in-process, with its own streams and environment) against a real server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    StrongroomServer server;
    String fingerprint;
    Path home;
    Path source;



    CliResult sr(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("STRONGROOM_HOME", home.toString());
        env.put("HOME", tmp.toString());
        return CliResult.run(env, args);
    }

    @BeforeAll
    void start() throws Exception {
        server = StrongroomServer.start(tmp.resolve("server"), new InetSocketAddress("127.0.0.1", 0));
        fingerprint = server.tls().fingerprint();
        home = tmp.resolve("home");
        source = tmp.resolve("src");
        Files.createDirectories(source.resolve("sub/deeper"));
        Files.writeString(source.resolve("hello.txt"), "hello, world\n");
        Files.writeString(source.resolve("sub/ünïcödé 日本.txt"), "unicode\n");
        Files.createFile(source.resolve("empty"));
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(source.resolve("sub/deeper/big.bin"), big);
        Files.createSymbolicLink(source.resolve("link"), Path.of("hello.txt"));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Test
    @Order(1)
    @DisplayName("init --json prints account id, device id and recovery code")
    void init() {
        CliResult r = sr("init", "--server", server.url().toString(), "--server-fingerprint", fingerprint, "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = r.jsonLines().getFirst();
        assertThat(n.get("account_id").asText()).matches("[0-9a-f]{64}");
        assertThat(n.get("device_id").asText()).matches("[0-9a-f]{64}");
        assertThat(n.get("recovery_code").asText()).matches("([0-9A-Z]{4}-){7}[0-9A-Z]{4}");
        assertThat(Files.exists(home.resolve("device.key"))).isTrue();
    }

    @Test
    @Order(2)
    @DisplayName("init on an existing home is refused with a usage error")
    void initTwice() {
        CliResult r = sr("init", "--server", server.url().toString(), "--server-fingerprint", fingerprint);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("already holds a device");
    }

    @Test
    @Order(3)
    @DisplayName("vault create, backup, log, ls, cat, restore and verify work end to end")
    void roundTrip() throws Exception {
        assertThat(sr("vault", "create", "photos").code()).isZero();
        CliResult list = sr("vault", "list", "--json");
        assertThat(list.jsonLines()).extracting(n -> n.get("name").asText()).containsExactly("photos");

        CliResult log0 = sr("log", "--vault", "photos", "--json");
        assertThat(log0.code()).isZero();
        assertThat(log0.jsonLines()).isEmpty();

        CliResult b1 = sr("backup", source.toString(), "--vault", "photos", "--json");
        assertThat(b1.code()).as(b1.err()).isZero();
        assertThat(b1.jsonLines().getFirst().get("seq").asLong()).isEqualTo(1);
        CliResult b2 = sr("backup", source.toString(), "--vault", "photos", "-m", "again");
        assertThat(b2.code()).as(b2.err()).isZero();
        assertThat(b2.out()).contains("Version 2");

        CliResult log = sr("log", "--vault", "photos", "--json");
        List<JsonNode> versions = log.jsonLines();
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(versions.get(0).get("files").asLong()).isEqualTo(4);
        assertThat(versions.get(0).get("bytes").asLong()).isEqualTo((3 << 20) + 13 + 8);
        assertThat(versions.get(0).get("time").asText()).isNotBlank();
        assertThat(versions.get(1).get("message").asText()).isEqualTo("again");

        CliResult ls = sr("ls", "--vault", "photos", "--json", "-r");
        assertThat(ls.jsonLines()).extracting(n -> n.get("path").asText())
                .contains("/hello.txt", "/sub/ünïcödé 日本.txt", "/sub/deeper/big.bin", "/link", "/empty");
        JsonNode link = ls.jsonLines().stream().filter(n -> n.get("path").asText().equals("/link")).findFirst().orElseThrow();
        assertThat(link.get("type").asText()).isEqualTo("symlink");
        assertThat(link.get("target").asText()).isEqualTo("hello.txt");

        CliResult cat = sr("cat", "--vault", "photos", "/hello.txt", "--version", "1");
        assertThat(cat.out()).isEqualTo("hello, world\n");

        Path out = tmp.resolve("restored");
        CliResult rs = sr("restore", "--vault", "photos", "--target", out.toString());
        assertThat(rs.code()).as(rs.err()).isZero();
        assertThat(Files.readAllBytes(out.resolve("sub/deeper/big.bin")))
                .isEqualTo(Files.readAllBytes(source.resolve("sub/deeper/big.bin")));
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("hello.txt"));
        assertThat(Files.size(out.resolve("empty"))).isZero();

        CliResult v = sr("verify", "--vault", "photos", "--json");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.jsonLines().getFirst().get("ok").asBoolean()).isTrue();
    }

    @Test
    @Order(4)
    @DisplayName("exit codes: 2 usage (JSON error on stderr with --json), 4 not found")
    void exitCodes() throws Exception {
        CliResult usage = sr("backup", source.toString());
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--vault");

        CliResult missing = sr("log", "--vault", "no-such-vault", "--json");
        assertThat(missing.code()).isEqualTo(4);
        String[] errLines = missing.err().trim().split("\n");
        JsonNode e = JSON.readTree(errLines[errLines.length - 1]); // warnings (JSON lines too) may come first
        assertThat(e.get("code").asInt()).isEqualTo(4);
        assertThat(e.get("error").asText()).contains("no-such-vault");

        CliResult noVersion = sr("ls", "--vault", "photos", "--version", "99");
        assertThat(noVersion.code()).isEqualTo(4);
        CliResult noPath = sr("cat", "--vault", "photos", "/nope");
        assertThat(noPath.code()).isEqualTo(4);
    }

    @Test
    @Order(5)
    @DisplayName("exit code 3: a head older than this device has seen is refused as a rollback")
    void rollback() throws Exception {
        String vaultId = sr("vault", "list", "--json").jsonLines().getFirst().get("id").asText();
        Path state = home.resolve("state/vaults").resolve(vaultId).resolve("head");
        String saved = Files.readString(state);
        Files.writeString(state, "99 " + "00".repeat(32) + "\n");
        try {
            CliResult r = sr("log", "--vault", "photos");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).contains("rollback");
        } finally {
            Files.writeString(state, saved);
        }
    }

    @Test
    @Order(6)
    @DisplayName("exit code 3 for a wrong server fingerprint, 5 for an unreachable server")
    void wrongServer() throws Exception {
        Map<String, String> env = Map.of("STRONGROOM_HOME", tmp.resolve("other").toString(), "HOME", tmp.toString());
        CliResult wrongPin = CliResult.run(env, "init", "--server", server.url().toString(), "--server-fingerprint",
                "SHA256:" + "ab".repeat(32));
        assertThat(wrongPin.code()).isEqualTo(3);
        assertThat(wrongPin.err()).contains("fingerprint");

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliResult down = CliResult.run(env, "init", "--server", "https://127.0.0.1:" + port, "--server-fingerprint", fingerprint);
        assertThat(down.code()).isEqualTo(5);

        CliResult badFp = CliResult.run(env, "init", "--server", server.url().toString(), "--server-fingerprint", "nonsense");
        assertThat(badFp.code()).isEqualTo(2);
    }

    @Test
    @Order(7)
    @DisplayName("--help lists every verb and the exit codes")
    void help() {
        CliResult r = sr("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("server", "init", "vault", "backup", "log", "ls", "cat", "restore", "verify",
                "device", "recover", "recovery", "passphrase", "account", "witness", "log-policy", "audit",
                "Exit codes");
        // only the named verb is registered when one is named: its own help, a nested verb's help
        // and the version still work, and a typo still gets the full usage
        assertThat(sr("backup", "--help").out()).contains("Usage: strongroom backup");
        assertThat(sr("vault", "list", "--help").out()).contains("Usage: strongroom vault list");
        assertThat(sr("log", "--version").out()).startsWith("strongroom ");
        CliResult typo = sr("bakcup");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("bakcup");
    }
}
