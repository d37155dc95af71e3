package dev.strongroom.format;

/** A SHA-256 value over a labelled encoding (commit hashes, chain entry hashes, key hashes). */
public final class Digest extends FixedBytes {
    public static final int LENGTH = 32;

    public Digest(byte[] bytes) {
        super(bytes, LENGTH, "a digest");
    }

    public static Digest fromHex(String hex) {
        return new Digest(parseHex(hex, LENGTH, "a digest"));
    }
}
