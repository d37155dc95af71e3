package dev.strongroom.server;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthRequest;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Sha256;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.StrongroomException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's logic over the two stores. It holds no key that opens user data; it checks
 * what it can check on public structures (genesis entries, device signatures on requests and
 * commit headers, hash links, sequence numbers) as defence in depth. Clients never rely on
 * these checks.
 */
public final class Service {
    static final long CHALLENGE_TTL_MS = 120_000;
    static final long TOKEN_TTL_MS = 3_600_000;
    static final long CLOCK_SKEW_MS = 300_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Clock clock;
    private final Map<AccountId, DeviceChain> chains = new ConcurrentHashMap<>();
    private final byte[] ownKey;
    private final Optional<TransparencyLog> log;

    /**
     * @param ownKey SHA-256 of this server's TLS public key (what clients pin and sign)
     * @param logKey the transparency log's note key; without one nothing is logged
     */
    public Service(MetadataStore meta, BlobStore blobs, Clock clock, byte[] ownKey,
                   Optional<dev.strongroom.translog.SignerKey> logKey) {
        this.meta = meta;
        this.blobs = blobs;
        this.clock = clock;
        this.ownKey = ownKey.clone();
        this.log = logKey.map(k -> new TransparencyLog(meta, k));
    }

    /** The leaf to append with a write, when this server keeps a log. */
    private Optional<MetadataStore.LogLeaf> leaf(dev.strongroom.format.LogLeaf l) {
        return log.map(x -> new MetadataStore.LogLeaf(l.key(), l.encode()));
    }

    TransparencyLog log() {
        return log.orElseThrow(() -> ApiException.notFound("this server keeps no transparency log"));
    }

    /** Log indices of leaves by key (absent keys are not logged). */
    Map<String, Long> logIndices(java.util.Collection<String> keys) {
        return log.isEmpty() ? Map.of() : meta.logIndices(keys);
    }

    MetadataStore meta() {
        return meta;
    }

    BlobStore blobs() {
        return blobs;
    }

    long now() {
        return clock.millis();
    }

    /** An authenticated caller. */
    record Caller(AccountId account, DeviceId device) {
    }

    // ------------------------------------------------------------ accounts

    void createAccount(byte[] genesis, byte[] recoveryBlob, List<Envelope> envelopes, byte[] sharingKey) {
        DeviceChain chain;
        try {
            chain = DeviceChain.verify(List.of(genesis), null);
        } catch (SecurityFailureException e) {
            throw ApiException.badRequest("genesis entry rejected: " + e.getMessage());
        }
        AccountId account = chain.account();
        if (recoveryBlob.length == 0 || recoveryBlob.length > 64 * 1024 || sharingKey.length == 0
                || sharingKey.length > 64 * 1024) {
            throw ApiException.badRequest("recovery blob and sharing key are required and at most 64 KiB");
        }
        for (Envelope e : envelopes) {
            if (e.epoch() != 1 || e.envelope().length > 64 * 1024) {
                throw ApiException.badRequest("initial envelopes must be for epoch 1 and at most 64 KiB");
            }
        }
        Map<String, byte[]> objects = new java.util.HashMap<>();
        objects.put(recoveryBlobName(chain.recoveryIdentity().hash().hex()), recoveryBlob);
        objects.put("sharing-key/1", sharingKey);
        for (Envelope e : envelopes) {
            objects.put(envelopeName(e.epoch(), e.recipient()), e.envelope());
        }
        if (!meta.createAccount(account.bytes(), genesis, objects,
                leaf(new dev.strongroom.format.LogLeaf.Chain(account, 0, genesis)), now())) {
            throw ApiException.conflict("account already exists");
        }
        chains.put(account, chain);
    }

    record Envelope(long epoch, DeviceId recipient, byte[] envelope) {
    }

    static String envelopeName(long epoch, DeviceId recipient) {
        return "envelope/" + epoch + "/" + recipient.hex();
    }

    List<byte[]> chain(AccountId account) {
        List<byte[]> c = meta.chain(account.bytes());
        if (c.isEmpty()) {
            throw ApiException.notFound("no such account");
        }
        return c;
    }

