package dev.strongroom.format;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/**
 * Hybrid signing keys made with the JDK alone (Ed25519 and ML-DSA-65), so format-level tests
 * need no crypto module. Key generation is slow-ish, so a few signers are made once and shared.
 */
final class TestKeys {
    private TestKeys() {
    }

    /** A hybrid signer: both private keys and the {@link SigningPublicKey} built from the raw public keys. */
    record Signer(KeyPair ed25519, KeyPair mlDsa65, SigningPublicKey publicKey) {
        static Signer generate() {
            try {
                KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                KeyPair ml = KeyPairGenerator.getInstance("ML-DSA-65").generateKeyPair();
                byte[] edRaw = tail(ed.getPublic().getEncoded(), SigningPublicKey.ED25519_LENGTH);
                byte[] mlRaw = tail(ml.getPublic().getEncoded(), SigningPublicKey.ML_DSA_65_LENGTH);
                return new Signer(ed, ml, SigningPublicKey.decode(Raw.concat(edRaw, mlRaw)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] ed25519Sign(byte[] signed) {
            return sign("Ed25519", ed25519, signed);
        }

        byte[] mlDsa65Sign(byte[] signed) {
            return sign("ML-DSA-65", mlDsa65, signed);
        }

        /** {@code ed25519(signedBytes) || ml_dsa_65(signedBytes)}. */
        byte[] signRaw(SignatureDomain domain, Suite suite, byte[] message) {
            byte[] signed = domain.signedBytes(suite, message);
            return Raw.concat(ed25519Sign(signed), mlDsa65Sign(signed));
        }

        HybridSignature sign(SignatureDomain domain, Suite suite, byte[] message) {
            return new HybridSignature(signRaw(domain, suite, message));
        }

        private static byte[] sign(String alg, KeyPair kp, byte[] data) {
            try {
                Signature s = Signature.getInstance(alg);
                s.initSign(kp.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Signer[] SIGNERS = new Signer[4];

    /** One of a few shared signers, generated on first use. */
    static synchronized Signer signer(int i) {
        if (SIGNERS[i] == null) {
            SIGNERS[i] = Signer.generate();
        }
        return SIGNERS[i];
    }

    static byte[] tail(byte[] b, int n) {
        return Arrays.copyOfRange(b, b.length - n, b.length);
    }

    /** Any 1216 bytes decode as a KEM public key at the format level (no X-Wing check here). */
    static KemPublicKey kem(long seed) {
        return KemPublicKey.decode(TestData.random(seed, KemPublicKey.ENCODED_LENGTH));
    }

    static PublicIdentity identity(int signer, long kemSeed) {
        return new PublicIdentity(signer(signer).publicKey(), kem(kemSeed));
    }
}
