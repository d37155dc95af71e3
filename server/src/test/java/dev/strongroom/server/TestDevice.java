package dev.strongroom.server;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Digest;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SigningPublicKey;
import dev.strongroom.format.Suite;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;

/**
 * A device identity built from the JDK alone (Ed25519 + ML-DSA-65 signing; the X-Wing KEM key
 * is random bytes, which is all the server can see of it), so the server's tests can sign
 * genesis entries, auth requests and commit headers without the crypto module on the
 * classpath. That keeps the classpath test ({@link ServerClasspathTest}) honest.
 */
final class TestDevice {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyPair ed;
    private final KeyPair ml;
    final PublicIdentity identity;

    TestDevice() {
        try {
            ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            ml = KeyPairGenerator.getInstance("ML-DSA-65").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] edSpki = ed.getPublic().getEncoded();
        byte[] mlSpki = ml.getPublic().getEncoded();
        byte[] raw = new byte[SigningPublicKey.ENCODED_LENGTH];
        System.arraycopy(edSpki, edSpki.length - SigningPublicKey.ED25519_LENGTH, raw, 0, SigningPublicKey.ED25519_LENGTH);
        System.arraycopy(mlSpki, mlSpki.length - SigningPublicKey.ML_DSA_65_LENGTH, raw, SigningPublicKey.ED25519_LENGTH,
                SigningPublicKey.ML_DSA_65_LENGTH);
        identity = new PublicIdentity(SigningPublicKey.decode(raw), KemPublicKey.decode(random(KemPublicKey.ENCODED_LENGTH)));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    dev.strongroom.format.DeviceId id() {
        return identity.deviceId();
    }

    /** A hybrid signature: both algorithms over the domain-separated bytes. */
    byte[] sign(SignatureDomain domain, byte[] message) {
        byte[] signed = domain.signedBytes(Suite.CURRENT, message);
        try {
            Signature e = Signature.getInstance("Ed25519");
            e.initSign(ed.getPrivate());
            e.update(signed);
            byte[] a = e.sign();
            Signature m = Signature.getInstance("ML-DSA-65");
            m.initSign(ml.getPrivate());
            m.update(signed);
            byte[] b = m.sign();
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A new account's genesis entry with this device as the first device, co-signed by a recovery identity. */
    static Genesis genesis(TestDevice device) {
        TestDevice sharing = new TestDevice();
        TestDevice recovery = new TestDevice();
        ChainEntry.Genesis g = new ChainEntry.Genesis(Suite.CURRENT, device.identity, sharing.identity,
                recovery.identity, 1, new Digest(random(32)));
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, 0, ChainEntry.NO_PREV, System.currentTimeMillis(), g,
                List.of());
        byte[] body = unsigned.signedBody();
        ChainEntry signed = new ChainEntry(Suite.CURRENT, 0, ChainEntry.NO_PREV, unsigned.timeMillis(), g, List.of(
                new ChainEntry.Signed(ChainEntry.Role.DEVICE,
                        new HybridSignature(device.sign(SignatureDomain.CHAIN_ENTRY, body))),
                new ChainEntry.Signed(ChainEntry.Role.RECOVERY,
                        new HybridSignature(recovery.sign(SignatureDomain.CHAIN_ENTRY, body)))));
        return new Genesis(signed.encode(), signed.verifyGenesis(null), recovery);
    }

    record Genesis(byte[] encoded, AccountId account, TestDevice recovery) {
    }
}