    /** The verified chain (cached by length). */
    DeviceChain verifiedChain(AccountId account) {
        List<byte[]> raw = chain(account);
        DeviceChain cached = chains.get(account);
        if (cached != null && cached.length() == raw.size()) {
            return cached;
        }
        DeviceChain c = DeviceChain.verify(raw, account);
        chains.put(account, c);
        return c;
    }

    /**
     * Appends a device-chain entry by compare-and-swap on the chain length. Self-certifying like
     * account creation: the whole chain with the new entry must verify (signatures of trusted
     * devices, the recovery key, the subject), so no session is needed — a joining or recovering
     * device is not trusted yet when it appends its own entry.
     *
     * @return false if another entry took that index first
     */
    boolean appendChainEntry(AccountId account, byte[] entry) {
        if (entry.length > ChainEntry.MAX_ENCODED) {
            throw ApiException.badRequest("chain entry larger than " + ChainEntry.MAX_ENCODED + " bytes");
        }
        List<byte[]> current = chain(account);
        try {
            if (ChainEntry.decode(entry, dev.strongroom.format.Suite.V1).index() < current.size()) {
                return false; // built on an older head: the caller re-reads the chain
            }
        } catch (SecurityFailureException e) {
            throw ApiException.badRequest("chain entry rejected: " + e.getMessage());
        }
        List<byte[]> next = new java.util.ArrayList<>(current);
        next.add(entry);
        DeviceChain verified;
        try {
            verified = DeviceChain.verify(next, account);
        } catch (SecurityFailureException e) {
            throw ApiException.badRequest("chain entry rejected: " + e.getMessage());
        }
        DeviceChain before = verifiedChain(account);
        if (!meta.appendChainEntry(account.bytes(), current.size(), entry,
                leaf(new dev.strongroom.format.LogLeaf.Chain(account, current.size(), entry)), now())) {
            return false;
        }
        chains.put(account, verified);
        if (!before.recoveryIdentity().equals(verified.recoveryIdentity())) {
            // the old code can no longer add a device; an honest server also forgets its blob
            meta.putAccountObject(account.bytes(), recoveryBlobName(before.recoveryIdentity().hash().hex()), new byte[0],
                    now());
        }
        return true;
    }

    static String recoveryBlobName(String identityHashHex) {
        return "recovery-blob/" + identityHashHex;
    }

    /**
     * Stores a recovery blob under the hash of the recovery identity it starts with. Uploaded
     * before the SET_RECOVERY entry that makes that identity current, so no moment exists where
     * the chain names a recovery key whose blob is missing.
     */
    void putRecoveryBlob(Caller c, byte[] blob) {
        if (blob.length < dev.strongroom.format.PublicIdentity.ENCODED_LENGTH || blob.length > 64 * 1024) {
            throw ApiException.badRequest("a recovery blob starts with the recovery identity and is at most 64 KiB");
        }
        dev.strongroom.format.PublicIdentity id;
        try {
            id = dev.strongroom.format.PublicIdentity.read(new dev.strongroom.format.Decoder(blob, "recovery blob"));
        } catch (SecurityFailureException e) {
            throw ApiException.badRequest("recovery blob does not start with a recovery identity");
        }
        meta.putAccountObject(c.account().bytes(), recoveryBlobName(id.hash().hex()), blob, now());
    }

    static final java.util.regex.Pattern STATE_NAME = java.util.regex.Pattern.compile("[a-z0-9-]{1,32}");

    /** Opaque, client-sealed account state (e.g. device names); any trusted device may replace it. */
    Optional<byte[]> state(Caller c, String name) {
        return meta.accountObject(c.account().bytes(), "state/" + checkStateName(name));
    }

    void putState(Caller c, String name, byte[] value) {
        if (value.length > 256 * 1024) {
            throw ApiException.badRequest("state objects are at most 256 KiB");
        }
        meta.putAccountObject(c.account().bytes(), "state/" + checkStateName(name), value, now());
    }

    private static String checkStateName(String name) {
        if (!STATE_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("state names are 1-32 of [a-z0-9-]");
        }
        return name;
    }

