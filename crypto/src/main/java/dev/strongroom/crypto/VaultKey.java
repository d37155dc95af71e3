package dev.strongroom.crypto;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.Chunker;
import dev.strongroom.format.ChunkerParams;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A vault's key for one key epoch. Two secrets: the epoch secret, fresh every epoch, from
 * which the content and metadata keys derive; and the identity secret, kept across epochs
 * (until a full rekey), from which the chunk-id MAC key {@code K_id} and the chunker key
 * derive, so removing a device does not force a re-upload (DESIGN.md §2).
 *
 * <pre>
 * content  = HKDF(epoch_secret, "content")     metadata = HKDF(epoch_secret, "metadata")
 * K_id     = HKDF(identity_secret, "chunk-id") chunker  = HKDF(identity_secret, "chunker")
 * object_id = HMAC-SHA256(K_id, u8 type || plaintext)
 * </pre>
 */
public final class VaultKey implements AutoCloseable {
    private static final String WRAP_LABEL = "strongroom/vault-key";
    private final VaultId vault;
    private final long epoch;
    private final long createdArkEpoch;
    private final SymmetricKey epochSecret;
    private final SymmetricKey identitySecret;
    private final SymmetricKey content;
    private final SymmetricKey metadata;
    private final SecretKeySpec idKey;
    private final Chunker chunker;

    private VaultKey(VaultId vault, long epoch, long createdArkEpoch, SymmetricKey epochSecret,
                     SymmetricKey identitySecret, ChunkerParams params) {
        this.vault = vault;
        this.epoch = epoch;
        this.createdArkEpoch = createdArkEpoch;
        this.epochSecret = epochSecret;
        this.identitySecret = identitySecret;
        this.content = epochSecret.derive("content");
        this.metadata = epochSecret.derive("metadata");
        try (SymmetricKey kid = identitySecret.derive("chunk-id");
             SymmetricKey ck = identitySecret.derive("chunker")) {
            this.idKey = new SecretKeySpec(kid.bytes(), "HmacSHA256");
            this.chunker = Chunker.keyed(ck.bytes(), params);
        }
    }

    /** A new vault's first key (epoch 1), created under root-key epoch 1. */
    public static VaultKey generate(VaultId vault) {
        return generate(vault, 1);
    }

    /** A new vault's first key (epoch 1), created while the account's root key is at {@code arkEpoch}. */
    public static VaultKey generate(VaultId vault, long arkEpoch) {
        return new VaultKey(vault, 1, arkEpoch, SymmetricKey.random(), SymmetricKey.random(), ChunkerParams.DEFAULT);
    }

    /** The next epoch, created under the same root-key epoch as this one. */
    public VaultKey nextEpoch() {
        return nextEpoch(createdArkEpoch);
    }

    /** The next epoch: a fresh epoch secret, the same identity secret, created under {@code arkEpoch}. */
    public VaultKey nextEpoch(long arkEpoch) {
        return new VaultKey(vault, epoch + 1, arkEpoch, SymmetricKey.random(),
                SymmetricKey.fromUnwrapped(identitySecret.bytes()), chunker.params());
    }

    /**
     * The root-key epoch this key epoch was created under. It travels inside every wrap (re-wraps
     * keep it), so a writer can tell a key created before the latest device removal — which the
     * removed device may know — from one created after.
     */
    public long createdArkEpoch() {
        return createdArkEpoch;
    }

    public VaultId vault() {
        return vault;
    }

    public long epoch() {
        return epoch;
    }

    public Chunker chunker() {
        return chunker;
    }

    /** The key that seals this vault's trees, pack headers, commits and vault metadata. */
    public SymmetricKey metadataKey() {
        return metadata;
    }

    private SymmetricKey keyFor(ObjectType type) {
        return type == ObjectType.DATA ? content : metadata;
    }

    public ObjectId objectId(ObjectType type, byte[] plaintext) {
        return objectId(type, plaintext, 0, plaintext.length);
    }

