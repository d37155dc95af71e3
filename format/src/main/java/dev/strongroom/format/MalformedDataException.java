package dev.strongroom.format;

/** Bytes from storage or the network do not parse under the canonical encoding (bad label, bound exceeded, trailing bytes). */
public final class MalformedDataException extends SecurityFailureException {
    public MalformedDataException(String message) {
        super(message);
    }

    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
