package dev.strongroom.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before the API sees a request (a malformed URI, a bad header) get the
 * same JSON body as the API's own refusals: {@code {"error": ..., "code": ...}}.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        Object m = request.getAttribute(ERROR_MESSAGE);
        byte[] body = json(status, m == null ? "request refused" : m.toString());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(json(status, reason == null ? "bad request" : reason));
    }

    private static byte[] json(int status, String message) {
        String code = status == 404 ? "not_found" : status < 500 ? "bad_request" : "internal";
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
        return ("{\"error\":\"" + escaped + "\",\"code\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
