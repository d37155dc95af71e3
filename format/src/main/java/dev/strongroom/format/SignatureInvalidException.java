package dev.strongroom.format;

/** A signature did not verify, or was made by a key that is not trusted for that purpose. */
public final class SignatureInvalidException extends SecurityFailureException {
    public SignatureInvalidException(String message) {
        super(message);
    }

    public SignatureInvalidException(String message, Throwable cause) {
        super(message, cause);
    }
}
