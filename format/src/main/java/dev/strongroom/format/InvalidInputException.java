package dev.strongroom.format;

/** The user's input is wrong (a malformed argument, a mistyped recovery code). Exit code 2. */
public final class InvalidInputException extends StrongroomException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
