package dev.strongroom.format;

/** The server presented state older than state this client has already seen (a rollback or a fork). */
public final class RollbackException extends SecurityFailureException {
    public RollbackException(String message) {
        super(message);
    }

    public RollbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
