package dev.strongroom.format;

/** An AEAD tag or key commitment did not verify: wrong key, wrong context, or tampered bytes. */
public final class AuthenticationFailedException extends SecurityFailureException {
    public AuthenticationFailedException(String message) {
        super(message);
    }

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
