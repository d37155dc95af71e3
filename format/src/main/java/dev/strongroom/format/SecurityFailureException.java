package dev.strongroom.format;

/**
 * Something read did not authenticate or verify: a tag, a signature, an id, a sequence
 * number, a chain link. The data is not used. Exit code 3.
 */
public abstract sealed class SecurityFailureException extends StrongroomException
        permits AuthenticationFailedException, SignatureInvalidException, IntegrityException,
                MalformedDataException, DowngradeException, RollbackException, UnsafePathException {

    SecurityFailureException(String message) {
        super(message);
    }

    SecurityFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final int exitCode() {
        return 3;
    }
}
