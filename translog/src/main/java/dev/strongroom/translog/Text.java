package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Strict text codecs shared by the note, checkpoint and witness parsers. Package-private. */
final class Text {
    private Text() {
    }

    /** Decodes strict UTF-8 (no replacement characters, no overlong forms, no lone surrogates). */
    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException(what + " is not valid UTF-8");
        }
    }

    /** Encodes to UTF-8, refusing strings that are not well-formed UTF-16 (lone surrogates). */
    static byte[] utf8(String s, String what) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            return Arrays.copyOfRange(b.array(), b.position(), b.limit());
        } catch (CharacterCodingException e) {
            throw new MalformedDataException(what + " is not well-formed Unicode");
        }
    }

    /** Whether {@code s} contains an ASCII control character (below U+0020) other than newline. */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * signed-note "Format": key names are non-empty and contain no Unicode space and no plus.
     * "Unicode space" is read as Java's whitespace, the space separators (Zs/Zl/Zp, which include
     * U+00A0) and U+0085, the union of the White_Space property that Go's unicode.IsSpace tests.
     */
    static boolean isValidKeyName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || cp == 0x85 || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp < 0x20) {
                return false;
            }
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                return false; // a lone surrogate: not encodable as UTF-8
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * Decodes standard base64 (RFC 4648 §4) and accepts only the canonical encoding: padding
     * present, no line breaks, zero trailing bits. A value therefore has exactly one spelling.
     */
    static byte[] base64(String s, String what) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedDataException(what + " is not valid base64");
        }
        if (!Base64.getEncoder().encodeToString(b).equals(s)) {
            throw new MalformedDataException(what + " is not canonical base64");
        }
        return b;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Parses a non-negative ASCII decimal with no leading zeroes ("0" itself is allowed) that fits
     * in a signed 64-bit integer, as tlog-checkpoint requires for the tree size.
     */
    static long decimal(String s, String what) {
        int n = s.length();
        if (n == 0 || n > 19 || (n > 1 && s.charAt(0) == '0')) {
            throw new MalformedDataException(what + " must be a decimal number without leading zeroes");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedDataException(what + " must be a decimal number without leading zeroes");
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                throw new MalformedDataException(what + " is larger than 2^63-1");
            }
        }
        return v;
    }

    static int u32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long u64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static String hex32(int v) {
        return String.format("%08x", v);
    }
}
