package dev.strongroom.format;

/**
 * Cipher suites. Every signed or encrypted structure carries its suite inside what is
 * authenticated; a reader accepts only suites at or above the account's minimum and never
 * falls back.
 *
 * <p>{@code V1}: Ed25519 + ML-DSA-65 hybrid signatures, X-Wing (X25519 + ML-KEM-768) KEM,
 * HKDF-SHA256, HMAC-SHA256 object ids, AES-256-GCM key-committing boxes, SHA-256 hashes.
 */
public enum Suite {
    V1(1);

    /** The suite new structures are written with. */
    public static final Suite CURRENT = V1;

    private final int id;

    Suite(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Suite of(int id) {
        for (Suite s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new MalformedDataException("unknown cipher suite " + id + "; upgrade Strongroom");
    }

    /** Reads a suite id and checks it is at least {@code minimum}. */
    public static Suite read(Decoder d, Suite minimum) {
        Suite s = of(d.u8());
        if (s.id < minimum.id) {
            throw new DowngradeException("suite " + s.id + " is below the required minimum " + minimum.id);
        }
        return s;
    }
}
