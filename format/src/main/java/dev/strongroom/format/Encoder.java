package dev.strongroom.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes Strongroom's one canonical binary encoding (see docs/format.md, "Encoding").
 *
 * <p>Integers are big-endian and fixed width. Variable-length byte strings carry a length
 * prefix of stated width. Every signed, hashed or sealed structure starts with
 * {@link #labelled(String, int)}: a domain-separation label and a format version, so that no
 * two types ever share an encoding.
 */
public final class Encoder {
    private byte[] buf;
    private int len;

    public Encoder() {
        this(64);
    }

    public Encoder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** A new encoder that starts with {@code u8 len || label (ASCII) || u16 version}. */
    public static Encoder labelled(String label, int version) {
        Encoder e = new Encoder();
        e.label(label);
        e.u16(version);
        return e;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("encoding too large");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    public Encoder label(String label) {
        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
        if (b.length == 0 || b.length > 255) {
            throw new IllegalArgumentException("label length");
        }
        u8(b.length);
        return raw(b);
    }

    public Encoder u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public Encoder bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public Encoder u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public Encoder u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        ensure(4);
        for (int s = 24; s >= 0; s -= 8) {
            buf[len++] = (byte) (v >>> s);
        }
        return this;
    }

    /** Unsigned 64-bit; negative Java longs are rejected. */
    public Encoder u64(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("u64 out of range: " + v);
        }
        return i64(v);
    }

    /** Signed 64-bit, two's complement. */
    public Encoder i64(long v) {
        ensure(8);
        for (int s = 56; s >= 0; s -= 8) {
            buf[len++] = (byte) (v >>> s);
        }
        return this;
    }

    /** Bytes of a length both sides know (no prefix). */
    public Encoder raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    public Encoder raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public Encoder id(FixedBytes id) {
        return raw(id.bytesUnsafe());
    }

    /** u16 length prefix, then the bytes. */
    public Encoder bytes16(byte[] b) {
        u16(b.length);
        return raw(b);
    }

    /** u32 length prefix, then the bytes. */
    public Encoder bytes32(byte[] b) {
        u32(b.length);
        return raw(b);
    }

    /** UTF-8 with a u16 length prefix. */
    public Encoder str16(String s) {
        return bytes16(s.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return len;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }
}
