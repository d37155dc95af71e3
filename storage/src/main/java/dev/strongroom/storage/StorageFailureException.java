package dev.strongroom.storage;

/**
 * A metadata store could not do what was asked: the database failed, is unreachable, is
 * closed, or has a schema this version cannot use. The server answers such failures with an
 * internal error; retrying may help.
 *
 * <p>Messages name the operation that failed, never a value (no ids, no blobs); the cause
 * carries the driver's diagnostics.
 */
public final class StorageFailureException extends RuntimeException {

    public StorageFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageFailureException(String message) {
        super(message);
    }
}
