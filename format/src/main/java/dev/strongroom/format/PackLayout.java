package dev.strongroom.format;

import java.nio.charset.StandardCharsets;

/**
 * Byte layout of a pack file (docs/format.md, "Packs"):
 * <pre>
 * pack    := prefix || sealed blobs || padding || header_box || trailer
 * prefix  := "SRPK" || u8 format_version || u8 suite                      (6 bytes)
 * trailer := u32 key_epoch || u32 header_box_len || "SRPK"                (12 bytes)
 * </pre>
 * The total length is {@link #padme(long)} of the unpadded length; the padding is random
 * bytes (indistinguishable from ciphertext, so its start is not visible). The header box
 * is padded inside to a multiple of {@link #HEADER_QUANTUM}. The header carries a SHA-256 of
 * everything before it, so every byte of the pack is covered by an AEAD.
 *
 * <p>Readers fetch whole aligned blocks of {@link #BLOCK_SIZE} bytes (the server refuses
 * other ranges), never exact chunk ranges, so reads do not reveal chunk lengths either.
 */
public final class PackLayout {
    public static final byte[] MAGIC = "SRPK".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;
    public static final int PREFIX_LENGTH = 6;
    public static final int TRAILER_LENGTH = 12;
    public static final int BLOCK_SIZE = 1 << 20;
    public static final int HEADER_QUANTUM = 4096;
    /** Target size at which the writer closes a pack. */
    public static final int TARGET_SIZE = 16 << 20;
    /** Hard upper bound of a pack accepted anywhere (target + one max chunk + header + padding). */
    public static final long MAX_PACK_SIZE = 128L << 20;
    /** Upper bound of a header box. */
    public static final int MAX_HEADER = 16 << 20;

    private PackLayout() {
    }

    /**
     * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
     * Communication with PURBs", PETS 2019): rounds {@code len} up so that only the top
     * {@code floor(log2(floor(log2 len))) + 1} bits of the length may be non-zero. Overhead is
     * at most 12%, and about 3% at 16 MiB.
     */
    public static long padme(long len) {
        if (len < 2) {
            return len;
        }
        int e = 63 - Long.numberOfLeadingZeros(len);
        int s = 32 - Integer.numberOfLeadingZeros(e);
        int lastBits = e - s;
        long mask = (1L << lastBits) - 1;
        return (len + mask) & ~mask;
    }

    public static byte[] prefix(Suite suite) {
        byte[] p = new byte[PREFIX_LENGTH];
        System.arraycopy(MAGIC, 0, p, 0, 4);
        p[4] = (byte) FORMAT_VERSION;
        p[5] = (byte) suite.id();
        return p;
    }

    public static byte[] trailer(long keyEpoch, int headerBoxLength) {
        Encoder e = new Encoder(TRAILER_LENGTH);
        e.u32(keyEpoch).u32(headerBoxLength).raw(MAGIC);
        return e.toBytes();
    }

    /** The parsed trailer of a pack. */
    public record Trailer(long keyEpoch, int headerBoxLength) {
    }

    /** Parses the last 12 bytes of a pack of {@code packLength} bytes. */
    public static Trailer readTrailer(byte[] tail, int off, long packLength) {
        Decoder d = new Decoder(tail, off, TRAILER_LENGTH, "pack trailer");
        long epoch = d.u32();
        long hlen = d.u32();
        byte[] magic = d.raw(4);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new MalformedDataException("pack trailer is malformed: no pack magic");
        }
        if (epoch < 1 || hlen < 1 || hlen > MAX_HEADER || hlen + TRAILER_LENGTH + PREFIX_LENGTH > packLength) {
            throw new MalformedDataException("pack trailer is malformed: header length out of range");
        }
        return new Trailer(epoch, (int) hlen);
    }

    /** First byte of the aligned block that holds {@code offset}. */
    public static long blockStart(long offset) {
        return offset - Math.floorMod(offset, BLOCK_SIZE);
    }

    /** End (exclusive) of the aligned block range that covers {@code [offset, offset+len)}, capped at the pack. */
    public static long blockEnd(long offset, long len, long packLength) {
        long last = offset + len;
        long end = last + Math.floorMod(-last, BLOCK_SIZE);
        return Math.min(end, packLength);
    }

    /** Whether {@code [start, end)} is a range the server serves: aligned start, aligned end or the pack end. */
    public static boolean isAlignedRange(long start, long end, long packLength) {
        return start >= 0 && start < end && end <= packLength && start % BLOCK_SIZE == 0
                && (end % BLOCK_SIZE == 0 || end == packLength);
    }
}
