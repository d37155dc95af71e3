package dev.strongroom.format;

/** Any other failure: local I/O, a server error, a conflict that could not be resolved. Exit code 1. */
public final class OperationFailedException extends StrongroomException {
    public OperationFailedException(String message) {
        super(message);
    }

    public OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return 1;
    }
}
