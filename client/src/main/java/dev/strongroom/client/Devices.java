package dev.strongroom.client;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.Envelope;
import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.crypto.PassphraseBox;
import dev.strongroom.crypto.RecoveryBlob;
import dev.strongroom.crypto.RecoveryCode;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Sha256;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trusted devices (DESIGN.md §2-§3): pairing with approval, listing, renaming, removal with key
 * rotation, recovery with the recovery code, rotating the recovery code, and passphrases.
 *
 * <p>Pairing is commit-then-reveal (ZRTP-style), relayed by the server:
 * <ol>
 *   <li>The joiner posts {@code commitment = SHA-256(label "strongroom/pair-commit" v1 ||
 *       account || identity || nonce_j)} and shows the pairing code.</li>
 *   <li>An approving device posts its random {@code nonce_a}.</li>
 *   <li>Only then the joiner reveals its identity and {@code nonce_j}; the approver checks them
 *       against the commitment.</li>
 *   <li>Both compute the short authentication string over the account, the approver's verified
 *       chain head, both identities and both nonces, and the users compare it. A server that
 *       substitutes keys had to commit before seeing {@code nonce_a}, so it cannot grind a
 *       match (one chance in a million).</li>
 *   <li>The approver sends the ADD_DEVICE entry (naming its chain head as predecessor) signed by
 *       itself, and an envelope of the root key; the joiner checks the entry against the head it
 *       verified, adds its own signature and appends it.</li>
 * </ol>
 */
public final class Devices {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String NAMES = "device-names";
    private final Client client;

    private Devices(Client client) {
        this.client = client;
    }

    public static Devices of(Client client) {
        return new Devices(client);
    }

    // ================================================================ names

    /** Device names, sealed under the current root key in the account state "device-names". */
    Map<DeviceId, String> names() {
        Map<DeviceId, String> out = new LinkedHashMap<>();
        Optional<byte[]> stored = client.remote().state(NAMES);
        if (stored.isEmpty()) {
            return out;
        }
        try {
            Decoder d = new Decoder(stored.get(), "device names");
            long epoch = d.u32();
            byte[] box = d.raw(d.remaining());
            byte[] plain = client.ark(epoch).key().open(box,
                    new SealContext.AccountState(Suite.CURRENT, client.account(), epoch, NAMES));
            Decoder p = new Decoder(plain, "device names");
            p.expectLabel("strongroom/device-names", 1);
            int n = p.u32(0, plain.length / 34);
            for (int i = 0; i < n; i++) {
                out.put(new DeviceId(p.raw(32)), p.str16(200));
            }
            p.end();
        } catch (SecurityFailureException | NotFoundException e) {
            // names are a convenience; ids and fingerprints are what the chain proves
        }
        return out;
    }

    private void writeNames(Map<DeviceId, String> names) {
        long epoch = client.chain().currentArkEpoch();
        Encoder e = Encoder.labelled("strongroom/device-names", 1).u32(names.size());
        names.forEach((k, v) -> e.id(k).str16(v));
        byte[] box = client.ark(epoch).key().seal(e.toBytes(),
                new SealContext.AccountState(Suite.CURRENT, client.account(), epoch, NAMES));
        client.remote().putState(NAMES, new Encoder(box.length + 4).u32(epoch).raw(box).toBytes());
    }

    void writeName(DeviceId id, String name) {
        Map<DeviceId, String> names = names();
        names.put(id, cleanName(name));
        writeNames(names);
    }

