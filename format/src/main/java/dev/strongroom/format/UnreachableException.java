package dev.strongroom.format;

/** The server could not be reached (connection refused, DNS, timeout). Exit code 5. */
public final class UnreachableException extends StrongroomException {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return 5;
    }
}
