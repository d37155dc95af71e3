package dev.strongroom.format;

/** Random id of a pack, chosen by the writer and bound into the pack header's AEAD context. */
public final class PackId extends FixedBytes {
    public static final int LENGTH = 32;

    public PackId(byte[] bytes) {
        super(bytes, LENGTH, "a pack id");
    }

    public static PackId fromHex(String hex) {
        return new PackId(parseHex(hex, LENGTH, "a pack id"));
    }
}
