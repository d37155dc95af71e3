package dev.strongroom.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the canonical encoding written by {@link Encoder}. Every read is bounds-checked and
 * every variable length is checked against a caller-supplied maximum before anything is
 * allocated; any violation throws {@link MalformedDataException} naming {@code what} is
 * being decoded.
 */
public final class Decoder {
    private final byte[] data;
    private final int end;
    private final String what;
    private int pos;

    public Decoder(byte[] data, String what) {
        this(data, 0, data.length, what);
    }

    public Decoder(byte[] data, int off, int len, String what) {
        if (off < 0 || len < 0 || len > data.length - off) {
            throw new IllegalArgumentException("range");
        }
        this.data = data;
        this.pos = off;
        this.end = off + len;
        this.what = what;
    }

    private MalformedDataException bad(String why) {
        return new MalformedDataException(what + " is malformed: " + why);
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw bad("truncated");
        }
    }

    /**
     * Reads a label and version written by {@link Encoder#labelled}. A different label is
     * malformed; an older version is a {@link DowngradeException}; a newer one asks for an
     * upgrade.
     */
    public void expectLabel(String label, int version) {
        String got = label();
        if (!got.equals(label)) {
            throw bad("expected a " + label + " but found " + printable(got));
        }
        int v = u16();
        if (v < version) {
            throw new DowngradeException(what + " uses format version " + v + ", older than the required version "
                    + version + "; refusing to fall back");
        }
        if (v > version) {
            throw new MalformedDataException(what + " uses format version " + v
                    + ", newer than this Strongroom understands (" + version + "); upgrade Strongroom");
        }
    }

    private static String printable(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "'" + s + "'" : "an unknown label";
    }

    public String label() {
        int n = u8();
        if (n == 0) {
            throw bad("empty label");
        }
        need(n);
        String s = new String(data, pos, n, StandardCharsets.US_ASCII);
        pos += n;
        return s;
    }

    public int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw bad("boolean out of range");
        }
        return v == 1;
    }

    public int u16() {
        need(2);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public long u32() {
        need(4);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (data[pos++] & 0xFF);
        }
        return v;
    }

    /** A u32 that must lie in [min, max]; returned as int. */
    public int u32(int min, int max) {
        long v = u32();
        if (v < min || v > max) {
            throw bad("value " + v + " outside [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    public long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[pos++] & 0xFF);
        }
        return v;
    }

    public long u64() {
        long v = i64();
        if (v < 0) {
            throw bad("u64 too large");
        }
        return v;
    }

    public byte[] raw(int n) {
        need(n);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    public byte[] bytes16(int max) {
        int n = u16();
        if (n > max) {
            throw bad("length " + n + " exceeds " + max);
        }
        return raw(n);
    }

    public byte[] bytes32(int max) {
        long n = u32();
        if (n > max) {
            throw bad("length " + n + " exceeds " + max);
        }
        return raw((int) n);
    }

    /** UTF-8 with a u16 length prefix; invalid UTF-8 is malformed. */
    public String str16(int maxBytes) {
        return utf8(bytes16(maxBytes));
    }

    public String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad("invalid UTF-8");
        }
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    /** Asserts that every byte was consumed: trailing bytes are malformed. */
    public void end() {
        if (pos != end) {
            throw bad((end - pos) + " trailing bytes");
        }
    }
}
