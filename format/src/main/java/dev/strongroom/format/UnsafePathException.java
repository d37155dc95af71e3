package dev.strongroom.format;

/** A tree holds a name that could escape the restore target or collide with another entry. */
public final class UnsafePathException extends SecurityFailureException {
    public UnsafePathException(String message) {
        super(message);
    }

    public UnsafePathException(String message, Throwable cause) {
        super(message, cause);
    }
}
