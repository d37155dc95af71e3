package dev.strongroom.translog;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The JDK's Ed25519 and ML-DSA-44 (FIPS 204) behind raw key encodings. Package-private.
 *
 * <p>Raw public keys are the SubjectPublicKeyInfo encodings minus a fixed DER prefix (checked).
 * Private keys are 32-byte seeds: RFC 8032's private key for Ed25519, FIPS 204's ξ for
 * ML-DSA-44 (KeyGen, Algorithm 1). The JDK has no API for "key pair from seed", but its key
 * pair generators draw exactly the seed from the {@link SecureRandom} they are given; a
 * random that hands out the seed once and refuses any other request makes that
 * deterministic, and fails loudly if a future JDK draws differently. Tests check the
 * derivation against keys produced by other implementations.
 */
final class JdkKeys {
    static final int SEED_LENGTH = 32;
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] ML_DSA_44_SPKI = HexFormat.of().parseHex("30820532300b060960864801650304031103820521" + "00");

    private JdkKeys() {
    }

    static String algorithm(SignatureType t) {
        return t == SignatureType.COSIGNATURE_ML_DSA_44 ? "ML-DSA-44" : "Ed25519";
    }

    private static byte[] spkiPrefix(SignatureType t) {
        return t == SignatureType.COSIGNATURE_ML_DSA_44 ? ML_DSA_44_SPKI : ED25519_SPKI;
    }

    /** A JDK public key from its raw encoding. */
    static PublicKey publicKey(SignatureType t, byte[] raw) throws GeneralSecurityException {
        if (raw.length != t.publicKeyLength()) {
            throw new GeneralSecurityException("wrong public key length");
        }
        byte[] spki = Merkle.concat(spkiPrefix(t), raw);
        String family = t == SignatureType.COSIGNATURE_ML_DSA_44 ? "ML-DSA" : "Ed25519";
        return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(spki));
    }

    /** The raw public key of a JDK public key. */
    static byte[] raw(SignatureType t, PublicKey key) {
        byte[] spki = key.getEncoded();
        byte[] prefix = spkiPrefix(t);
        if (spki.length != prefix.length + t.publicKeyLength()
                || !Arrays.equals(spki, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalStateException("unexpected " + algorithm(t) + " public key encoding from the JDK");
        }
        return Arrays.copyOfRange(spki, prefix.length, spki.length);
    }

    /** The key pair a 32-byte seed determines. */
    static KeyPair fromSeed(SignatureType t, byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("a seed is 32 bytes");
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm(t));
            NamedParameterSpec spec = t == SignatureType.COSIGNATURE_ML_DSA_44 ? NamedParameterSpec.ML_DSA_44 : NamedParameterSpec.ED25519;
            SeedRandom r = new SeedRandom(seed);
            g.initialize(spec, r);
            KeyPair kp = g.generateKeyPair();
            if (!r.used) {
                throw new IllegalStateException("the JDK did not draw the key seed");
            }
            return kp;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm(t), e);
        }
    }

    static boolean verify(SignatureType t, PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm(t));
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static byte[] sign(SignatureType t, KeyPair key, byte[] message) {
        try {
            Signature s = Signature.getInstance(algorithm(t));
            s.initSign(key.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm(t) + " signing failed", e);
        }
    }

    /** Hands out one 32-byte seed, once. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;
        private boolean used;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("the JDK key generator drew " + bytes.length
                        + " random bytes; expected one 32-byte seed");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            used = true;
        }

        @Override
        public byte[] generateSeed(int numBytes) {
            throw new IllegalStateException("unexpected generateSeed");
        }

        @Override
        public int nextInt() {
            throw new IllegalStateException("unexpected nextInt");
        }
    }
}
