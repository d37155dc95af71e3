package dev.strongroom.format;

import java.nio.charset.StandardCharsets;

/**
 * A vault version, sealed with the vault's metadata key. Its hash, the parent link and the
 * author also appear in the signed {@link CommitHeader}; a reader checks both agree.
 *
 * <pre>
 * label "strongroom/commit" v1 || u8 suite || account[32] || vault[16] || u64 seq ||
 * parent[32] || root_tree[32] || author[32] || u32 key_epoch || author_chain_head[32] ||
 * i64 time_ms || u16 message_len || message || u64 files || u64 bytes
 * </pre>
 * {@code parent} is all zero for seq 1.
 */
public record Commit(Suite suite, AccountId account, VaultId vault, long seq, Digest parent, ObjectId root,
                     DeviceId author, long keyEpoch, Digest authorChainHead, long timeMillis, String message,
                     long files, long bytes) {
    public static final String LABEL = "strongroom/commit";
    public static final int VERSION = 1;
    public static final int MAX_MESSAGE_BYTES = 4096;
    public static final Digest NO_PARENT = new Digest(new byte[32]);

    public Commit {
        if (seq < 1) {
            throw new MalformedDataException("commit seq must be at least 1");
        }
        if ((seq == 1) != parent.equals(NO_PARENT)) {
            throw new IntegrityException("commit " + seq + (seq == 1 ? " must not have" : " must have") + " a parent");
        }
        if (keyEpoch < 1 || keyEpoch > 0xFFFF_FFFFL) {
            throw new MalformedDataException("key epoch out of range");
        }
        if (files < 0 || bytes < 0) {
            throw new MalformedDataException("negative counts");
        }
        // Decoding enforces both already; checked here so that no commit is written that cannot be read back.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(message)
                || message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new InvalidInputException(
                    "a commit message must be valid Unicode of at most " + MAX_MESSAGE_BYTES + " bytes in UTF-8");
        }
    }

    public byte[] encode() {
        return Encoder.labelled(LABEL, VERSION)
                .u8(suite.id()).id(account).id(vault).u64(seq).id(parent).id(root).id(author)
                .u32(keyEpoch).id(authorChainHead).i64(timeMillis).str16(message)
                .u64(files).u64(bytes)
                .toBytes();
    }

    public static Commit decode(byte[] data, Suite minimum) {
        Decoder d = new Decoder(data, "commit");
        d.expectLabel(LABEL, VERSION);
        Commit c = new Commit(Suite.read(d, minimum), new AccountId(d.raw(32)), new VaultId(d.raw(16)), d.u64(),
                new Digest(d.raw(32)), new ObjectId(d.raw(32)), new DeviceId(d.raw(32)), d.u32(),
                new Digest(d.raw(32)), d.i64(), d.str16(MAX_MESSAGE_BYTES), d.u64(), d.u64());
        d.end();
        return c;
    }

    /** The commit hash named in headers and by the next commit: over the sealed bytes. */
    public static Digest hashOfSealed(byte[] sealed) {
        return Sha256.labelled("strongroom/commit-hash", sealed);
    }
}
