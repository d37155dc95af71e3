package dev.strongroom.server;

import static dev.strongroom.server.TestHttp.JSON;
import static dev.strongroom.server.TestHttp.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.Digest;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.LogLeaf;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.storage.SqliteMetadataStore;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.CheckpointVerifier;
import dev.strongroom.translog.EntryBundle;
import dev.strongroom.translog.Hash;
import dev.strongroom.translog.MemoryHashStore;
import dev.strongroom.translog.Merkle;
import dev.strongroom.translog.SignatureType;
import dev.strongroom.translog.Tile;
import dev.strongroom.translog.TileReader;
import dev.strongroom.translog.Tiles;
import dev.strongroom.translog.VerifiedCheckpoint;
import dev.strongroom.translog.VerifierKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server's transparency log as clients and third-party tooling see it (DESIGN.md §4,
 * docs/transparency-log.md): {@code /log/key}, {@code /log/checkpoint} and the C2SP tlog-tiles
 * resources under {@code /log/tile/}, and the leaves the server appends with every device-chain
 * entry and commit (in the same transaction, nothing for refused writes). Everything is read
 * back with the translog module's own verifying reader, and checked byte for byte against
 * tiles recomputed from the leaves in the database. Requests are signed with the format module
 * and JDK keys only ({@link TestDevice}), as {@link ServerClasspathTest} requires.
 *
 * <p>The tests run in order on one server whose log grows from empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The transparency log over HTTP (C2SP tlog-tiles)")
class LogEndpointsTest {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final Random RANDOM = new Random(20_250_611);