    // ------------------------------------------------------------ pairing mailbox

    static final long PAIRING_TTL_MS = 15 * 60_000;
    static final java.util.regex.Pattern PAIRING_CODE = java.util.regex.Pattern.compile("[0-9A-HJKMNP-TV-Z]{8}");
    private static final String CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /**
     * The fields of a pairing, each a separate account object {@code pairing/<code>/<field>}:
     * commitment (joiner), nonce and approver (approving device), identity and nonce_j (joiner's
     * reveal), entry and envelope or refused (approver's answer), created (server). The server
     * relays; the security comes from the commitment, the short authentication string both users
     * compare, and the signatures on the entry.
     */
    static final List<String> PAIRING_FIELDS =
            List.of("created", "commitment", "nonce", "approver", "identity", "nonce_j", "entry", "envelope", "refused");

    static final int MAX_OPEN_PAIRINGS = 8;

    String openPairing(AccountId account, byte[] commitment) {
        chain(account);
        if (commitment.length != 32) {
            throw ApiException.badRequest("a pairing commitment is 32 bytes");
        }
        long open = meta.accountObjectNames(account.bytes(), "pairing/").stream()
                .filter(n -> n.endsWith("/created")).map(n -> n.split("/")[1]).distinct()
                .filter(code -> pairing(account, code).filter(f -> !f.containsKey("entry") && !f.containsKey("refused"))
                        .isPresent()).count();
        if (open >= MAX_OPEN_PAIRINGS) {
            throw new ApiException(429, "too_many_pairings", "too many pairings are open for this account; "
                    + "wait for them to expire (15 minutes)");
        }
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(32)));
        }
        String c = code.toString();
        long now = now();
        meta.putAccountObject(account.bytes(), "pairing/" + c + "/created",
                java.nio.ByteBuffer.allocate(8).putLong(now).array(), now);
        meta.putAccountObject(account.bytes(), "pairing/" + c + "/commitment", commitment, now);
        return c;
    }

    /** The fields set so far; absent if the pairing does not exist or expired. */
    Optional<Map<String, byte[]>> pairing(AccountId account, String code) {
        if (!PAIRING_CODE.matcher(code).matches()) {
            throw ApiException.badRequest("a pairing code is 8 characters of Crockford base32");
        }
        Map<String, byte[]> fields = new java.util.TreeMap<>();
        for (String f : PAIRING_FIELDS) {
            meta.accountObject(account.bytes(), "pairing/" + code + "/" + f).ifPresent(v -> fields.put(f, v));
        }
        if (!fields.containsKey("created")
                || now() - java.nio.ByteBuffer.wrap(fields.get("created")).getLong() > PAIRING_TTL_MS) {
            return Optional.empty();
        }
        return Optional.of(fields);
    }

    private Map<String, byte[]> existingPairing(AccountId account, String code) {
        return pairing(account, code).orElseThrow(() -> ApiException.notFound("no such pairing (or it expired)"));
    }

    /** Pending pairings of the caller's account (not yet answered, not expired), by code. */
    Map<String, Map<String, byte[]>> pendingPairings(Caller c) {
        Map<String, Map<String, byte[]>> out = new java.util.TreeMap<>();
        for (String name : meta.accountObjectNames(c.account().bytes(), "pairing/")) {
            String code = name.split("/")[1];
            if (!out.containsKey(code)) {
                pairing(c.account(), code).filter(f -> !f.containsKey("entry") && !f.containsKey("refused"))
                        .ifPresent(f -> out.put(code, f));
            }
        }
        return out;
    }

    void approvePairing(Caller c, String code, byte[] nonce) {
        Map<String, byte[]> f = existingPairing(c.account(), code);
        if (f.containsKey("nonce")) {
            throw ApiException.conflict("another device is already approving this pairing");
        }
        if (nonce.length != 32) {
            throw ApiException.badRequest("a pairing nonce is 32 bytes");
        }
        long now = now();
        meta.putAccountObject(c.account().bytes(), "pairing/" + code + "/approver", c.device().bytes(), now);
        meta.putAccountObject(c.account().bytes(), "pairing/" + code + "/nonce", nonce, now);
    }

    void revealPairing(AccountId account, String code, byte[] identity, byte[] nonce) {
        Map<String, byte[]> f = existingPairing(account, code);
        if (!f.containsKey("nonce")) {
            throw ApiException.conflict("reveal only after the approver's nonce arrived");
        }
        if (f.containsKey("identity")) {
            throw ApiException.conflict("this pairing was already revealed");
        }
        if (identity.length != dev.strongroom.format.PublicIdentity.ENCODED_LENGTH || nonce.length != 32) {
            throw ApiException.badRequest("a reveal is an identity and a 32-byte nonce");
        }
        long now = now();
        // nonce_j first: a reader that sees the identity always sees the nonce too
        meta.putAccountObject(account.bytes(), "pairing/" + code + "/nonce_j", nonce, now);
        meta.putAccountObject(account.bytes(), "pairing/" + code + "/identity", identity, now);
    }

    void answerPairing(Caller c, String code, Optional<byte[]> entry, Optional<byte[]> envelope) {
        Map<String, byte[]> f = existingPairing(c.account(), code);
        if (!java.util.Arrays.equals(f.get("approver"), c.device().bytes())) {
            throw ApiException.forbidden("only the approving device answers a pairing");
        }
        long now = now();
        if (entry.isPresent()) {
            if (entry.get().length > ChainEntry.MAX_ENCODED || envelope.isEmpty() || envelope.get().length > 64 * 1024) {
                throw ApiException.badRequest("an approval carries an entry and an envelope");
            }
            meta.putAccountObject(c.account().bytes(), "pairing/" + code + "/envelope", envelope.get(), now);
            meta.putAccountObject(c.account().bytes(), "pairing/" + code + "/entry", entry.get(), now);
        } else {
            meta.putAccountObject(c.account().bytes(), "pairing/" + code + "/refused", new byte[] {1}, now);
        }
    }

    /**
     * The envelope of {@code epoch} addressed to the recovery identity the chain currently names;
     * served without a session (it is encrypted to the recovery key) so a recovering device can
     * check it opens before it changes anything.
     */
    byte[] recoveryEnvelope(AccountId account, long epoch) {
        DeviceId recovery = verifiedChain(account).recoveryIdentity().deviceId();
        return meta.accountObject(account.bytes(), envelopeName(epoch, recovery))
                .orElseThrow(() -> ApiException.notFound("no recovery envelope for that epoch"));
    }

    /** The blob of the recovery identity the chain currently names. */
    byte[] recoveryBlob(AccountId account) {
        String name = recoveryBlobName(verifiedChain(account).recoveryIdentity().hash().hex());
        return meta.accountObject(account.bytes(), name).filter(b -> b.length > 0)
                .orElseThrow(() -> ApiException.notFound("no recovery blob"));
    }

    byte[] envelope(Caller c, long epoch, DeviceId recipient) {
        return meta.accountObject(c.account().bytes(), envelopeName(epoch, recipient))
                .orElseThrow(() -> ApiException.notFound("no envelope for that epoch and recipient"));
    }

    void putEnvelope(Caller c, long epoch, DeviceId recipient, byte[] envelope) {
        if (envelope.length > 64 * 1024) {
            throw ApiException.badRequest("envelope larger than 64 KiB");
        }
        meta.putAccountObject(c.account().bytes(), envelopeName(epoch, recipient), envelope, now());
    }

    // ------------------------------------------------------------ authentication

    byte[] challenge(AccountId account, DeviceId device) {
        DeviceChain chain = verifiedChain(account);
        if (chain.device(device).isEmpty()) {
            throw ApiException.forbidden("device is not a trusted device of the account");
        }
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        meta.putChallenge(nonce, account.bytes(), device.bytes(), now() + CHALLENGE_TTL_MS);
        return nonce;
    }

    /**
     * Verifies a signed challenge ({@link AuthRequest}); returns a new bearer token. The signature
     * must name this server's own TLS key; the origin is signed but not compared with the Host
     * header (which the caller chooses), so load balancers and port mappings need no setup.
     */
    byte[] session(AccountId account, DeviceId device, byte[] nonce, long timeMillis, String origin, byte[] serverKey,
                   byte[] signature) {
        long now = now();
        if (nonce.length != AuthRequest.NONCE_LENGTH || origin.isEmpty() || origin.length() > AuthRequest.MAX_ORIGIN
                || serverKey.length != 32) {
            throw ApiException.badRequest("nonce must be 32 bytes, origin 1-255 characters, server_key 32 bytes");
        }
        if (Math.abs(now - timeMillis) > CLOCK_SKEW_MS) {
            throw ApiException.unauthorized("request time is more than 5 minutes off the server's clock");
        }
        if (!MessageDigest.isEqual(serverKey, ownKey)) {
            throw ApiException.unauthorized("the signed request names another server's key");
        }
        PublicIdentity id = verifiedChain(account).device(device)
                .orElseThrow(() -> ApiException.forbidden("device is not a trusted device of the account"));
        try {
            id.signing().verify(SignatureDomain.AUTH, Suite.CURRENT,
                    AuthRequest.message(origin, serverKey, account, device, nonce, timeMillis), signature);
        } catch (StrongroomException e) {
            throw ApiException.unauthorized("signature does not verify");
        }
        if (!meta.consumeChallenge(nonce, account.bytes(), device.bytes(), now)) {
            throw ApiException.unauthorized("unknown, used or expired challenge");
        }
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        meta.putToken(Sha256.hash(token), account.bytes(), device.bytes(), now + TOKEN_TTL_MS);
        return token;
    }

    Caller authenticate(byte[] token) {
        MetadataStore.Session s = meta.token(Sha256.hash(token), now())
                .orElseThrow(() -> ApiException.unauthorized("unknown or expired token"));
        AccountId account = new AccountId(s.account());
        DeviceId device = new DeviceId(s.device());
        if (verifiedChain(account).device(device).isEmpty()) {
            throw ApiException.forbidden("device is no longer trusted");
        }
        return new Caller(account, device);
    }

    // ------------------------------------------------------------ vaults

    private void owned(Caller c, VaultId vault) {
        byte[] owner = meta.vaultOwner(vault.bytes()).orElseThrow(() -> ApiException.notFound("no such vault"));
        if (!Arrays.equals(owner, c.account().bytes())) {
            throw ApiException.notFound("no such vault");
        }
    }

    /** Replaces or adds a vault's key record for a key epoch (rotation re-wraps them). */
    void putKeyRecord(Caller c, VaultId vault, long epoch, byte[] record) {
        owned(c, vault);
        if (epoch < 1 || epoch > 0xFFFF_FFFFL || record.length == 0 || record.length > 64 * 1024) {
            throw ApiException.badRequest("a key record needs an epoch >= 1 and at most 64 KiB");
        }
        meta.putVaultKeyRecord(vault.bytes(), epoch, record);
    }

    boolean createVault(Caller c, VaultId vault, long epoch, byte[] record) {
        if (epoch != 1 || record.length == 0 || record.length > 64 * 1024) {
            throw ApiException.badRequest("a new vault needs a key record for epoch 1 (at most 64 KiB)");
        }
        return meta.createVault(vault.bytes(), c.account().bytes(), epoch, record, now());
    }

    List<byte[]> vaults(Caller c) {
        return meta.vaults(c.account().bytes());
    }

    List<MetadataStore.KeyRecord> keyRecords(Caller c, VaultId vault) {
        owned(c, vault);
        return meta.vaultKeyRecords(vault.bytes());
    }

    static String packKey(VaultId vault, PackId pack) {
        return vault.hex() + "/" + pack.hex().substring(0, 2) + "/" + pack.hex();
    }

    void putPack(Caller c, VaultId vault, PackId pack, InputStream body, long length) throws IOException {
        owned(c, vault);
        if (length < PackLayout.PREFIX_LENGTH + PackLayout.TRAILER_LENGTH || length > PackLayout.MAX_PACK_SIZE) {
            throw ApiException.badRequest("pack size must be between 18 bytes and " + PackLayout.MAX_PACK_SIZE);
        }
        Optional<Long> existing = meta.packSize(vault.bytes(), pack.bytes());
        if (existing.isPresent()) {
            // packs are immutable: a retried upload of a stored pack changes nothing
            if (existing.get() != length) {
                throw ApiException.conflict("a pack with this id is already stored with another size");
            }
            body.transferTo(java.io.OutputStream.nullOutputStream());
            return;
        }
        blobs.put(packKey(vault, pack), body, length);
        meta.recordPack(vault.bytes(), pack.bytes(), length, now());
    }

    List<MetadataStore.PackRow> packs(Caller c, VaultId vault) {
        owned(c, vault);
        return meta.packs(vault.bytes());
    }

    long packSize(Caller c, VaultId vault, PackId pack) {
        owned(c, vault);
        return meta.packSize(vault.bytes(), pack.bytes()).orElseThrow(() -> ApiException.notFound("no such pack"));
    }

    InputStream readPack(VaultId vault, PackId pack, long start, long end) throws IOException {
        try {
            return blobs.get(packKey(vault, pack), start, end);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ApiException(404, "pack_missing", "the pack is recorded but its data is missing from the blob store");
        }
    }

    /** Deletes expired challenges and tokens; called periodically. */
    void purgeExpired() {
        meta.purgeExpired(now());
    }

    // ------------------------------------------------------------ commits

    Optional<MetadataStore.CommitRow> head(Caller c, VaultId vault) {
        owned(c, vault);
        return meta.head(vault.bytes());
    }

    List<MetadataStore.CommitRow> commits(Caller c, VaultId vault, long from, long to) {
        owned(c, vault);
        if (from < 1 || to < from || to - from > 100_000) {
            throw ApiException.badRequest("commit range must satisfy 1 <= from <= to, at most 100000 commits");
        }
        return meta.commits(vault.bytes(), from, to);
    }

    /**
     * Appends a commit by compare-and-swap. Checks: header decodes, names this vault and the
     * caller's account and device; the device's signature; the sealed body's hash; the parent
     * link to the current head; every listed pack is stored.
     *
     * @return false if another commit took the sequence number first
     */
    boolean commit(Caller c, VaultId vault, byte[] header, byte[] signature, byte[] sealed, List<PackId> packs) {
        owned(c, vault);
        if (sealed.length > 16 * 1024 * 1024) {
            throw ApiException.badRequest("sealed commit larger than 16 MiB");
        }
        DeviceChain chain = verifiedChain(c.account());
        CommitHeader h;
        try {
            h = CommitHeader.decode(header, chain.minSuite());
            if (!h.vault().equals(vault) || !h.account().equals(c.account()) || !h.author().equals(c.device())) {
                throw ApiException.badRequest("commit header names another vault, account or author");
            }
            h.verify(chain.trustedDevice(h.author()).signing(), new HybridSignature(signature));
            if (!Commit.hashOfSealed(sealed).equals(h.commitHash())) {
                throw ApiException.badRequest("commit hash does not match the sealed commit");
            }
        } catch (SecurityFailureException e) {
            throw ApiException.badRequest("commit rejected: " + e.getMessage());
        }
        Optional<MetadataStore.CommitRow> head = meta.head(vault.bytes());
        long headSeq = head.map(MetadataStore.CommitRow::seq).orElse(0L);
        if (h.seq() != headSeq + 1) {
            return false;
        }
        var expectedParent = head.map(r -> CommitHeader.decode(r.header(), chain.minSuite()).commitHash())
                .orElse(Commit.NO_PARENT);
        if (!h.parent().equals(expectedParent)) {
            throw ApiException.badRequest("commit does not name the current head as its parent");
        }
        for (PackId p : packs) {
            if (meta.packSize(vault.bytes(), p.bytes()).isEmpty()) {
                throw ApiException.badRequest("commit names a pack the server does not hold");
            }
        }
        return meta.appendCommit(vault.bytes(), new MetadataStore.CommitRow(h.seq(), header, signature, sealed, now()),
                leaf(new dev.strongroom.format.LogLeaf.Commit(h, new HybridSignature(signature))));
    }
}
