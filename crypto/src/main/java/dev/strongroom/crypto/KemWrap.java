package dev.strongroom.crypto;

import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.MalformedDataException;

/**
 * Wraps a secret to a recipient's X-Wing key: the hybrid KEM's shared secret goes through
 * HKDF with the full context (suite, purpose, account, epoch, sender and recipient ids and key
 * hashes, see {@link SealContext.Envelope}) and the result seals the secret in a
 * key-committing box.
 *
 * <pre>
 * wrap := kem_ct[1120] || u32 len || box
 * wrap_key := HKDF-SHA256(ikm = ss, no salt, info = label "strongroom/kem-wrap" v1 || u32 len || context, L = 32)
 * </pre>
 * Authenticity comes from the signature the caller puts around the wrap (e.g. an envelope
 * signed by the sending device); the wrap alone only gives confidentiality to the recipient.
 */
public final class KemWrap {
    private KemWrap() {
    }

    public static byte[] wrap(byte[] secret, dev.strongroom.format.KemPublicKey recipient, SealContext.Envelope context) {
        KemKeyPair.Encapsulation enc = KemKeyPair.encapsulate(recipient);
        try (SymmetricKey k = wrapKey(enc.sharedSecret(), context)) {
            byte[] box = k.seal(secret, context);
            return new Encoder(KemKeyPair.CIPHERTEXT_LENGTH + 4 + box.length)
                    .raw(enc.ciphertext()).bytes32(box).toBytes();
        } finally {
            java.util.Arrays.fill(enc.sharedSecret(), (byte) 0);
        }
    }

    public static byte[] unwrap(byte[] wrap, KemKeyPair recipient, SealContext.Envelope context) {
        Decoder d = new Decoder(wrap, "key wrap");
        byte[] ct = d.raw(KemKeyPair.CIPHERTEXT_LENGTH);
        byte[] box = d.bytes32(1 << 20);
        d.end();
        byte[] ss = recipient.decapsulate(ct);
        try (SymmetricKey k = wrapKey(ss, context)) {
            return k.open(box, context);
        } finally {
            java.util.Arrays.fill(ss, (byte) 0);
        }
    }

    /** Unwraps with the private keys of an identity. */
    public static byte[] unwrap(byte[] wrap, IdentityKeys recipient, SealContext.Envelope context) {
        return unwrap(wrap, recipient.kem(), context);
    }

    private static SymmetricKey wrapKey(byte[] ss, SealContext.Envelope context) {
        if (ss.length != 32) {
            throw new MalformedDataException("KEM shared secret has the wrong length");
        }
        byte[] info = Encoder.labelled("strongroom/kem-wrap", 1).bytes32(context.encode()).toBytes();
        return new SymmetricKey(Hkdf.derive(ss, null, info, SymmetricKey.LENGTH));
    }
}
