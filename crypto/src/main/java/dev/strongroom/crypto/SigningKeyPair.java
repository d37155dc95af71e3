package dev.strongroom.crypto;

import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SigningPublicKey;
import dev.strongroom.format.Suite;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * A hybrid signing key pair: Ed25519 and ML-DSA-65 from the JDK. {@link #sign} produces both
 * signatures over the same domain-separated bytes; {@link SigningPublicKey#verify} demands
 * both.
 */
public final class SigningKeyPair {
    private final PrivateKey ed25519;
    private final PrivateKey mlDsa65;
    private final SigningPublicKey publicKey;

    private SigningKeyPair(PrivateKey ed25519, PrivateKey mlDsa65, SigningPublicKey publicKey) {
        this.ed25519 = ed25519;
        this.mlDsa65 = mlDsa65;
        this.publicKey = publicKey;
    }

    public static SigningKeyPair generate() {
        try {
            KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            KeyPair ml = KeyPairGenerator.getInstance("ML-DSA-65").generateKeyPair();
            byte[] edPub = tail(ed.getPublic().getEncoded(), SigningPublicKey.ED25519_LENGTH);
            byte[] mlPub = tail(ml.getPublic().getEncoded(), SigningPublicKey.ML_DSA_65_LENGTH);
            byte[] pub = Arrays.copyOf(edPub, SigningPublicKey.ENCODED_LENGTH);
            System.arraycopy(mlPub, 0, pub, edPub.length, mlPub.length);
            return new SigningKeyPair(ed.getPrivate(), ml.getPrivate(), SigningPublicKey.decode(pub));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 or ML-DSA-65 unavailable", e);
        }
    }

    private static byte[] tail(byte[] b, int n) {
        return Arrays.copyOfRange(b, b.length - n, b.length);
    }

    public SigningPublicKey publicKey() {
        return publicKey;
    }

    public HybridSignature sign(SignatureDomain domain, Suite suite, byte[] message) {
        byte[] signed = domain.signedBytes(suite, message);
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(ed25519);
            ed.update(signed);
            byte[] a = ed.sign();
            Signature ml = Signature.getInstance("ML-DSA-65");
            ml.initSign(mlDsa65);
            ml.update(signed);
            byte[] b = ml.sign();
            byte[] sig = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, sig, a.length, b.length);
            return new HybridSignature(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** PKCS#8 encodings of both private keys, for {@link IdentityKeys#exportPrivate()}. */
    byte[][] exportPrivate() {
        return new byte[][] {ed25519.getEncoded(), mlDsa65.getEncoded()};
    }

    static SigningKeyPair importPrivate(byte[] edPkcs8, byte[] mlPkcs8, SigningPublicKey publicKey) {
        try {
            PrivateKey ed = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(edPkcs8));
            PrivateKey ml = KeyFactory.getInstance("ML-DSA-65").generatePrivate(new PKCS8EncodedKeySpec(mlPkcs8));
            SigningKeyPair kp = new SigningKeyPair(ed, ml, publicKey);
            // prove the halves belong together before anyone relies on them
            byte[] probe = "strongroom key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            publicKey.verify(SignatureDomain.AUTH, Suite.CURRENT, probe, kp.sign(SignatureDomain.AUTH, Suite.CURRENT, probe).bytes());
            return kp;
        } catch (GeneralSecurityException | IllegalStateException e) {
            // IllegalStateException: sign() wraps an InvalidKeyException the KeyFactory did not raise
            throw new MalformedDataException("stored signing key does not parse", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKeyPair[" + publicKey + "]";
    }
}
