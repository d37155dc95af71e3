package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("TileReader: proofs and entries from tiles a client does not trust")
class TileReaderTest {
    static final int SIZE = 70_000 + 300;
    static MemoryHashStore store;
    static List<byte[]> entries;

    @BeforeAll
    static void build() {
        store = new MemoryHashStore();
        entries = new ArrayList<>();
        Random r = new Random(13);
        for (int i = 0; i < SIZE; i++) {
            byte[] e = new byte[1 + r.nextInt(30)];
            r.nextBytes(e);
            entries.add(e);
            store.append(e);
        }
    }

    /** A log that published checkpoints at the given sizes and serves every tile of them. */
    static final class Server implements TileFetcher {
        final Map<String, byte[]> files = new HashMap<>();
        final AtomicInteger fetches = new AtomicInteger();

        Server(long... sizes) {
            long prev = 0;
            for (long s : sizes) {
                for (Tile t : Tiles.newTiles(prev, s)) {
                    files.put(t.path(), Tiles.content(t, store));
                    if (t.level() == 0) {
                        Tile b = t.bundle();
                        int first = (int) (b.index() * 256);
                        files.put(b.path(), EntryBundle.encode(entries.subList(first, first + b.width())));
                    }
                }
                prev = s;
            }
        }

        @Override
        public byte[] fetch(Tile tile) {
            fetches.incrementAndGet();
            byte[] b = files.get(tile.path());
            if (b == null) {
                throw new NotFoundException("no " + tile.path());
            }
            return b.clone();
        }

        Server tamper(String path, UnaryOperator<byte[]> f) {
            files.put(path, f.apply(files.get(path)));
            return this;
        }

        Server delete(String path) {
            files.remove(path);
            return this;
        }
    }

