package dev.strongroom.format;

import java.util.Arrays;

/** A hybrid signature: {@code ed25519 (64) || ml_dsa_65 (3309)}. Immutable. */
public final class HybridSignature {
    private final byte[] bytes;

    public HybridSignature(byte[] bytes) {
        if (bytes.length != SigningPublicKey.SIGNATURE_LENGTH) {
            throw new MalformedDataException("a signature must be " + SigningPublicKey.SIGNATURE_LENGTH + " bytes");
        }
        this.bytes = bytes.clone();
    }

    public static HybridSignature read(Decoder d) {
        return new HybridSignature(d.raw(SigningPublicKey.SIGNATURE_LENGTH));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Encoder writeTo(Encoder e) {
        return e.raw(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HybridSignature s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
