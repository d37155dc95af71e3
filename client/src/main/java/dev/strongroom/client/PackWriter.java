package dev.strongroom.client;

import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Digest;
import dev.strongroom.format.PackHeader;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.Suite;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one pack (docs/format.md, "Packs"): prefix, sealed blobs, random padding to the
 * Padmé size, the sealed header (which carries the SHA-256 of everything before it) and the
 * trailer. Not thread-safe; {@link Packer} serializes access.
 */
final class PackWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VaultKey key;
    private final PackId id;
    private final List<SealedBlob> blobs = new ArrayList<>();
    private final List<PackHeader.Entry> entries = new ArrayList<>();
    private long size = PackLayout.PREFIX_LENGTH;

    PackWriter(VaultKey key) {
        this.key = key;
        byte[] b = new byte[PackId.LENGTH];
        RANDOM.nextBytes(b);
        this.id = new PackId(b);
    }

    PackId id() {
        return id;
    }

    /** Bytes of blobs so far (plus the prefix). */
    long size() {
        return size;
    }

    boolean isEmpty() {
        return blobs.isEmpty();
    }

    /** Adds a blob; returns its entry (offset within this pack). */
    PackHeader.Entry add(SealedBlob blob) {
        PackHeader.Entry e = new PackHeader.Entry(blob.type(), blob.id(), blob.compression(), size,
                blob.sealedLength(), blob.plainLength());
        blobs.add(blob);
        entries.add(e);
        size += blob.sealedLength();
        return e;
    }

    /** A finished pack: its bytes (as parts, never copied into one array) and its header entries. */
    record Finished(PackId id, long keyEpoch, Remote.PackBody body, List<PackHeader.Entry> entries) {
    }

    Finished finish() {
        Suite suite = Suite.CURRENT;
        int fixed = PackHeader.fixedLength(entries.size());
        // sealed header = fixed + pad + box overhead, rounded up to the header quantum
        int overhead = dev.strongroom.crypto.SymmetricKey.OVERHEAD;
        int sealedHeader = roundUp(fixed + overhead, PackLayout.HEADER_QUANTUM);
        int headerPad = sealedHeader - fixed - overhead;
        long unpadded = size + sealedHeader + PackLayout.TRAILER_LENGTH;
        long total = PackLayout.padme(unpadded);
        int padding = (int) (total - unpadded);
        if (total > PackLayout.MAX_PACK_SIZE) {
            throw new IllegalStateException("pack too large");
        }
        List<byte[]> parts = new ArrayList<>(blobs.size() + 4);
        MessageDigest md = dev.strongroom.format.Sha256.newDigest();
        byte[] prefix = PackLayout.prefix(suite);
        parts.add(prefix);
        md.update(prefix);
        for (SealedBlob b : blobs) {
            parts.add(b.box());
            md.update(b.box());
        }
        byte[] pad = new byte[padding];
        RANDOM.nextBytes(pad);
        parts.add(pad);
        md.update(pad);
        Digest bodyHash = new Digest(md.digest());
        PackHeader header = new PackHeader(suite, key.vault(), key.epoch(), id, bodyHash, entries);
        byte[] box = key.metadataKey().seal(header.encode(headerPad),
                new SealContext.PackHeader(suite, key.vault(), key.epoch(), id));
        if (box.length != sealedHeader) {
            throw new IllegalStateException("header size mismatch");
        }
        parts.add(box);
        parts.add(PackLayout.trailer(key.epoch(), box.length));
        Remote.PackBody body = Remote.PackBody.of(parts);
        if (body.length() != total) {
            throw new IllegalStateException("pack layout mismatch");
        }
        blobs.clear();
        return new Finished(id, key.epoch(), body, List.copyOf(entries));
    }

    private static int roundUp(int v, int q) {
        return (v + q - 1) / q * q;
    }
}
