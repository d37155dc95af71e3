package dev.strongroom.server;

import static dev.strongroom.server.TestHttp.JSON;
import static dev.strongroom.server.TestHttp.assertJsonError;
import static dev.strongroom.server.TestHttp.assertRefused;
import static dev.strongroom.server.TestHttp.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.Digest;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a client sends, the server answers a bad request with a 4xx status and a JSON body
 * {@code {"error": ..., "code": ...}} — never a 5xx. Requests are built and signed with the
 * format module and the JDK only; where {@link java.net.http.HttpClient} will not send
 * something (a lying Content-Length, a body cut short), raw HTTP/1.1 over TLS does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Bad requests never get a 5xx")
class BadRequestsTest {
    static final int MIB = 1 << 20;
    StrongroomServer server;
    TestHttp http;
    TestHttp.Account alice;
    TestHttp.Account bob;
    String vault;
    String bobVault;
    String pack;
    byte[] packBytes;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = StrongroomServer.start(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0));
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

    @AfterAll
    void stop() throws Exception {
        http.close();
        server.close();
    }

    static String hex(int bytes) {
        return HexFormat.of().formatHex(TestDevice.random(bytes));
    }

    String createVault(TestHttp.Account a) {
        String id = hex(16);
        TestHttp.Answer r = http.postJson("/v1/vaults", JSON.createObjectNode().put("id", id).put("epoch", 1)
                .put("record", b64(TestDevice.random(300))), a.auth());
        assertThat(r.status()).as("vault creation: %s", r).isEqualTo(201);
        return id;
    }

    static String packPath(String vault, String pack) {
        return "/v1/vaults/" + vault + "/packs/" + pack;
    }

    /** A signed commit of {@code seq} by alice's device onto {@code parent}, for alice's vault. */
    ObjectNode commit(long seq, Digest parent, List<String> packs) {
        ObjectNode n = commitBy(alice.device(), seq, parent);
        packs.forEach(n.withArray("packs")::add);
        return n;
    }

    /** A commit header for alice's vault naming and signed by {@code author}, with a random sealed body. */
    ObjectNode commitBy(TestDevice author, long seq, Digest parent) {
        byte[] sealed = TestDevice.random(500);
        byte[] header = new CommitHeader(Suite.CURRENT, alice.id(), VaultId.fromHex(vault), seq, parent,
                Commit.hashOfSealed(sealed), author.id()).encode();
        ObjectNode n = JSON.createObjectNode().put("header", b64(header))
                .put("signature", b64(author.sign(SignatureDomain.COMMIT_HEADER, header)))
                .put("sealed", b64(sealed));
        n.putArray("packs");
        return n;
    }

    // ====================================================================== the valid path

    @Test
    @DisplayName("well-formed requests succeed (so the refusals below are refusals of what was changed)")
    void wellFormedRequestsWork() throws Exception {
        TestHttp.Answer info = http.get("/v1/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().get("api").asInt()).isEqualTo(1);

        TestHttp.Answer chain = http.get("/v1/accounts/" + alice.id().hex() + "/chain");
        assertThat(chain.status()).isEqualTo(200);
        assertThat(chain.json().get("entries")).hasSize(1);
        assertThat(http.get("/v1/accounts/" + alice.id().hex() + "/recovery-blob").status()).isEqualTo(200);

        TestHttp.Answer vaults = http.get("/v1/vaults", alice.auth());
        assertThat(vaults.status()).isEqualTo(200);
        assertThat(vaults.json().get("vaults")).hasSize(1);
        assertThat(vaults.json().get("vaults").get(0).get("id").asText()).isEqualTo(vault);

        TestHttp.Answer packs = http.get("/v1/vaults/" + vault + "/packs", alice.auth());
        assertThat(packs.json().get("packs").get(0).get("size").asLong()).isEqualTo(packBytes.length);

        TestHttp.Answer block = http.get(packPath(vault, pack), "Range", "bytes=" + MIB + "-" + (2 * MIB - 1),
                alice.auth()[0], alice.auth()[1]);
        assertThat(block.status()).isEqualTo(206);
        assertThat(block.body()).isEqualTo(Arrays.copyOfRange(packBytes, MIB, 2 * MIB));
        TestHttp.Answer tail = http.get(packPath(vault, pack), "Range", "bytes=" + 2 * MIB + "-" + (packBytes.length - 1),
                alice.auth()[0], alice.auth()[1]);
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(packBytes, 2 * MIB, packBytes.length));
        assertThat(http.get(packPath(vault, pack), alice.auth()).body()).isEqualTo(packBytes);

        TestHttp.Answer envelope = http.get("/v1/envelopes/1/" + alice.device().id().hex(), alice.auth());
        assertThat(envelope.status()).isEqualTo(200);

        String v = createVault(alice);
        String p = hex(32);
        assertThat(http.send("PUT", packPath(v, p), "application/octet-stream", TestDevice.random(1000), alice.auth())
                .status()).isEqualTo(201);
        String saved = vault;
        vault = v;
        try {
            ObjectNode c1 = commit(1, Commit.NO_PARENT, List.of(p));
            assertThat(http.postJson("/v1/vaults/" + v + "/commits", c1, alice.auth()).status()).isEqualTo(201);
            JsonNode head = http.get("/v1/vaults/" + v + "/head", alice.auth()).json().get("commit");
            assertThat(head.get("seq").asLong()).isEqualTo(1);
            Digest h1 = Commit.hashOfSealed(Base64.getDecoder().decode(c1.get("sealed").asText()));
            assertThat(http.postJson("/v1/vaults/" + v + "/commits", commit(2, h1, List.of()), alice.auth()).status())
                    .isEqualTo(201);
            // the same sequence number again: a lost compare-and-swap, answered 409 in JSON
            assertRefused(http.postJson("/v1/vaults/" + v + "/commits", commit(2, h1, List.of()), alice.auth()), 409);
            assertThat(http.get("/v1/vaults/" + v + "/commits?from=1&to=2", alice.auth()).json().get("commits"))
                    .hasSize(2);
        } finally {
            vault = saved;
        }
    }

    // ====================================================================== table of refusals

    /** A request and the status it must get. */
    record Case(String name, Supplier<TestHttp.Answer> request, int status) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    Case c(String name, int status, Supplier<TestHttp.Answer> request) {
        return new Case(name, request, status);
    }

    String[] auth() {
        return alice.auth();
    }

    TestHttp.Answer post(String path, String body, String... headers) {
        return http.postJson(path, body, headers);
    }

    ObjectNode session(byte[] nonce, long time, String origin) {
        return http.sessionRequest(alice.device(), alice.id(), nonce, time, origin);
    }

    byte[] nonce() {
        return http.challenge(alice.device(), alice.id());
    }

    ObjectNode creation() {
        TestDevice d = new TestDevice();
        return http.accountCreation(TestDevice.genesis(d), d);
    }

    Stream<Case> routes() {
        String acct = alice.id().hex();
        String dev = alice.device().id().hex();
        return Stream.of(
                c("unknown route", 404, () -> http.get("/v1/nope")),
                c("root", 404, () -> http.get("/")),
                c("no version prefix", 404, () -> http.get("/info")),
                c("account id too short", 404, () -> http.get("/v1/accounts/abcd/chain")),
                c("account id in upper case", 404, () -> http.get("/v1/accounts/" + acct.toUpperCase() + "/chain")),
                c("unknown account sub-resource", 404, () -> http.get("/v1/accounts/" + acct + "/secrets")),
                c("pack id not hex", 404, () -> http.get(packPath(vault, "zz".repeat(32)), auth())),
                c("vault id too long", 404, () -> http.get("/v1/vaults/" + vault + "00/head", auth())),
                c("envelope epoch not a number", 404, () -> http.get("/v1/envelopes/x/" + dev, auth())),
                c("envelope epoch of 11 digits", 404, () -> http.get("/v1/envelopes/12345678901/" + dev, auth())),
                c("DELETE accounts", 405, () -> http.send("DELETE", "/v1/accounts", null, null)),
                c("GET accounts", 405, () -> http.get("/v1/accounts")),
                c("PUT info", 405, () -> http.send("PUT", "/v1/info", "application/json", "{}".getBytes())),
                c("GET challenge", 405, () -> http.get("/v1/auth/challenge")),
                c("GET session", 405, () -> http.get("/v1/auth/session")),
                c("DELETE vaults", 405, () -> http.send("DELETE", "/v1/vaults", null, null, auth())),
                c("POST head", 405, () -> http.send("POST", "/v1/vaults/" + vault + "/head", "application/json",
                        "{}".getBytes(), auth())),
                c("PUT pack list", 405, () -> http.send("PUT", "/v1/vaults/" + vault + "/packs", null, null, auth())),
                c("DELETE pack", 405, () -> http.send("DELETE", packPath(vault, pack), null, null, auth())),
                c("POST chain without an entry", 400, () -> post("/v1/accounts/" + acct + "/chain", "{}")),
                c("PUT chain", 405, () -> http.send("PUT", "/v1/accounts/" + acct + "/chain", "application/json", "{}".getBytes())),
                c("DELETE envelope", 405, () -> http.send("DELETE", "/v1/envelopes/1/" + dev, null, null, auth())),
                c("DELETE commits", 405, () -> http.send("DELETE", "/v1/vaults/" + vault + "/commits", null, null,
                        auth())));
    }

    Stream<Case> bodies() {
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        return Stream.of(
                c("text/plain body", 415, () -> http.send("POST", "/v1/accounts", "text/plain", "{}".getBytes())),
                c("no content type", 415, () -> http.send("POST", "/v1/accounts", null, "{}".getBytes())),
                c("form body", 415, () -> http.send("POST", "/v1/auth/challenge", "application/x-www-form-urlencoded",
                        "account_id=1".getBytes())),
                c("octet-stream vault creation", 415, () -> http.send("POST", "/v1/vaults", "application/octet-stream",
                        "{}".getBytes(), auth())),
                c("malformed JSON", 400, () -> post("/v1/accounts", "{not json")),
                c("empty body", 400, () -> post("/v1/accounts", "")),
                c("JSON array", 400, () -> post("/v1/accounts", "[]")),
                c("JSON null", 400, () -> post("/v1/accounts", "null")),
                c("JSON string", 400, () -> post("/v1/auth/challenge", "\"hello\"")),
                c("JSON number", 400, () -> post("/v1/auth/session", "12")),
                c("truncated JSON", 400, () -> post("/v1/auth/challenge", "{\"account_id\": \"ab")),
                c("deeply nested JSON", 400, () -> post("/v1/accounts", "[".repeat(100_000))),
                c("deeply nested object", 400, () -> post("/v1/auth/challenge",
                        "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000))),
                c("invalid UTF-8", 400, () -> http.send("POST", "/v1/auth/challenge", "application/json", invalidUtf8)),
                c("empty object", 400, () -> post("/v1/accounts", "{}")),
                c("JSON body over 16 MiB", 413, () -> http.send("POST", "/v1/auth/challenge", "application/json",
                        ("{\"account_id\":\"" + "a".repeat(17 * MIB) + "\"}").getBytes(StandardCharsets.US_ASCII))));
    }

    Stream<Case> accounts() {
        return Stream.of(
                c("genesis not base64", 400, () -> http.postJson("/v1/accounts", creation().put("genesis", "!!!"))),
                c("genesis random bytes", 400, () -> http.postJson("/v1/accounts",
                        creation().put("genesis", b64(TestDevice.random(5000))))),
                c("genesis empty", 400, () -> http.postJson("/v1/accounts", creation().put("genesis", ""))),
                c("genesis a number", 400, () -> http.postJson("/v1/accounts", creation().put("genesis", 12))),
                c("recovery blob missing", 400, () -> {
                    ObjectNode n = creation();
                    n.remove("recovery_blob");
                    return http.postJson("/v1/accounts", n);
                }),
                c("recovery blob over 64 KiB", 400, () -> http.postJson("/v1/accounts",
                        creation().put("recovery_blob", b64(new byte[65 * 1024])))),
                c("sharing key empty", 400, () -> http.postJson("/v1/accounts", creation().put("sharing_key", ""))),
                c("envelopes not an array", 400, () -> http.postJson("/v1/accounts", creation().put("envelopes", "x"))),
                c("envelope of epoch 2", 400, () -> {
                    ObjectNode n = creation();
                    ((ObjectNode) n.get("envelopes").get(0)).put("epoch", 2);
                    return http.postJson("/v1/accounts", n);
                }),
                c("envelope epoch not a number", 400, () -> {
                    ObjectNode n = creation();
                    ((ObjectNode) n.get("envelopes").get(0)).put("epoch", "one");
                    return http.postJson("/v1/accounts", n);
                }),
                c("envelope recipient not hex", 400, () -> {
                    ObjectNode n = creation();
                    ((ObjectNode) n.get("envelopes").get(0)).put("recipient", "xyz");
                    return http.postJson("/v1/accounts", n);
                }),
                c("envelope not an object", 400, () -> {
                    ObjectNode n = creation();
                    n.putArray("envelopes").add(1);
                    return http.postJson("/v1/accounts", n);
                }),
                c("an existing account", 409, () -> {
                    TestDevice d = new TestDevice();
                    ObjectNode n = http.accountCreation(TestDevice.genesis(d), d);
                    http.postJson("/v1/accounts", n);
                    return http.postJson("/v1/accounts", n);
                }),
                c("chain of an unknown account", 404, () -> http.get("/v1/accounts/" + hex(32) + "/chain")),
                c("recovery blob of an unknown account", 404, () -> http.get("/v1/accounts/" + hex(32)
                        + "/recovery-blob")));
    }

    Stream<Case> authentication() {
        String acct = alice.id().hex();
        String dev = alice.device().id().hex();
        long now = System.currentTimeMillis();
        return Stream.of(
                c("challenge: account id not hex", 400, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", "xyz").put("device_id", dev))),
                c("challenge: account id of 63 digits", 400, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", acct.substring(1)).put("device_id", dev))),
                c("challenge: device id missing", 400, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", acct))),
                c("challenge: device id a number", 400, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", acct).put("device_id", 5))),
                c("challenge: unknown account", 404, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", hex(32)).put("device_id", dev))),
                c("challenge: device not in the chain", 403, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", acct).put("device_id", hex(32)))),
                c("challenge: another account's device", 403, () -> http.postJson("/v1/auth/challenge",
                        JSON.createObjectNode().put("account_id", acct).put("device_id", bob.device().id().hex()))),
                c("session: time not a number", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), now, http.origin).put("time_ms", "now"))),
                c("session: time beyond a long", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), now, http.origin).put("time_ms", 1e30))),
                c("session: nonce not base64", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), now, http.origin).put("nonce", "***"))),
                c("session: signature not base64", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), now, http.origin).put("signature", "%%%"))),
                c("session: origin missing", 400, () -> {
                    ObjectNode n = session(nonce(), now, http.origin);
                    n.remove("origin");
                    return http.postJson("/v1/auth/session", n);
                }),
                c("session: unknown account", 404, () -> http.postJson("/v1/auth/session",
                        session(nonce(), now, http.origin).put("account_id", hex(32)))),
                c("session: stale time", 401, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis() - 10 * 60_000, http.origin))),
                c("session: time in the future", 401, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis() + 10 * 60_000, http.origin))),
                c("session: signed for another server's key", 401, () -> http.postJson("/v1/auth/session",
                        http.sessionRequest(alice.device(), alice.id(), nonce(), System.currentTimeMillis(), http.origin,
                                TestDevice.random(32)))),
                c("session: claims this server's key, signed another", 401, () -> http.postJson("/v1/auth/session",
                        http.sessionRequest(alice.device(), alice.id(), nonce(), System.currentTimeMillis(), http.origin,
                                TestDevice.random(32)).put("server_key", b64(http.serverKey)))),
                c("session: claims another origin than it signed", 401, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), "https://evil.example:443")
                                .put("origin", http.origin))),
                c("session: server key missing", 400, () -> {
                    ObjectNode n = session(nonce(), System.currentTimeMillis(), http.origin);
                    n.remove("server_key");
                    return http.postJson("/v1/auth/session", n);
                }),
                c("session: server key of 31 bytes", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("server_key", b64(new byte[31])))),
                c("session: origin empty", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("origin", ""))),
                c("session: origin of 300 characters", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("origin", "x".repeat(300)))),
                c("session: flipped signature", 401, () -> {
                    ObjectNode n = session(nonce(), System.currentTimeMillis(), http.origin);
                    byte[] sig = Base64.getDecoder().decode(n.get("signature").asText());
                    sig[10] ^= 1;
                    return http.postJson("/v1/auth/session", n.put("signature", b64(sig)));
                }),
                c("session: only the ML-DSA half flipped", 401, () -> {
                    ObjectNode n = session(nonce(), System.currentTimeMillis(), http.origin);
                    byte[] sig = Base64.getDecoder().decode(n.get("signature").asText());
                    sig[sig.length - 5] ^= 1;
                    return http.postJson("/v1/auth/session", n.put("signature", b64(sig)));
                }),
                c("session: short signature", 401, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("signature", b64(new byte[64])))),
                c("session: signed by another device", 401, () -> {
                    byte[] n = nonce();
                    ObjectNode s = http.sessionRequest(bob.device(), alice.id(), n, System.currentTimeMillis(),
                            http.origin);
                    return http.postJson("/v1/auth/session", s.put("device_id", dev));
                }),
                c("session: a device of another account", 403, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin)
                                .put("device_id", bob.device().id().hex()))),
                c("session: a nonce the server never issued", 401, () -> http.postJson("/v1/auth/session",
                        session(TestDevice.random(32), System.currentTimeMillis(), http.origin))),
                c("session: a nonce issued to another account", 401, () -> {
                    byte[] bobs = http.challenge(bob.device(), bob.id());
                    return http.postJson("/v1/auth/session", session(bobs, System.currentTimeMillis(), http.origin));
                }),
                c("session: a reused challenge", 401, () -> {
                    byte[] n = nonce();
                    TestHttp.Answer first = http.postJson("/v1/auth/session",
                            session(n, System.currentTimeMillis(), http.origin));
                    assertThat(first.status()).as("first use of the challenge: %s", first).isEqualTo(200);
                    return http.postJson("/v1/auth/session", session(n, System.currentTimeMillis(), http.origin));
                }),
                c("session: a 70000-byte nonce", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("nonce", b64(new byte[70_000])))),
                c("session: a 31-byte nonce", 400, () -> http.postJson("/v1/auth/session",
                        session(nonce(), System.currentTimeMillis(), http.origin).put("nonce", b64(new byte[31])))),
                c("no bearer token", 401, () -> http.get("/v1/vaults")),
                c("bearer token not base64", 401, () -> http.get("/v1/vaults", "Authorization", "Bearer !!!")),
                c("unknown bearer token", 401, () -> http.get("/v1/vaults", "Authorization",
                        "Bearer " + b64(TestDevice.random(32)))),
                c("empty bearer token", 401, () -> http.get("/v1/vaults", "Authorization", "Bearer ")),
                c("basic authentication", 401, () -> http.get("/v1/vaults", "Authorization", "Basic YTpi")),
                c("a token sent as a nonce", 401, () -> http.get("/v1/vaults/" + vault + "/packs", "Authorization",
                        "Bearer " + b64(nonce()))),
                c("no token on a pack upload", 401, () -> http.send("PUT", packPath(vault, hex(32)),
                        "application/octet-stream", new byte[100])),
                c("no token on an envelope", 401, () -> http.get("/v1/envelopes/1/" + dev)));
    }

    Stream<Case> vaults() {
        String dev = alice.device().id().hex();
        return Stream.of(
                c("head of an unknown vault", 404, () -> http.get("/v1/vaults/" + hex(16) + "/head", auth())),
                c("head of another account's vault", 404, () -> http.get("/v1/vaults/" + bobVault + "/head", auth())),
                c("packs of another account's vault", 404, () -> http.get("/v1/vaults/" + bobVault + "/packs", auth())),
                c("pack upload into another account's vault", 404, () -> http.send("PUT", packPath(bobVault, hex(32)),
                        "application/octet-stream", new byte[100], auth())),
                c("a pack that does not exist", 404, () -> http.get(packPath(vault, hex(32)), auth())),
                c("another vault's pack", 404, () -> http.get(packPath(bobVault, pack), bob.auth())),
                c("vault creation: id not hex", 400, () -> http.postJson("/v1/vaults", JSON.createObjectNode()
                        .put("id", "nothex").put("epoch", 1).put("record", b64(new byte[10])), auth())),
                c("vault creation: epoch 2", 400, () -> http.postJson("/v1/vaults", JSON.createObjectNode()
                        .put("id", hex(16)).put("epoch", 2).put("record", b64(new byte[10])), auth())),
                c("vault creation: empty record", 400, () -> http.postJson("/v1/vaults", JSON.createObjectNode()
                        .put("id", hex(16)).put("epoch", 1).put("record", ""), auth())),
                c("vault creation: record missing", 400, () -> http.postJson("/v1/vaults", JSON.createObjectNode()
                        .put("id", hex(16)).put("epoch", 1), auth())),
                c("vault creation: an existing id", 409, () -> http.postJson("/v1/vaults", JSON.createObjectNode()
                        .put("id", bobVault).put("epoch", 1).put("record", b64(new byte[10])), auth())),
                c("commits: from not a number", 400, () -> http.get("/v1/vaults/" + vault + "/commits?from=a&to=1",
                        auth())),
                c("commits: from 0", 400, () -> http.get("/v1/vaults/" + vault + "/commits?from=0&to=1", auth())),
                c("commits: to before from", 400, () -> http.get("/v1/vaults/" + vault + "/commits?from=5&to=1",
                        auth())),
                c("commits: no range", 400, () -> http.get("/v1/vaults/" + vault + "/commits", auth())),
                c("commits: too many", 400, () -> http.get("/v1/vaults/" + vault
                        + "/commits?from=1&to=9223372036854775807", auth())),
                c("commits: bad percent-encoding in the query", 400, () -> http.raw(http.rawRequest("GET",
                        "/v1/vaults/" + vault + "/commits?from=%zz&to=1",
                        List.of("Authorization: Bearer " + alice.token()), new byte[0]), false)),
                c("commit: header not a commit header", 400, () -> http.postJson("/v1/vaults/" + vault + "/commits",
                        commit(1, Commit.NO_PARENT, List.of()).put("header", b64(TestDevice.random(200))), auth())),
                c("commit: signature of the wrong length", 400, () -> http.postJson("/v1/vaults/" + vault
                        + "/commits", commit(1, Commit.NO_PARENT, List.of()).put("signature", b64(new byte[7])), auth())),
                c("commit: flipped signature", 400, () -> {
                    ObjectNode n = commit(1, Commit.NO_PARENT, List.of());
                    byte[] sig = Base64.getDecoder().decode(n.get("signature").asText());
                    sig[100] ^= 4;
                    return http.postJson("/v1/vaults/" + vault + "/commits", n.put("signature", b64(sig)), auth());
                }),
                c("commit: sealed body not the hashed one", 400, () -> http.postJson("/v1/vaults/" + vault
                        + "/commits", commit(1, Commit.NO_PARENT, List.of()).put("sealed", b64(new byte[500])), auth())),
                c("commit: packs missing", 400, () -> {
                    ObjectNode n = commit(1, Commit.NO_PARENT, List.of());
                    n.remove("packs");
                    return http.postJson("/v1/vaults/" + vault + "/commits", n, auth());
                }),
                c("commit: pack id not hex", 400, () -> http.postJson("/v1/vaults/" + vault + "/commits",
                        commit(1, Commit.NO_PARENT, List.of("zz")), auth())),
                c("commit: a pack the server does not hold", 400, () -> http.postJson("/v1/vaults/" + vault
                        + "/commits", commit(1, Commit.NO_PARENT, List.of(hex(32))), auth())),
                c("commit: version 1 naming a parent", 400, () -> http.postJson("/v1/vaults/" + vault + "/commits",
                        commit(1, new Digest(TestDevice.random(32)), List.of()), auth())),
                c("commit: a sequence gap", 409, () -> http.postJson("/v1/vaults/" + vault + "/commits",
                        commit(7, new Digest(TestDevice.random(32)), List.of()), auth())),
                c("commit: into another account's vault", 404, () -> http.postJson("/v1/vaults/" + bobVault
                        + "/commits", commit(1, Commit.NO_PARENT, List.of()), auth())),
                c("commit: header naming another vault", 400, () -> http.postJson("/v1/vaults/" + createVault(alice)
                        + "/commits", commit(1, Commit.NO_PARENT, List.of()), auth())),
                c("commit: header of another author", 400, () -> http.postJson("/v1/vaults/" + vault + "/commits",
                        commitBy(bob.device(), 1, Commit.NO_PARENT), auth())),
                c("envelope of no one", 404, () -> http.get("/v1/envelopes/1/" + hex(32), auth())),
                c("envelope over 64 KiB", 400, () -> http.send("PUT", "/v1/envelopes/2/" + dev, "application/json",
                        ("{\"envelope\":\"" + b64(new byte[70_000]) + "\"}").getBytes(), auth())),
                c("envelope not JSON", 415, () -> http.send("PUT", "/v1/envelopes/2/" + dev, "text/plain",
                        "x".getBytes(), auth())));
    }

    Stream<Case> ranges() {
        String[] a = auth();
        return Stream.of(
                c("unaligned start", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=1-100", a[0], a[1])),
                c("unaligned end", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=0-" + (MIB - 2),
                        a[0], a[1])),
                c("open-ended", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=0-", a[0], a[1])),
                c("suffix", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=-100", a[0], a[1])),
                c("beyond the end", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=0-" + (8 * MIB - 1),
                        a[0], a[1])),
                c("end before start", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=" + MIB + "-0",
                        a[0], a[1])),
                c("two ranges", 416, () -> http.get(packPath(vault, pack), "Range", "bytes=0-1,2-3", a[0], a[1])),
                c("another unit", 416, () -> http.get(packPath(vault, pack), "Range", "items=0-1", a[0], a[1])),
                c("huge numbers", 416, () -> http.get(packPath(vault, pack), "Range",
                        "bytes=999999999999999-999999999999999", a[0], a[1])),
                c("too many digits", 416, () -> http.get(packPath(vault, pack), "Range",
                        "bytes=0-99999999999999999999", a[0], a[1])),
                c("pack smaller than a pack can be", 400, () -> http.send("PUT", packPath(vault, hex(32)),
                        "application/octet-stream", new byte[10], a)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    @DisplayName("routes and methods")
    void routesAndMethods(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    @DisplayName("content types and JSON")
    void contentTypesAndJson(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accounts")
    @DisplayName("account creation and public account data")
    void accountRequests(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("authentication")
    @DisplayName("challenges, sessions and tokens")
    void authenticationRequests(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vaults")
    @DisplayName("vaults, commits and envelopes")
    void vaultRequests(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranges")
    @DisplayName("pack ranges and sizes")
    void rangeRequests(Case c) {
        assertRefused(c.request().get(), c.status());
    }

    // ====================================================================== genesis entries

    @Nested
    @DisplayName("a genesis entry with one flipped bit")
    class FlippedGenesis {
        @ParameterizedTest(name = "at {0}")
        @ValueSource(strings = {"body length (high byte)", "body length (low byte)", "label", "suite", "index",
                "previous hash", "time", "kind", "minimum suite", "device signing key", "device KEM key", "sharing key",
                "recovery key", "root key epoch", "root key commitment", "signature count", "signature role",
                "device signature", "recovery signature", "last byte"})
        @DisplayName("is refused, and creates no account")
        void refused(String where) {
            TestDevice d = new TestDevice();
            TestDevice.Genesis genesis = TestDevice.genesis(d);
            ObjectNode n = http.accountCreation(genesis, d);
            String intact = n.get("genesis").asText();
            byte[] g = Base64.getDecoder().decode(n.get("genesis").asText());
            int bodyLen = ((g[0] & 0xff) << 24) | ((g[1] & 0xff) << 16) | ((g[2] & 0xff) << 8) | (g[3] & 0xff);
            // entry := u32 body_len || body || u8 n || n x (u8 role || signature); see ChainEntry
            int label = 4 + 1;
            int suite = label + "strongroom/chain-entry".length() + 2;
            int index = suite + 1;
            int prev = index + 8;
            int time = prev + 32;
            int kind = time + 8;
            int minSuite = kind + 1;
            int device = minSuite + 1;
            int identity = dev.strongroom.format.PublicIdentity.ENCODED_LENGTH;
            int sigs = 4 + bodyLen;
            int pos = switch (where) {
                case "body length (high byte)" -> 0;
                case "body length (low byte)" -> 3;
                case "label" -> label + 3;
                case "suite" -> suite;
                case "index" -> index + 7;
                case "previous hash" -> prev + 5;
                case "time" -> time + 7;
                case "kind" -> kind;
                case "minimum suite" -> minSuite;
                case "device signing key" -> device + 10;
                case "device KEM key" -> device + identity - 10;
                case "sharing key" -> device + identity + 100;
                case "recovery key" -> device + 2 * identity + 100;
                case "root key epoch" -> device + 3 * identity + 3;
                case "root key commitment" -> device + 3 * identity + 4 + 31;
                case "signature count" -> sigs;
                case "signature role" -> sigs + 1;
                case "device signature" -> sigs + 2 + 30;
                case "recovery signature" -> g.length - 100;
                case "last byte" -> g.length - 1;
                default -> throw new IllegalArgumentException(where);
            };
            assertThat(4 + bodyLen).as("genesis body ends after the root key commitment")
                    .isEqualTo(device + 3 * identity + 4 + 32);
            g[pos] ^= 0x01;
            n.put("genesis", b64(g));
            TestHttp.Answer a = http.postJson("/v1/accounts", n);
            assertRefused(a, 400);
            assertThat(a.json().get("error").asText()).contains("genesis");
            assertRefused(http.get("/v1/accounts/" + genesis.account().hex() + "/chain"), 404);
            // the same entry unflipped is accepted: the flip was the reason
            assertThat(http.postJson("/v1/accounts", n.put("genesis", intact)).status()).isEqualTo(201);
        }
    }

    // ====================================================================== bodies that lie

    @Nested
    @DisplayName("bodies that do not match their headers")
    class LyingBodies {
        @Test
        @DisplayName("a pack upload declaring more than 128 MiB is refused before any byte is read")
        void packTooLarge() {
            TestHttp.Answer a = http.raw(http.rawRequest("PUT", packPath(vault, hex(32)), List.of(
                    "Authorization: Bearer " + alice.token(), "Content-Type: application/octet-stream",
                    "Content-Length: " + (PackLayout.MAX_PACK_SIZE + 1)), new byte[0]), false);
            assertRefused(a, 413);
        }

        @Test
        @DisplayName("a pack upload without a length is refused")
        void packWithoutLength() {
            TestHttp.Answer a = http.raw(http.rawRequest("PUT", packPath(vault, hex(32)), List.of(
                    "Authorization: Bearer " + alice.token(), "Content-Type: application/octet-stream",
                    "Transfer-Encoding: chunked"), "a\r\n0123456789\r\n0\r\n\r\n".getBytes()), false);
            assertRefused(a, 411);
        }

        @Test
        @DisplayName("a pack upload cut short is refused and stores nothing")
        void packCutShort() {
            String id = hex(32);
            TestHttp.Answer a = http.raw(http.rawRequest("PUT", packPath(vault, id), List.of(
                    "Authorization: Bearer " + alice.token(), "Content-Type: application/octet-stream",
                    "Content-Length: " + MIB), new byte[1000]), true);
            assertRefused(a, 400);
            assertRefused(http.get(packPath(vault, id), alice.auth()), 404);
            assertThat(http.get("/v1/vaults/" + vault + "/packs", alice.auth()).text()).doesNotContain(id);
        }

        @Test
        @DisplayName("a JSON body cut short is refused")
        void jsonCutShort() {
            byte[] body = "{\"account_id\":".getBytes();
            TestHttp.Answer a = http.raw(http.rawRequest("POST", "/v1/auth/challenge", List.of(
                    "Content-Type: application/json", "Content-Length: 1000"), body), true);
            assertRefused(a, 400);
        }

        @Test
        @DisplayName("a JSON body declaring more than 16 MiB is refused before it is read")
        void jsonDeclaredTooLarge() {
            TestHttp.Answer a = http.raw(http.rawRequest("POST", "/v1/auth/challenge", List.of(
                    "Content-Type: application/json", "Content-Length: " + (17 * MIB)), "{}".getBytes()), false);
            assertRefused(a, 413);
        }

        @Test
        @DisplayName("a chunked JSON body over 16 MiB is refused")
        void jsonChunkedTooLarge() {
            byte[] chunk = ("{\"a\":\"" + "x".repeat(17 * MIB) + "\"}").getBytes(StandardCharsets.US_ASCII);
            byte[] framed = new byte[chunk.length + 64];
            byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes();
            byte[] tail = "\r\n0\r\n\r\n".getBytes();
            System.arraycopy(head, 0, framed, 0, head.length);
            System.arraycopy(chunk, 0, framed, head.length, chunk.length);
            System.arraycopy(tail, 0, framed, head.length + chunk.length, tail.length);
            byte[] body = Arrays.copyOf(framed, head.length + chunk.length + tail.length);
            TestHttp.Answer a = http.raw(http.rawRequest("POST", "/v1/auth/challenge", List.of(
                    "Content-Type: application/json", "Transfer-Encoding: chunked"), body), false);
            assertRefused(a, 413);
        }

        @Test
        @DisplayName("a request line the HTTP layer rejects still gets a JSON error")
        void badUri() {
            TestHttp.Answer a = http.raw(http.rawRequest("GET", "/v1/%zz", List.of(), new byte[0]), false);
            assertJsonError(a);
        }
    }
}
