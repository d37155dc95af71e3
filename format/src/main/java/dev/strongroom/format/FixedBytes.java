package dev.strongroom.format;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Base of Strongroom's id value classes: an immutable copy of a fixed number of bytes,
 * compared in constant time (ids may be derived from secrets). Equality also requires the
 * same concrete class, so a {@link PackId} never equals an {@link ObjectId}.
 */
public abstract class FixedBytes implements Comparable<FixedBytes> {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes;

    protected FixedBytes(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new MalformedDataException(what + " must be " + length + " bytes");
        }
        this.bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    public final byte[] bytes() {
        return bytes.clone();
    }

    /** The internal array, for encoders in this module; never modify it. */
    final byte[] bytesUnsafe() {
        return bytes;
    }

    public final int length() {
        return bytes.length;
    }

    public final String hex() {
        return HEX.formatHex(bytes);
    }

    protected static byte[] parseHex(String hex, int length, String what) {
        try {
            byte[] b = HEX.parseHex(hex.trim().toLowerCase(java.util.Locale.ROOT));
            if (b.length != length) {
                throw new InvalidInputException(what + " must be " + (2 * length) + " hex digits");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(what + " must be " + (2 * length) + " hex digits");
        }
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && MessageDigest.isEqual(bytes, ((FixedBytes) o).bytes);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public final int compareTo(FixedBytes o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
