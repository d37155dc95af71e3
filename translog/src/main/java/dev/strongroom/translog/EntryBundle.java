package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry bundles (c2sp.org/tlog-tiles "Log entries"): up to 256 consecutive log entries, each
 * prefixed by its length as a big-endian uint16. An entry is therefore at most 65,535 bytes.
 */
public final class EntryBundle {
    /** The largest entry a bundle can hold. */
    public static final int MAX_ENTRY_SIZE = 0xFFFF;

    private EntryBundle() {
    }

    /**
     * Encodes 1 to 256 entries.
     *
     * @throws IllegalArgumentException if an entry is longer than 65,535 bytes or the count is out of range
     */
    public static byte[] encode(List<byte[]> entries) {
        if (entries.isEmpty() || entries.size() > Tile.FULL_WIDTH) {
            throw new IllegalArgumentException("a bundle holds 1 to 256 entries, not " + entries.size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            if (e.length > MAX_ENTRY_SIZE) {
                throw new IllegalArgumentException("a log entry is at most 65535 bytes, not " + e.length);
            }
            out.write(e.length >>> 8);
            out.write(e.length & 0xFF);
            out.writeBytes(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a bundle that must hold exactly {@code count} entries and nothing after them.
     *
     * @throws MalformedDataException if the bundle is truncated, holds another number of
     *                                entries or has trailing bytes
     */
    public static List<byte[]> decode(byte[] bundle, int count) {
        if (count < 1 || count > Tile.FULL_WIDTH) {
            throw new IllegalArgumentException("a bundle holds 1 to 256 entries, not " + count);
        }
        List<byte[]> out = new ArrayList<>(count);
        int pos = 0;
        while (pos < bundle.length) {
            if (out.size() == count) {
                throw new MalformedDataException("entry bundle has trailing bytes after " + count + " entries");
            }
            if (bundle.length - pos < 2) {
                throw new MalformedDataException("entry bundle is truncated inside a length prefix");
            }
            int len = ((bundle[pos] & 0xFF) << 8) | (bundle[pos + 1] & 0xFF);
            pos += 2;
            if (bundle.length - pos < len) {
                throw new MalformedDataException("entry bundle is truncated inside entry " + out.size());
            }
            out.add(Arrays.copyOfRange(bundle, pos, pos + len));
            pos += len;
        }
        if (out.size() != count) {
            throw new MalformedDataException("entry bundle holds " + out.size() + " entries, not " + count);
        }
        return out;
    }
}
