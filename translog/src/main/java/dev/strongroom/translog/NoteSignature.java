package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One signature line of a signed note: {@code — <key name> base64(key ID || signature)}
 * (c2sp.org/signed-note "Signatures"). Immutable.
 */
public final class NoteSignature {
    static final String PREFIX = "\u2014 ";

    private final String keyName;
    private final int keyId;
    private final byte[] signature;

    /**
     * @param keyName   a valid key name (non-empty, no spaces, no plus)
     * @param keyId     the key ID
     * @param signature the signature bytes after the key ID, at least one byte
     */
    public NoteSignature(String keyName, int keyId, byte[] signature) {
        if (!Text.isValidKeyName(keyName)) {
            throw new MalformedDataException("invalid note key name");
        }
        if (signature.length == 0) {
            throw new MalformedDataException("empty note signature");
        }
        this.keyName = keyName;
        this.keyId = keyId;
        this.signature = signature.clone();
    }

    /**
     * Parses one line, with or without its final newline.
     *
     * @throws MalformedDataException if it is not a signature line
     */
    public static NoteSignature parseLine(String line) {
        String l = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        if (!l.startsWith(PREFIX) || l.indexOf('\n') >= 0) {
            throw new MalformedDataException("not a note signature line");
        }
        l = l.substring(PREFIX.length());
        int space = l.indexOf(' ');
        if (space <= 0) {
            throw new MalformedDataException("note signature line has no key name and signature");
        }
        String name = l.substring(0, space);
        if (!Text.isValidKeyName(name)) {
            throw new MalformedDataException("invalid key name on a note signature line");
        }
        byte[] b = Text.base64(l.substring(space + 1), "note signature");
        if (b.length < 5) {
            throw new MalformedDataException("note signature is shorter than a key ID and one byte");
        }
        return new NoteSignature(name, Text.u32(b, 0), Arrays.copyOfRange(b, 4, b.length));
    }

    public String keyName() {
        return keyName;
    }

    public int keyId() {
        return keyId;
    }

    /** The signature without the key ID (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    int signatureLength() {
        return signature.length;
    }

    /** The line, ending in a newline. */
    public String line() {
        byte[] b = new byte[4 + signature.length];
        Text.putU32(b, 0, keyId);
        System.arraycopy(signature, 0, b, 4, signature.length);
        return PREFIX + keyName + " " + Text.base64(b) + "\n";
    }

    /** Whether this line is by the key with that name and ID. */
    public boolean isBy(String name, int id) {
        return keyName.equals(name) && keyId == id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature s && s.keyName.equals(keyName) && s.keyId == keyId
                && Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyName, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return keyName + "+" + Text.hex32(keyId) + " (" + signature.length + "-byte signature)";
    }
}
