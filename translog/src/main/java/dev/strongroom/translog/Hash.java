package dev.strongroom.translog;

import dev.strongroom.format.FixedBytes;

/**
 * A SHA-256 Merkle tree hash (RFC 6962 §2.1): a leaf hash, an interior node hash or a tree
 * root. Immutable; equality is constant-time. Checkpoints, witness requests and proofs carry
 * it in standard base64 ({@link #base64()}, {@link #fromBase64(String)}).
 */
public final class Hash extends FixedBytes {
    /** SHA-256 output size. */
    public static final int LENGTH = 32;

    /** @throws dev.strongroom.format.MalformedDataException unless {@code bytes} has 32 bytes */
    public Hash(byte[] bytes) {
        super(bytes, LENGTH, "a Merkle tree hash");
    }

    /**
     * Parses the canonical standard base64 of 32 bytes.
     *
     * @throws dev.strongroom.format.MalformedDataException if it is not canonical base64 of 32 bytes
     */
    public static Hash fromBase64(String base64) {
        return new Hash(Text.base64(base64, "a Merkle tree hash"));
    }

    /** Parses 64 hex digits. */
    public static Hash fromHex(String hex) {
        return new Hash(parseHex(hex, LENGTH, "a Merkle tree hash"));
    }

    /** Standard base64 with padding, as in checkpoints and witness requests. */
    public String base64() {
        return Text.base64(bytes());
    }
}
