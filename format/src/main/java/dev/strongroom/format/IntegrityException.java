package dev.strongroom.format;

/** Authenticated data is inconsistent: a recomputed id or hash differs, a size or type does not match, a chain link is broken. */
public final class IntegrityException extends SecurityFailureException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
