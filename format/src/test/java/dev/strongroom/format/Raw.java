package dev.strongroom.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Assembles expected encodings from named fields, written independently of {@link Encoder}
 * (plain shifts into a byte stream) so that vectors check the code against the layout in the
 * javadoc of each format rather than against itself.
 */
final class Raw {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Raw of() {
        return new Raw();
    }

    /** {@code u8 len || ASCII label || u16 version}. */
    Raw label(String label, int version) {
        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
        return u8(b.length).bytes(b).u16(version);
    }

    Raw u8(int v) {
        out.write(v & 0xFF);
        return this;
    }

    Raw u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    Raw u32(long v) {
        for (int s = 24; s >= 0; s -= 8) {
            out.write((int) (v >>> s) & 0xFF);
        }
        return this;
    }

    Raw u64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s) & 0xFF);
        }
        return this;
    }

    Raw bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** {@code n} bytes all equal to {@code fill}. */
    Raw fill(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return bytes(b);
    }

    Raw hex(String hex) {
        return bytes(HexFormat.of().parseHex(hex));
    }

    /** u16 length || UTF-8. */
    Raw str16(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u16(b.length).bytes(b);
    }

    /** u16 length || raw bytes (for names that are deliberately not valid UTF-8). */
    Raw bytes16(byte[] b) {
        return u16(b.length).bytes(b);
    }

    int length() {
        return out.size();
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** {@code n} bytes {@code start, start+1, ...} (mod 256): recognisable, deterministic field values. */
    static byte[] seq(int n, int start) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    static byte[] filled(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] flip(byte[] data, int index, int mask) {
        byte[] c = data.clone();
        c[index] ^= (byte) mask;
        return c;
    }
}
