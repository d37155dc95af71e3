package dev.strongroom.format;

/**
 * The public, signed part of a commit: what the server sees, checks for compare-and-swap and
 * (later) logs. The author's hybrid signature covers exactly {@link #encode()}.
 *
 * <pre>
 * label "strongroom/commit-header" v1 || u8 suite || account[32] || vault[16] || u64 seq ||
 * parent[32] || commit_hash[32] || author[32]
 * </pre>
 */
public record CommitHeader(Suite suite, AccountId account, VaultId vault, long seq, Digest parent, Digest commitHash,
                           DeviceId author) {
    public static final String LABEL = "strongroom/commit-header";
    public static final int VERSION = 1;
    public static final int ENCODED_LENGTH = 1 + LABEL.length() + 2 + 1 + 32 + 16 + 8 + 32 + 32 + 32;

    public CommitHeader {
        if (seq < 1) {
            throw new MalformedDataException("commit header seq must be at least 1");
        }
    }

    public byte[] encode() {
        return Encoder.labelled(LABEL, VERSION)
                .u8(suite.id()).id(account).id(vault).u64(seq).id(parent).id(commitHash).id(author)
                .toBytes();
    }

    public static CommitHeader decode(byte[] data, Suite minimum) {
        Decoder d = new Decoder(data, "commit header");
        d.expectLabel(LABEL, VERSION);
        CommitHeader h = new CommitHeader(Suite.read(d, minimum), new AccountId(d.raw(32)), new VaultId(d.raw(16)),
                d.u64(), new Digest(d.raw(32)), new Digest(d.raw(32)), new DeviceId(d.raw(32)));
        d.end();
        return h;
    }

    /** Verifies the author's signature over this header. */
    public void verify(SigningPublicKey author, HybridSignature signature) {
        author.verify(SignatureDomain.COMMIT_HEADER, suite, encode(), signature.bytes());
    }

    /** Whether this header describes the given decrypted commit. */
    public boolean describes(Commit c) {
        return c.suite() == suite && c.account().equals(account) && c.vault().equals(vault) && c.seq() == seq
                && c.parent().equals(parent) && c.author().equals(author);
    }
}
