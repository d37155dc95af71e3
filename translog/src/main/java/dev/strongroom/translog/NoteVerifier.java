package dev.strongroom.translog;

/**
 * Checks signatures by one key (c2sp.org/signed-note). A note's signature line is given to the
 * verifier whose {@link #name()} and {@link #keyId()} both match it; lines matching no verifier
 * are ignored. {@link VerifierKey#verifier()} builds one from a vkey.
 */
public interface NoteVerifier {
    /** The key name. */
    String name();

    /** The 32-bit key ID. */
    int keyId();

    /**
     * Whether {@code signature} (without the key ID) is a valid signature of {@code text}.
     * Never throws for a bad signature.
     */
    boolean verify(byte[] text, byte[] signature);
}
