package dev.strongroom.format;

import java.util.Arrays;

/**
 * The public half of a hybrid KEM key: an X-Wing encapsulation key
 * (draft-connolly-cfrg-xwing-kem: {@code ml_kem_768_pk (1184) || x25519_pk (32)}).
 */
public final class KemPublicKey {
    public static final int ENCODED_LENGTH = 1216;
    private final byte[] encoded;

    private KemPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    public static KemPublicKey decode(byte[] encoded) {
        if (encoded.length != ENCODED_LENGTH) {
            throw new MalformedDataException("a KEM public key must be " + ENCODED_LENGTH + " bytes");
        }
        return new KemPublicKey(encoded.clone());
    }

    public static KemPublicKey read(Decoder d) {
        return decode(d.raw(ENCODED_LENGTH));
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public Encoder writeTo(Encoder e) {
        return e.raw(encoded);
    }

    public Digest hash() {
        return Sha256.labelled("strongroom/kem-key", encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KemPublicKey k && Arrays.equals(encoded, k.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "KemPublicKey[" + hash().hex().substring(0, 16) + "]";
    }
}
