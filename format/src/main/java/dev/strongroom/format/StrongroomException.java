package dev.strongroom.format;

/**
 * Root of Strongroom's unchecked exceptions. The hierarchy is sealed and small so that
 * the CLI can map every failure to one documented exit code in one place.
 *
 * <p>Messages say what failed and what the user can do; they never contain key material,
 * plaintext, file names of a vault or unkeyed content hashes.
 */
public abstract sealed class StrongroomException extends RuntimeException
        permits SecurityFailureException, InvalidInputException, NotFoundException,
                UnreachableException, OperationFailedException {

    StrongroomException(String message) {
        super(message);
    }

    StrongroomException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The process exit code the CLI uses for this kind of failure. */
    public abstract int exitCode();
}
