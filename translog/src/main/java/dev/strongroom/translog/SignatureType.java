package dev.strongroom.translog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The note signature types this module implements (c2sp.org/signed-note "Signature types").
 */
public enum SignatureType {
    /** {@code 0x01}: Ed25519 over the note text (signed-note "Ed25519 signatures"). Log checkpoint keys. */
    ED25519(0x01, 32, 64),
    /** {@code 0x04}: timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature). */
    COSIGNATURE_ED25519(0x04, 32, 8 + 64),
    /** {@code 0x06}: timestamped ML-DSA-44 subtree cosignature (c2sp.org/tlog-cosignature). Witness keys. */
    COSIGNATURE_ML_DSA_44(0x06, 1312, 8 + 2420);

    private final int id;
    private final int publicKeyLength;
    private final int signatureLength;

    SignatureType(int id, int publicKeyLength, int signatureLength) {
        this.id = id;
        this.publicKeyLength = publicKeyLength;
        this.signatureLength = signatureLength;
    }

    /** The signature type identifier byte. */
    public int id() {
        return id;
    }

    /** Length of the raw public key in a vkey. */
    public int publicKeyLength() {
        return publicKeyLength;
    }

    /** Length of a signature after the key ID (for cosignatures, with the 8-byte timestamp). */
    public int signatureLength() {
        return signatureLength;
    }

    /** Whether signatures of this type are tlog-cosignature {@code timestamped_signature}s. */
    public boolean isCosignature() {
        return this != ED25519;
    }

    /** The type with that identifier byte, or {@code null}. */
    public static SignatureType of(int id) {
        for (SignatureType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /**
     * The key ID {@code SHA-256(name || 0x0A || type || public key)[:4]}, big-endian
     * (signed-note "Signatures"; tlog-cosignature "Format").
     */
    public int keyId(String name, byte[] publicKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x0A);
            md.update((byte) id);
            md.update(publicKey);
            return Text.u32(md.digest(), 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
