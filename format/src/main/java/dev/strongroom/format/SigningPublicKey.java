package dev.strongroom.format;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The public half of a hybrid signing key: Ed25519 and ML-DSA-65 (FIPS 204). A hybrid
 * signature is {@code ed25519_sig (64) || ml_dsa_65_sig (3309)} over the same
 * {@link SignatureDomain#signedBytes} and verifies only if <em>both</em> verify.
 *
 * <p>Verification needs only the JDK, so the server can check signatures without any code
 * that could open user data.
 */
public final class SigningPublicKey {
    public static final int ED25519_LENGTH = 32;
    public static final int ML_DSA_65_LENGTH = 1952;
    public static final int ENCODED_LENGTH = ED25519_LENGTH + ML_DSA_65_LENGTH;
    public static final int ED25519_SIG_LENGTH = 64;
    public static final int ML_DSA_65_SIG_LENGTH = 3309;
    public static final int SIGNATURE_LENGTH = ED25519_SIG_LENGTH + ML_DSA_65_SIG_LENGTH;

    // DER SubjectPublicKeyInfo prefixes (RFC 8410 for Ed25519; RFC 9881 for ML-DSA-65).
    private static final byte[] ED25519_SPKI = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] ML_DSA_65_SPKI =
            java.util.HexFormat.of().parseHex("308207b2300b0609608648016503040312038207a100");

    private final byte[] encoded;
    private volatile PublicKey[] jdkKeys;

    private SigningPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    /** Parses {@code ed25519 (32) || ml_dsa_65 (1952)}. */
    public static SigningPublicKey decode(byte[] encoded) {
        if (encoded.length != ENCODED_LENGTH) {
            throw new MalformedDataException("a signing public key must be " + ENCODED_LENGTH + " bytes");
        }
        SigningPublicKey k = new SigningPublicKey(encoded.clone());
        k.jdk(); // reject keys the JDK cannot parse up front
        return k;
    }

    public static SigningPublicKey read(Decoder d) {
        return decode(d.raw(ENCODED_LENGTH));
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public Encoder writeTo(Encoder e) {
        return e.raw(encoded);
    }

    public byte[] ed25519() {
        return Arrays.copyOfRange(encoded, 0, ED25519_LENGTH);
    }

    public byte[] mlDsa65() {
        return Arrays.copyOfRange(encoded, ED25519_LENGTH, ENCODED_LENGTH);
    }

    /** SHA-256 over the labelled key, used in fingerprints and key-binding contexts. */
    public Digest hash() {
        return Sha256.labelled("strongroom/signing-key", encoded);
    }

    private PublicKey[] jdk() {
        PublicKey[] k = jdkKeys;
        if (k == null) {
            try {
                PublicKey ed = KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI, ed25519())));
                PublicKey ml = KeyFactory.getInstance("ML-DSA-65")
                        .generatePublic(new X509EncodedKeySpec(concat(ML_DSA_65_SPKI, mlDsa65())));
                k = new PublicKey[] {ed, ml};
                jdkKeys = k;
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new MalformedDataException("a signing public key does not parse", e);
            }
        }
        return k;
    }

    /**
     * Verifies a hybrid signature over {@code message} for {@code domain}.
     *
     * @throws SignatureInvalidException unless both the Ed25519 and the ML-DSA-65 signature verify
     */
    public void verify(SignatureDomain domain, Suite suite, byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new SignatureInvalidException(domain.label() + ": signature has the wrong length");
        }
        byte[] signed = domain.signedBytes(suite, message);
        PublicKey[] k = jdk();
        boolean ok;
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(k[0]);
            ed.update(signed);
            boolean edOk = ed.verify(signature, 0, ED25519_SIG_LENGTH);
            Signature ml = Signature.getInstance("ML-DSA-65");
            ml.initVerify(k[1]);
            ml.update(signed);
            boolean mlOk = ml.verify(signature, ED25519_SIG_LENGTH, ML_DSA_65_SIG_LENGTH);
            ok = edOk & mlOk;
        } catch (GeneralSecurityException | RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            throw new SignatureInvalidException(domain.label() + ": signature does not verify");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningPublicKey k && Arrays.equals(encoded, k.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SigningPublicKey[" + hash().hex().substring(0, 16) + "]";
    }
}