    static byte[] flipByte(byte[] b, int i) {
        byte[] c = b.clone();
        c[i] ^= 1;
        return c;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 70_000, SIZE})
    @DisplayName("inclusion and consistency proofs equal those computed from the stored hashes")
    void proofsMatch(long size) {
        Server server = new Server(size);
        TileReader reader = new TileReader(server, size, store.root(size));
        reader.verifyRoot();
        Random r = new Random(size);
        for (int k = 0; k < 60; k++) {
            long i = r.nextLong(size);
            List<Hash> proof = reader.inclusionProof(i);
            assertThat(proof).isEqualTo(Merkle.inclusionProof(i, size, store));
            Merkle.verifyInclusion(i, size, Merkle.leafHash(entries.get((int) i)), proof, reader.root());
            long m = 1 + r.nextLong(size);
            assertThat(reader.consistencyProof(m)).isEqualTo(Merkle.consistencyProof(m, size, store));
        }
        assertThat(reader.leafHash(size - 1)).isEqualTo(Merkle.leafHash(entries.get((int) size - 1)));
        assertThat(reader.consistencyProof(0)).isEmpty();
        assertThat(reader.consistencyProof(size)).isEmpty();
        assertThatThrownBy(() -> reader.consistencyProof(size + 1)).isInstanceOf(dev.strongroom.format.RollbackException.class);
    }

    @Test
    @DisplayName("entries come back verified, across bundle boundaries and the partial bundle")
    void entriesVerified() {
        Server server = new Server(SIZE);
        TileReader reader = new TileReader(server, SIZE, store.root());
        List<byte[]> got = reader.entries(65_000, SIZE);
        assertThat(got).hasSize(SIZE - 65_000);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(entries.get(65_000 + i));
        }
        assertThat(reader.entries(5, 5)).isEmpty();
        assertThatThrownBy(() -> reader.entries(0, SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the empty tree needs no tiles but the right root")
    void emptyTree() {
        Server server = new Server();
        new TileReader(server, 0, Merkle.emptyRoot()).verifyRoot();
        assertThat(server.fetches.get()).isZero();
        assertThatThrownBy(() -> new TileReader(server, 0, store.root(1)).verifyRoot()).isInstanceOf(IntegrityException.class);
    }

    @Test
    @DisplayName("an old checkpoint is read from the full tiles when its partial tiles are gone")
    void partialFallback() {
        long old = 70_000;
        Server server = new Server(old, SIZE).delete(Tile.hashes(0, 273, 112).path());
        // size 70,300: level-0 tile 273 is now full (width 256), the old partial one deleted.
        TileReader reader = new TileReader(server, old, store.root(old));
        reader.verifyRoot();
        assertThat(reader.inclusionProof(69_999)).isEqualTo(Merkle.inclusionProof(69_999, old, store));
    }

    @Nested
    @DisplayName("a log that serves data inconsistent with its checkpoint is caught")
    class Tampering {
        @Test
        void wrongRoot() {
            assertThatThrownBy(() -> new TileReader(new Server(SIZE), SIZE, store.root(SIZE - 1)).verifyRoot())
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("do not match the checkpoint");
        }

        @Test
        void tamperedPartialTile() {
            for (String path : List.of("tile/0/274.p/156", "tile/1/001.p/18", "tile/2/000.p/1")) {
                Server s = new Server(SIZE).tamper(path, b -> flipByte(b, b.length - 1));
                assertThatThrownBy(() -> new TileReader(s, SIZE, store.root()).verifyRoot()).as(path)
                        .isInstanceOf(IntegrityException.class);
            }
        }

        @Test
        void tamperedFullTiles() {
            for (String path : List.of("tile/0/005", "tile/0/273", "tile/1/000")) {
                Server s = new Server(SIZE).tamper(path, b -> flipByte(b, 100));
                TileReader reader = new TileReader(s, SIZE, store.root());
                reader.verifyRoot(); // the partial tiles are fine
                long leaf = path.equals("tile/0/005") ? 5 * 256 + 3 : path.equals("tile/0/273") ? 273 * 256 : 1000;
                assertThatThrownBy(() -> reader.inclusionProof(leaf)).as(path).isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("does not match");
            }
        }

        @Test
        void wrongLengthTile() {
            Server s = new Server(SIZE).tamper("tile/0/005", b -> java.util.Arrays.copyOf(b, b.length - 32));
            TileReader reader = new TileReader(s, SIZE, store.root());
            assertThatThrownBy(() -> reader.leafHash(5 * 256)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        void tamperedBundle() {
            Server s = new Server(SIZE).tamper("tile/entries/010", b -> flipByte(b, b.length - 1));
            TileReader reader = new TileReader(s, SIZE, store.root());
            assertThat(reader.entries(0, 2560)).hasSize(2560);
            assertThatThrownBy(() -> reader.entries(2560, 2561)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("tile/entries/010");
        }

        @Test
        void swappedBundles() {
            Server s = new Server(SIZE);
            byte[] b3 = s.files.get("tile/entries/003");
            s.tamper("tile/entries/003", b -> s.files.get("tile/entries/004")).tamper("tile/entries/004", b -> b3);
            TileReader reader = new TileReader(s, SIZE, store.root());
            assertThatThrownBy(() -> reader.entries(3 * 256, 3 * 256 + 1)).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    @DisplayName("over HTTP: HttpTileFetcher reads a checkpoint and tiles, gzip or not, and falls back on 404")
    void overHttp() throws Exception {
        long old = 70_000;
        Server files = new Server(old, SIZE).delete(Tile.hashes(0, 273, 112).path());
        SignerKey logKey = SignerKey.generate(SignatureType.ED25519, "example.com/log");
        byte[] checkpoint = new Checkpoint("example.com/log", SIZE, store.root()).sign(logKey).encode();
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger gzipped = new AtomicInteger();
        http.createContext("/log/", ex -> {
            String path = ex.getRequestURI().getPath().substring("/log/".length());
            byte[] body = path.equals("checkpoint") ? checkpoint : files.files.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            boolean gzip = path.startsWith("tile/entries/")
                    && ex.getRequestHeaders().getFirst("Accept-Encoding").contains("gzip");
            if (gzip) {
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                try (var z = new java.util.zip.GZIPOutputStream(buf)) {
                    z.write(body);
                }
                body = buf.toByteArray();
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
                gzipped.incrementAndGet();
            }
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        try {
            HttpTileFetcher fetcher = new HttpTileFetcher(java.net.URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/log/"));
            VerifiedCheckpoint cp = CheckpointVerifier.logOnly("example.com/log", logKey.verifierKey()).verify(fetcher.checkpoint());
            TileReader reader = new TileReader(fetcher, cp.checkpoint());
            assertThat(reader.inclusionProof(12_345)).isEqualTo(Merkle.inclusionProof(12_345, SIZE, store));
            List<byte[]> got = reader.entries(69_990, 70_010);
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i)).isEqualTo(entries.get(69_990 + i));
            }
            assertThat(gzipped.get()).isPositive();
            TileReader oldReader = new TileReader(fetcher, old, store.root(old)); // its partial tile is gone: 404
            assertThat(oldReader.consistencyProof(1000)).isEqualTo(Merkle.consistencyProof(1000, old, store));
            assertThatThrownBy(() -> fetcher.fetch(Tile.hashes(5, 0, 1))).isInstanceOf(NotFoundException.class);
        } finally {
            http.stop(0);
        }
    }
}
