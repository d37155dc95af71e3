package dev.strongroom.format;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers. Hash inputs are always labelled encodings. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    /** SHA-256 over {@code Encoder.labelled(label, 1) || data}. */
    public static Digest labelled(String label, byte[] data) {
        MessageDigest md = newDigest();
        md.update(Encoder.labelled(label, 1).toBytes());
        md.update(data);
        return new Digest(md.digest());
    }
}
