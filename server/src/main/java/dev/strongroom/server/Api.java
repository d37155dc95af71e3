package dev.strongroom.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.StrongroomException;
import dev.strongroom.format.VaultId;
import dev.strongroom.storage.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (docs/http-api.md): JSON for metadata with base64 for binary fields, raw bytes
 * for packs, aligned range reads. Every refusal is a 4xx with {@code {"error": ..., "code": ...}};
 * malformed input never produces a 5xx (a 5xx means the server itself failed, e.g. a store
 * error). Logs carry method, route, status and duration only.
 */
final class Api extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON = 16 * 1024 * 1024;
    private static final String HEX32 = "([0-9a-f]{64})";
    private static final String HEX16 = "([0-9a-f]{32})";
    private static final Pattern ACCOUNT = Pattern.compile("/v1/accounts/" + HEX32 + "/(chain|recovery-blob|pairings)");
    private static final Pattern PAIRING = Pattern.compile("/v1/accounts/" + HEX32 + "/pairings/([0-9A-Z]{8})(/approve|/reveal|/answer)?");
    private static final Pattern STATE = Pattern.compile("/v1/state/([a-z0-9-]{1,32})");
    private static final Pattern RECOVERY_ENVELOPE = Pattern.compile("/v1/accounts/" + HEX32 + "/recovery-envelope/([0-9]{1,10})");
    private static final Pattern KEYS = Pattern.compile("/v1/vaults/" + HEX16 + "/keys/([0-9]{1,10})");
    private static final Pattern ENVELOPE = Pattern.compile("/v1/envelopes/([0-9]{1,10})/" + HEX32);
    private static final Pattern VAULT = Pattern.compile("/v1/vaults/" + HEX16 + "/(packs|head|commits)");
    private static final Pattern PACK = Pattern.compile("/v1/vaults/" + HEX16 + "/packs/" + HEX32);
    private static final Pattern RANGE = Pattern.compile("bytes=([0-9]{1,15})-([0-9]{1,15})");

    private final Service service;
    private final String version;

    Api(Service service, String version) {
        this.service = service;
        this.version = version;
    }

    /** An answer: status and JSON body, or a raw stream already written. */
    private record Reply(int status, JsonNode json) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String route = "?";
        int status;
        try {
            Route r = route(method, path);
            route = r.name();
            Reply reply = r.handler().handle(request, response);
            if (reply == null) {
                status = response.getStatus();
                callback.succeeded();
            } else {
                status = reply.status();
                sendJson(response, callback, reply.status(), reply.json());
            }
        } catch (ApiException e) {
            status = e.status();
            sendError(response, callback, e.status(), e.code(), e.getMessage(), settle(request));
        } catch (StrongroomException e) {
            status = 400;
            sendError(response, callback, 400, "bad_request", e.getMessage(), settle(request));
        } catch (Throwable t) {
            status = 500;
            LOG.error("internal error on {} {}", method, route, t);
            sendError(response, callback, 500, "internal", "internal server error", settle(request));
        }
        LOG.info("{} {} {} {}ms", method, route, status, (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    @FunctionalInterface
    private interface RouteHandler {
        Reply handle(Request request, Response response) throws Exception;
    }

    private record Route(String name, RouteHandler handler) {
    }

    private Route route(String method, String path) {
        Matcher m;
        if (path.startsWith("/log/")) {
            return only(method, "GET", path.startsWith("/log/tile/") ? "log-tile" : "log", (q, s) -> logResource(s, path));
        }
        switch (path) {
            case "/v1/info" -> {
                return only(method, "GET", "info", (q, s) -> ok(obj().put("name", "strongroom").put("version", version)
                        .put("api", 1)));
            }
            case "/v1/accounts" -> {
                return only(method, "POST", "create-account", this::createAccount);
            }
            case "/v1/auth/challenge" -> {
                return only(method, "POST", "auth-challenge", this::challenge);
            }
            case "/v1/auth/session" -> {
                return only(method, "POST", "auth-session", this::session);
            }
            case "/v1/pairings" -> {
                return only(method, "GET", "pending-pairings", this::pendingPairings);
            }
            case "/v1/recovery-blob" -> {
                return only(method, "PUT", "put-recovery-blob", (q, s) -> {
                    Service.Caller c = auth(q);
                    service.putRecoveryBlob(c, bytes(json(q), "blob"));
                    return new Reply(204, null);
                });
            }
            case "/v1/vaults" -> {
                if (method.equals("GET")) {
                    return new Route("list-vaults", this::listVaults);
                }
                return only(method, "POST", "create-vault", this::createVault);
            }
            default -> {
            }
        }
        if ((m = PAIRING.matcher(path)).matches()) {
            AccountId account = AccountId.fromHex(m.group(1));
            String code = m.group(2);
            String action = m.group(3) == null ? "" : m.group(3);
            return switch (action) {
                case "/approve" -> only(method, "POST", "approve-pairing", (q, s) -> {
                    Service.Caller c = auth(q);
                    requireOwn(c, account);
                    service.approvePairing(c, code, bytes(json(q), "nonce"));
                    return new Reply(204, null);
                });
                case "/reveal" -> only(method, "POST", "reveal-pairing", (q, s) -> {
                    JsonNode b = json(q);
                    service.revealPairing(account, code, bytes(b, "identity"), bytes(b, "nonce_j"));
                    return new Reply(204, null);
                });
                case "/answer" -> only(method, "POST", "answer-pairing", (q, s) -> {
                    Service.Caller c = auth(q);
                    requireOwn(c, account);
                    JsonNode b = json(q);
                    boolean refused = b.path("refused").asBoolean(false);
                    service.answerPairing(c, code, refused ? Optional.empty() : Optional.of(bytes(b, "entry")),
                            refused ? Optional.empty() : Optional.of(bytes(b, "envelope")));
                    return new Reply(204, null);
                });
                default -> only(method, "GET", "get-pairing", (q, s) -> ok(pairingJson(code,
                        service.pairing(account, code).orElseThrow(() -> ApiException.notFound("no such pairing (or it expired)")))));
            };
        }
        if ((m = RECOVERY_ENVELOPE.matcher(path)).matches()) {
            AccountId account = AccountId.fromHex(m.group(1));
            long epoch = Long.parseLong(m.group(2));
            return only(method, "GET", "recovery-envelope", (q, s) ->
                    ok(obj().put("envelope", b64(service.recoveryEnvelope(account, epoch)))));
        }
        if ((m = STATE.matcher(path)).matches()) {
            String name = m.group(1);
            if (method.equals("GET")) {
                return new Route("get-state", (q, s) -> {
                    Optional<byte[]> v = service.state(auth(q), name);
                    return ok(obj().put("value", v.map(Api::b64).orElse(null)));
                });
            }
            return only(method, "PUT", "put-state", (q, s) -> {
                Service.Caller c = auth(q);
                service.putState(c, name, bytes(json(q), "value"));
                return new Reply(204, null);
            });
        }
        if ((m = KEYS.matcher(path)).matches()) {
            VaultId vault = VaultId.fromHex(m.group(1));
            long epoch = Long.parseLong(m.group(2));
            return only(method, "PUT", "put-key-record", (q, s) -> {
                Service.Caller c = auth(q);
                service.putKeyRecord(c, vault, epoch, bytes(json(q), "record"));
                return new Reply(204, null);
            });
        }
        if ((m = ACCOUNT.matcher(path)).matches()) {
            AccountId account = AccountId.fromHex(m.group(1));
            if (m.group(2).equals("chain")) {
                if (method.equals("POST")) {
                    return new Route("append-chain", (q, s) -> {
                        if (!service.appendChainEntry(account, bytes(json(q), "entry"))) {
                            throw ApiException.conflict("another entry took this chain index; fetch the chain and retry");
                        }
                        return new Reply(201, obj().put("appended", true));
                    });
                }
                return only(method, "GET", "chain", (q, s) -> {
                    ArrayNode a = JSON.createArrayNode();
                    List<byte[]> entries = service.chain(account);
                    entries.forEach(e -> a.add(b64(e)));
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < entries.size(); i++) {
                        keys.add(dev.strongroom.format.LogLeaf.Chain.key(account, i));
                    }
                    java.util.Map<String, Long> idx = service.logIndices(keys);
                    ArrayNode li = JSON.createArrayNode();
                    keys.forEach(k -> {
                        if (idx.containsKey(k)) {
                            li.add(idx.get(k));
                        } else {
                            li.addNull();
                        }
                    });
                    return ok(obj().<ObjectNode>set("entries", a).set("log_indices", li));
                });
            }
            if (m.group(2).equals("pairings")) {
                return only(method, "POST", "open-pairing", (q, s) -> ok(obj().put("code",
                        service.openPairing(account, bytes(json(q), "commitment")))));
            }
            return only(method, "GET", "recovery-blob", (q, s) -> ok(obj().put("blob", b64(service.recoveryBlob(account)))));
        }
        if ((m = ENVELOPE.matcher(path)).matches()) {
            long epoch = Long.parseLong(m.group(1));
            DeviceId recipient = DeviceId.fromHex(m.group(2));
            if (method.equals("GET")) {
                return new Route("get-envelope", (q, s) ->
                        ok(obj().put("envelope", b64(service.envelope(auth(q), epoch, recipient)))));
            }
            return only(method, "PUT", "put-envelope", (q, s) -> {
                Service.Caller c = auth(q);
                service.putEnvelope(c, epoch, recipient, bytes(json(q), "envelope"));
                return new Reply(204, null);
            });
        }
        if ((m = PACK.matcher(path)).matches()) {
            VaultId vault = VaultId.fromHex(m.group(1));
            PackId pack = PackId.fromHex(m.group(2));
            if (method.equals("PUT")) {
                return new Route("put-pack", (q, s) -> putPack(q, vault, pack));
            }
            return only(method, "GET", "get-pack", (q, s) -> getPack(q, s, vault, pack));
        }
        if ((m = VAULT.matcher(path)).matches()) {
            VaultId vault = VaultId.fromHex(m.group(1));
            return switch (m.group(2)) {
                case "packs" -> only(method, "GET", "list-packs", (q, s) -> {
                    ArrayNode a = JSON.createArrayNode();
                    for (MetadataStore.PackRow p : service.packs(auth(q), vault)) {
                        a.add(obj().put("id", new PackId(p.pack()).hex()).put("size", p.size()));
                    }
                    return ok(obj().set("packs", a));
                });
                case "head" -> only(method, "GET", "head", (q, s) -> {
                    Optional<MetadataStore.CommitRow> h = service.head(auth(q), vault);
                    return ok(obj().set("commit", h.map(r -> commitJson(vault, r)).orElse(null)));
                });
                default -> method.equals("POST") ? new Route("commit", (q, s) -> commit(q, vault))
                        : only(method, "GET", "list-commits", (q, s) -> listCommits(q, vault));
            };
        }
        throw ApiException.notFound("no such endpoint");
    }

    private static Route only(String method, String expected, String name, RouteHandler h) {
        if (!method.equals(expected)) {
            throw new ApiException(405, "method_not_allowed", name + " takes " + expected);
        }
        return new Route(name, h);
    }

    // ------------------------------------------------------------ handlers

    /**
     * The transparency log as C2SP tlog-tiles under {@code /log/}: {@code checkpoint} (mutable,
     * not cached), {@code tile/<L>/<N>[.p/<W>]} and {@code tile/entries/<N>[.p/<W>]} (immutable),
     * and {@code key}, the log's verifier key. No session needed: the log is public.
     */
    private Reply logResource(Response s, String path) {
        TransparencyLog log = service.log();
        byte[] body;
        String type;
        boolean immutable = false;
        switch (path) {
            case "/log/checkpoint" -> {
                body = log.checkpoint();
                type = "text/plain; charset=utf-8";
            }
            case "/log/key" -> {
                body = (log.verifierKey() + "\n").getBytes(StandardCharsets.UTF_8);
                type = "text/plain; charset=utf-8";
            }
            default -> {
                if (!path.startsWith("/log/tile/")) {
                    throw ApiException.notFound("no such log resource");
                }
                String tilePath = path.substring("/log/".length());
                body = log.tile(tilePath);
                type = "application/octet-stream";
                immutable = !tilePath.contains(".p/");
            }
        }
        s.setStatus(200);
        s.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        s.getHeaders().put(HttpHeader.CACHE_CONTROL, immutable ? "public, max-age=31536000, immutable" : "no-store");
        s.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        try (OutputStream out = Content.Sink.asOutputStream(s)) {
            out.write(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return null;
    }

    private static void requireOwn(Service.Caller c, AccountId account) {
        if (!c.account().equals(account)) {
            throw ApiException.notFound("no such pairing (or it expired)");
        }
    }

    private static ObjectNode pairingJson(String code, java.util.Map<String, byte[]> f) {
        ObjectNode n = obj().put("code", code);
        f.forEach((k, v) -> {
            switch (k) {
                case "created" -> n.put("created_ms", java.nio.ByteBuffer.wrap(v).getLong());
                case "refused" -> n.put("refused", true);
                default -> n.put(k, b64(v));
            }
        });
        return n;
    }

    private Reply pendingPairings(Request q, Response s) {
        Service.Caller c = auth(q);
        ArrayNode a = JSON.createArrayNode();
        service.pendingPairings(c).forEach((code, f) -> a.add(pairingJson(code, f)));
        return ok(obj().set("pairings", a));
    }

    private Reply createAccount(Request q, Response s) throws IOException {
        JsonNode b = json(q);
        List<Service.Envelope> envs = new ArrayList<>();
        for (JsonNode e : array(b, "envelopes")) {
            envs.add(new Service.Envelope(e.path("epoch").asLong(-1), DeviceId.fromHex(text(e, "recipient")),
                    bytes(e, "envelope")));
        }
        service.createAccount(bytes(b, "genesis"), bytes(b, "recovery_blob"), envs, bytes(b, "sharing_key"));
        return new Reply(201, obj().put("created", true));
    }

    private Reply challenge(Request q, Response s) throws IOException {
        JsonNode b = json(q);
        byte[] nonce = service.challenge(AccountId.fromHex(text(b, "account_id")), DeviceId.fromHex(text(b, "device_id")));
        return ok(obj().put("nonce", b64(nonce)));
    }

    private Reply session(Request q, Response s) throws IOException {
        JsonNode b = json(q);
        byte[] token = service.session(AccountId.fromHex(text(b, "account_id")), DeviceId.fromHex(text(b, "device_id")),
                bytes(b, "nonce"), longValue(b, "time_ms"), text(b, "origin"), bytes(b, "server_key"), bytes(b, "signature"));
        return ok(obj().put("token", b64(token)).put("expires_in_ms", Service.TOKEN_TTL_MS));
    }

    private Reply listVaults(Request q, Response s) {
        Service.Caller c = auth(q);
        ArrayNode a = JSON.createArrayNode();
        for (byte[] v : service.vaults(c)) {
            VaultId id = new VaultId(v);
            ArrayNode recs = JSON.createArrayNode();
            for (MetadataStore.KeyRecord r : service.keyRecords(c, id)) {
                recs.add(obj().put("epoch", r.epoch()).put("record", b64(r.record())));
            }
            a.add(obj().put("id", id.hex()).set("key_records", recs));
        }
        return ok(obj().set("vaults", a));
    }

    private Reply createVault(Request q, Response s) throws IOException {
        Service.Caller c = auth(q);
        JsonNode b = json(q);
        boolean created = service.createVault(c, VaultId.fromHex(text(b, "id")), longValue(b, "epoch"), bytes(b, "record"));
        if (!created) {
            throw ApiException.conflict("vault id already exists");
        }
        return new Reply(201, obj().put("created", true));
    }

    private Reply putPack(Request q, VaultId vault, PackId pack) throws IOException {
        Service.Caller c = auth(q);
        long length = q.getLength();
        if (length < 0) {
            throw new ApiException(411, "length_required", "pack uploads need a Content-Length");
        }
        if (length > PackLayout.MAX_PACK_SIZE) {
            throw new ApiException(413, "too_large", "pack larger than " + PackLayout.MAX_PACK_SIZE + " bytes");
        }
        try (InputStream in = Content.Source.asInputStream(q)) {
            service.putPack(c, vault, pack, in, length);
        } catch (IOException e) {
            throw ApiException.badRequest("pack upload incomplete: " + e.getMessage());
        }
        return new Reply(201, obj().put("size", length));
    }

    private Reply getPack(Request q, Response s, VaultId vault, PackId pack) throws IOException {
        Service.Caller c = auth(q);
        long size = service.packSize(c, vault, pack);
        long start = 0;
        long end = size;
        String range = q.getHeaders().get(HttpHeader.RANGE);
        boolean partial = range != null;
        if (partial) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches()) {
                throw new ApiException(416, "bad_range", "only a single 'bytes=start-end' range is supported");
            }
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2)) + 1;
            if (!PackLayout.isAlignedRange(start, end, size)) {
                throw new ApiException(416, "bad_range", "ranges must start and end on " + PackLayout.BLOCK_SIZE
                        + "-byte blocks (or end at the pack's end)");
            }
        }
        s.setStatus(partial ? 206 : 200);
        s.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        s.getHeaders().put(HttpHeader.CONTENT_LENGTH, end - start);
        if (partial) {
            s.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + (end - 1) + "/" + size);
        }
        try (InputStream in = service.readPack(vault, pack, start, end);
             OutputStream out = Content.Sink.asOutputStream(s)) {
            in.transferTo(out);
        }
        return null;
    }

    private Reply listCommits(Request q, VaultId vault) {
        Service.Caller c = auth(q);
        Fields f;
        try {
            f = Request.extractQueryParameters(q);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed query string");
        }
        long from = parseLong(f.getValue("from"), "from");
        long to = parseLong(f.getValue("to"), "to");
        ArrayNode a = JSON.createArrayNode();
        List<MetadataStore.CommitRow> rows = service.commits(c, vault, from, to);
        // one log-index lookup for the whole page, not one query per commit
        List<String> keys = new ArrayList<>(rows.size());
        for (MetadataStore.CommitRow r : rows) {
            keys.add(dev.strongroom.format.LogLeaf.Commit.key(vault, r.seq()));
        }
        java.util.Map<String, Long> indices = keys.isEmpty() ? java.util.Map.of() : service.logIndices(keys);
        for (MetadataStore.CommitRow r : rows) {
            a.add(commitJson(vault, r, indices.get(dev.strongroom.format.LogLeaf.Commit.key(vault, r.seq()))));
        }
        return ok(obj().set("commits", a));
    }

    private Reply commit(Request q, VaultId vault) throws IOException {
        Service.Caller c = auth(q);
        JsonNode b = json(q);
        List<PackId> packs = new ArrayList<>();
        for (JsonNode p : array(b, "packs")) {
            packs.add(PackId.fromHex(p.asText()));
        }
        if (!service.commit(c, vault, bytes(b, "header"), bytes(b, "signature"), bytes(b, "sealed"), packs)) {
            throw ApiException.conflict("another commit took this sequence number; rebase onto the new head");
        }
        return new Reply(201, obj().put("committed", true));
    }

    private ObjectNode commitJson(VaultId vault, MetadataStore.CommitRow r) {
        String key = dev.strongroom.format.LogLeaf.Commit.key(vault, r.seq());
        return commitJson(vault, r, service.logIndices(List.of(key)).get(key));
    }

    private ObjectNode commitJson(VaultId vault, MetadataStore.CommitRow r, Long index) {
        return obj().put("seq", r.seq()).put("log_index", index).put("header", b64(r.header())).put("signature", b64(r.signature()))
                .put("sealed", b64(r.sealed())).put("time_ms", r.timeMillis());
    }

    // ------------------------------------------------------------ helpers

    private Service.Caller auth(Request q) {
        String h = q.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (h == null || !h.startsWith("Bearer ")) {
            throw ApiException.unauthorized("missing bearer token; obtain one from /v1/auth/session");
        }
        byte[] token;
        try {
            token = Base64.getDecoder().decode(h.substring(7).trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthorized("malformed bearer token");
        }
        return service.authenticate(token);
    }

    private static JsonNode json(Request q) throws IOException {
        String ct = q.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send Content-Type: application/json");
        }
        long len = q.getLength();
        if (len > MAX_JSON) {
            throw new ApiException(413, "too_large", "JSON body larger than " + MAX_JSON + " bytes");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(q)) {
            body = in.readNBytes(MAX_JSON + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("request body incomplete");
        }
        if (body.length > MAX_JSON) {
            throw new ApiException(413, "too_large", "JSON body larger than " + MAX_JSON + " bytes");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static long longValue(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw ApiException.badRequest("field '" + field + "' must be an integer");
        }
        return v.asLong();
    }

    private static long parseLong(String s, String name) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException | NullPointerException e) {
            throw ApiException.badRequest("query parameter '" + name + "' must be an integer");
        }
    }

    private static byte[] bytes(JsonNode n, String field) {
        try {
            return Base64.getDecoder().decode(text(n, field));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field '" + field + "' must be base64");
        }
    }

    private static Iterable<JsonNode> array(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw ApiException.badRequest("field '" + field + "' must be an array");
        }
        return v;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static Reply ok(JsonNode n) {
        return new Reply(200, n);
    }

    private static void sendJson(Response s, Callback cb, int status, JsonNode body) {
        s.setStatus(status);
        if (body == null) {
            cb.succeeded();
            return;
        }
        byte[] b;
        try {
            b = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            cb.failed(e);
            return;
        }
        s.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        s.write(true, ByteBuffer.wrap(b), cb);
    }

    /**
     * Before an error answer: reads and discards what is left of a small request body, so the
     * connection can carry the client's next request; a large or unknown-length rest is not read,
     * and the answer says {@code Connection: close} instead (otherwise the client may send its
     * next request on a connection the server is about to drop).
     */
    private static final long DRAIN_LIMIT = 1 << 20;

    private static boolean settle(Request q) {
        long len = q.getLength();
        if (len >= 0 && len <= DRAIN_LIMIT) {
            try {
                Content.Source.consumeAll(q);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static void sendError(Response s, Callback cb, int status, String code, String message, boolean keepAlive) {
        if (s.isCommitted()) {
            cb.failed(new IOException(message));
            return;
        }
        s.reset();
        if (!keepAlive) {
            s.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        ObjectNode n = obj().put("error", message == null ? code : message).put("code", code);
        sendJson(s, cb, status, n);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
