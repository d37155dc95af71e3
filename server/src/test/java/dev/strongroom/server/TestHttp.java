package dev.strongroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthRequest;
import dev.strongroom.format.SignatureDomain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An HTTPS client for the server under test. It trusts any server key (the server is what is
 * tested here, not the client's pinning), and can also speak raw HTTP/1.1 over TLS to send
 * what {@link HttpClient} refuses to: a Content-Length that lies, a body cut short.
 */
final class TestHttp implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final URI base;
    final int port;
    final String origin;
    /** SHA-256 of the server's TLS key: what a client pins and signs in its auth requests. */
    final byte[] serverKey;
    private final SSLContext tls;
    private final HttpClient client;

    TestHttp(URI base, byte[] serverKey) {
        this.base = base;
        this.serverKey = serverKey.clone();
        this.port = base.getPort();
        this.origin = "https://" + base.getHost() + ":" + port;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustAll()}, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** An answer: status, headers (lower-case names), body. */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.getFirst();
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    Answer send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> h = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
            return new Answer(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Answer get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    Answer postJson(String path, JsonNode body, String... headers) {
        try {
            return send("POST", path, "application/json", JSON.writeValueAsBytes(body), headers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Answer postJson(String path, String body, String... headers) {
        return send("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * Sends raw bytes over TLS and reads the answer. With {@code halfClose} the client closes
     * its sending side after the request (TLS close_notify), so a server waiting for more body
     * sees the end of the stream.
     */
    Answer raw(byte[] request, boolean halfClose) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(base.getHost(), port)) {
            s.setSoTimeout(60_000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            return parse(s.getInputStream());
        } catch (IOException e) {
            throw new AssertionError("raw request failed: " + e, e);
        }
    }

    /** A raw request head with the given lines, then the body bytes (which may disagree with the head). */
    byte[] rawRequest(String method, String path, List<String> headerLines, byte[] body) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(base.getHost()).append(':').append(port).append("\r\n");
        sb.append("Connection: close\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    private static Answer parse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), List.of(l.substring(c + 1).trim()));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (te != null && te.getFirst().equalsIgnoreCase("chunked")) {
            while (true) {
                int n = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl.getFirst())));
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ accounts and sessions

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A registered account: its first device, its id and a session token. */
    record Account(TestDevice device, AccountId id, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }
    }

    ObjectNode accountCreation(TestDevice.Genesis g, TestDevice device) {
        ObjectNode n = JSON.createObjectNode().put("genesis", b64(g.encoded()))
                .put("recovery_blob", b64(TestDevice.random(100))).put("sharing_key", b64(TestDevice.random(100)));
        n.putArray("envelopes").addObject().put("epoch", 1).put("recipient", device.id().hex())
                .put("envelope", b64(TestDevice.random(200)));
        return n;
    }

    Account register() {
        TestDevice device = new TestDevice();
        TestDevice.Genesis g = TestDevice.genesis(device);
        Answer a = postJson("/v1/accounts", accountCreation(g, device));
        assertThat(a.status()).as("account creation: %s", a).isEqualTo(201);
        return new Account(device, g.account(), login(device, g.account()));
    }

    byte[] challenge(TestDevice device, AccountId account) {
        Answer a = postJson("/v1/auth/challenge", JSON.createObjectNode().put("account_id", account.hex())
                .put("device_id", device.id().hex()));
        assertThat(a.status()).as("challenge: %s", a).isEqualTo(200);
        return Base64.getDecoder().decode(a.json().get("nonce").asText());
    }

    /** A session request signed by {@code device} over the given fields, naming this server's key. */
    ObjectNode sessionRequest(TestDevice device, AccountId account, byte[] nonce, long timeMillis, String signedOrigin) {
        return sessionRequest(device, account, nonce, timeMillis, signedOrigin, serverKey);
    }

    /** A session request signed by {@code device} over the given fields ({@link AuthRequest}). */
    ObjectNode sessionRequest(TestDevice device, AccountId account, byte[] nonce, long timeMillis, String signedOrigin,
                              byte[] signedServerKey) {
        byte[] sig = device.sign(SignatureDomain.AUTH,
                AuthRequest.message(signedOrigin, signedServerKey, account, device.id(), nonce, timeMillis));
        return JSON.createObjectNode().put("account_id", account.hex()).put("device_id", device.id().hex())
                .put("nonce", b64(nonce)).put("time_ms", timeMillis).put("origin", signedOrigin)
                .put("server_key", b64(signedServerKey)).put("signature", b64(sig));
    }

    String login(TestDevice device, AccountId account) {
        byte[] nonce = challenge(device, account);
        Answer a = postJson("/v1/auth/session", sessionRequest(device, account, nonce, System.currentTimeMillis(), origin));
        assertThat(a.status()).as("session: %s", a).isEqualTo(200);
        return a.json().get("token").asText();
    }

    /** Asserts a refusal: a 4xx status with a JSON body {"error": ..., "code": ...}. */
    static void assertRefused(Answer a, int status) {
        assertThat(a.status()).as("status of %s", a).isEqualTo(status);
        assertJsonError(a);
    }

    static void assertJsonError(Answer a) {
        assertThat(a.status()).as("status of %s", a).isBetween(400, 499);
        assertThat(a.header("content-type")).as("content type of %s", a).startsWith("application/json");
        JsonNode n = a.json();
        assertThat(n.isObject()).as("body of %s", a).isTrue();
        assertThat(n.path("error").isTextual() && !n.path("error").asText().isBlank()).as("'error' in %s", a).isTrue();
        assertThat(n.path("code").isTextual() && !n.path("code").asText().isBlank()).as("'code' in %s", a).isTrue();
    }

    @Override
    public void close() {
        client.close();
    }

    /** Trusts every server: the server under test is not what is being authenticated here. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] c, String a) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String a) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
