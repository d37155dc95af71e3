package dev.strongroom.format;

/**
 * A pair of public keys that acts as one party: a device, the account's sharing identity,
 * or the recovery key. Its id is the hash of both keys.
 */
public record PublicIdentity(SigningPublicKey signing, KemPublicKey kem) {
    public static final int ENCODED_LENGTH = SigningPublicKey.ENCODED_LENGTH + KemPublicKey.ENCODED_LENGTH;

    public Encoder writeTo(Encoder e) {
        signing.writeTo(e);
        return kem.writeTo(e);
    }

    public static PublicIdentity read(Decoder d) {
        return new PublicIdentity(SigningPublicKey.read(d), KemPublicKey.read(d));
    }

    /** {@code SHA-256(label "strongroom/identity" v1 || signing || kem)}; a device's id. */
    public Digest hash() {
        return Sha256.labelled("strongroom/identity", writeTo(new Encoder(ENCODED_LENGTH)).toBytes());
    }

    public DeviceId deviceId() {
        return new DeviceId(hash().bytes());
    }
}
