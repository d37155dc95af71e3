package dev.strongroom.server;

/** A request the server refuses, with the HTTP status and a message for the JSON error body. */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }
}
