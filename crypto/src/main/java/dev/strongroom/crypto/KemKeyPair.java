package dev.strongroom.crypto;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.MalformedDataException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMExtractor;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingPublicKeyParameters;

/**
 * An X-Wing key pair (draft-connolly-cfrg-xwing-kem: ML-KEM-768 + X25519, SHA3-256 combiner
 * with the label last, decapsulation key = 32-byte seed expanded with SHAKE-256). The
 * implementation is BouncyCastle's, checked against the draft's test vectors in our tests.
 *
 * <p>On top of X-Wing we refuse low-order X25519 points: an encapsulation key or a
 * ciphertext whose X25519 part lies in the small subgroup gives an all-zero X25519 secret,
 * which X-Wing tolerates (ML-KEM still protects it) but which never occurs honestly.
 */
public final class KemKeyPair implements Destroyable {
    public static final int SEED_LENGTH = 32;
    public static final int CIPHERTEXT_LENGTH = 1120;
    private static final int X25519_OFFSET_PK = 1184;
    private static final int X25519_OFFSET_CT = 1088;

    private final byte[] seed;
    private final XWingPrivateKeyParameters priv;
    private final KemPublicKey publicKey;
    private volatile boolean destroyed;

    private KemKeyPair(byte[] seed) {
        this.seed = seed.clone();
        this.priv = new XWingPrivateKeyParameters(seed);
        this.publicKey = KemPublicKey.decode(priv.getPublicKeyParameters().getEncoded());
    }

    public static KemKeyPair generate() {
        byte[] s = new byte[SEED_LENGTH];
        SymmetricKey.RANDOM.nextBytes(s);
        return new KemKeyPair(s);
    }

    /** The X-Wing key pair for a given decapsulation seed (used by test vectors and key files). */
    static KemKeyPair fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new MalformedDataException("an X-Wing seed is 32 bytes");
        }
        return new KemKeyPair(seed);
    }

    byte[] seed() {
        return seed.clone();
    }

    public KemPublicKey publicKey() {
        return publicKey;
    }

    /** A shared secret and the ciphertext that carries it. */
    public record Encapsulation(byte[] sharedSecret, byte[] ciphertext) {
    }

    /** Encapsulates to {@code recipient}; refuses a low-order X25519 public key. */
    public static Encapsulation encapsulate(KemPublicKey recipient) {
        return encapsulate(recipient, SymmetricKey.RANDOM);
    }

    static Encapsulation encapsulate(KemPublicKey recipient, SecureRandom random) {
        byte[] pk = recipient.encoded();
        if (lowOrder(pk, X25519_OFFSET_PK)) {
            throw new MalformedDataException("KEM public key has a low-order X25519 point");
        }
        SecretWithEncapsulation s = new XWingKEMGenerator(random)
                .generateEncapsulated(new XWingPublicKeyParameters(pk));
        try {
            return new Encapsulation(s.getSecret(), s.getEncapsulation());
        } finally {
            try {
                s.destroy();
            } catch (javax.security.auth.DestroyFailedException ignored) {
                // the copies returned above are what matters
            }
        }
    }

    /**
     * Decapsulates. A tampered ML-KEM part yields an unrelated secret (implicit rejection), so
     * the box it protects fails its key commitment; a low-order X25519 part is refused here.
     */
    public byte[] decapsulate(byte[] ciphertext) {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        if (ciphertext.length != CIPHERTEXT_LENGTH) {
            throw new AuthenticationFailedException("KEM ciphertext has the wrong length");
        }
        if (lowOrder(ciphertext, X25519_OFFSET_CT)) {
            throw new AuthenticationFailedException("KEM ciphertext has a low-order X25519 point");
        }
        return new XWingKEMExtractor(priv).extractSecret(ciphertext);
    }

    /**
     * Whether the X25519 point at {@code off} is in the small subgroup: a clamped scalar is a
     * multiple of the cofactor 8, so its product with such a point is the all-zero output.
     */
    private static boolean lowOrder(byte[] buf, int off) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        SymmetricKey.RANDOM.nextBytes(k);
        byte[] r = new byte[X25519.POINT_SIZE];
        X25519.scalarMult(k, 0, buf, off, r, 0);
        int acc = 0;
        for (byte b : r) {
            acc |= b;
        }
        return acc == 0;
    }

    @Override
    public void destroy() {
        Arrays.fill(seed, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "KemKeyPair[" + publicKey + "]";
    }
}
