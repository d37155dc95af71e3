package dev.strongroom.server;

import static dev.strongroom.server.TestHttp.JSON;
import static dev.strongroom.server.TestHttp.assertRefused;
import static dev.strongroom.server.TestHttp.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.SqliteMetadataStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
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

/**
 * The server's side of trusted devices: it appends a device-chain entry only if the whole chain
 * with it verifies (defence in depth: clients verify again), keeps removed devices out, and
 * relays pairings through a mailbox whose every refusal is a 4xx with a JSON body. Entries are
 * built and signed with the format module and JDK keys only ({@link TestDevice}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Device chain appends and the pairing mailbox")
class ChainAppendTest {
    StrongroomServer server;
    TestHttp http;
    final OffsetClock clock = new OffsetClock();

    /** The real time plus an offset the test moves. */
    static final class OffsetClock extends java.time.Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(offset);
        }
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrCreate(dir);
        server = StrongroomServer.start(new SqliteMetadataStore(dir.resolve("meta.db")),
                new FileBlobStore(dir.resolve("packs")), tls, new InetSocketAddress("127.0.0.1", 0), clock);
        http = new TestHttp(server.url(), tls.keyHash());
    }

    @AfterAll
    void stop() throws Exception {
        http.close();
        server.close();
    }

    // ====================================================================== helpers

    /** A registered account: its first device, its recovery key, id and a session of the first device. */
    record Account(TestDevice first, TestDevice recovery, AccountId id, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }

        String path() {
            return "/v1/accounts/" + id.hex();
        }
    }

    Account register() {
        TestDevice d = new TestDevice();
        TestDevice.Genesis g = TestDevice.genesis(d);
        TestHttp.Answer a = http.postJson("/v1/accounts", http.accountCreation(g, d));
        assertThat(a.status()).as("account creation: %s", a).isEqualTo(201);
        return new Account(d, g.recovery(), g.account(), http.login(d, g.account()));
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    /** A signer of a chain entry. */
    record Sig(ChainEntry.Role role, TestDevice by) {
    }

    static ChainEntry entry(long index, Digest prev, ChainEntry.Body body, Sig... sigs) {
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, index, prev, System.currentTimeMillis(), body, List.of());
        byte[] b = unsigned.signedBody();
        List<ChainEntry.Signed> signed = new ArrayList<>();
        for (Sig s : sigs) {
            signed.add(new ChainEntry.Signed(s.role(), new HybridSignature(s.by().sign(SignatureDomain.CHAIN_ENTRY, b))));
        }
        return new ChainEntry(Suite.CURRENT, index, prev, unsigned.timeMillis(), body, signed);
    }

    /** An entry on top of the account's current chain. */
    ChainEntry next(Account a, ChainEntry.Body body, Sig... sigs) {
        DeviceChain c = chain(a);
        return entry(c.length(), c.head(), body, sigs);
    }

    List<byte[]> rawChain(Account a) {
        TestHttp.Answer r = http.get(a.path() + "/chain");
        assertThat(r.status()).as("chain: %s", r).isEqualTo(200);
        List<byte[]> out = new ArrayList<>();
        r.json().get("entries").forEach(n -> out.add(Base64.getDecoder().decode(n.asText())));
        return out;
    }

    DeviceChain chain(Account a) {
        return DeviceChain.verify(rawChain(a), a.id());
    }

    TestHttp.Answer append(Account a, byte[] entry) {
        return http.postJson(a.path() + "/chain", JSON.createObjectNode().put("entry", b64(entry)));
    }

    static ChainEntry.AddDevice addBy(TestDevice approver, TestDevice added) {
        return new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, approver.id(), added.identity);
    }

    /** Adds {@code added} to the account, approved by {@code approver}; asserts it was appended. */
    void add(Account a, TestDevice approver, TestDevice added) {
        TestHttp.Answer r = append(a, next(a, addBy(approver, added),
                new Sig(ChainEntry.Role.DEVICE, approver), new Sig(ChainEntry.Role.SUBJECT, added)).encode());
        assertThat(r.status()).as("adding a device: %s", r).isEqualTo(201);
    }

    static ChainEntry.RemoveDevice removal(TestDevice signer, TestDevice removed, long epoch) {
        return new ChainEntry.RemoveDevice(signer.id(), removed.id(), epoch, new Digest(TestDevice.random(32)),
                new TestDevice().identity);
    }

    static byte[] identityBytes(PublicIdentity id) {
        return id.writeTo(new Encoder(PublicIdentity.ENCODED_LENGTH)).toBytes();
    }

    /** A refusal case: a name, the expected status and the request. */
    record Case(String name, int status, Supplier<TestHttp.Answer> request) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    // ====================================================================== appends

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("appending to the device chain")
    class Appends {
        @Test
        @DisplayName("a device added by a trusted device is appended, and can then sign in")
        void addedByDevice() {
            Account a = register();
            TestDevice added = new TestDevice();
            ChainEntry e = next(a, addBy(a.first(), added), new Sig(ChainEntry.Role.DEVICE, a.first()),
                    new Sig(ChainEntry.Role.SUBJECT, added));
            TestHttp.Answer r = append(a, e.encode());
            assertThat(r.status()).as("%s", r).isEqualTo(201);
            assertThat(r.json().get("appended").asBoolean()).isTrue();
            List<byte[]> raw = rawChain(a);
            assertThat(raw).hasSize(2);
            assertThat(raw.get(1)).isEqualTo(e.encode());
            assertThat(chain(a).device(added.id())).contains(added.identity);
            assertThat(http.login(added, a.id())).isNotBlank();
        }

        @Test
        @DisplayName("a device added by the recovery key is appended, and can then sign in")
        void addedByRecovery() {
            Account a = register();
            TestDevice added = new TestDevice();
            ChainEntry e = next(a, new ChainEntry.AddDevice(ChainEntry.Role.RECOVERY, ChainEntry.AddDevice.NONE,
                    added.identity), new Sig(ChainEntry.Role.RECOVERY, a.recovery()), new Sig(ChainEntry.Role.SUBJECT, added));
            assertThat(append(a, e.encode()).status()).isEqualTo(201);
            assertThat(chain(a).record(added.id()).orElseThrow().byRecovery()).isTrue();
            assertThat(http.login(added, a.id())).isNotBlank();
        }

        @Test
        @DisplayName("an entry built on a head that is no longer the head is a conflict (409), not a bad request")
        void staleEntryIsConflict() {
            Account a = register();
            DeviceChain genesis = chain(a);
            TestDevice first = new TestDevice();
            TestDevice second = new TestDevice();
            ChainEntry e1 = entry(1, genesis.head(), addBy(a.first(), first), new Sig(ChainEntry.Role.DEVICE, a.first()),
                    new Sig(ChainEntry.Role.SUBJECT, first));
            ChainEntry e2 = entry(1, genesis.head(), addBy(a.first(), second), new Sig(ChainEntry.Role.DEVICE, a.first()),
                    new Sig(ChainEntry.Role.SUBJECT, second));
            assertThat(append(a, e1.encode()).status()).isEqualTo(201);
            // another device appended first: Remote.appendChainEntry promises 'false' (HTTP 409) for this,
            // and the client then says "the device chain changed meanwhile; run it again"
            TestHttp.Answer lost = append(a, e2.encode());
            assertRefused(lost, 409);
            assertThat(rawChain(a)).hasSize(2);
        }

        Stream<Case> refusedEntries() {
            Account a = register();
            DeviceChain c = chain(a);
            long n = c.length();
            Digest head = c.head();
            TestDevice x = new TestDevice();
            TestDevice other = new TestDevice();
            ChainEntry.AddDevice add = addBy(a.first(), x);
            Sig byFirst = new Sig(ChainEntry.Role.DEVICE, a.first());
            Sig subject = new Sig(ChainEntry.Role.SUBJECT, x);
            Function<ChainEntry, Supplier<TestHttp.Answer>> send = e -> () -> append(a, e.encode());
            Function<byte[], Supplier<TestHttp.Answer>> sendRaw = b -> () -> append(a, b);
            byte[] valid = entry(n, head, add, byFirst, subject).encode();
            byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
            TestDevice.Genesis second = TestDevice.genesis(x);
            ChainEntry.SetRecovery setRecovery = new ChainEntry.SetRecovery(a.first().id(), other.identity);
            return Stream.of(
                    new Case("without the new device's own signature", 400, send.apply(entry(n, head, add, byFirst))),
                    new Case("the new device's signature made by another key", 400,
                            send.apply(entry(n, head, add, byFirst, new Sig(ChainEntry.Role.SUBJECT, other)))),
                    new Case("an approver signature that does not verify", 400,
                            send.apply(entry(n, head, add, new Sig(ChainEntry.Role.DEVICE, other), subject))),
                    new Case("an approver that is not a device of the account", 400,
                            send.apply(entry(n, head, addBy(other, x), new Sig(ChainEntry.Role.DEVICE, other), subject))),
                    new Case("'added by the recovery key' signed by another key", 400,
                            send.apply(entry(n, head, new ChainEntry.AddDevice(ChainEntry.Role.RECOVERY,
                                    ChainEntry.AddDevice.NONE, x.identity), new Sig(ChainEntry.Role.RECOVERY, other), subject))),
                    new Case("a third signature", 400, send.apply(entry(n, head, add, byFirst, subject,
                            new Sig(ChainEntry.Role.RECOVERY, a.recovery())))),
                    new Case("an index beyond the end", 400, send.apply(entry(n + 1, head, add, byFirst, subject))),
                    new Case("a predecessor that is not the head", 400,
                            send.apply(entry(n, new Digest(TestDevice.random(32)), add, byFirst, subject))),
                    new Case("a device that is already part of the account", 400,
                            send.apply(entry(n, head, addBy(a.first(), a.first()), byFirst,
                                    new Sig(ChainEntry.Role.SUBJECT, a.first())))),
                    new Case("a second genesis (its index 0 is taken: a conflict)", 409, sendRaw.apply(second.encoded())),
                    new Case("removing the account's only device", 400,
                            send.apply(entry(n, head, removal(a.first(), a.first(), 2), byFirst))),
                    new Case("a new recovery key without the current one's co-signature", 400,
                            send.apply(entry(n, head, setRecovery, byFirst, new Sig(ChainEntry.Role.SUBJECT, other)))),
                    new Case("a new recovery key co-signed by another key", 400,
                            send.apply(entry(n, head, setRecovery, byFirst, new Sig(ChainEntry.Role.RECOVERY, other),
                                    new Sig(ChainEntry.Role.SUBJECT, other)))),
                    new Case("a valid entry with a trailing byte", 400, sendRaw.apply(trailing)),
                    new Case("random bytes", 400, sendRaw.apply(TestDevice.random(5000))),
                    new Case("no bytes", 400, sendRaw.apply(new byte[0])),
                    new Case("more than 256 KiB", 400, sendRaw.apply(TestDevice.random(ChainEntry.MAX_ENCODED + 1))),
                    new Case("no 'entry' field", 400, () -> http.postJson(a.path() + "/chain", "{}")),
                    new Case("an 'entry' that is not base64", 400,
                            () -> http.postJson(a.path() + "/chain", "{\"entry\": \"not base64!\"}")),
                    new Case("not JSON", 415, () -> http.send("POST", a.path() + "/chain", "text/plain", valid)),
                    new Case("an unknown account", 404, () -> http.postJson("/v1/accounts/" + "ab".repeat(32) + "/chain",
                            JSON.createObjectNode().put("entry", b64(valid)))),
                    new Case("PUT instead of POST", 405, () -> http.send("PUT", a.path() + "/chain", "application/json",
                            "{}".getBytes())))
                    .map(k -> new Case(k.name(), k.status(), () -> {
                        TestHttp.Answer r = k.request().get();
                        if (k.status() != 404) {
                            assertThat(rawChain(a)).as("the chain after '%s'", k.name()).hasSize((int) n);
                        }
                        return r;
                    }));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("refusedEntries")
        @DisplayName("is refused with a 4xx and leaves the chain as it was")
        void refused(Case c) {
            assertRefused(c.request().get(), c.status());
        }

        @Test
        @DisplayName("a removed device can no longer sign in, use its session, or sign entries")
        void removedDevice() {
            Account a = register();
            TestDevice b = new TestDevice();
            add(a, a.first(), b);
            String bToken = http.login(b, a.id());
            assertThat(http.get("/v1/vaults", bearer(bToken)).status()).isEqualTo(200);

            // a removal that skips an epoch, or is signed by an unknown device, is refused
            assertRefused(append(a, next(a, removal(a.first(), b, 3), new Sig(ChainEntry.Role.DEVICE, a.first())).encode()), 400);
            TestDevice stranger = new TestDevice();
            assertRefused(append(a, next(a, removal(stranger, b, 2), new Sig(ChainEntry.Role.DEVICE, stranger)).encode()), 400);

            TestHttp.Answer r = append(a, next(a, removal(a.first(), b, 2), new Sig(ChainEntry.Role.DEVICE, a.first())).encode());
            assertThat(r.status()).as("%s", r).isEqualTo(201);
            assertThat(chain(a).currentArkEpoch()).isEqualTo(2);

            assertRefused(http.get("/v1/vaults", bearer(bToken)), 403);
            assertRefused(http.postJson("/v1/auth/challenge", JSON.createObjectNode().put("account_id", a.id().hex())
                    .put("device_id", b.id().hex())), 403);
            TestDevice ghost = new TestDevice();
            TestHttp.Answer add = append(a, next(a, addBy(b, ghost), new Sig(ChainEntry.Role.DEVICE, b),
                    new Sig(ChainEntry.Role.SUBJECT, ghost)).encode());
            assertRefused(add, 400);
            assertThat(add.json().get("error").asText()).contains("not a trusted device");
            assertRefused(append(a, next(a, removal(b, a.first(), 3), new Sig(ChainEntry.Role.DEVICE, b)).encode()), 400);
            assertRefused(append(a, next(a, removal(a.first(), b, 3), new Sig(ChainEntry.Role.DEVICE, a.first())).encode()),
                    400); // it is already removed
            assertThat(rawChain(a)).hasSize(3);
            assertThat(http.get("/v1/vaults", a.auth()).status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a new recovery key needs the current one's co-signature; its blob is served from then on")
        void setRecovery() {
            Account a = register();
            TestDevice next = new TestDevice();
            byte[] blob = new Encoder().raw(identityBytes(next.identity)).bytes32(TestDevice.random(200)).toBytes();
            byte[] before = Base64.getDecoder().decode(http.get(a.path() + "/recovery-blob").json().get("blob").asText());
            TestHttp.Answer put = http.send("PUT", "/v1/recovery-blob", "application/json",
                    JSON.createObjectNode().put("blob", b64(blob)).toString().getBytes(), a.auth());
            assertThat(put.status()).as("%s", put).isEqualTo(204);
            ChainEntry.SetRecovery body = new ChainEntry.SetRecovery(a.first().id(), next.identity);
            assertRefused(append(a, next(a, body, new Sig(ChainEntry.Role.DEVICE, a.first()),
                    new Sig(ChainEntry.Role.SUBJECT, next)).encode()), 400);
            assertThat(Base64.getDecoder().decode(http.get(a.path() + "/recovery-blob").json().get("blob").asText()))
                    .as("the blob before the entry").isEqualTo(before);

            TestHttp.Answer r = append(a, next(a, body, new Sig(ChainEntry.Role.DEVICE, a.first()),
                    new Sig(ChainEntry.Role.RECOVERY, a.recovery()), new Sig(ChainEntry.Role.SUBJECT, next)).encode());
            assertThat(r.status()).as("%s", r).isEqualTo(201);
            assertThat(chain(a).recoveryIdentity()).isEqualTo(next.identity);
            assertThat(Base64.getDecoder().decode(http.get(a.path() + "/recovery-blob").json().get("blob").asText()))
                    .isEqualTo(blob);
            // the old recovery key can no longer add a device
            TestDevice added = new TestDevice();
            assertRefused(append(a, next(a, new ChainEntry.AddDevice(ChainEntry.Role.RECOVERY, ChainEntry.AddDevice.NONE,
                    added.identity), new Sig(ChainEntry.Role.RECOVERY, a.recovery()), new Sig(ChainEntry.Role.SUBJECT, added))
                    .encode()), 400);
        }
    }

    // ====================================================================== the pairing mailbox

    TestHttp.Answer open(Account a, byte[] commitment) {
        return http.postJson(a.path() + "/pairings", JSON.createObjectNode().put("commitment", b64(commitment)));
    }

    String openCode(Account a) {
        TestHttp.Answer r = open(a, TestDevice.random(32));
        assertThat(r.status()).as("open pairing: %s", r).isEqualTo(200);
        return r.json().get("code").asText();
    }

    TestHttp.Answer get(Account a, String code) {
        return http.get(a.path() + "/pairings/" + code);
    }

    TestHttp.Answer approve(Account a, String code, byte[] nonce, String... auth) {
        return http.postJson(a.path() + "/pairings/" + code + "/approve", JSON.createObjectNode().put("nonce", b64(nonce)),
                auth);
    }

    TestHttp.Answer reveal(Account a, String code, byte[] identity, byte[] nonce) {
        return http.postJson(a.path() + "/pairings/" + code + "/reveal", JSON.createObjectNode()
                .put("identity", b64(identity)).put("nonce_j", b64(nonce)));
    }

    TestHttp.Answer answer(Account a, String code, ObjectNode body, String... auth) {
        return http.postJson(a.path() + "/pairings/" + code + "/answer", body, auth);
    }

    ObjectNode approval(byte[] entry, byte[] envelope) {
        return JSON.createObjectNode().put("entry", b64(entry)).put("envelope", b64(envelope));
    }

    List<String> pending(String... auth) {
        TestHttp.Answer r = http.get("/v1/pairings", auth);
        assertThat(r.status()).as("pending: %s", r).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("pairings").forEach(p -> out.add(p.get("code").asText()));
        return out;
    }

    static byte[] field(JsonNode n, String f) {
        return Base64.getDecoder().decode(n.get(f).asText());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("the pairing mailbox")
    class Mailbox {
        @Test
        @DisplayName("relays commitment, nonce, reveal and answer in order, and lists only unanswered pairings")
        void relays() {
            Account a = register();
            Account other = register();
            byte[] commitment = TestDevice.random(32);
            TestHttp.Answer o = open(a, commitment);
            assertThat(o.status()).isEqualTo(200);
            String code = o.json().get("code").asText();
            assertThat(code).matches("[0-9A-HJKMNP-TV-Z]{8}");
            JsonNode p = get(a, code).json();
            assertThat(field(p, "commitment")).isEqualTo(commitment);
            assertThat(p.get("created_ms").asLong()).isBetween(clock.millis() - 60_000, clock.millis());
            assertThat(p.has("nonce")).isFalse();
            assertThat(pending(a.auth())).containsExactly(code);
            assertThat(pending(other.auth())).as("another account's pending pairings").doesNotContain(code);
            assertRefused(get(other, code), 404);

            byte[] nonce = TestDevice.random(32);
            assertThat(approve(a, code, nonce, a.auth()).status()).isEqualTo(204);
            p = get(a, code).json();
            assertThat(field(p, "nonce")).isEqualTo(nonce);
            assertThat(field(p, "approver")).isEqualTo(a.first().id().bytes());

            TestDevice joiner = new TestDevice();
            byte[] nonceJ = TestDevice.random(32);
            assertThat(reveal(a, code, identityBytes(joiner.identity), nonceJ).status()).isEqualTo(204);
            p = get(a, code).json();
            assertThat(field(p, "identity")).isEqualTo(identityBytes(joiner.identity));
            assertThat(field(p, "nonce_j")).isEqualTo(nonceJ);
            assertThat(pending(a.auth())).containsExactly(code);

            byte[] entry = TestDevice.random(4000);
            byte[] envelope = TestDevice.random(2000);
            assertThat(answer(a, code, approval(entry, envelope), a.auth()).status()).isEqualTo(204);
            p = get(a, code).json();
            assertThat(field(p, "entry")).isEqualTo(entry);
            assertThat(field(p, "envelope")).isEqualTo(envelope);
            assertThat(p.has("refused")).isFalse();
            assertThat(pending(a.auth())).doesNotContain(code);

            String refused = openCode(a);
            assertThat(approve(a, refused, TestDevice.random(32), a.auth()).status()).isEqualTo(204);
            assertThat(answer(a, refused, JSON.createObjectNode().put("refused", true), a.auth()).status()).isEqualTo(204);
            JsonNode r = get(a, refused).json();
            assertThat(r.get("refused").asBoolean()).isTrue();
            assertThat(r.has("entry")).isFalse();
            assertThat(pending(a.auth())).doesNotContain(refused);
        }

        Stream<Case> refusals() {
            Account a = register();
            Account other = register();
            TestDevice second = new TestDevice();
            add(a, a.first(), second);
            String secondToken = http.login(second, a.id());
            String fresh = openCode(a);
            String approved = openCode(a);
            assertThat(approve(a, approved, TestDevice.random(32), a.auth()).status()).isEqualTo(204);
            String revealed = openCode(a);
            assertThat(approve(a, revealed, TestDevice.random(32), a.auth()).status()).isEqualTo(204);
            byte[] id = identityBytes(new TestDevice().identity);
            assertThat(reveal(a, revealed, id, TestDevice.random(32)).status()).isEqualTo(204);
            byte[] n32 = TestDevice.random(32);
            String unknown = "0000" + "ZZZZ";
            return Stream.of(
                    new Case("open: unknown account", 404, () -> http.postJson("/v1/accounts/" + "cd".repeat(32)
                            + "/pairings", JSON.createObjectNode().put("commitment", b64(n32)))),
                    new Case("open: a 31-byte commitment", 400, () -> open(a, TestDevice.random(31))),
                    new Case("open: a 33-byte commitment", 400, () -> open(a, TestDevice.random(33))),
                    new Case("open: no commitment", 400, () -> http.postJson(a.path() + "/pairings", "{}")),
                    new Case("open: not JSON", 415, () -> http.send("POST", a.path() + "/pairings", "text/plain", n32)),
                    new Case("open: GET", 405, () -> http.get(a.path() + "/pairings")),
                    new Case("read: letters outside Crockford base32", 400, () -> get(a, "ILOUILOU")),
                    new Case("read: lower case", 404, () -> get(a, fresh.toLowerCase())),
                    new Case("read: 7 characters", 404, () -> get(a, fresh.substring(1))),
                    new Case("read: an unknown code", 404, () -> get(a, unknown)),
                    new Case("read: DELETE", 405, () -> http.send("DELETE", a.path() + "/pairings/" + fresh, null, null)),
                    new Case("pending: no session", 401, () -> http.get("/v1/pairings")),
                    new Case("approve: no session", 401, () -> approve(a, fresh, n32)),
                    new Case("approve: a device of another account", 404, () -> approve(a, fresh, n32, other.auth())),
                    new Case("approve: a 16-byte nonce", 400, () -> approve(a, fresh, TestDevice.random(16), a.auth())),
                    new Case("approve: an unknown code", 404, () -> approve(a, unknown, n32, a.auth())),
                    new Case("approve: twice (by another device)", 409, () -> approve(a, approved, n32,
                            bearer(secondToken))),
                    new Case("approve: GET", 405, () -> http.get(a.path() + "/pairings/" + fresh + "/approve", a.auth())),
                    new Case("reveal: before the approver's nonce", 409, () -> reveal(a, fresh, id, n32)),
                    new Case("reveal: twice", 409, () -> reveal(a, revealed, id, n32)),
                    new Case("reveal: an identity of the wrong length", 400,
                            () -> reveal(a, approved, Arrays.copyOf(id, id.length - 1), n32)),
                    new Case("reveal: a 31-byte nonce", 400, () -> reveal(a, approved, id, TestDevice.random(31))),
                    new Case("reveal: an unknown code", 404, () -> reveal(a, unknown, id, n32)),
                    new Case("answer: no session", 401, () -> answer(a, revealed, approval(n32, n32))),
                    new Case("answer: another device of the account than the approver", 403,
                            () -> answer(a, revealed, approval(n32, n32), bearer(secondToken))),
                    new Case("answer: a pairing nobody approved", 403, () -> answer(a, fresh, approval(n32, n32), a.auth())),
                    new Case("answer: a device of another account", 404,
                            () -> answer(a, revealed, approval(n32, n32), other.auth())),
                    new Case("answer: an approval without an envelope", 400, () -> answer(a, revealed,
                            JSON.createObjectNode().put("entry", b64(n32)), a.auth())),
                    new Case("answer: an entry larger than 256 KiB", 400, () -> answer(a, revealed,
                            approval(TestDevice.random(ChainEntry.MAX_ENCODED + 1), n32), a.auth())),
                    new Case("answer: an envelope larger than 64 KiB", 400, () -> answer(a, revealed,
                            approval(n32, TestDevice.random(64 * 1024 + 1)), a.auth())));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("refusals")
        @DisplayName("refuses what does not fit the protocol with a 4xx and a JSON error")
        void refused(Case c) {
            assertRefused(c.request().get(), c.status());
        }

        @Test
        @DisplayName("a pairing expires after 15 minutes: it can no longer be read, approved or revealed")
        void expires() {
            Account a = register();
            String code = openCode(a);
            try {
                clock.offset = Duration.ofMillis(Service.PAIRING_TTL_MS - 5000);
                assertThat(get(a, code).status()).isEqualTo(200);
                assertThat(pending(a.auth())).contains(code);
                clock.offset = Duration.ofMillis(Service.PAIRING_TTL_MS + 5000);
                assertRefused(get(a, code), 404);
                assertRefused(approve(a, code, TestDevice.random(32), a.auth()), 404);
                assertRefused(reveal(a, code, identityBytes(new TestDevice().identity), TestDevice.random(32)), 404);
                assertThat(pending(a.auth())).doesNotContain(code);
            } finally {
                clock.offset = Duration.ZERO;
            }
        }

        @Test
        @DisplayName("at most 8 pairings are open at once; answered and refused ones no longer count")
        void openPairingsCapped() {
            Account a = register();
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < Service.MAX_OPEN_PAIRINGS; i++) {
                codes.add(openCode(a));
            }
            assertRefused(open(a, TestDevice.random(32)), 429);
            // the owner refuses the ones it does not recognise; they are closed now
            for (String code : codes) {
                assertThat(approve(a, code, TestDevice.random(32), a.auth()).status()).isEqualTo(204);
                assertThat(answer(a, code, JSON.createObjectNode().put("refused", true), a.auth()).status()).isEqualTo(204);
            }
            assertThat(pending(a.auth())).isEmpty();
            TestHttp.Answer again = open(a, TestDevice.random(32));
            assertThat(again.status()).as("opening a pairing once every earlier one was answered: %s", again)
                    .isEqualTo(200);
        }
    }
}
