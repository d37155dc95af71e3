package dev.strongroom.format;

/** Random id of a vault. */
public final class VaultId extends FixedBytes {
    public static final int LENGTH = 16;

    public VaultId(byte[] bytes) {
        super(bytes, LENGTH, "a vault id");
    }

    public static VaultId fromHex(String hex) {
        return new VaultId(parseHex(hex, LENGTH, "a vault id"));
    }
}
