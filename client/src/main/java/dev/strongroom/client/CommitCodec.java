package dev.strongroom.client;

import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.VaultId;

/**
 * Seals and verifies commits (docs/format.md, "Commits"). A stored commit has three fields:
 * the signed header, the author's signature over it, and
 * <pre>
 * sealed := u32 key_epoch || box(u32 len || commit || zeros) in context Commit(account, vault, key_epoch, seq)
 * </pre>
 * where the zeros pad the box's plaintext to a multiple of {@link #PAD} bytes, so the commit
 * message's length is not visible. The header's {@code commit_hash} is SHA-256 over
 * {@code sealed}.
 */
final class CommitCodec {
    static final int PAD = 256;

    private CommitCodec() {
    }

    static byte[] pad(byte[] plain) {
        int total = (4 + plain.length + PAD - 1) / PAD * PAD;
        return new Encoder(total).bytes32(plain).raw(new byte[total - 4 - plain.length]).toBytes();
    }

    static byte[] unpad(byte[] padded, String what) {
        Decoder d = new Decoder(padded, what);
        byte[] plain = d.bytes32(padded.length);
        for (byte b : d.raw(d.remaining())) {
            if (b != 0) {
                throw new dev.strongroom.format.MalformedDataException(what + " padding is not zero");
            }
        }
        return plain;
    }

    /** A commit that passed every check. */
    record Verified(CommitHeader header, Commit commit, Digest hash) {
    }

    static Remote.StoredCommit seal(Commit commit, VaultKey key, IdentityKeys author) {
        byte[] box = key.metadataKey().seal(pad(commit.encode()),
                new SealContext.Commit(commit.suite(), commit.account(), commit.vault(), key.epoch(), commit.seq()));
        byte[] sealed = new Encoder(box.length + 4).u32(key.epoch()).raw(box).toBytes();
        CommitHeader h = new CommitHeader(commit.suite(), commit.account(), commit.vault(), commit.seq(),
                commit.parent(), Commit.hashOfSealed(sealed), commit.author());
        byte[] header = h.encode();
        HybridSignature sig = author.sign(SignatureDomain.COMMIT_HEADER, header);
        return new Remote.StoredCommit(header, sig.bytes(), sealed);
    }

    /**
     * Verifies a stored commit of {@code vault}: header for this account and vault, author a
     * trusted device of the verified chain, signature, hash of the sealed body, the body
     * opening under the vault's key, and the body agreeing with the header.
     */
    static Verified verify(Remote.StoredCommit stored, VaultId vault, DeviceChain chain, VaultKeys keys) {
        CommitHeader h = CommitHeader.decode(stored.header(), chain.minSuite());
        if (!h.vault().equals(vault) || !h.account().equals(chain.account())) {
            throw new IntegrityException("commit " + h.seq() + " belongs to another vault or account");
        }
        PublicIdentity author = chain.trustedDevice(h.author());
        h.verify(author.signing(), new HybridSignature(stored.signature()));
        Digest hash = Commit.hashOfSealed(stored.sealed());
        if (!hash.equals(h.commitHash())) {
            throw new IntegrityException("commit " + h.seq() + " does not match the hash its signed header names");
        }
        return open(stored, h, hash, vault, chain, keys);
    }

    /**
     * Verifies a stored commit whose hash is already trusted: the hash of a verified head, or the
     * parent named inside a commit verified this way. The sealed body must hash to
     * {@code expected}; its AEAD and its agreement with the header are checked as in
     * {@link #verify}. No signature check is needed: the hash chain carries the head's.
     */
    static Verified verifyLinked(Remote.StoredCommit stored, Digest expected, VaultId vault, DeviceChain chain,
                                 VaultKeys keys) {
        Digest hash = Commit.hashOfSealed(stored.sealed());
        CommitHeader h = CommitHeader.decode(stored.header(), chain.minSuite());
        if (!hash.equals(expected) || !h.commitHash().equals(expected)) {
            throw new IntegrityException("commit " + h.seq() + " is not the one the verified history names (forked history)");
        }
        if (!h.vault().equals(vault) || !h.account().equals(chain.account())) {
            throw new IntegrityException("commit " + h.seq() + " belongs to another vault or account");
        }
        return open(stored, h, hash, vault, chain, keys);
    }

    private static Verified open(Remote.StoredCommit stored, CommitHeader h, Digest hash, VaultId vault,
                                 DeviceChain chain, VaultKeys keys) {
        Decoder d = new Decoder(stored.sealed(), "sealed commit");
        long epoch = d.u32();
        byte[] box = d.raw(d.remaining());
        VaultKey key = keys.epoch(epoch);
        byte[] plain = key.metadataKey().open(box,
                new SealContext.Commit(h.suite(), h.account(), vault, epoch, h.seq()));
        Commit c = Commit.decode(unpad(plain, "commit"), chain.minSuite());
        if (!h.describes(c) || c.keyEpoch() != epoch) {
            throw new IntegrityException("commit " + h.seq() + " body disagrees with its signed header");
        }
        return new Verified(h, c, hash);
    }
}
