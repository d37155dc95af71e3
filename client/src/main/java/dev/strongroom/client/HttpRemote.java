package dev.strongroom.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.AuthRequest;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PackId;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.UnreachableException;
import dev.strongroom.format.VaultId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@link Remote} over the HTTPS API (docs/http-api.md). TLS trusts exactly one server key:
 * the SHA-256 of its SubjectPublicKeyInfo must equal the pinned fingerprint (no CA, no host
 * name check). Authentication: the device signs a server challenge bound to the origin, the
 * pinned server key, the time and the nonce ({@link AuthRequest}, domain
 * {@link SignatureDomain#AUTH}) and gets a short-lived bearer token.
 */
public final class HttpRemote implements Remote {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private final URI base;
    private final String origin;
    private final AccountId account;
    private final IdentityKeys device;
    private final HttpClient http;
    /** Pack uploads and reads (the bulk of the bytes); everything else goes through {@link #http}. */
    private final PackTransport bulk;
    private final PinningTrustManager trust;
    private final byte[] serverKey;
    private volatile String token;

    public HttpRemote(URI server, String fingerprint, AccountId account, IdentityKeys device) {
        if (!"https".equals(server.getScheme()) || server.getHost() == null) {
            throw new InvalidInputException("the server URL must be https://host:port");
        }
        this.base = server;
        this.origin = "https://" + server.getRawAuthority();
        this.account = account;
        this.device = device;
        this.serverKey = parseFingerprint(fingerprint);
        this.trust = new PinningTrustManager(serverKey);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            this.http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1).build();
            this.bulk = new PackTransport(ctx.getSocketFactory(), server.getHost(),
                    server.getPort() < 0 ? 443 : server.getPort(), server.getRawAuthority(), (int) TIMEOUT.toMillis());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] parseFingerprint(String fp) {
        String s = fp == null ? "" : fp.trim();
        if (s.regionMatches(true, 0, "SHA256:", 0, 7)) {
            s = s.substring(7);
        }
        s = s.replace(":", "").toLowerCase(Locale.ROOT);
        if (!s.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException("a server fingerprint looks like SHA256:<64 hex digits> "
                    + "(the server prints it at start)");
        }
        return HexFormat.of().parseHex(s);
    }

    /** Trusts only a server whose leaf public key hashes to the pin. */
    static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final byte[] pin;
        volatile boolean mismatch;

        PinningTrustManager(byte[] pin) {
            this.pin = pin;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no server certificate");
            }
            byte[] got;
            try {
                got = MessageDigest.getInstance("SHA-256").digest(chain[0].getPublicKey().getEncoded());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
            if (!MessageDigest.isEqual(got, pin)) {
                mismatch = true;
                throw new CertificateException("server key does not match the pinned fingerprint");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ------------------------------------------------------------ transport

    private record Answer(int status, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new MalformedDataException("the server sent malformed JSON");
            }
        }
    }

    private Answer send(HttpRequest.Builder b, boolean authenticated) {
        b.timeout(TIMEOUT);
        for (int attempt = 0; ; attempt++) {
            if (authenticated) {
                b.setHeader("Authorization", "Bearer " + token());
            }
            Answer a = exchange(b.build());
            if (a.status() == 401 && authenticated && attempt == 0) {
                token = null; // expired: sign a new challenge once
                continue;
            }
            return a;
        }
    }

    private static final boolean TRACE = Boolean.getBoolean("strongroom.trace");

    private Answer exchange(HttpRequest req) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (TRACE) {
                System.err.printf("trace: %s %s -> %d, %d bytes, %.1f ms%n", req.method(), req.uri().getPath(),
                        r.statusCode(), r.body().length, (System.nanoTime() - t0) / 1e6);
            }
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw transportFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }

    /** What a failed exchange means to the user (one mapping for both transports). */
    private RuntimeException transportFailure(IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException
                || (e instanceof java.net.SocketTimeoutException && isConnectTimeout(e))) {
            return new UnreachableException("cannot reach the server at " + base + " (" + e.getClass().getSimpleName()
                    + "); is it running?", e);
        }
        if (e instanceof HttpTimeoutException || e instanceof java.net.SocketTimeoutException) {
            return new UnreachableException("the server at " + base + " did not answer in time", e);
        }
        if (trust.mismatch) {
            return new AuthenticationFailedException("the server at " + base
                    + " presented a key that does not match the pinned fingerprint; refusing to talk to it");
        }
        if (e instanceof SSLException) {
            return new UnreachableException("TLS with " + base + " failed: " + e.getMessage(), e);
        }
        if (e.getCause() instanceof UnresolvedAddressException || e instanceof java.net.UnknownHostException) {
            return new UnreachableException("cannot resolve the server host " + base.getHost(), e);
        }
        return new UnreachableException("connection to " + base + " failed: " + e.getMessage(), e);
    }

    private static boolean isConnectTimeout(IOException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
    }

    /** One bulk request (pack upload or read) given the bearer token. */
    private interface BulkCall {
        PackTransport.Response run(String token) throws IOException;
    }

    /** A bulk request on {@link PackTransport}, with the same token renewal as {@link #send}. */
    private Answer bulk(String what, BulkCall call) {
        for (int attempt = 0; ; attempt++) {
            long t0 = System.nanoTime();
            PackTransport.Response r;
            try {
                r = call.run(token());
            } catch (IOException e) {
                throw transportFailure(e);
            }
            if (TRACE) {
                System.err.printf("trace: %s -> %d, %d bytes, %.1f ms%n", what, r.status(), r.body().length,
                        (System.nanoTime() - t0) / 1e6);
            }
            if (r.status() == 401 && attempt == 0) {
                token = null; // expired: sign a new challenge once
                continue;
            }
            return new Answer(r.status(), r.body());
        }
    }

    private String rawPath(String path) {
        URI u = base.resolve(path);
        return u.getRawQuery() == null ? u.getRawPath() : u.getRawPath() + "?" + u.getRawQuery();
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    private static HttpRequest.BodyPublisher json(JsonNode n) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder postJson(String path, JsonNode body) {
        return req(path).header("Content-Type", "application/json").POST(json(body));
    }

    /** Maps error statuses to exceptions; returns the answer for 2xx. */
    private Answer ok(Answer a, String what) {
        if (a.status() >= 200 && a.status() < 300) {
            return a;
        }
        String msg = errorMessage(a);
        if (a.status() == 404) {
            throw new NotFoundException(what + ": " + msg);
        }
        throw new OperationFailedException(what + " failed: the server answered " + a.status() + " (" + msg + ")");
    }

    private static String errorMessage(Answer a) {
        try {
            JsonNode n = JSON.readTree(a.body());
            if (n != null && n.hasNonNull("error")) {
                return n.get("error").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON
        }
        return "no details";
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedDataException("the server's answer lacks '" + field + "'");
        }
        try {
            return Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new MalformedDataException("the server's answer has malformed base64 in '" + field + "'");
        }
    }

    private synchronized String token() {
        if (token == null) {
            ObjectNode c = JSON.createObjectNode().put("account_id", account.hex()).put("device_id", device.id().hex());
            JsonNode ch = ok(exchange(postJson("/v1/auth/challenge", c).timeout(TIMEOUT).build()), "authentication").json();
            byte[] nonce = unb64(ch, "nonce");
            long now = System.currentTimeMillis();
            byte[] msg = AuthRequest.message(origin, serverKey, account, device.id(), nonce, now);
            byte[] sig = device.sign(SignatureDomain.AUTH, msg).bytes();
            ObjectNode s = JSON.createObjectNode().put("account_id", account.hex()).put("device_id", device.id().hex())
                    .put("nonce", b64(nonce)).put("time_ms", now).put("origin", origin)
                    .put("server_key", b64(serverKey)).put("signature", b64(sig));
            JsonNode t = ok(exchange(postJson("/v1/auth/session", s).timeout(TIMEOUT).build()), "authentication").json();
            token = b64(unb64(t, "token"));
        }
        return token;
    }

    // ------------------------------------------------------------ API

    @Override
    public void createAccount(AccountCreation c) {
        ArrayNode envs = JSON.createArrayNode();
        for (EnvelopeUpload e : c.envelopes()) {
            envs.add(JSON.createObjectNode().put("epoch", e.epoch()).put("recipient", e.recipient().hex())
                    .put("envelope", b64(e.envelope())));
        }
        ObjectNode n = JSON.createObjectNode().put("genesis", b64(c.genesis())).put("recovery_blob", b64(c.recoveryBlob()))
                .put("sharing_key", b64(c.sharingKeyWrap()));
        n.set("envelopes", envs);
        ok(send(postJson("/v1/accounts", n), false), "creating the account");
    }

    @Override
    public ChainListing chainWithLog(AccountId a) {
        JsonNode n = ok(send(req("/v1/accounts/" + a.hex() + "/chain").GET(), false), "account " + a.hex()).json();
        List<byte[]> out = new ArrayList<>();
        JsonNode entries = n.get("entries");
        if (entries == null || !entries.isArray()) {
            throw new MalformedDataException("the server's chain answer lacks 'entries'");
        }
        for (JsonNode e : entries) {
            out.add(decode(e));
        }
        List<Long> idx = new ArrayList<>();
        JsonNode li = n.get("log_indices");
        for (int i = 0; i < out.size(); i++) {
            JsonNode v = li == null ? null : li.get(i);
            idx.add(v == null || !v.canConvertToLong() ? -1L : v.asLong());
        }
        return new ChainListing(out, idx);
    }

    @Override
    public byte[] logResource(String path) {
        Answer a = send(req("/log/" + path).GET(), false);
        if (a.status() == 404) {
            throw new NotFoundException("the server's log has no " + path);
        }
        return ok(a, "reading the transparency log").body();
    }

    private static byte[] decode(JsonNode e) {
        try {
            return Base64.getDecoder().decode(e.asText());
        } catch (IllegalArgumentException ex) {
            throw new MalformedDataException("the server sent malformed base64");
        }
    }

    @Override
    public byte[] recoveryBlob(AccountId a) {
        return unb64(ok(send(req("/v1/accounts/" + a.hex() + "/recovery-blob").GET(), false), "recovery blob").json(),
                "blob");
    }

    @Override
    public byte[] recoveryEnvelope(AccountId a, long epoch) {
        return unb64(ok(send(req("/v1/accounts/" + a.hex() + "/recovery-envelope/" + epoch).GET(), false),
                "recovery envelope").json(), "envelope");
    }

    @Override
    public boolean appendChainEntry(AccountId a, byte[] entry) {
        Answer r = send(postJson("/v1/accounts/" + a.hex() + "/chain", JSON.createObjectNode().put("entry", b64(entry))),
                false);
        if (r.status() == 409) {
            return false;
        }
        ok(r, "appending to the device chain");
        return true;
    }

    @Override
    public void putRecoveryBlob(byte[] blob) {
        ok(send(req("/v1/recovery-blob").header("Content-Type", "application/json")
                .PUT(json(JSON.createObjectNode().put("blob", b64(blob)))), true), "storing the recovery blob");
    }

    @Override
    public Optional<byte[]> state(String name) {
        JsonNode n = ok(send(req("/v1/state/" + name).GET(), true), "reading account state").json();
        JsonNode v = n.get("value");
        return v == null || v.isNull() ? Optional.empty() : Optional.of(unb64(n, "value"));
    }

    @Override
    public void putState(String name, byte[] value) {
        ok(send(req("/v1/state/" + name).header("Content-Type", "application/json")
                .PUT(json(JSON.createObjectNode().put("value", b64(value)))), true), "storing account state");
    }

    @Override
    public void putKeyRecord(VaultId vault, long epoch, byte[] record) {
        ok(send(req("/v1/vaults/" + vault.hex() + "/keys/" + epoch).header("Content-Type", "application/json")
                .PUT(json(JSON.createObjectNode().put("record", b64(record)))), true), "storing a vault key record");
    }

    @Override
    public String openPairing(AccountId a, byte[] commitment) {
        JsonNode n = ok(send(postJson("/v1/accounts/" + a.hex() + "/pairings",
                JSON.createObjectNode().put("commitment", b64(commitment))), false), "opening a pairing").json();
        String code = n.path("code").asText("");
        if (!code.matches("[0-9A-Z]{8}")) {
            throw new MalformedDataException("the server sent a malformed pairing code");
        }
        return code;
    }

    private static java.util.Map<String, byte[]> pairingFields(JsonNode n) {
        java.util.Map<String, byte[]> m = new java.util.TreeMap<>();
        for (String f : List.of("commitment", "nonce", "approver", "identity", "nonce_j", "entry", "envelope")) {
            if (n.hasNonNull(f)) {
                m.put(f, unb64(n, f));
            }
        }
        if (n.path("refused").asBoolean(false)) {
            m.put("refused", new byte[] {1});
        }
        return m;
    }

    @Override
    public Optional<java.util.Map<String, byte[]>> pairing(AccountId a, String code) {
        Answer r = send(req("/v1/accounts/" + a.hex() + "/pairings/" + code).GET(), false);
        if (r.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(pairingFields(ok(r, "reading a pairing").json()));
    }

    @Override
    public java.util.Map<String, java.util.Map<String, byte[]>> pendingPairings() {
        JsonNode n = ok(send(req("/v1/pairings").GET(), true), "listing pairings").json();
        java.util.Map<String, java.util.Map<String, byte[]>> out = new java.util.TreeMap<>();
        for (JsonNode p : n.path("pairings")) {
            out.put(p.path("code").asText(), pairingFields(p));
        }
        return out;
    }

    @Override
    public void approvePairing(AccountId a, String code, byte[] nonce) {
        ok(send(postJson("/v1/accounts/" + a.hex() + "/pairings/" + code + "/approve",
                JSON.createObjectNode().put("nonce", b64(nonce))), true), "approving a pairing");
    }

    @Override
    public void revealPairing(AccountId a, String code, byte[] identity, byte[] nonce) {
        ok(send(postJson("/v1/accounts/" + a.hex() + "/pairings/" + code + "/reveal",
                JSON.createObjectNode().put("identity", b64(identity)).put("nonce_j", b64(nonce))), false),
                "revealing the joining device's keys");
    }

    @Override
    public void answerPairing(AccountId a, String code, Optional<byte[]> entry, Optional<byte[]> envelope) {
        ObjectNode n = JSON.createObjectNode();
        if (entry.isPresent()) {
            n.put("entry", b64(entry.get())).put("envelope", b64(envelope.orElseThrow()));
        } else {
            n.put("refused", true);
        }
        ok(send(postJson("/v1/accounts/" + a.hex() + "/pairings/" + code + "/answer", n), true), "answering a pairing");
    }

    @Override
    public byte[] envelope(long epoch, DeviceId recipient) {
        return unb64(ok(send(req("/v1/envelopes/" + epoch + "/" + recipient.hex()).GET(), true),
                "envelope of epoch " + epoch).json(), "envelope");
    }

    @Override
    public void putEnvelope(long epoch, DeviceId recipient, byte[] envelope) {
        ok(send(req("/v1/envelopes/" + epoch + "/" + recipient.hex()).header("Content-Type", "application/json")
                .PUT(json(JSON.createObjectNode().put("envelope", b64(envelope)))), true), "storing an envelope");
    }

    @Override
    public boolean createVault(VaultId vault, long epoch, byte[] keyRecord) {
        Answer a = send(postJson("/v1/vaults", JSON.createObjectNode().put("id", vault.hex()).put("epoch", epoch)
                .put("record", b64(keyRecord))), true);
        if (a.status() == 409) {
            return false;
        }
        ok(a, "creating the vault");
        return true;
    }

    @Override
    public List<VaultListing> vaults() {
        JsonNode n = ok(send(req("/v1/vaults").GET(), true), "listing vaults").json();
        List<VaultListing> out = new ArrayList<>();
        for (JsonNode v : n.path("vaults")) {
            List<KeyRecord> recs = new ArrayList<>();
            for (JsonNode r : v.path("key_records")) {
                recs.add(new KeyRecord(r.path("epoch").asLong(), unb64(r, "record")));
            }
            out.add(new VaultListing(VaultId.fromHex(v.path("id").asText()), recs));
        }
        return out;
    }

    @Override
    public void putPack(VaultId vault, PackId pack, PackBody body) {
        String path = rawPath("/v1/vaults/" + vault.hex() + "/packs/" + pack.hex());
        ok(bulk("PUT " + path, t -> this.bulk.put(path, java.util.Map.of("Authorization", "Bearer " + t,
                "Content-Type", "application/octet-stream"), body.parts(), body.length())), "uploading a pack");
    }

    @Override
    public List<PackListing> packs(VaultId vault) {
        JsonNode n = ok(send(req("/v1/vaults/" + vault.hex() + "/packs").GET(), true), "listing packs").json();
        List<PackListing> out = new ArrayList<>();
        for (JsonNode p : n.path("packs")) {
            out.add(new PackListing(PackId.fromHex(p.path("id").asText()), p.path("size").asLong()));
        }
        return out;
    }

    @Override
    public byte[] readPack(VaultId vault, PackId pack, long start, long end) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("empty or negative range");
        }
        String path = rawPath("/v1/vaults/" + vault.hex() + "/packs/" + pack.hex());
        Answer a = ok(bulk("GET " + path, t -> this.bulk.get(path, java.util.Map.of("Authorization", "Bearer " + t,
                "Range", "bytes=" + start + "-" + (end - 1)), end - start)), "reading pack " + pack.hex());
        return a.body();
    }

    @Override
    public Optional<StoredCommit> head(VaultId vault) {
        JsonNode n = ok(send(req("/v1/vaults/" + vault.hex() + "/head").GET(), true), "reading the head").json();
        JsonNode c = n.get("commit");
        if (c == null || c.isNull()) {
            return Optional.empty();
        }
        return Optional.of(commit(c));
    }

    private static StoredCommit commit(JsonNode c) {
        JsonNode li = c.get("log_index");
        return new StoredCommit(unb64(c, "header"), unb64(c, "signature"), unb64(c, "sealed"),
                li == null || !li.canConvertToLong() ? -1 : li.asLong());
    }

    @Override
    public List<StoredCommit> commits(VaultId vault, long from, long to) {
        JsonNode n = ok(send(req("/v1/vaults/" + vault.hex() + "/commits?from=" + from + "&to=" + to).GET(), true),
                "reading versions").json();
        List<StoredCommit> out = new ArrayList<>();
        for (JsonNode c : n.path("commits")) {
            out.add(commit(c));
        }
        return out;
    }

    @Override
    public boolean commit(VaultId vault, StoredCommit commit, List<PackId> newPacks) {
        ArrayNode packs = JSON.createArrayNode();
        newPacks.forEach(p -> packs.add(p.hex()));
        ObjectNode n = JSON.createObjectNode().put("header", b64(commit.header())).put("signature", b64(commit.signature()))
                .put("sealed", b64(commit.sealed()));
        n.set("packs", packs);
        Answer a = send(postJson("/v1/vaults/" + vault.hex() + "/commits", n), true);
        if (a.status() == 409) {
            return false;
        }
        ok(a, "committing");
        return true;
    }

    @Override
    public void close() {
        bulk.close();
        http.close();
    }
}
