package dev.strongroom.crypto;

import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;

/**
 * The private keys of one party (a device, the account sharing identity, the recovery key):
 * a hybrid signing key pair and an X-Wing key pair.
 */
public final class IdentityKeys {
    private static final String LABEL = "strongroom/identity-private";
    private final SigningKeyPair signing;
    private final KemKeyPair kem;
    private final PublicIdentity publicIdentity;

    private IdentityKeys(SigningKeyPair signing, KemKeyPair kem) {
        this.signing = signing;
        this.kem = kem;
        this.publicIdentity = new PublicIdentity(signing.publicKey(), kem.publicKey());
    }

    public static IdentityKeys generate() {
        return new IdentityKeys(SigningKeyPair.generate(), KemKeyPair.generate());
    }

    public PublicIdentity publicIdentity() {
        return publicIdentity;
    }

    public DeviceId id() {
        return publicIdentity.deviceId();
    }

    public HybridSignature sign(SignatureDomain domain, byte[] message) {
        return signing.sign(domain, Suite.CURRENT, message);
    }

    KemKeyPair kem() {
        return kem;
    }

    /**
     * A key for this device's own local state, derived from its KEM seed:
     * {@code HKDF-SHA256(seed, info = label "strongroom/device-local-key" v1)}. Whoever can read the
     * device's private keys can read what it seals; it adds no secret, it keeps cached secrets
     * (root keys) no more exposed than the device key itself.
     */
    public SymmetricKey localKey() {
        return new SymmetricKey(Hkdf.derive(kem.seed(), null,
                dev.strongroom.format.Encoder.labelled("strongroom/device-local-key", 1).toBytes(), SymmetricKey.LENGTH));
    }

    /**
     * The private keys, encoded:
     * {@code label "strongroom/identity-private" v1 || u8 suite || identity ||
     * u16 len || ed25519_pkcs8 || u16 len || ml_dsa_65_pkcs8 || xwing_seed[32]}.
     * Callers store it only sealed or in a 0600 file.
     */
    public byte[] exportPrivate() {
        byte[][] sk = signing.exportPrivate();
        Encoder e = Encoder.labelled(LABEL, 1).u8(Suite.CURRENT.id());
        publicIdentity.writeTo(e);
        return e.bytes16(sk[0]).bytes16(sk[1]).raw(kem.seed()).toBytes();
    }

    /** Parses {@link #exportPrivate()} and checks that the private keys match the public ones. */
    public static IdentityKeys importPrivate(byte[] encoded) {
        Decoder d = new Decoder(encoded, "private key file");
        d.expectLabel(LABEL, 1);
        Suite.read(d, Suite.CURRENT);
        PublicIdentity pub = PublicIdentity.read(d);
        SigningKeyPair s = SigningKeyPair.importPrivate(d.bytes16(8192), d.bytes16(8192), pub.signing());
        KemKeyPair k = KemKeyPair.fromSeed(d.raw(KemKeyPair.SEED_LENGTH));
        d.end();
        if (!k.publicKey().equals(pub.kem())) {
            throw new IntegrityException("stored KEM private key does not match its public key");
        }
        return new IdentityKeys(s, k);
    }

    @Override
    public String toString() {
        return "IdentityKeys[" + id().hex().substring(0, 16) + "]";
    }
}
