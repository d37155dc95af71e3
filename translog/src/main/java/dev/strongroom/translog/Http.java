package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.UnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.GZIPInputStream;

/** Small HTTP helpers for the client classes. Package-private. */
final class Http {
    private Http() {
    }

    static HttpClient defaultClient() {
        return HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code prefix} without trailing slashes, then {@code /path}. */
    static URI join(URI prefix, String path) {
        String p = prefix.toString();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return URI.create(p + "/" + path);
    }

    /** A response with its body read up to {@code limit} bytes (gunzipped if so encoded). */
    record Reply(int status, String contentType, byte[] body) {
    }

    static Reply send(HttpClient client, HttpRequest request, int limit) {
        HttpResponse<InputStream> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UnreachableException("cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted while talking to " + request.uri(), e);
        }
        String encoding = r.headers().firstValue("Content-Encoding").orElse("identity");
        try (InputStream raw = r.body();
             InputStream in = encoding.equalsIgnoreCase("gzip") ? new GZIPInputStream(raw) : raw) {
            if (!encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
                throw new MalformedDataException("unsupported Content-Encoding " + encoding + " from " + request.uri());
            }
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new MalformedDataException("response from " + request.uri() + " is larger than " + limit + " bytes");
            }
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body);
        } catch (IOException e) {
            throw new UnreachableException("cannot read the response from " + request.uri() + ": " + e.getMessage(), e);
        }
    }

    static String snippet(byte[] body) {
        String s = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        s = s.replaceAll("\\p{Cntrl}", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
