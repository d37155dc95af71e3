package dev.strongroom.client;

import dev.strongroom.crypto.Compression;
import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Commit;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackId;
import dev.strongroom.format.Suite;
import dev.strongroom.format.Tree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compromised device of the account can do: it holds the device keys and the vault
 * keys, so it can seal anything — trees that {@link Tree} would never encode, commits whose
 * root is not a tree — upload it in a well-formed pack and commit it as a new version, all
 * properly signed. Readers must still refuse to act on what such objects say.
 */
final class Forger implements AutoCloseable {
    private final Client client;
    private final VaultKeys keys;
    private final Vault vault;
    private PackWriter pack;

    Forger(Client client, Vault vault) {
        this.client = client;
        this.vault = vault;
        Remote.VaultListing l = client.remote().vaults().stream().filter(x -> x.vault().equals(vault.id()))
                .findFirst().orElseThrow();
        Map<Long, byte[]> records = new HashMap<>();
        l.keyRecords().forEach(r -> records.put(r.epoch(), r.record()));
        this.keys = VaultKeys.open(client.account(), vault.id(), records, client.chain().currentArkEpoch(), client::ark);
    }

    VaultKey key() {
        return keys.current();
    }

    /** Seals {@code plain} as an object of {@code type} into the open pack; returns its id. */
    ObjectId add(ObjectType type, byte[] plain) {
        if (pack == null) {
            pack = new PackWriter(key());
        }
        SealedBlob b = key().seal(type, plain, Compression.DEFAULT_LEVEL);
        pack.add(b);
        return b.id();
    }

    /** Finishes and uploads the open pack. */
    PackId upload() {
        PackWriter.Finished f = pack.finish();
        pack = null;
        client.remote().putPack(vault.id(), f.id(), f.body());
        return f.id();
    }

    /** Commits {@code root} as the next version on top of the current head, signed by this device. */
    Vault.Version commit(ObjectId root, String message, List<PackId> packs) {
        Remote.StoredCommit stored = seal(root, message);
        if (!client.remote().commit(vault.id(), stored, packs)) {
            throw new AssertionError("the forged commit lost a race");
        }
        return vault.version(java.util.Optional.empty());
    }

    /** A signed commit of {@code root} at the next sequence number (not sent). */
    Remote.StoredCommit seal(ObjectId root, String message) {
        var head = vault.head();
        long seq = head.map(h -> h.seq() + 1).orElse(1L);
        Digest parent = head.map(Vault.Version::hash).orElse(Commit.NO_PARENT);
        return sealAt(seq, parent, root, message);
    }

    Remote.StoredCommit sealAt(long seq, Digest parent, ObjectId root, String message) {
        Commit c = new Commit(Suite.CURRENT, client.account(), vault.id(), seq, parent, root, client.deviceId(),
                key().epoch(), client.chain().head(), System.currentTimeMillis(), message, 0, 0);
        return CommitCodec.seal(c, key(), client.device());
    }

    @Override
    public void close() {
        keys.close();
    }

    // ------------------------------------------------------------------ raw tree encodings

    /**
     * Builds a tree encoding entry by entry, in the given order, following the layout documented
     * on {@link Tree} but without any of its validation.
     */
    static final class RawTree {
        private final List<byte[]> entries = new ArrayList<>();

        RawTree file(String name, int mode, List<Tree.ChunkRef> chunks) {
            long size = chunks.stream().mapToLong(Tree.ChunkRef::length).sum();
            Encoder e = head(name, 1, mode).u64(size).u32(chunks.size());
            for (Tree.ChunkRef c : chunks) {
                e.id(c.id()).u32(c.length());
            }
            entries.add(e.toBytes());
            return this;
        }

        RawTree dir(String name, ObjectId tree) {
            entries.add(head(name, 2, 0755).id(tree).toBytes());
            return this;
        }

        RawTree link(String name, String target) {
            entries.add(head(name, 3, 0777).str16(target).toBytes());
            return this;
        }

        private static Encoder head(String name, int kind, int mode) {
            return new Encoder().bytes16(name.getBytes(StandardCharsets.UTF_8)).u8(kind).u32(mode)
                    .i64(1_600_000_000L).u32(0);
        }

        byte[] encode() {
            Encoder e = Encoder.labelled(Tree.LABEL, Tree.VERSION).u32(entries.size());
            entries.forEach(e::raw);
            return e.toBytes();
        }
    }
}
