package dev.strongroom.format;

/** A structure names a cipher suite or format version older than the one required; there is no fallback. */
public final class DowngradeException extends SecurityFailureException {
    public DowngradeException(String message) {
        super(message);
    }

    public DowngradeException(String message, Throwable cause) {
        super(message, cause);
    }
}
