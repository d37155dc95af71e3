package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.SignatureInvalidException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Witness (c2sp.org/tlog-witness add-checkpoint)")
class WitnessTest {
    static final String ORIGIN = "example.com/log";
    static final SignerKey LOG = SignerKey.generate(SignatureType.ED25519, ORIGIN);
    static final SignerKey WITNESS = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "witness.example/w");

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(1_800_000_000L);
    Witness witness;
    final MemoryHashStore tree = new MemoryHashStore();

    @BeforeEach
    void open() {
        witness = Witness.open(dir, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey())), clock);
    }

    @AfterEach
    void close() {
        witness.close();
    }

    /** Grows the log to n leaves and returns its signed checkpoint. */
    Note checkpoint(long n) {
        while (tree.size() < n) {
            tree.append(("leaf " + tree.size()).getBytes(StandardCharsets.UTF_8));
        }
        return new Checkpoint(ORIGIN, n, tree.root(n)).sign(LOG);
    }

    List<Hash> proof(long old, long n) {
        checkpoint(n); // grow the tree first
        return old == 0 ? List.of() : Merkle.consistencyProof(old, n, tree);
    }

    Witness.Response submit(long old, List<Hash> proof, Note cp) {
        return witness.addCheckpoint(WitnessClient.requestBody(old, proof, cp));
    }

    Witness.Response submit(String body) {
        return witness.addCheckpoint(body.getBytes(StandardCharsets.UTF_8));
    }

    static void assertCosigned(Witness.Response r, Note cp) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.text()).startsWith("\u2014 witness.example/w ").endsWith("\n");
        List<NoteSignature> lines = r.text().lines().map(NoteSignature::parseLine).toList();
        VerifiedNote v = Note.of(cp.text(), lines).verify(List.of(WITNESS.verifierKey().verifier()));
        assertThat(v.verified()).hasSize(1);
        assertThat(Cosignature.timestampOf(v.verified().getFirst())).isPositive();
    }

    @Nested
    @DisplayName("status codes")
    class StatusCodes {
        @Test
        @DisplayName("200: first checkpoint with old 0, then extensions with consistency proofs, then the same tree again")
        void ok() {
            Note c5 = checkpoint(5);
            assertCosigned(submit(0, List.of(), c5), c5);
            Note c10 = checkpoint(10);
            assertCosigned(submit(5, proof(5, 10), c10), c10);
            assertCosigned(submit(10, List.of(), c10), c10);
            Note latest = witness.latest(ORIGIN).orElseThrow();
            assertThat(Checkpoint.parse(latest.text()).size()).isEqualTo(10);
            assertThat(latest.signatures()).extracting(NoteSignature::keyName).containsExactly(ORIGIN, "witness.example/w");
        }

        @Test
        @DisplayName("200: the empty tree with its root; 422 with another root")
        void emptyTree() {
            Note good = new Checkpoint(ORIGIN, 0, Merkle.emptyRoot()).sign(LOG);
            assertCosigned(submit(0, List.of(), good), good);
            Note bad = new Checkpoint(ORIGIN, 0, Merkle.leafHash(new byte[0])).sign(LOG);
            assertThat(submit(0, List.of(), bad).status()).isEqualTo(422);
        }

        @Test
        @DisplayName("409 with text/x.tlog.size body when the old size is not the latest cosigned size")
        void conflict() {
            assertThat(submit(0, List.of(), checkpoint(10)).status()).isEqualTo(200);
            for (long old : new long[] {0, 7, 9}) {
                Witness.Response r = submit(old, proof(old, 12), checkpoint(12));
                assertThat(r.status()).isEqualTo(409);
                assertThat(r.contentType()).isEqualTo("text/x.tlog.size");
                assertThat(r.text()).isEqualTo("10\n");
            }
            Witness.Response never = witness.addCheckpoint(WitnessClient.requestBody(3, proof(3, 12), checkpoint(12)));
            assertThat(never.text()).isEqualTo("10\n");
        }

        @Test
        @DisplayName("409 reports 0 before anything was cosigned")
        void conflictFresh() {
            Witness.Response r = submit(4, proof(4, 8), checkpoint(8));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.text()).isEqualTo("0\n");
        }

        @Test
        @DisplayName("404 for an unknown origin")
        void unknownOrigin() {
            SignerKey other = SignerKey.generate(SignatureType.ED25519, "example.com/other");
            Note cp = new Checkpoint("example.com/other", 1, Merkle.leafHash(new byte[1])).sign(other);
            assertThat(submit(0, List.of(), cp).status()).isEqualTo(404);
        }

        @Test
        @DisplayName("403 without a signature by the log key, or with a bad one")
        void forbidden() {
            Note c3 = checkpoint(3);
            SignerKey impostor = SignerKey.generate(SignatureType.ED25519, ORIGIN); // same name, other key ID
            Note byImpostor = new Checkpoint(ORIGIN, 3, tree.root(3)).sign(impostor);
            assertThat(submit(0, List.of(), byImpostor).status()).isEqualTo(403);
            byte[] sig = c3.signatures().getFirst().signature();
            sig[0] ^= 1;
            Note badSig = Note.of(c3.text(), List.of(new NoteSignature(ORIGIN, LOG.keyId(), sig)));
            assertThat(submit(0, List.of(), badSig).status()).isEqualTo(403);
            // an invalid line by a known key poisons the note even next to a valid one
            Note mixed = c3.withSignatures(List.of(new NoteSignature(ORIGIN, LOG.keyId(), sig)));
            assertThat(submit(0, List.of(), mixed).status()).isEqualTo(403);
            assertThat(witness.latest(ORIGIN)).isEmpty();
        }

        @Test
        @DisplayName("400 for malformed requests and for old size above the checkpoint size")
        void badRequest() {
            Note c5 = checkpoint(5);
            String note = c5.toString();
            for (String body : List.of("", "garbage", "old 0\n", "old 0" + note, "old 05\n\n" + note, "old -1\n\n" + note,
                    "old  0\n\n" + note, "Old 0\n\n" + note, "old 0\nnot base64\n\n" + note, "old 0\n" + note,
                    "old 0\n\n" + c5.text(), "old 0\n\n" + note + "trailing\n", "old 0\r\n\n" + note,
                    "old 0\n" + Merkle.emptyRoot().base64() + "\n" + note)) {
                assertThat(submit(body).status()).as(body).isEqualTo(400);
            }
            String lines64 = (Merkle.emptyRoot().base64() + "\n").repeat(64);
            assertThat(submit("old 0\n" + lines64 + "\n" + note).status()).isEqualTo(400);
            assertThat(submit(6, List.of(), c5).status()).isEqualTo(400);
            byte[] tooBig = new byte[Witness.MAX_REQUEST + 1];
            assertThat(witness.addCheckpoint(tooBig).status()).isEqualTo(400);
            byte[] badUtf8 = ("old 0\n\n" + note).getBytes(StandardCharsets.UTF_8);
            badUtf8[10] = (byte) 0xFF;
            assertThat(witness.addCheckpoint(badUtf8).status()).isEqualTo(400);
        }

        @Test
        @DisplayName("422: a bad proof, a proof with old 0, the same size with another root")
        void unprocessable() {
            assertThat(submit(0, List.of(), checkpoint(8)).status()).isEqualTo(200);
            Note c13 = checkpoint(13);
            List<Hash> good = proof(8, 13);
            for (int k = 0; k < good.size(); k++) {
                List<Hash> bad = MerkleTest.flip(good, k, new java.util.Random(k));
                assertThat(submit(8, bad, c13).status()).as("flipped %d", k).isEqualTo(422);
            }
            assertThat(submit(8, good.subList(0, good.size() - 1), c13).status()).isEqualTo(422);
            assertThat(submit(8, List.of(), c13).status()).isEqualTo(422);
            // a fork: a tree of 13 leaves that does not extend the cosigned 8
            MemoryHashStore fork = new MemoryHashStore();
            for (int i = 0; i < 13; i++) {
                fork.append(("fork " + i).getBytes(StandardCharsets.UTF_8));
            }
            Note forked = new Checkpoint(ORIGIN, 13, fork.root()).sign(LOG);
            assertThat(submit(8, Merkle.consistencyProof(8, 13, fork), forked).status()).isEqualTo(422);
            // same size, different root
            Note other8 = new Checkpoint(ORIGIN, 8, fork.root(8)).sign(LOG);
            assertThat(submit(8, List.of(), other8).status()).isEqualTo(422);
            assertThat(Checkpoint.parse(witness.latest(ORIGIN).orElseThrow().text()).size()).isEqualTo(8);

            witness.close();
            Path fresh = dir.resolve("fresh");
            witness = Witness.open(fresh, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey())), clock);
            assertThat(submit(0, proof(8, 13), c13).status()).isEqualTo(422); // proof with old 0
        }
    }

    @Nested
    @DisplayName("state")
    class State {
        @Test
        @DisplayName("a restart keeps the latest cosigned checkpoint")
        void restart() throws IOException {
            assertThat(submit(0, List.of(), checkpoint(10)).status()).isEqualTo(200);
            witness.close();
            witness = Witness.open(dir, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey())), clock);
            Witness.Response r = submit(0, List.of(), checkpoint(12));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.text()).isEqualTo("10\n");
            Note c12 = checkpoint(12);
            assertCosigned(submit(10, proof(10, 12), c12), c12);
            Path file = dir.resolve(Witness.originHash(ORIGIN) + ".checkpoint");
            Note stored = Note.parse(Files.readAllBytes(file));
            assertThat(Checkpoint.parse(stored.text()).size()).isEqualTo(12);
            assertThat(stored.verify(List.of(WITNESS.verifierKey().verifier(), LOG.verifierKey().verifier())).verified()).hasSize(2);
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        Witness.originHash(ORIGIN) + ".checkpoint", "witness.lock");
            }
        }

        @Test
        @DisplayName("a second witness on the same directory is refused")
        void exclusive() {
            assertThatThrownBy(() -> Witness.open(dir, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey())), clock))
                    .isInstanceOf(OperationFailedException.class).hasMessageContaining("another witness");
        }

        @Test
        @DisplayName("a corrupt state file stops the witness instead of resetting it to size 0")
        void corrupt() throws IOException {
            assertThat(submit(0, List.of(), checkpoint(10)).status()).isEqualTo(200);
            witness.close();
            Files.writeString(dir.resolve(Witness.originHash(ORIGIN) + ".checkpoint"), "garbage");
            Files.writeString(dir.resolve("leftover.tmp"), "half-written");
            witness = Witness.open(dir, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey())), clock);
            assertThat(Files.exists(dir.resolve("leftover.tmp"))).isFalse();
            assertThat(submit(0, List.of(), checkpoint(12)).status()).isEqualTo(500);
            assertThatThrownBy(() -> witness.latest(ORIGIN)).isInstanceOf(OperationFailedException.class)
                    .hasMessageContaining("corrupt");
        }

        @Test
        @DisplayName("configuration: cosigning keys only, no duplicate logs")
        void configuration() {
            Path d = dir.resolve("c");
            assertThatThrownBy(() -> Witness.open(d, List.of(LOG), List.of(Witness.Log.of(LOG.verifierKey())), clock))
                    .hasMessageContaining("not a cosignature key");
            assertThatThrownBy(() -> Witness.open(d, List.of(WITNESS), List.of(Witness.Log.of(LOG.verifierKey()), Witness.Log.of(LOG.verifierKey())), clock))
                    .hasMessageContaining("twice");
            String longOrigin = "x".repeat(256);
            SignerKey longLog = SignerKey.generate(SignatureType.ED25519, longOrigin);
            assertThatThrownBy(() -> Witness.open(d, List.of(WITNESS), List.of(Witness.Log.of(longLog.verifierKey())), clock))
                    .hasMessageContaining("255 bytes");
            assertThatThrownBy(() -> new Witness.Log("a\nb", List.of(LOG.verifierKey()))).hasMessageContaining("one non-empty line");
        }
    }

    @Nested
    @DisplayName("concurrency: the compare-and-update is atomic per origin")
    class Concurrency {
        /** Two forks that share the first {@code base} leaves. */
        final MemoryHashStore forkA = new MemoryHashStore();
        final MemoryHashStore forkB = new MemoryHashStore();
        final long base = 8;

        void grow(MemoryHashStore s, String tag, long n) {
            while (s.size() < n) {
                String leaf = s.size() < base ? "leaf " + s.size() : tag + " " + s.size();
                s.append(leaf.getBytes(StandardCharsets.UTF_8));
            }
        }

        Note cp(MemoryHashStore s, long n) {
            return new Checkpoint(ORIGIN, n, s.root(n)).sign(LOG);
        }

        @BeforeEach
        void setUp() {
            grow(forkA, "A", 40);
            grow(forkB, "B", 40);
            assertThat(forkA.root(base)).isEqualTo(forkB.root(base));
            assertThat(witness.addCheckpoint(WitnessClient.requestBody(0, List.of(), cp(forkA, base))).status()).isEqualTo(200);
        }

        @Test
        @DisplayName("many threads race two forks of the same size from the same old size: exactly one 200")
        void oneWinner() throws Exception {
            int threads = 16;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            Map<Integer, String> forkOf = new ConcurrentHashMap<>();
            try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    MemoryHashStore s = t % 2 == 0 ? forkA : forkB;
                    byte[] body = WitnessClient.requestBody(base, Merkle.consistencyProof(base, 20, s), cp(s, 20));
                    int id = t;
                    forkOf.put(id, t % 2 == 0 ? "A" : "B");
                    results.add(ex.submit(() -> {
                        start.await();
                        return witness.addCheckpoint(body).status();
                    }));
                }
                start.countDown();
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(Collections.frequency(statuses, 200)).isEqualTo(1);
            assertThat(Collections.frequency(statuses, 409)).isEqualTo(threads - 1);
            String winner = forkOf.get(statuses.indexOf(200));
            Hash stored = Checkpoint.parse(witness.latest(ORIGIN).orElseThrow().text()).root();
            assertThat(stored).isEqualTo((winner.equals("A") ? forkA : forkB).root(20));
        }

        @Test
        @DisplayName("threads that keep resubmitting their own fork (following 409s) never get the other fork cosigned")
        void forksNeverBothCosigned() throws Exception {
            int threads = 12;
            CountDownLatch start = new CountDownLatch(1);
            Map<String, AtomicInteger> cosigned = new ConcurrentHashMap<>(Map.of("A", new AtomicInteger(), "B", new AtomicInteger()));
            Map<String, Long> largest = new ConcurrentHashMap<>();
            AtomicInteger refused = new AtomicInteger();
            try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String tag = t % 2 == 0 ? "A" : "B";
                    MemoryHashStore s = tag.equals("A") ? forkA : forkB;
                    long first = base + 1 + t;
                    fs.add(ex.submit(() -> {
                        start.await();
                        long old = base;
                        long target = first;
                        for (int attempt = 0; attempt < 8 && target <= 40; attempt++) {
                            List<Hash> p = old == 0 ? List.of() : Merkle.consistencyProof(old, target, s);
                            Witness.Response r = witness.addCheckpoint(WitnessClient.requestBody(old, p, cp(s, target)));
                            switch (r.status()) {
                                case 200 -> {
                                    cosigned.get(tag).incrementAndGet();
                                    largest.merge(tag, target, Math::max);
                                    old = target;
                                    target += 2;
                                }
                                case 409 -> {
                                    old = Long.parseLong(r.text().strip());
                                    target = Math.max(target, old + 1);
                                }
                                case 422 -> refused.incrementAndGet();
                                default -> throw new AssertionError(r.status() + " " + r.text());
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            int a = cosigned.get("A").get();
            int b = cosigned.get("B").get();
            assertThat(a + b).isPositive();
            assertThat(a == 0 || b == 0).as("cosigned A %d times and B %d times", a, b).isTrue();
            assertThat(refused.get()).as("the losing fork was refused with 422").isPositive();
            String winner = a > 0 ? "A" : "B";
            Checkpoint latest = Checkpoint.parse(witness.latest(ORIGIN).orElseThrow().text());
            assertThat(latest.size()).isEqualTo(largest.get(winner));
            assertThat(latest.root()).isEqualTo((winner.equals("A") ? forkA : forkB).root(latest.size()));
        }
    }

    @Nested
    @DisplayName("interoperability vectors")
    class Interop {
        @Test
        @DisplayName("torchwood litewitness's ML-DSA-44 request is cosigned")
        void torchwood() {
            Map<String, String> tw = TestVectors.fields("torchwood-mldsa.txt");
            VerifierKey logKey = VerifierKey.parse(tw.get("log-vkey"));
            witness.close();
            witness = Witness.open(dir.resolve("tw"), List.of(WITNESS), List.of(Witness.Log.of(logKey)), clock);
            Witness.Response r = submit(tw.get("request"));
            String req = tw.get("request");
            assertCosigned(r, Note.parse(req.substring(req.indexOf("\n\n") + 2)));
        }

        @Test
        @DisplayName("the spec's example request parses: old 20852014, four proof lines, the checkpoint")
        void specRequest() {
            String body = TestVectors.fields("c2sp.txt").get("witness-request");
            Witness.Request req = Witness.Request.parse(body.getBytes(StandardCharsets.UTF_8));
            assertThat(req.oldSize()).isEqualTo(20852014);
            assertThat(req.proof()).hasSize(4);
            assertThat(req.checkpoint().origin()).isEqualTo("example.com/behind-the-sofa");
            assertThat(req.checkpoint().size()).isEqualTo(20852163);
            assertThat(req.note().signatures()).hasSize(2);
            assertThat(submit(body).status()).isEqualTo(404); // we do not follow that log
            String response = TestVectors.fields("c2sp.txt").get("witness-response");
            assertThat(response.lines().map(NoteSignature::parseLine).toList()).hasSize(3);
        }
    }

    @Nested
    @DisplayName("over HTTP")
    class OverHttp {
        WitnessHttpServer server;

        @BeforeEach
        void start() {
            server = WitnessHttpServer.start(witness, new InetSocketAddress("127.0.0.1", 0), "/w/");
        }

        @AfterEach
        void stop() {
            server.close();
        }

        @Test
        @DisplayName("WitnessClient: cosigned, conflict, unknown log, refusals; monitoring GET")
        void client() throws Exception {
            WitnessClient client = new WitnessClient(server.url(), List.of(WITNESS.verifierKey()));
            Note c5 = checkpoint(5);
            WitnessClient.Result r = client.addCheckpoint(0, List.of(), c5);
            assertThat(r).isInstanceOf(WitnessClient.Cosigned.class);
            WitnessClient.Cosigned ok = (WitnessClient.Cosigned) r;
            assertThat(ok.cosignatures()).hasSize(1);
            assertThat(ok.cosignedCheckpoint().verify(List.of(WITNESS.verifierKey().verifier(), LOG.verifierKey().verifier())).verified())
                    .hasSize(2);

            assertThat(client.addCheckpoint(0, List.of(), checkpoint(9))).isEqualTo(new WitnessClient.Conflict(5));
            assertThat(client.addCheckpoint(5, proof(5, 9), checkpoint(9))).isInstanceOf(WitnessClient.Cosigned.class);

            SignerKey other = SignerKey.generate(SignatureType.ED25519, "example.com/other");
            Note unknown = new Checkpoint("example.com/other", 1, Merkle.leafHash(new byte[1])).sign(other);
            assertThatThrownBy(() -> client.addCheckpoint(0, List.of(), unknown)).isInstanceOf(NotFoundException.class);
            assertThat(client.addCheckpoint(9, MerkleTest.flip(proof(9, 12), 0, new java.util.Random(1)), checkpoint(12)))
                    .as("a bad proof is 422, returned as Inconsistent").isInstanceOf(WitnessClient.Inconsistent.class);

            // a client pinned to another witness key finds no valid cosignature
            SignerKey otherWitness = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "witness.example/other");
            WitnessClient wrongKey = new WitnessClient(server.url(), List.of(otherWitness.verifierKey()));
            assertThatThrownBy(() -> wrongKey.addCheckpoint(9, List.of(), checkpoint(9))).isInstanceOf(SignatureInvalidException.class);

            // monitoring retrieval: GET <prefix>/<hex sha256(origin)>/checkpoint
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/" + Witness.originHash(ORIGIN) + "/checkpoint")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            Note monitored = Note.parse(got.body());
            assertThat(Checkpoint.parse(monitored.text()).size()).isEqualTo(9);
            assertThat(monitored.verify(List.of(WITNESS.verifierKey().verifier(), LOG.verifierKey().verifier())).verified()).hasSize(2);
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/" + "0".repeat(64) + "/checkpoint")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(404);
        }

        @Test
        @DisplayName("raw HTTP: 409 content type and body, 405 for GET add-checkpoint, 404 elsewhere")
        void raw() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            assertThat(witness.addCheckpoint(WitnessClient.requestBody(0, List.of(), checkpoint(4))).status()).isEqualTo(200);
            HttpResponse<String> conflict = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/add-checkpoint"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(WitnessClient.requestBody(0, List.of(), checkpoint(6)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(conflict.statusCode()).isEqualTo(409);
            assertThat(conflict.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
            assertThat(conflict.body()).isEqualTo("4\n");
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/add-checkpoint")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/nothing")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(elsewhere.statusCode()).isEqualTo(404);
            URI root = URI.create("http://127.0.0.1:" + server.address().getPort() + "/add-checkpoint");
            assertThat(http.send(HttpRequest.newBuilder(root).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        }
    }
}
