package dev.strongroom.translog;

import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A private note key: a log's checkpoint key ({@link SignatureType#ED25519}) or a witness's
 * cosigning key ({@link SignatureType#COSIGNATURE_ML_DSA_44}, or
 * {@link SignatureType#COSIGNATURE_ED25519} for interoperability).
 *
 * <p>Every type is determined by a 32-byte seed (RFC 8032 private key; FIPS 204 ξ), stored as
 * <pre>
 * PRIVATE+KEY+&lt;name&gt;+&lt;hex key ID&gt;+base64(type || seed)
 * </pre>
 * For type {@code 0x01} this is exactly the private key format of Go's
 * golang.org/x/mod/sumdb/note, so keys move between the two. Parsing re-derives the public key
 * and checks the key ID. The seed is only reachable through {@link #encodePrivate()}; this
 * class has no {@code toString}, {@code equals} or {@code hashCode} over it.
 *
 * <p>Signing ({@link #sign}) a cosignature type cosigns the checkpoint the note text holds,
 * timestamped with the clock given at construction (system UTC by default);
 * {@link #cosign(Checkpoint, long)} takes an explicit timestamp.
 */
public final class SignerKey implements NoteSigner, Destroyable {
    private static final String PREFIX = "PRIVATE+KEY+";

    private final String name;
    private final SignatureType type;
    private final VerifierKey verifierKey;
    private final Clock clock;
    private byte[] seed;
    private KeyPair keyPair;

    private SignerKey(SignatureType type, String name, byte[] seed, Clock clock) {
        VerifierKey.checkName(type, name);
        if (seed.length != JdkKeys.SEED_LENGTH) {
            throw new InvalidInputException("a private key seed is 32 bytes");
        }
        this.name = name;
        this.type = type;
        this.seed = seed.clone();
        this.keyPair = JdkKeys.fromSeed(type, this.seed);
        this.verifierKey = VerifierKey.of(type, name, JdkKeys.raw(type, keyPair.getPublic()));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new random key. */
    public static SignerKey generate(SignatureType type, String name) {
        byte[] seed = new byte[JdkKeys.SEED_LENGTH];
        new SecureRandom().nextBytes(seed);
        try {
            return new SignerKey(type, name, seed, Clock.systemUTC());
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The key a seed determines (for tests and for keys derived elsewhere). */
    public static SignerKey fromSeed(SignatureType type, String name, byte[] seed) {
        return new SignerKey(type, name, seed, Clock.systemUTC());
    }

    /**
     * Parses {@code PRIVATE+KEY+<name>+<hex id>+base64(type || seed)}.
     *
     * @throws InvalidInputException if malformed, of an unknown type, or if the key ID does
     *                               not match the derived public key
     */
    public static SignerKey parse(String skey) {
        return parse(skey, Clock.systemUTC());
    }

    /** Parses a private key whose cosignatures take their timestamps from {@code clock}. */
    public static SignerKey parse(String skey, Clock clock) {
        if (!skey.startsWith(PREFIX)) {
            throw new InvalidInputException("a private note key starts with PRIVATE+KEY+");
        }
        String[] parts = skey.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new InvalidInputException("a private note key has the form PRIVATE+KEY+name+keyid+base64key");
        }
        String hex = parts[1];
        if (hex.length() != 8 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new InvalidInputException("a private note key's ID is 8 lowercase hex digits");
        }
        byte[] material;
        try {
            material = Text.base64(parts[2], "private key");
        } catch (MalformedDataException e) {
            throw new InvalidInputException("a private note key's key material is not canonical base64");
        }
        try {
            if (material.length != 1 + JdkKeys.SEED_LENGTH) {
                throw new InvalidInputException("a private note key holds a type byte and a 32-byte seed");
            }
            SignatureType type = SignatureType.of(material[0] & 0xFF);
            if (type == null) {
                throw new InvalidInputException("unsupported private key type");
            }
            byte[] seed = Arrays.copyOfRange(material, 1, material.length);
            SignerKey k;
            try {
                k = new SignerKey(type, parts[0], seed, clock);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
            if (!Text.hex32(k.keyId()).equals(hex)) {
                k.destroy();
                throw new InvalidInputException("private note key ID does not match its key");
            }
            return k;
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The secret encoding {@code PRIVATE+KEY+…}: the only way to read the seed. Store it like a password. */
    public String encodePrivate() {
        byte[] material = Merkle.concat(new byte[] {(byte) type.id()}, liveSeed());
        try {
            return PREFIX + name + "+" + Text.hex32(keyId()) + "+" + Text.base64(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The public half, to publish and configure in verifiers. */
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    public SignatureType type() {
        return type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return verifierKey.keyId();
    }

    /**
     * Signs a note text. Type {@code 0x01}: Ed25519 over the text. Cosignature types: the text
     * must be a checkpoint, cosigned at the clock's current time.
     *
     * @throws MalformedDataException if a cosigner is asked to sign something that is not a checkpoint
     */
    @Override
    public byte[] sign(byte[] text) {
        if (type == SignatureType.ED25519) {
            return JdkKeys.sign(type, live(), text);
        }
        Checkpoint c = Checkpoint.parse(text);
        return cosign(c, clock.instant().getEpochSecond()).signature();
    }

    /**
     * A cosignature line on {@code checkpoint} with the given POSIX timestamp (seconds), as a
     * witness returns it from add-checkpoint.
     */
    public NoteSignature cosign(Checkpoint checkpoint, long timestamp) {
        if (!type.isCosignature()) {
            throw new IllegalStateException("a " + type + " key makes plain note signatures, not cosignatures");
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("negative timestamp");
        }
        byte[] message = type == SignatureType.COSIGNATURE_ML_DSA_44
                ? Cosignature.subtreeMessage(name, timestamp, checkpoint.origin(), 0, checkpoint.size(), checkpoint.root())
                : Cosignature.ed25519Message(timestamp, checkpoint.text());
        byte[] sig = JdkKeys.sign(type, live(), message);
        byte[] out = new byte[8 + sig.length];
        Text.putU64(out, 0, timestamp);
        System.arraycopy(sig, 0, out, 8, sig.length);
        return new NoteSignature(name, keyId(), out);
    }

    /** Wipes the seed and drops the JDK key; the key cannot sign afterwards. */
    @Override
    public synchronized void destroy() {
        if (seed != null) {
            Arrays.fill(seed, (byte) 0);
        }
        seed = null;
        keyPair = null;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return seed == null;
    }

    private synchronized KeyPair live() {
        if (keyPair == null) {
            throw new IllegalStateException("the key was destroyed");
        }
        return keyPair;
    }

    private synchronized byte[] liveSeed() {
        if (seed == null) {
            throw new IllegalStateException("the key was destroyed");
        }
        return seed;
    }
}
