package dev.strongroom.format;

/** A named thing (vault, version, path, account) does not exist. Exit code 4. */
public final class NotFoundException extends StrongroomException {
    public NotFoundException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return 4;
    }
}