    private static String cleanName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 64 || n.codePoints().anyMatch(c -> Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT)) {
            throw new InvalidInputException("a device name must be 1-64 printable characters");
        }
        return n;
    }

    /** Renames a device (any device of the account). */
    public void rename(String device, String name) {
        writeName(resolve(device), name);
    }

    // ================================================================ listing

    /** A device as listed. */
    public record DeviceInfo(DeviceId id, String name, String fingerprint, long addedMillis, String addedBy,
                             String state, boolean current, boolean confirmed, Optional<Long> logCheckpoint) {
    }

    /** A short, comparable fingerprint of a device's keys: 20 hex digits in groups of four. */
    public static String fingerprint(PublicIdentity id) {
        String h = id.hash().hex().substring(0, 20);
        return h.substring(0, 4) + " " + h.substring(4, 8) + " " + h.substring(8, 12) + " " + h.substring(12, 16) + " "
                + h.substring(16, 20);
    }

    /** Every device the account ever had, with whether this device made or confirmed its addition. */
    public List<DeviceInfo> list() {
        client.refreshChain();
        DeviceChain chain = client.chain();
        Map<DeviceId, String> names = names();
        java.util.Set<Digest> ack = client.acknowledged();
        List<DeviceInfo> out = new ArrayList<>();
        for (DeviceChain.DeviceRecord r : chain.history()) {
            String by = r.addedAt() == 0 ? "account creation"
                    : r.byRecovery() ? "the recovery key"
                    : r.addedBy().map(d -> names.getOrDefault(d, d.hex().substring(0, 16))).orElse("?");
            boolean confirmed = r.addedAt() == 0 || r.id().equals(client.deviceId())
                    || ack.contains(bodyHash(chain.entries().get((int) r.addedAt())));
            String state = !r.trusted() ? "removed" : confirmed ? "trusted" : "trusted, not confirmed by this device";
            // the log monitor checked that the logged chain is exactly the served chain, so every
            // entry (and the device it added) is in the log at the verified checkpoint
            Optional<Long> logged = client.logCheckpoint().map(c -> c.checkpoint().size());
            out.add(new DeviceInfo(r.id(), names.getOrDefault(r.id(), ""), fingerprint(r.identity()), r.addedTimeMillis(),
                    by, state, r.id().equals(client.deviceId()), confirmed, logged));
        }
        return out;
    }

    /** A device by full id, unique id prefix (at least 8 hex digits) or unique name. */
    public DeviceId resolve(String device) {
        List<DeviceId> hits = new ArrayList<>();
        Map<DeviceId, String> names = names();
        for (DeviceChain.DeviceRecord r : client.chain().history()) {
            String hex = r.id().hex();
            if (hex.equals(device.toLowerCase()) || (device.length() >= 8 && hex.startsWith(device.toLowerCase()))
                    || device.equals(names.get(r.id()))) {
                hits.add(r.id());
            }
        }
        if (hits.isEmpty()) {
            throw new NotFoundException("no device '" + device + "'; 'strongroom device list' shows them");
        }
        if (hits.size() > 1) {
            throw new InvalidInputException("'" + device + "' names several devices; give more of the id");
        }
        return hits.getFirst();
    }

    private static void requireSameLogKey(LogPolicy anchors, Optional<dev.strongroom.translog.VerifierKey> given) {
        if (given.isPresent() && !given.get().equals(anchors.logKey())) {
            throw new IntegrityException("the account's devices follow the log key " + anchors.logKey().encode()
                    + ", not the --log-key given (" + given.get().encode() + "); refused");
        }
    }

    static Digest bodyHash(ChainEntry e) {
        return Sha256.labelled("strongroom/chain-entry-body", e.signedBody());
    }

    /** A human sentence for chain entry {@code i}, for announcements. */
    static String describe(DeviceChain c, int i) {
        ChainEntry e = c.entries().get(i);
        String when = Instant.ofEpochMilli(e.timeMillis()).toString();
        return switch (e.body()) {
            case ChainEntry.Genesis g -> "account created at " + when;
            case ChainEntry.AddDevice a -> "device " + a.device().deviceId().hex().substring(0, 16) + " ("
                    + fingerprint(a.device()) + ") was added by "
                    + (a.addedBy() == ChainEntry.Role.RECOVERY ? "THE RECOVERY KEY" : "device " + a.approver().hex().substring(0, 16))
                    + " at " + when;
            case ChainEntry.RemoveDevice r -> "device " + r.removed().hex().substring(0, 16) + " was removed by device "
                    + r.signer().hex().substring(0, 16) + " at " + when + " (new root key epoch " + r.arkEpoch() + ")";
            case ChainEntry.SetRecovery s -> "the recovery code was replaced by device " + s.signer().hex().substring(0, 16)
                    + " at " + when;
        };
    }

    // ================================================================ pairing: joining device

    /** Tells the user what to do while joining. */
    public interface JoinListener {
        /** Show this code; the user runs 'device approve CODE' on an existing device. */
        void pairingCode(String code);

        /** Show this; the user checks the approving device shows the same. */
        void sas(String sas, String ownFingerprint);
    }

    /** What a successful join reports. */
    public record JoinResult(AccountId account, DeviceId device) {
    }

    static byte[] commitment(AccountId account, PublicIdentity identity, byte[] nonce) {
        Encoder e = Encoder.labelled("strongroom/pair-commit", 1).id(account);
        identity.writeTo(e);
        return Sha256.hash(e.raw(nonce).toBytes());
    }

    /** The short authentication string: six digits over everything both sides must agree on. */
    static String sas(AccountId account, Digest chainHead, PublicIdentity approver, PublicIdentity joiner, byte[] nonceA,
                      byte[] nonceJ) {
        Encoder e = Encoder.labelled("strongroom/pair-sas", 1).id(account).id(chainHead);
        approver.writeTo(e);
        joiner.writeTo(e);
        byte[] h = Sha256.hash(e.raw(nonceA).raw(nonceJ).toBytes());
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xFF);
        }
        long six = Long.remainderUnsigned(v, 1_000_000L);
        return String.format("%03d %03d", six / 1000, six % 1000);
    }

    /**
     * Joins an existing account as a new device of this (empty) home. Blocks until approved,
     * refused ({@link AuthenticationFailedException}, exit 3) or {@code timeout}
     * ({@link OperationFailedException}, exit 1).
     */
    public static JoinResult join(Home home, URI server, String fingerprint, AccountId account, String name,
                                  Client.RemoteFactory factory, Duration timeout, JoinListener listener) {
        return join(home, server, fingerprint, account, name, factory, timeout, listener, Optional.empty());
    }

    /** As above, pinning the given transparency-log key (else the one the server presents). */
    public static JoinResult join(Home home, URI server, String fingerprint, AccountId account, String name,
                                  Client.RemoteFactory factory, Duration timeout, JoinListener listener,
                                  Optional<dev.strongroom.translog.VerifierKey> logKey) {
        home.requireEmpty();
        String deviceName = cleanName(name);
        IdentityKeys me = IdentityKeys.generate();
        byte[] nonceJ = new byte[32];
        RANDOM.nextBytes(nonceJ);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Remote r = factory.connect(server, fingerprint, account, me)) {
            // the account must exist and its chain verify against the id the user gave
            DeviceChain.verify(r.chain(account), account);
            String code = r.openPairing(account, commitment(account, me.publicIdentity(), nonceJ));
            listener.pairingCode(code);
            Map<String, byte[]> p = await(r, account, code, deadline, f -> f.containsKey("nonce") || f.containsKey("refused"));
            refusedCheck(p);
            if (p.get("approver") == null || p.get("approver").length != 32 || p.get("nonce").length != 32) {
                throw new IntegrityException("the pairing's approval fields are malformed");
            }
            DeviceChain chain = DeviceChain.verify(r.chain(account), account);
            DeviceId approverId = new DeviceId(p.get("approver"));
            PublicIdentity approver = chain.trustedDevice(approverId);
            byte[] identity = me.publicIdentity().writeTo(new Encoder(PublicIdentity.ENCODED_LENGTH)).toBytes();
            r.revealPairing(account, code, identity, nonceJ);
            listener.sas(sas(account, chain.head(), approver, me.publicIdentity(), p.get("nonce"), nonceJ),
                    fingerprint(me.publicIdentity()));
            p = await(r, account, code, deadline,
                    f -> (f.containsKey("entry") && f.containsKey("envelope")) || f.containsKey("refused"));
            refusedCheck(p);
            ChainEntry half = ChainEntry.decode(p.get("entry"), chain.minSuite());
            if (half.index() != chain.length() || !half.prev().equals(chain.head())
                    || !(half.body() instanceof ChainEntry.AddDevice add) || add.addedBy() != ChainEntry.Role.DEVICE
                    || !add.approver().equals(approverId) || !add.device().equals(me.publicIdentity())) {
                throw new IntegrityException("the approval does not add this device on top of the chain head it verified "
                        + "(the server may have altered it)");
            }
            byte[] body = half.signedBody();
            approver.signing().verify(SignatureDomain.CHAIN_ENTRY, half.suite(), body,
                    half.signature(ChainEntry.Role.DEVICE).bytes());
            ChainEntry full = new ChainEntry(half.suite(), half.index(), half.prev(), half.timeMillis(), half.body(), List.of(
                    new ChainEntry.Signed(ChainEntry.Role.DEVICE, half.signature(ChainEntry.Role.DEVICE)),
                    new ChainEntry.Signed(ChainEntry.Role.SUBJECT, me.sign(SignatureDomain.CHAIN_ENTRY, body))));
            // the approver's envelope must open to the root key the chain commits to before we append
            long epoch = chain.currentArkEpoch();
            LogPolicy anchors;
            try (AccountRootKey ark = Envelope.open(p.get("envelope"), account, epoch, approver, me,
                    chain.arkCommitment(epoch))) {
                // the key is on disk before the chain names it, so a crash cannot leave a trusted device
                // whose keys are lost (the home has no config yet, so join can simply be run again)
                home.writeDeviceKey(me.exportPrivate());
                if (!r.appendChainEntry(account, full.encode())) {
                    throw new OperationFailedException("the account's device chain changed while joining; run join again");
                }
                r.putEnvelope(epoch, me.id(), p.get("envelope"));
                // the approver published its log anchors under the root key just before answering
                // (readable only now, as a device of the account): missing or stale ones mean the
                // server withheld or replaced them
                anchors = LogAnchors.read(r, account, ark).orElseThrow(() -> new IntegrityException(
                        "SECURITY: the approving device's log trust anchors are missing from the server; this device "
                                + "was added but is not set up — remove it (device remove) from another device"));
                requireSameLogKey(anchors, logKey);
            }
            anchors.write(home);
            Home.writeAtomically(home.stateDir().resolve("acknowledged"),
                    (bodyHash(full).hex() + "\n").getBytes(StandardCharsets.US_ASCII), false);
            home.writeConfig(new Home.Config(server, fingerprint, account, me.id(), deviceName));
        }
        try (Client c = Client.open(home, factory)) {
            Devices.of(c).writeName(me.id(), deviceName);
        }
        return new JoinResult(account, me.id());
    }

    private static void refusedCheck(Map<String, byte[]> p) {
        if (p.containsKey("refused")) {
            throw new AuthenticationFailedException("the approving device refused this device");
        }
    }

    private static Map<String, byte[]> await(Remote r, AccountId account, String code, long deadline,
                                             java.util.function.Predicate<Map<String, byte[]>> done) {
        while (true) {
            Map<String, byte[]> p = r.pairing(account, code).orElseThrow(() -> new OperationFailedException(
                    "the pairing expired or vanished; run join again"));
            if (done.test(p)) {
                return p;
            }
            if (System.nanoTime() > deadline) {
                throw new OperationFailedException("timed out waiting for another device to approve this one");
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationFailedException("interrupted");
            }
        }
    }

    // ================================================================ pairing: approving device

    /** A joining device waiting for approval. */
    public record Pending(String code, boolean revealed) {
    }

    /** Pairings of this account that await an answer. */
    public List<Pending> pending() {
        List<Pending> out = new ArrayList<>();
        client.remote().pendingPairings().forEach((code, f) -> out.add(new Pending(code, f.containsKey("identity"))));
        return out;
    }

    /** An approval in progress: compare {@link #sas()}, then {@link #confirm()} or {@link #refuse()}. */
    public final class Approval {
        private final String code;
        private final PublicIdentity joiner;
        private final String sas;
        private final Digest head;
        private final long index;

        private Approval(String code, PublicIdentity joiner, String sas, Digest head, long index) {
            this.code = code;
            this.joiner = joiner;
            this.sas = sas;
            this.head = head;
            this.index = index;
        }

        public String sas() {
            return sas;
        }

        public String fingerprint() {
            return Devices.fingerprint(joiner);
        }

        public DeviceId device() {
            return joiner.deviceId();
        }

        /** Signs the ADD_DEVICE entry and hands it, with an envelope of the root key, to the joiner. */
        public void confirm() {
            ChainEntry.AddDevice add = new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, client.deviceId(), joiner);
            ChainEntry unsigned = new ChainEntry(Suite.CURRENT, index, head, System.currentTimeMillis(), add, List.of());
            byte[] body = unsigned.signedBody();
            ChainEntry half = new ChainEntry(Suite.CURRENT, index, head, unsigned.timeMillis(), add, List.of(
                    new ChainEntry.Signed(ChainEntry.Role.DEVICE, client.device().sign(SignatureDomain.CHAIN_ENTRY, body))));
            long epoch = client.chain().currentArkEpoch();
            byte[] env = Envelope.seal(client.account(), client.ark(epoch), client.device(), joiner);
            // the joiner takes its log trust anchors from this device, not from the server
            LogAnchors.publish(client);
            client.acknowledge(bodyHash(half));
            client.remote().answerPairing(client.account(), code, Optional.of(half.encode()), Optional.of(env));
        }

        public void refuse() {
            client.remote().answerPairing(client.account(), code, Optional.empty(), Optional.empty());
        }
    }

    /**
     * Starts approving the joiner with {@code code}: sends this device's nonce, waits for the
     * joiner's reveal, checks it against the joiner's commitment and computes the SAS.
     */
    public Approval approve(String code, Duration timeout) {
        String c = code.strip().toUpperCase(java.util.Locale.ROOT).replace("-", "");
        if (!c.matches("[0-9A-HJKMNP-TV-Z]{8}")) {
            throw new InvalidInputException("a pairing code has 8 characters, as the joining device shows it");
        }
        Remote r = client.remote();
        Map<String, byte[]> p = r.pairing(client.account(), c)
                .orElseThrow(() -> new NotFoundException("no pairing " + c + " (or it expired)"));
        if (p.containsKey("nonce")) {
            throw new InvalidInputException("pairing " + c + " is already being approved");
        }
        // the commitment as it was BEFORE our nonce existed: anything committed later could be ground
        byte[] committed = p.get("commitment");
        if (committed == null || committed.length != 32) {
            throw new IntegrityException("pairing " + c + " has no valid commitment");
        }
        byte[] nonceA = new byte[32];
        RANDOM.nextBytes(nonceA);
        r.approvePairing(client.account(), c, nonceA);
        p = await(r, client.account(), c, System.nanoTime() + timeout.toNanos(),
                f -> f.containsKey("identity") && f.containsKey("nonce_j"));
        if (!java.util.Arrays.equals(p.get("commitment"), committed) || !java.util.Arrays.equals(p.get("nonce"), nonceA)) {
            r.answerPairing(client.account(), c, Optional.empty(), Optional.empty());
            throw new IntegrityException("the pairing's commitment or nonce changed while it was being approved; "
                    + "someone is tampering with it — refused");
        }
        PublicIdentity joiner = PublicIdentity.read(new Decoder(p.get("identity"), "joining identity"));
        if (p.get("nonce_j").length != 32
                || !java.security.MessageDigest.isEqual(commitment(client.account(), joiner, p.get("nonce_j")), committed)) {
            r.answerPairing(client.account(), c, Optional.empty(), Optional.empty());
            throw new IntegrityException("the joining device's keys do not match what it committed to; "
                    + "someone substituted them — refused");
        }
        client.refreshChain();
        DeviceChain chain = client.chain();
        PublicIdentity approver = client.device().publicIdentity();
        String sas = sas(client.account(), chain.head(), approver, joiner, nonceA, p.get("nonce_j"));
        return new Approval(c, joiner, sas, chain.head(), chain.length());
    }

    // ================================================================ removal

    /**
     * Removes a device: a new root-key epoch and sharing identity, envelopes of it for every
     * remaining device and the recovery key, every vault key re-wrapped under the new root key,
     * a new vault key epoch per vault, then the REMOVE_DEVICE entry; finally every vault gets a
     * commit under its new key epoch, so the newest version is signed by a trusted device and
     * nothing the removed device writes afterwards is accepted.
     */
    public void remove(String device) {
        client.refreshChain();
        DeviceId target = resolve(device);
        DeviceChain chain = client.chain();
        if (chain.device(target).isEmpty()) {
            throw new InvalidInputException("device " + target.hex().substring(0, 16) + " is already removed");
        }
        if (chain.devices().size() <= 1) {
            throw new InvalidInputException("cannot remove the account's only device");
        }
        long oldEpoch = chain.currentArkEpoch();
        long newEpoch = oldEpoch + 1;
        AccountRootKey oldArk = client.ark(oldEpoch);
        Remote r = client.remote();
        List<Client.VaultInfo> vaults = client.vaults();
        // verify (and remember) every vault's head while the device is still trusted: the re-key
        // commits below then build on heads this device has seen, even ones the removed device wrote
        for (Client.VaultInfo v : vaults) {
            try (Vault vault = client.vault(v.id().hex())) {
                vault.head();
            }
        }
        try (AccountRootKey ark = AccountRootKey.generate(newEpoch)) {
            IdentityKeys sharing = IdentityKeys.generate();
            for (PublicIdentity d : chain.devices().values()) {
                if (!d.deviceId().equals(target)) {
                    r.putEnvelope(newEpoch, d.deviceId(), Envelope.seal(client.account(), ark, client.device(), d));
                }
            }
            PublicIdentity recovery = chain.recoveryIdentity();
            r.putEnvelope(newEpoch, recovery.deviceId(), Envelope.seal(client.account(), ark, client.device(), recovery));
            r.putState("sharing-key-" + newEpoch, ark.key().seal(sharing.exportPrivate(),
                    new SealContext.SharingKey(Suite.CURRENT, client.account(), newEpoch)));
            for (Client.VaultInfo v : vaults) {
                try (Vault vault = client.vault(v.id().hex())) {
                    VaultKeys keys = vault.keys();
                    for (VaultKey k : keys.all()) {
                        r.putKeyRecord(v.id(), k.epoch(), VaultKeys.record(client.account(), List.of(oldArk, ark), k, v.name()));
                    }
                    try (VaultKey next = keys.current().nextEpoch(newEpoch)) {
                        r.putKeyRecord(v.id(), next.epoch(), VaultKeys.record(client.account(), List.of(ark), next, v.name()));
                    }
                }
            }
            ChainEntry.RemoveDevice body = new ChainEntry.RemoveDevice(client.deviceId(), target, newEpoch, ark.commitment(),
                    sharing.publicIdentity());
            ChainEntry unsigned = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), System.currentTimeMillis(), body,
                    List.of());
            ChainEntry entry = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), unsigned.timeMillis(), body,
                    List.of(new ChainEntry.Signed(ChainEntry.Role.DEVICE,
                            client.device().sign(SignatureDomain.CHAIN_ENTRY, unsigned.signedBody()))));
            client.acknowledge(bodyHash(entry));
            if (!r.appendChainEntry(client.account(), entry.encode())) {
                throw new OperationFailedException("the account's device chain changed meanwhile; run the removal again");
            }
        }
        client.refreshChain();
        Map<DeviceId, String> names = names();
        writeNames(names);
        LogAnchors.publish(client); // under the new root key: the removed device cannot replace them
        for (Client.VaultInfo v : vaults) {
            try (Vault vault = client.vault(v.id().hex())) {
                vault.rekeyCommit("device " + target.hex().substring(0, 16) + " removed");
            }
        }
    }

    // ================================================================ recovery

    /** What a recovery reports. */
    public record RecoverResult(AccountId account, DeviceId device) {
    }

    /**
     * Recovers an account on this (empty) home with the recovery code: checks the chain
     * against the account id, opens the recovery blob, adds this device with an entry signed by
     * the recovery key, and opens the current root key from its recovery envelope. Every other
     * device announces the addition loudly.
     */
    public static RecoverResult recover(Home home, URI server, String fingerprint, AccountId account, RecoveryCode code,
                                        String name, Client.RemoteFactory factory) {
        return recover(home, server, fingerprint, account, code, name, factory, Optional.empty());
    }

    /** As above, pinning the given transparency-log key (else the one the server presents). */
    public static RecoverResult recover(Home home, URI server, String fingerprint, AccountId account, RecoveryCode code,
                                        String name, Client.RemoteFactory factory,
                                        Optional<dev.strongroom.translog.VerifierKey> logKey) {
        home.requireEmpty();
        String deviceName = cleanName(name);
        IdentityKeys me = IdentityKeys.generate();
        try (Remote r = factory.connect(server, fingerprint, account, me)) {
            DeviceChain chain = DeviceChain.verify(r.chain(account), account);
            IdentityKeys recovery;
            try {
                recovery = RecoveryBlob.open(r.recoveryBlob(account), code, chain.recoveryIdentity());
            } catch (AuthenticationFailedException e) {
                throw new AuthenticationFailedException("the recovery code does not open this account's recovery blob "
                        + "(wrong code, or it was replaced)");
            }
            // the root key must open before anything changes on the server
            long epoch = chain.currentArkEpoch();
            byte[] env = r.recoveryEnvelope(account, epoch);
            Envelope.Header h = Envelope.peek(env);
            PublicIdentity sender = chain.record(h.sender()).map(DeviceChain.DeviceRecord::identity)
                    .orElseThrow(() -> new IntegrityException("the recovery envelope names an unknown sender"));
            ChainEntry entry;
            LogPolicy anchors;
            try (AccountRootKey ark = Envelope.open(env, account, epoch, sender, recovery, chain.arkCommitment(epoch))) {

                ChainEntry.AddDevice add = new ChainEntry.AddDevice(ChainEntry.Role.RECOVERY, ChainEntry.AddDevice.NONE,
                        me.publicIdentity());
                ChainEntry unsigned = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), System.currentTimeMillis(),
                        add, List.of());
                byte[] body = unsigned.signedBody();
                entry = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), unsigned.timeMillis(), add, List.of(
                        new ChainEntry.Signed(ChainEntry.Role.RECOVERY, recovery.sign(SignatureDomain.CHAIN_ENTRY, body)),
                        new ChainEntry.Signed(ChainEntry.Role.SUBJECT, me.sign(SignatureDomain.CHAIN_ENTRY, body))));
                home.writeDeviceKey(me.exportPrivate());
                if (!r.appendChainEntry(account, entry.encode())) {
                    throw new OperationFailedException("the account's device chain changed while recovering; run recover again");
                }
                r.putEnvelope(epoch, me.id(), Envelope.seal(account, ark, me, me.publicIdentity()));
                // the anchors a device of the account published under the current root key (readable
                // now, as a device of the account); else — none since the last removal — the key
                // given or presented (trust on first use)
                Optional<LogPolicy> published;
                try {
                    published = LogAnchors.read(r, account, ark);
                } catch (IntegrityException e) {
                    published = Optional.empty();
                }
                if (published.isPresent()) {
                    requireSameLogKey(published.get(), logKey);
                    anchors = published.get();
                } else {
                    anchors = LogPolicy.of(Client.logKey(r, logKey));
                }
            }
            anchors.write(home);
            Home.writeAtomically(home.stateDir().resolve("acknowledged"),
                    (bodyHash(entry).hex() + "\n").getBytes(StandardCharsets.US_ASCII), false);
            home.writeConfig(new Home.Config(server, fingerprint, account, me.id(), deviceName));
        }
        try (Client c = Client.open(home, factory)) {
            Devices.of(c).writeName(me.id(), deviceName);
        }
        return new RecoverResult(account, me.id());
    }

    /**
     * Replaces the recovery code. Needs the current code (the current recovery key co-signs).
     * The root key is wrapped to the new recovery key and the new blob stored (under the new
     * identity's hash) first; then the SET_RECOVERY entry makes them current. Returns the new
     * code, to be shown once.
     */
    public String rotateRecovery(RecoveryCode current) {
        client.refreshChain();
        DeviceChain chain = client.chain();
        Remote r = client.remote();
        IdentityKeys old;
        try {
            old = RecoveryBlob.open(r.recoveryBlob(client.account()), current, chain.recoveryIdentity());
        } catch (AuthenticationFailedException e) {
            throw new AuthenticationFailedException("that is not the current recovery code; nothing was changed");
        }
        IdentityKeys next = IdentityKeys.generate();
        RecoveryCode code = RecoveryCode.generate();
        long epoch = chain.currentArkEpoch();
        r.putEnvelope(epoch, next.id(), Envelope.seal(client.account(), client.ark(epoch), client.device(),
                next.publicIdentity()));
        r.putRecoveryBlob(RecoveryBlob.seal(next, code));
        ChainEntry.SetRecovery body = new ChainEntry.SetRecovery(client.deviceId(), next.publicIdentity());
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), System.currentTimeMillis(), body,
                List.of());
        byte[] b = unsigned.signedBody();
        ChainEntry entry = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), unsigned.timeMillis(), body, List.of(
                new ChainEntry.Signed(ChainEntry.Role.DEVICE, client.device().sign(SignatureDomain.CHAIN_ENTRY, b)),
                new ChainEntry.Signed(ChainEntry.Role.RECOVERY, old.sign(SignatureDomain.CHAIN_ENTRY, b)),
                new ChainEntry.Signed(ChainEntry.Role.SUBJECT, next.sign(SignatureDomain.CHAIN_ENTRY, b))));
        client.acknowledge(bodyHash(entry));
        if (!r.appendChainEntry(client.account(), entry.encode())) {
            throw new OperationFailedException("the account's device chain changed meanwhile; run the rotation again");
        }
        client.refreshChain();
        return code.display();
    }

    // ================================================================ passphrase

    /**
     * Sets, changes or removes the passphrase of this home's device key. {@code current} is needed
     * when the key is protected (a wrong one fails with {@link AuthenticationFailedException} and
     * changes nothing); {@code next} null removes the protection.
     */
    public static void changePassphrase(Home home, Client.Passphrases current, char[] next) {
        byte[] stored = home.deviceKey();
        boolean isProtected = PassphraseBox.isProtected(stored);
        byte[] plain = isProtected ? PassphraseBox.open(stored, current.get(), "device-key") : stored;
        IdentityKeys.importPrivate(plain); // refuse to rewrite anything that is not a valid key
        home.writeDeviceKey(next == null ? plain : PassphraseBox.seal(plain, next, "device-key"));
    }

    /** Whether this home's device key is protected by a passphrase. */
    public static boolean hasPassphrase(Home home) {
        return PassphraseBox.isProtected(home.deviceKey());
    }
}
