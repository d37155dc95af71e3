package dev.strongroom.translog;

import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A verifier key ("vkey", c2sp.org/signed-note "Verifier keys"):
 * {@code <key name>+<hex key ID>+base64(type || public key)}, e.g.
 * {@code example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k}.
 *
 * <p>Log keys ({@link SignatureType#ED25519}) and witness keys
 * ({@link SignatureType#COSIGNATURE_ML_DSA_44}, {@link SignatureType#COSIGNATURE_ED25519}) are
 * trust anchors: configured out of band, never taken from the log. Immutable.
 */
public final class VerifierKey {
    private final String name;
    private final int keyId;
    private final SignatureType type;
    private final byte[] publicKey;
    private final PublicKey jdkKey;

    private VerifierKey(String name, SignatureType type, byte[] publicKey, PublicKey jdkKey) {
        this.name = name;
        this.type = type;
        this.publicKey = publicKey.clone();
        this.keyId = type.keyId(name, publicKey);
        this.jdkKey = jdkKey;
    }

    /**
     * The vkey of a raw public key; the key ID is computed as the spec recommends.
     *
     * @throws InvalidInputException if the name is invalid or the key is not a valid public key of that type
     */
    public static VerifierKey of(SignatureType type, String name, byte[] publicKey) {
        Objects.requireNonNull(type, "type");
        checkName(type, name);
        try {
            return new VerifierKey(name, type, publicKey, JdkKeys.publicKey(type, publicKey));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("not a valid " + type + " public key");
        }
    }

    static void checkName(SignatureType type, String name) {
        if (!Text.isValidKeyName(name)) {
            throw new InvalidInputException("a key name must be non-empty, without spaces or '+'");
        }
        if (type == SignatureType.COSIGNATURE_ML_DSA_44 && Text.utf8(name, "key name").length > 255) {
            throw new InvalidInputException("an ML-DSA-44 cosigner name is at most 255 bytes");
        }
    }

    /**
     * Parses a vkey. The key ID must be 8 lowercase hex digits equal to the ID computed from
     * the name, type and key; the type must be one this module implements.
     *
     * @throws InvalidInputException if it is not such a vkey
     */
    public static VerifierKey parse(String vkey) {
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new InvalidInputException("a verifier key has the form name+keyid+base64key");
        }
        String name = parts[0];
        String hex = parts[1];
        if (hex.length() != 8 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new InvalidInputException("a verifier key's ID is 8 lowercase hex digits");
        }
        byte[] material;
        try {
            material = Text.base64(parts[2], "verifier key");
        } catch (MalformedDataException e) {
            throw new InvalidInputException("a verifier key's key material is not canonical base64");
        }
        if (material.length < 1) {
            throw new InvalidInputException("a verifier key has no key material");
        }
        SignatureType type = SignatureType.of(material[0] & 0xFF);
        if (type == null) {
            throw new InvalidInputException("unsupported verifier key type 0x" + String.format("%02x", material[0] & 0xFF));
        }
        byte[] raw = Arrays.copyOfRange(material, 1, material.length);
        if (raw.length != type.publicKeyLength()) {
            throw new InvalidInputException("a " + type + " verifier key has " + type.publicKeyLength() + " key bytes, not " + raw.length);
        }
        VerifierKey k = of(type, name, raw);
        if (!Text.hex32(k.keyId).equals(hex)) {
            throw new InvalidInputException("verifier key ID " + hex + " does not match its name and key");
        }
        return k;
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    public SignatureType type() {
        return type;
    }

    /** The raw public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The vkey string. */
    public String encode() {
        return name + "+" + Text.hex32(keyId) + "+" + Text.base64(Merkle.concat(new byte[] {(byte) type.id()}, publicKey));
    }

    /**
     * A note verifier for this key. For {@link SignatureType#ED25519} it checks the signature
     * over the note text. For the cosignature types the note text must be a checkpoint and the
     * signature a {@code timestamped_signature} over the tlog-cosignature message built from it
     * (for ML-DSA-44: {@code start = 0}, {@code end} = the checkpoint size, this key's name as
     * the cosigner name).
     */
    public NoteVerifier verifier() {
        return new NoteVerifier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int keyId() {
                return keyId;
            }

            @Override
            public boolean verify(byte[] text, byte[] signature) {
                return VerifierKey.this.verify(text, signature);
            }

            @Override
            public String toString() {
                return encode();
            }
        };
    }

    boolean verify(byte[] text, byte[] signature) {
        if (signature.length != type.signatureLength()) {
            return false;
        }
        if (type == SignatureType.ED25519) {
            return JdkKeys.verify(type, jdkKey, text, signature);
        }
        long timestamp = Text.u64(signature, 0);
        if (timestamp < 0) {
            return false; // must not exceed 2^63-1
        }
        byte[] sig = Arrays.copyOfRange(signature, 8, signature.length);
        byte[] message;
        try {
            String t = Text.utf8(text, "note text");
            if (type == SignatureType.COSIGNATURE_ED25519) {
                Checkpoint.parse(t); // a cosignature is only ever over a checkpoint
                message = Cosignature.ed25519Message(timestamp, t);
            } else {
                Checkpoint c = Checkpoint.parse(t);
                message = Cosignature.subtreeMessage(name, timestamp, c.origin(), 0, c.size(), c.root());
            }
        } catch (MalformedDataException e) {
            return false;
        }
        return JdkKeys.verify(type, jdkKey, message, sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey k && k.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    @Override
    public String toString() {
        return encode();
    }
}
