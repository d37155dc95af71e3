package dev.strongroom.client;

import dev.strongroom.format.PackId;
import dev.strongroom.format.VaultId;
import dev.strongroom.server.StrongroomServer;
import dev.strongroom.server.TlsIdentity;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.SqliteMetadataStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real Strongroom server on a free loopback port, over SQLite and a pack folder in
 * {@code dataDir}, behind stores that behave until a test arms them ({@link #meta},
 * {@link #blobs}). {@link #plain} starts the server exactly as {@code strongroom server} does.
 */
final class TestServer implements AutoCloseable {
    final Path dataDir;
    final StrongroomServer server;
    /** Null for a {@link #plain} server. */
    final MeddlingMetadataStore meta;
    /** Null for a {@link #plain} server. */
    final MeddlingBlobStore blobs;

    private TestServer(Path dataDir, StrongroomServer server, MeddlingMetadataStore meta, MeddlingBlobStore blobs) {
        this.dataDir = dataDir;
        this.server = server;
        this.meta = meta;
        this.blobs = blobs;
    }

    /** The embedded default server ({@link StrongroomServer#start(Path, InetSocketAddress)}). */
    static TestServer plain(Path dataDir) throws Exception {
        return new TestServer(dataDir, StrongroomServer.start(dataDir, new InetSocketAddress("127.0.0.1", 0)), null,
                null);
    }

    /** A server whose stores can be told to misbehave. */
    static TestServer meddling(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        TlsIdentity tls = TlsIdentity.loadOrCreate(dataDir);
        MeddlingMetadataStore meta = new MeddlingMetadataStore(new SqliteMetadataStore(dataDir.resolve("meta.db")));
        MeddlingBlobStore blobs = new MeddlingBlobStore(new FileBlobStore(dataDir.resolve("packs")));
        StrongroomServer s = StrongroomServer.start(meta, blobs, tls, new InetSocketAddress("127.0.0.1", 0),
                Clock.systemUTC());
        return new TestServer(dataDir, s, meta, blobs);
    }

    /**
     * A meddling server whose metadata store is {@link MeddlingMetadataStore} wrapped once more by
     * {@code outer} (for hooks the shared harness does not have); {@link #meta} is the inner one.
     */
    static TestServer meddling(Path dataDir,
                               java.util.function.Function<MeddlingMetadataStore, dev.strongroom.storage.MetadataStore> outer)
            throws Exception {
        Files.createDirectories(dataDir);
        TlsIdentity tls = TlsIdentity.loadOrCreate(dataDir);
        MeddlingMetadataStore meta = new MeddlingMetadataStore(new SqliteMetadataStore(dataDir.resolve("meta.db")));
        MeddlingBlobStore blobs = new MeddlingBlobStore(new FileBlobStore(dataDir.resolve("packs")));
        StrongroomServer s = StrongroomServer.start(outer.apply(meta), blobs, tls, new InetSocketAddress("127.0.0.1", 0),
                Clock.systemUTC());
        return new TestServer(dataDir, s, meta, blobs);
    }

    URI url() {
        return server.url();
    }

    String fingerprint() {
        return server.tls().fingerprint();
    }

    /** Creates an account whose first device lives in {@code home}, and opens it. */
    Client newAccount(Path home) {
        Client.init(Home.at(home), url(), fingerprint(), "test device", Client.RemoteFactory.https());
        return Client.open(Home.at(home), Client.RemoteFactory.https());
    }

    static Client open(Path home) {
        return Client.open(Home.at(home), Client.RemoteFactory.https());
    }

    /** Deletes a device's locally cached root keys, so the next open reads its envelope from the server again. */
    static void forgetCachedRootKeys(Path home) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(Home.at(home).stateDir())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("ark-")).toList()) {
                java.nio.file.Files.delete(f);
            }
        }
    }

    /** The blob key of a pack, as the server names it. */
    static String packKey(VaultId vault, PackId pack) {
        return vault.hex() + "/" + pack.hex().substring(0, 2) + "/" + pack.hex();
    }

    /** The file in which the embedded server keeps a pack. */
    Path packFile(VaultId vault, PackId pack) {
        return dataDir.resolve("packs").resolve(packKey(vault, pack));
    }

    /** Bytes of all pack files the server holds for a vault. */
    long storedPackBytes(VaultId vault) throws IOException {
        return Trees.folderBytes(dataDir.resolve("packs").resolve(vault.hex()));
    }

    /** Flips one bit of a stored pack, in place, on the server's disk. */
    void flipBit(VaultId vault, PackId pack, long offset) throws IOException {
        Path f = packFile(vault, pack);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            if (ch.read(b, offset) != 1) {
                throw new IOException("offset " + offset + " beyond pack " + pack.hex());
            }
            b.put(0, (byte) (b.get(0) ^ 0x10));
            b.rewind();
            ch.write(b, offset);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
