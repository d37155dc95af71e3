package dev.strongroom.server;

import dev.strongroom.storage.MetadataStore;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.EntryBundle;
import dev.strongroom.translog.Merkle;
import dev.strongroom.translog.MemoryHashStore;
import dev.strongroom.translog.SignerKey;
import dev.strongroom.translog.Tile;
import dev.strongroom.translog.Tiles;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server's view of its transparency log (DESIGN.md §4, docs/transparency-log.md): the leaves
 * live in the metadata store, appended in the same transactions as the chain entries and commits
 * they record (so sequencing is serialized by the database, across instances); this class keeps
 * their Merkle hashes in memory, catching up from the store on every read, and serves the log
 * as C2SP tlog-tiles: a checkpoint signed with the log's Ed25519 note key, hash tiles and
 * entry bundles. Tiles are immutable: a full tile never changes, a partial one is a prefix of it.
 */
final class TransparencyLog {
    private final MetadataStore meta;
    private final SignerKey key;
    private final MemoryHashStore hashes = new MemoryHashStore();
    private long size;
    private long signedSize = -1;
    private byte[] signed;

    TransparencyLog(MetadataStore meta, SignerKey key) {
        this.meta = meta;
        this.key = key;
    }

    String origin() {
        return key.name();
    }

    String verifierKey() {
        return key.verifierKey().encode();
    }

    /** Reads leaves appended since the last look (by this or another instance); returns the size. */
    synchronized long sync() {
        long now = meta.logSize();
        while (size < now) {
            long to = Math.min(now, size + 1024);
            List<byte[]> leaves = meta.logLeaves(size, to);
            if (leaves.size() != to - size) {
                throw new IllegalStateException("the metadata store returned a short run of log leaves");
            }
            for (byte[] leaf : leaves) {
                hashes.appendLeafHash(Merkle.leafHash(leaf));
                size++;
            }
        }
        return size;
    }

    /** The signed checkpoint of the current tree (a C2SP signed note). */
    synchronized byte[] checkpoint() {
        long s = sync();
        if (s != signedSize) {
            Checkpoint c = new Checkpoint(origin(), s, hashes.root(s));
            signed = c.sign(key).encode();
            signedSize = s;
        }
        return signed.clone();
    }

    /** A hash tile or entry bundle, if the tree is large enough to have it. */
    synchronized byte[] tile(String path) {
        Tile t;
        try {
            t = Tile.parse(path);
        } catch (RuntimeException e) {
            throw ApiException.notFound("no such tile");
        }
        long s = sync();
        long end;
        try {
            end = t.endLeaf();
        } catch (ArithmeticException e) {
            throw ApiException.notFound("no log can have that tile (it spans more than 2^63 leaves)");
        }
        if (end > s) {
            throw ApiException.notFound("the log has no such tile yet");
        }
        if (t.entries()) {
            return EntryBundle.encode(meta.logLeaves(t.startLeaf(), t.endLeaf()));
        }
        return Tiles.content(t, hashes);
    }
}