    public ObjectId objectId(ObjectType type, byte[] plaintext, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(idKey);
            mac.update((byte) type.code());
            mac.update(plaintext, off, len);
            return new ObjectId(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Computes the id, compresses when it helps, seals, and then checks what it produced:
     * opens the box again and re-derives the id before anything is uploaded.
     */
    public SealedBlob seal(ObjectType type, byte[] plaintext, int compressionLevel) {
        ObjectId id = objectId(type, plaintext);
        return seal(type, id, plaintext, compressionLevel);
    }

    /** As {@link #seal(ObjectType, byte[], int)} when the caller already computed the id. */
    public SealedBlob seal(ObjectType type, ObjectId id, byte[] plaintext, int compressionLevel) {
        Compression.Result c = Compression.compress(plaintext, compressionLevel);
        byte[] box = keyFor(type).seal(c.data(), context(type, id, c.method()));
        try {
            // opens the box, decompresses within the stated length and re-derives the id: a memory or
            // CPU fault anywhere in the pipeline is caught here, not at restore (about 7% of the CPU)
            open(type, id, c.method(), plaintext.length, box, 0, box.length);
        } catch (dev.strongroom.format.SecurityFailureException e) {
            throw new IntegrityException("a sealed object did not verify before upload (memory or CPU fault?): "
                    + e.getMessage(), e);
        }
        return new SealedBlob(type, id, c.method(), plaintext.length, box);
    }

    private SealContext.Blob context(ObjectType type, ObjectId id, int compression) {
        return new SealContext.Blob(Suite.CURRENT, vault, epoch, type, id, compression);
    }

    /**
     * Opens a sealed object and verifies it: the box must open in the context of this vault,
     * epoch, type, id and compression; the plaintext must decompress to exactly
     * {@code plainLength} bytes; its recomputed id must equal {@code id}.
     */
    public byte[] open(ObjectType type, ObjectId id, int compression, int plainLength, byte[] buf, int off, int len) {
        byte[] stored = keyFor(type).open(buf, off, len, context(type, id, compression));
        byte[] plain = Compression.decompress(compression, stored, plainLength);
        if (!objectId(type, plain).equals(id)) {
            throw new IntegrityException("object " + id.hex().substring(0, 16) + " does not match its id");
        }
        return plain;
    }

    /** Seals this key under the account root key for {@code account}. */
    public byte[] wrap(AccountId account, AccountRootKey ark) {
        byte[] plain = Encoder.labelled(WRAP_LABEL, 1).u8(Suite.CURRENT.id()).id(vault).u32(epoch).u32(createdArkEpoch)
                .raw(epochSecret.bytes()).raw(identitySecret.bytes()).toBytes();
        return ark.key().seal(plain, new SealContext.VaultKeyWrap(Suite.CURRENT, account, vault, epoch, ark.epoch()));
    }

    /** Opens a wrap made by {@link #wrap}; it must be for this account, vault, epoch and root key epoch. */
    public static VaultKey unwrap(byte[] wrapped, AccountId account, VaultId vault, long epoch, AccountRootKey ark) {
        byte[] plain = ark.key().open(wrapped,
                new SealContext.VaultKeyWrap(Suite.CURRENT, account, vault, epoch, ark.epoch()));
        Decoder d = new Decoder(plain, "vault key");
        d.expectLabel(WRAP_LABEL, 1);
        Suite.read(d, Suite.CURRENT);
        VaultId v = new VaultId(d.raw(16));
        long e = d.u32();
        long created = d.u32();
        SymmetricKey es = SymmetricKey.fromUnwrapped(d.raw(32));
        SymmetricKey is = SymmetricKey.fromUnwrapped(d.raw(32));
        d.end();
        if (!v.equals(vault) || e != epoch) {
            throw new IntegrityException("vault key wrap names another vault or epoch");
        }
        if (created < 1) {
            throw new IntegrityException("vault key wrap names no root-key epoch");
        }
        // honest writers wrap a key only under root-key epochs at or after the one it was created
        // under (rotations re-wrap old keys forward, never new keys back). A wrap under an older
        // root key claiming a newer creation is what a removed device, which still holds the old
        // root key, would forge to get writers onto a key it knows.
        if (created > ark.epoch()) {
            throw new IntegrityException("vault key epoch " + epoch + " claims creation under root-key epoch " + created
                    + " but is wrapped under the older root-key epoch " + ark.epoch() + " (forged by a holder of the old root key?)");
        }
        return new VaultKey(vault, epoch, created, es, is, ChunkerParams.DEFAULT);
    }

    @Override
    public void close() {
        epochSecret.destroy();
        identitySecret.destroy();
        content.destroy();
        metadata.destroy();
    }

    @Override
    public String toString() {
        return "VaultKey[" + vault.hex() + " epoch " + epoch + "]";
    }
}