    Path dir;
    TlsIdentity tls;
    SqliteMetadataStore store;
    StrongroomServer server;
    TestHttp http;
    VerifierKey logKey;
    /** A vault of the account made in order 2, for the later commit tests. */
    Owner owner;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Path data = Files.createDirectories(dir.resolve("data"));
        tls = TlsIdentity.loadOrCreate(data);
        store = new SqliteMetadataStore(data.resolve("meta.db"));
        server = StrongroomServer.start(store, new FileBlobStore(data.resolve("packs")), tls,
                new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC());
        http = new TestHttp(server.url(), tls.keyHash());
        logKey = tls.logKey().orElseThrow().verifierKey();
    }

    @AfterAll
    void stop() throws Exception {
        http.close();
        server.close();
    }

    // ====================================================================== helpers

    /** The current checkpoint, verified with the log key. */
    VerifiedCheckpoint checkpoint(TestHttp h) {
        TestHttp.Answer a = h.get("/log/checkpoint");
        assertThat(a.status()).as("checkpoint: %s", a).isEqualTo(200);
        return CheckpointVerifier.logOnly(logKey.name(), logKey).verify(a.body());
    }

    VerifiedCheckpoint checkpoint() {
        return checkpoint(http);
    }

    /** A verifying tile reader over HTTP for a checkpoint. */
    TileReader reader(TestHttp h, Checkpoint c) {
        return new TileReader(t -> {
            TestHttp.Answer a = h.get("/log/" + t.path());
            if (a.status() == 404) {
                throw new NotFoundException("no " + t.path());
            }
            assertThat(a.status()).as("%s: %s", t.path(), a).isEqualTo(200);
            return a.body();
        }, c);
    }

    List<byte[]> storedLeaves() {
        return store.logLeaves(0, store.logSize());
    }

    /** Appends {@code n} well-formed leaves straight into the database (a busy log, without the crypto). */
    void appendLeaves(int n) {
        for (int i = 0; i < n; i++) {
            byte[] account = TestDevice.random(32);
            byte[] leaf = new LogLeaf.Chain(new AccountId(account), 0, TestDevice.random(40 + RANDOM.nextInt(200))).encode();
            assertThat(store.createAccount(account, TestDevice.random(64), Map.of(),
                    Optional.of(new MetadataStore.LogLeaf("filler/" + UUID.randomUUID(), leaf)), System.currentTimeMillis()))
                    .isTrue();
        }
    }

    /** Logs a leaf under {@code key} straight into the database, as a server writing behind its own API would. */
    void logDirectly(String key, byte[] leaf) {
        assertThat(store.createAccount(TestDevice.random(32), TestDevice.random(64), Map.of(),
                Optional.of(new MetadataStore.LogLeaf(key, leaf)), System.currentTimeMillis())).isTrue();
    }

    static String hex(int bytes) {
        return HexFormat.of().formatHex(TestDevice.random(bytes));
    }

    /** An account created through the API, with its genesis bytes, and one vault. */
    record Owner(TestDevice device, TestDevice recovery, AccountId account, byte[] genesis, String token, VaultId vault) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }

        String chainPath() {
            return "/v1/accounts/" + account.hex() + "/chain";
        }

        String commitsPath() {
            return "/v1/vaults/" + vault.hex() + "/commits";
        }
    }

    Owner register() {
        TestDevice d = new TestDevice();
        TestDevice.Genesis g = TestDevice.genesis(d);
        TestHttp.Answer a = http.postJson("/v1/accounts", http.accountCreation(g, d));
        assertThat(a.status()).as("account creation: %s", a).isEqualTo(201);
        String token = http.login(d, g.account());
        VaultId vault = VaultId.fromHex(hex(16));
        TestHttp.Answer v = http.postJson("/v1/vaults", JSON.createObjectNode().put("id", vault.hex()).put("epoch", 1)
                .put("record", b64(TestDevice.random(300))), "Authorization", "Bearer " + token);
        assertThat(v.status()).as("vault creation: %s", v).isEqualTo(201);
        return new Owner(d, g.recovery(), g.account(), g.encoded(), token, vault);
    }

    List<byte[]> rawChain(Owner o) {
        List<byte[]> out = new ArrayList<>();
        http.get(o.chainPath()).json().get("entries").forEach(n -> out.add(Base64.getDecoder().decode(n.asText())));
        return out;
    }

    static ChainEntry entry(long index, Digest prev, ChainEntry.Body body, TestDevice... signers) {
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, index, prev, System.currentTimeMillis(), body, List.of());
        byte[] b = unsigned.signedBody();
        List<ChainEntry.Signed> signed = new ArrayList<>();
        ChainEntry.Role[] roles = {ChainEntry.Role.DEVICE, ChainEntry.Role.SUBJECT};
        for (int i = 0; i < signers.length; i++) {
            signed.add(new ChainEntry.Signed(roles[i], new HybridSignature(signers[i].sign(SignatureDomain.CHAIN_ENTRY, b))));
        }
        return new ChainEntry(Suite.CURRENT, index, prev, unsigned.timeMillis(), body, signed);
    }

    /** A device added by the owner's first device, on top of the current chain (not sent). */
    ChainEntry addition(Owner o, TestDevice added, boolean subjectSigns) {
        DeviceChain c = DeviceChain.verify(rawChain(o), o.account());
        ChainEntry.AddDevice body = new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, o.device().id(), added.identity);
        return subjectSigns ? entry(c.length(), c.head(), body, o.device(), added) : entry(c.length(), c.head(), body, o.device());
    }

    TestHttp.Answer append(Owner o, byte[] entry) {
        return http.postJson(o.chainPath(), JSON.createObjectNode().put("entry", b64(entry)));
    }

    /** A signed commit request of {@code seq} onto {@code parent}, with a random sealed body. */
    record CommitRequest(ObjectNode json, CommitHeader header, byte[] signature, Digest hash) {
    }

    static CommitRequest commit(Owner o, long seq, Digest parent, boolean validSignature) {
        byte[] sealed = TestDevice.random(300);
        CommitHeader h = new CommitHeader(Suite.CURRENT, o.account(), o.vault(), seq, parent, Commit.hashOfSealed(sealed),
                o.device().id());
        byte[] sig = o.device().sign(SignatureDomain.COMMIT_HEADER, h.encode());
        if (!validSignature) {
            sig[10] ^= 1;
        }
        ObjectNode n = JSON.createObjectNode().put("header", b64(h.encode())).put("signature", b64(sig))
                .put("sealed", b64(sealed));
        n.putArray("packs");
        return new CommitRequest(n, h, sig, Commit.hashOfSealed(sealed));
    }

    JsonNode head(Owner o) {
        TestHttp.Answer a = http.get("/v1/vaults/" + o.vault().hex() + "/head", o.auth());
        assertThat(a.status()).as("head: %s", a).isEqualTo(200);
        return a.json().get("commit");
    }

    /** Checks that leaf {@code index} is exactly {@code leaf}, from the database and through a verified inclusion proof. */
    void assertLogged(long index, byte[] leaf) {
        assertThat(store.logLeaves(index, index + 1)).as("leaf %d in the database", index).containsExactly(leaf);
        VerifiedCheckpoint c = checkpoint();
        TileReader r = reader(http, c.checkpoint());
        Merkle.verifyInclusion(index, c.checkpoint().size(), Merkle.leafHash(leaf), r.inclusionProof(index),
                c.checkpoint().root());
        assertThat(r.entries(index, index + 1)).as("leaf %d from the entry bundle", index).containsExactly(leaf);
    }

    // ====================================================================== 1. key and checkpoint

    @Test
    @Order(1)
    @DisplayName("an empty log: /log/key names the note key, /log/checkpoint is the empty tree signed by it, no tile exists")
    void emptyLog() {
        TestHttp.Answer key = http.get("/log/key");
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.header("content-type")).isEqualToIgnoringCase("text/plain; charset=utf-8");
        assertThat(key.text()).endsWith("\n").isEqualTo(logKey.encode() + "\n");
        assertThat(tls.logKeyLine()).contains("log-key " + key.text().strip());
        VerifierKey parsed = VerifierKey.parse(key.text().strip());
        assertThat(parsed.type()).isEqualTo(SignatureType.ED25519);
        assertThat(parsed.name()).isEqualTo("strongroom/" + tls.fingerprint().substring("SHA256:".length(), 23));

        TestHttp.Answer cp = http.get("/log/checkpoint");
        assertThat(cp.status()).isEqualTo(200);
        assertThat(cp.header("content-type")).isEqualToIgnoringCase("text/plain; charset=utf-8");
        assertThat(cp.header("cache-control")).as("the checkpoint is mutable").contains("no-store")
                .doesNotContain("immutable");
        assertThat(cp.text()).startsWith(parsed.name() + "\n0\n" + Merkle.emptyRoot().base64() + "\n\n— " + parsed.name() + " ");
        VerifiedCheckpoint v = CheckpointVerifier.logOnly(parsed.name(), parsed).verify(cp.body());
        assertThat(v.checkpoint().size()).isZero();
        assertThat(v.checkpoint().root()).isEqualTo(Merkle.emptyRoot());

        for (String path : List.of("tile/0/000.p/1", "tile/entries/000.p/1", "tile/0/000", "tile/1/000.p/1")) {
            TestHttp.assertRefused(http.get("/log/" + path), 404);
        }
    }

    // ====================================================================== 2. leaves with writes

    @Test
    @Order(2)
    @DisplayName("every chain entry and commit header becomes one leaf with the write; refused and lost writes log nothing")
    void leavesWithWrites() {
        long start = store.logSize();
        owner = register();
        Owner o = owner;
        // genesis
        assertThat(store.logSize()).isEqualTo(start + 1);
        assertLogged(start, new LogLeaf.Chain(o.account(), 0, o.genesis()).encode());
        assertThat(http.get(o.chainPath()).json().get("log_indices")).extracting(JsonNode::asLong).containsExactly(start);

        // an added device
        TestDevice added = new TestDevice();
        ChainEntry e1 = addition(o, added, true);
        assertThat(append(o, e1.encode()).status()).isEqualTo(201);
        assertThat(store.logSize()).isEqualTo(start + 2);
        byte[] chainLeaf = new LogLeaf.Chain(o.account(), 1, e1.encode()).encode();
        assertLogged(start + 1, chainLeaf);
        assertThat(LogLeaf.decode(chainLeaf).key()).isEqualTo(LogLeaf.Chain.key(o.account(), 1));
        assertThat(http.get(o.chainPath()).json().get("log_indices")).extracting(JsonNode::asLong)
                .containsExactly(start, start + 1);

        // refused entries: no subject signature (400), built on an old head (409)
        TestHttp.assertRefused(append(o, addition(o, new TestDevice(), false).encode()), 400);
        ChainEntry stale = entry(1, DeviceChain.verify(rawChain(o).subList(0, 1), o.account()).head(),
                new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, o.device().id(), new TestDevice().identity), o.device(),
                new TestDevice());
        assertThat(append(o, stale.encode()).status()).isIn(400, 409);
        assertThat(store.logSize()).as("refused entries are not logged").isEqualTo(start + 2);

        // a commit
        CommitRequest c1 = commit(o, 1, Commit.NO_PARENT, true);
        assertThat(http.postJson(o.commitsPath(), c1.json(), o.auth()).status()).isEqualTo(201);
        assertThat(store.logSize()).isEqualTo(start + 3);
        byte[] commitLeaf = new LogLeaf.Commit(c1.header(), new HybridSignature(c1.signature())).encode();
        assertLogged(start + 2, commitLeaf);
        assertThat(LogLeaf.decode(commitLeaf).key()).isEqualTo(LogLeaf.Commit.key(o.vault(), 1));
        assertThat(head(o).get("log_index").asLong()).isEqualTo(start + 2);
        JsonNode listed = http.get(o.commitsPath() + "?from=1&to=1", o.auth()).json().get("commits");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("log_index").asLong()).isEqualTo(start + 2);

        // refused commits: the same seq again (409), a bad signature (400), a wrong parent (400)
        TestHttp.assertRefused(http.postJson(o.commitsPath(), commit(o, 1, Commit.NO_PARENT, true).json(), o.auth()), 409);
        TestHttp.assertRefused(http.postJson(o.commitsPath(), commit(o, 2, c1.hash(), false).json(), o.auth()), 400);
        TestHttp.assertRefused(http.postJson(o.commitsPath(), commit(o, 2, Commit.NO_PARENT, true).json(), o.auth()), 400);
        assertThat(store.logSize()).as("refused commits are not logged").isEqualTo(start + 3);

        // what the log holds decodes to exactly these three records
        VerifiedCheckpoint cp = checkpoint();
        assertThat(cp.checkpoint().size()).isEqualTo(start + 3);
        List<String> keys = reader(http, cp.checkpoint()).entries(start, start + 3).stream()
                .map(b -> LogLeaf.decode(b).key()).toList();
        assertThat(keys).containsExactly(LogLeaf.Chain.key(o.account(), 0), LogLeaf.Chain.key(o.account(), 1),
                LogLeaf.Commit.key(o.vault(), 1));
    }

    @Test
    @Order(3)
    @DisplayName("commits racing through the API: one leaf per version, a log without gaps")
    void concurrentCommits() throws Exception {
        Owner o = owner;
        long start = store.logSize();
        long firstSeq = head(o).get("seq").asLong() + 1;
        int threads = 4;
        int perThread = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> task = () -> {
                    go.await();
                    int wins = 0;
                    for (int round = 0; round < 60 && wins < perThread; round++) {
                        JsonNode h = head(o);
                        long seq = h.get("seq").asLong() + 1;
                        Digest parent = Commit.hashOfSealed(Base64.getDecoder().decode(h.get("sealed").asText()));
                        int status = http.postJson(o.commitsPath(), commit(o, seq, parent, true).json(), o.auth()).status();
                        if (status == 201) {
                            wins++;
                        } else {
                            assertThat(status).as("a lost race is a conflict (or a parent that moved)").isIn(400, 409);
                        }
                    }
                    return wins;
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        } finally {
            pool.shutdownNow();
        }
        int n = threads * perThread;
        long lastSeq = firstSeq + n - 1;
        assertThat(head(o).get("seq").asLong()).isEqualTo(lastSeq);
        assertThat(store.logSize()).as("exactly one leaf per winning commit").isEqualTo(start + n);
        List<String> keys = new ArrayList<>();
        for (long s = firstSeq; s <= lastSeq; s++) {
            keys.add(LogLeaf.Commit.key(o.vault(), s));
        }
        Map<String, Long> idx = store.logIndices(keys);
        assertThat(idx).hasSize(n);
        assertThat(idx.values()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.range(start, start + n).boxed().toList());
        VerifiedCheckpoint cp = checkpoint();
        List<byte[]> entries = reader(http, cp.checkpoint()).entries(start, start + n);
        for (int i = 0; i < n; i++) {
            LogLeaf.Commit c = (LogLeaf.Commit) LogLeaf.decode(entries.get(i));
            assertThat(idx.get(c.key())).isEqualTo(start + i);
        }
        // every head answer names the leaf of exactly that version
        JsonNode h = head(o);
        byte[] leaf = new LogLeaf.Commit(CommitHeader.decode(Base64.getDecoder().decode(h.get("header").asText()), Suite.V1),
                new HybridSignature(Base64.getDecoder().decode(h.get("signature").asText()))).encode();
        assertLogged(h.get("log_index").asLong(), leaf);
    }

    @Test
    @Order(4)
    @DisplayName("a write whose leaf cannot be appended is not stored either (write and leaf are one transaction)")
    void leafAndWriteAreAtomic() {
        Owner o = owner;
        JsonNode h = head(o);
        long seq = h.get("seq").asLong() + 1;
        Digest parent = Commit.hashOfSealed(Base64.getDecoder().decode(h.get("sealed").asText()));
        // the next version's key is already taken in the log (the database was tampered with)
        logDirectly(LogLeaf.Commit.key(o.vault(), seq), TestDevice.random(100));
        long size = store.logSize();
        TestHttp.Answer a = http.postJson(o.commitsPath(), commit(o, seq, parent, true).json(), o.auth());
        assertThat(a.status()).as("%s", a).isNotEqualTo(201).isGreaterThanOrEqualTo(400);
        assertThat(head(o).get("seq").asLong()).as("the commit was not stored without its leaf").isEqualTo(seq - 1);
        assertThat(store.logSize()).isEqualTo(size);

        int length = rawChain(o).size();
        logDirectly(LogLeaf.Chain.key(o.account(), length), TestDevice.random(100));
        size = store.logSize();
        TestHttp.Answer b = append(o, addition(o, new TestDevice(), true).encode());
        assertThat(b.status()).as("%s", b).isNotEqualTo(201).isGreaterThanOrEqualTo(400);
        assertThat(rawChain(o)).as("the chain entry was not stored without its leaf").hasSize(length);
        assertThat(store.logSize()).isEqualTo(size);
    }

    // ====================================================================== 3. tiles

    /** A checkpoint taken when the log held a little over one tile, for the consistency and partial-tile checks. */
    VerifiedCheckpoint earlier;

    @Test
    @Order(5)
    @DisplayName("hash tiles (full and partial, levels 0 and 1) and entry bundles match the leaves; "
            + "the verifying reader checks every entry, inclusion and consistency proof against the checkpoint")
    void tiles() {
        appendLeaves((int) Math.max(0, 300 - store.logSize()));
        earlier = checkpoint();
        assertThat(earlier.checkpoint().size()).isEqualTo(300);
        appendLeaves(620 - 300);
        VerifiedCheckpoint now = checkpoint();
        long size = now.checkpoint().size();
        assertThat(size).isEqualTo(620);
        List<byte[]> leaves = storedLeaves();
        MemoryHashStore mem = new MemoryHashStore();
        leaves.forEach(mem::append);
        assertThat(now.checkpoint().root()).isEqualTo(mem.root());
        assertThat(earlier.checkpoint().root()).isEqualTo(mem.root(300));

        // 620 leaves: two full level-0 tiles, one 108 wide; one 2-wide level-1 tile
        List<Tile> tiles = Tiles.forTreeSize(size);
        assertThat(tiles).extracting(Tile::path).containsExactly("tile/0/000", "tile/0/001", "tile/0/002.p/108",
                "tile/1/000.p/2");
        for (Tile t : tiles) {
            TestHttp.Answer a = http.get("/log/" + t.path());
            assertThat(a.status()).as(t.path()).isEqualTo(200);
            assertThat(a.header("content-type")).as(t.path()).isEqualTo("application/octet-stream");
            assertThat(a.body()).as(t.path()).isEqualTo(Tiles.content(t, mem));
            if (!t.isPartial()) {
                assertThat(a.header("cache-control")).as(t.path()).isEqualTo(IMMUTABLE);
            }
            if (t.level() == 0) {
                Tile b = t.bundle();
                TestHttp.Answer e = http.get("/log/" + b.path());
                assertThat(e.status()).as(b.path()).isEqualTo(200);
                assertThat(e.header("content-type")).as(b.path()).isEqualTo("application/octet-stream");
                List<byte[]> expected = leaves.subList((int) b.startLeaf(), (int) b.endLeaf());
                assertThat(e.body()).as(b.path()).isEqualTo(EntryBundle.encode(expected));
                assertThat(EntryBundle.decode(e.body(), b.width())).containsExactlyElementsOf(expected);
                if (!b.isPartial()) {
                    assertThat(e.header("cache-control")).as(b.path()).isEqualTo(IMMUTABLE);
                }
            }
        }
        // the partial tiles of a size a checkpoint was published for stay available (a prefix of today's tiles)
        for (Tile t : Tiles.forTreeSize(300)) {
            TestHttp.Answer a = http.get("/log/" + t.path());
            assertThat(a.status()).as(t.path()).isEqualTo(200);
            assertThat(a.body()).as(t.path()).isEqualTo(Tiles.content(t, mem));
        }
        TestHttp.Answer oldBundle = http.get("/log/tile/entries/001.p/44");
        assertThat(EntryBundle.decode(oldBundle.body(), 44)).containsExactlyElementsOf(leaves.subList(256, 300));

        // a client's verified view: every entry, inclusion proofs, consistency with the earlier checkpoint
        TileReader r = reader(http, now.checkpoint());
        r.verifyRoot();
        assertThat(r.entries(0, size)).containsExactlyElementsOf(leaves);
        for (long i : new long[] {0, 1, 255, 256, 299, 300, 511, 512, size - 1}) {
            Merkle.verifyInclusion(i, size, Merkle.leafHash(leaves.get((int) i)), r.inclusionProof(i), now.checkpoint().root());
        }
        List<Hash> proof = r.consistencyProof(300);
        Merkle.verifyConsistency(300, size, proof, earlier.checkpoint().root(), now.checkpoint().root());
        CheckpointVerifier.verifyConsistent(earlier.checkpoint(), now.checkpoint(), proof);
        // and the earlier checkpoint's own reader still works against today's server
        TileReader old = reader(http, earlier.checkpoint());
        assertThat(old.entries(250, 300)).containsExactlyElementsOf(leaves.subList(250, 300));

        // the checkpoint is re-signed only when the tree grows
        assertThat(http.get("/log/checkpoint").body()).isEqualTo(http.get("/log/checkpoint").body());
    }

    Stream<String> absentTiles() {
        long size = store.logSize(); // 620 after order 5
        String last = Tile.hashes(0, size / 256, 1).path().replace(".p/1", "");
        return Stream.of(
                last + ".p/" + (size % 256 + 1), // wider than the tree
                last, // the full tile the tree has not reached
                last.replace("tile/0/", "tile/entries/"),
                last.replace("tile/0/", "tile/entries/") + ".p/" + (size % 256 + 1),
                Tile.hashes(0, size / 256 + 1, 1).path(), // the next tile
                "tile/1/000", // needs 65,536 leaves
                "tile/1/000.p/3",
                "tile/2/000.p/1",
                // valid tlog-tiles coordinates far beyond any tree (levels up to 63, 64-bit indices)
                "tile/7/001.p/1", "tile/8/000.p/1", "tile/63/000.p/1", "tile/63/000",
                "tile/0/x036/x028/x797/x018/x963/x967", "tile/entries/x036/x028/x797/x018/x963/x967.p/1",
                // malformed: only exactly Tile.path() is a tile
                "tile/0/0", "tile/0/00", "tile/0/0000", "tile/0/x000/000", "tile/0/x001", "tile/0/000.p/256",
                "tile/0/000.p/0", "tile/0/000.p/07", "tile/0/000.p/", "tile/00/000", "tile/64/000",
                "tile/-1/000", "tile/entries/000.p/0", "tile/entries/1/000", "tile/1/entries/000", "tile/0/000/",
                "tile/", "tile", "tiles/0/000", "checkpoint/x", "keys", "");
    }

    @ParameterizedTest(name = "/log/{0}")
    @Order(6)
    @MethodSource("absentTiles")
    @DisplayName("tiles beyond the tree and paths that are not exactly a tile are 404 with a JSON error")
    void absent(String path) {
        TestHttp.assertRefused(http.get("/log/" + path), 404);
    }

    @Test
    @Order(7)
    @DisplayName("the log is read-only: other methods are 405; a tile appears once the tree reaches it")
    void readOnlyAndGrowing() {
        TestHttp.assertRefused(http.send("POST", "/log/checkpoint", "text/plain", new byte[] {1}), 405);
        TestHttp.assertRefused(http.send("PUT", "/log/tile/0/000", "application/octet-stream", new byte[32]), 405);
        TestHttp.assertRefused(http.send("DELETE", "/log/key", null, null), 405);
        long size = store.logSize();
        String next = Tile.hashes(0, size / 256, (int) (size % 256) + 1).path();
        TestHttp.assertRefused(http.get("/log/" + next), 404);
        appendLeaves(1);
        assertThat(checkpoint().checkpoint().size()).isEqualTo(size + 1);
        assertThat(http.get("/log/" + next).status()).isEqualTo(200);
    }

    // ====================================================================== 4. instances

    /** A store that ignores close: two instances over one database, and closing the second leaves the first working. */
    static MetadataStore unclosable(MetadataStore real) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    @Order(8)
    @DisplayName("a second instance over the same database serves the same log: same checkpoint bytes, same tiles")
    void secondInstance() throws Exception {
        Path packs = dir.resolve("data/packs");
        try (StrongroomServer b = StrongroomServer.start(unclosable(store), new FileBlobStore(packs), tls,
                new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC());
             TestHttp hb = new TestHttp(b.url(), tls.keyHash())) {
            assertThat(hb.get("/log/key").text()).isEqualTo(http.get("/log/key").text());
            assertThat(hb.get("/log/checkpoint").body()).isEqualTo(http.get("/log/checkpoint").body());
            // leaves appended after the second instance started show in its log (it catches up from the database)
            long before = store.logSize();
            appendLeaves(2);
            VerifiedCheckpoint viaB = checkpoint(hb);
            assertThat(viaB.checkpoint().size()).isEqualTo(before + 2);
            assertThat(hb.get("/log/checkpoint").body()).isEqualTo(http.get("/log/checkpoint").body());
            TileReader r = reader(hb, viaB.checkpoint());
            assertThat(r.entries(0, before + 2)).containsExactlyElementsOf(storedLeaves());
            for (Tile t : Tiles.forTreeSize(before + 2)) {
                assertThat(hb.get("/log/" + t.path()).body()).as(t.path()).isEqualTo(http.get("/log/" + t.path()).body());
            }
        }
        assertThat(checkpoint().checkpoint().size()).as("the first instance still serves").isEqualTo(store.logSize());
    }

    @Test
    @Order(9)
    @DisplayName("a data folder without a log key: no /log/ resources, nothing logged, no log indices")
    void noLogKey() throws Exception {
        Path other = Files.createDirectories(dir.resolve("nolog"));
        Files.copy(dir.resolve("data").resolve(TlsIdentity.FILE), other.resolve(TlsIdentity.FILE));
        TlsIdentity noLog = TlsIdentity.load(other.resolve(TlsIdentity.FILE));
        assertThat(noLog.logKey()).isEmpty();
        SqliteMetadataStore meta = new SqliteMetadataStore(other.resolve("meta.db"));
        try (StrongroomServer s = StrongroomServer.start(meta, new FileBlobStore(other.resolve("packs")), noLog,
                new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC());
             TestHttp h = new TestHttp(s.url(), noLog.keyHash())) {
            for (String p : List.of("checkpoint", "key", "tile/0/000.p/1")) {
                TestHttp.assertRefused(h.get("/log/" + p), 404);
            }
            TestHttp.Account a = h.register();
            assertThat(meta.logSize()).isZero();
            JsonNode li = h.get("/v1/accounts/" + a.id().hex() + "/chain").json().get("log_indices");
            assertThat(li).hasSize(1);
            assertThat(li.get(0).isNull()).isTrue();
        }
    }
}
