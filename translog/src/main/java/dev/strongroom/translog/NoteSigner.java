package dev.strongroom.translog;

/**
 * Produces one signature line of a signed note (c2sp.org/signed-note). {@link SignerKey} is
 * the implementation for this module's key types.
 */
public interface NoteSigner {
    /** The key name written on the signature line. */
    String name();

    /** The 32-bit key ID written (big-endian) in front of the signature. */
    int keyId();

    /** Signs the note text (with its final newline); returns the signature without the key ID. */
    byte[] sign(byte[] text);
}
