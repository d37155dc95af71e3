package dev.strongroom.client;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.Envelope;
import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.crypto.RecoveryBlob;
import dev.strongroom.crypto.RecoveryCode;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.format.Digest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's entry point: one device of one account, talking to one server.
 *
 * <pre>{@code
 * try (Client c = Client.open(Home.at(dir), RemoteFactory.https())) {
 *     Vault v = c.vault("photos");
 *     v.backup(Path.of("/home/me/Pictures"), BackupOptions.DEFAULT, Progress.NONE);
 * }
 * }</pre>
 *
 * <p>Opening replays and verifies the whole device chain against the account id this device
 * holds, and opens this device's account-root-key envelope; nothing is taken on trust from
 * the server.
 */
public final class Client implements AutoCloseable {
    private final Home home;
    private final Home.Config config;
    private final IdentityKeys device;
    private final Remote remote;
    private DeviceChain chain;
    private Optional<LogMonitor> log = Optional.empty();
    private final Map<Long, AccountRootKey> arks = new HashMap<>();
    private final List<String> announcements = new ArrayList<>();
    private final List<String> logWarnings = new ArrayList<>();

    Client(Home home, Home.Config config, IdentityKeys device, Remote remote, DeviceChain chain) {
        this.home = home;
        this.config = config;
        this.device = device;
        this.remote = remote;
        this.chain = chain;
    }

    /** Creates a remote for a server, pinned to its key fingerprint, acting as a device. */
    @FunctionalInterface
    public interface RemoteFactory {
        Remote connect(URI server, String fingerprint, AccountId account, IdentityKeys device);

        static RemoteFactory https() {
            return HttpRemote::new;
        }
    }

    /** What {@link #init} reports once: show it to the user. */
    public record InitResult(AccountId account, DeviceId device, String recoveryCode) {
    }

    /**
     * Creates a new account with this home as its first device: device, sharing and recovery
     * identities, the recovery code, the root key, the co-signed genesis entry, the recovery
     * blob and the envelopes; registers them with the server; then writes the home.
     */
    public static InitResult init(Home home, URI server, String fingerprint, String deviceName, RemoteFactory factory) {
        return init(home, server, fingerprint, deviceName, factory, Optional.empty());
    }

    /**
     * Pins the transparency log's key in a new home: the one given (as the operator published it),
     * else the one the server presents over the pinned TLS connection (trust on first use). A
     * server that serves no log key is refused. Returns the pinned key.
     */
    static Optional<dev.strongroom.translog.VerifierKey> pinLog(Home home, Remote r,
                                                                Optional<dev.strongroom.translog.VerifierKey> given) {
        dev.strongroom.translog.VerifierKey key = logKey(r, given);
        LogPolicy.of(key).write(home);
        return Optional.of(key);
    }

    /** The log key to pin: the one given, else the server's (see {@link #pinLog}); none is refused. */
    static dev.strongroom.translog.VerifierKey logKey(Remote r, Optional<dev.strongroom.translog.VerifierKey> given) {
        if (given.isPresent()) {
            return given.get();
        }
        try {
            return dev.strongroom.translog.VerifierKey.parse(new String(r.logResource("key"), StandardCharsets.UTF_8).strip());
        } catch (NotFoundException e) {
            // fail closed: a server that hides its log could show this device a chain and
            // heads no other device or auditor ever sees
            throw new IntegrityException("the server publishes no transparency log key (/log/key answered 404); "
                    + "refusing to set up a device that could not check the server against its log");
        }
    }

    /** As {@link #init(Home, URI, String, String, RemoteFactory)}, pinning the given log key. */
    public static InitResult init(Home home, URI server, String fingerprint, String deviceName, RemoteFactory factory,
                                  Optional<dev.strongroom.translog.VerifierKey> logKey) {
        home.requireEmpty();
        IdentityKeys device = IdentityKeys.generate();
        IdentityKeys sharing = IdentityKeys.generate();
        IdentityKeys recovery = IdentityKeys.generate();
        RecoveryCode code = RecoveryCode.generate();
        try (AccountRootKey ark = AccountRootKey.generate(1)) {
            ChainEntry.Genesis g = new ChainEntry.Genesis(Suite.CURRENT, device.publicIdentity(),
                    sharing.publicIdentity(), recovery.publicIdentity(), ark.epoch(), ark.commitment());
            ChainEntry unsigned = new ChainEntry(Suite.CURRENT, 0, ChainEntry.NO_PREV, System.currentTimeMillis(), g,
                    List.of());
            byte[] body = unsigned.signedBody();
            ChainEntry genesis = new ChainEntry(Suite.CURRENT, 0, ChainEntry.NO_PREV, unsigned.timeMillis(), g, List.of(
                    new ChainEntry.Signed(ChainEntry.Role.DEVICE, device.sign(SignatureDomain.CHAIN_ENTRY, body)),
                    new ChainEntry.Signed(ChainEntry.Role.RECOVERY, recovery.sign(SignatureDomain.CHAIN_ENTRY, body))));
            AccountId account = genesis.verifyGenesis(null);
            byte[] blob = RecoveryBlob.seal(recovery, code);
            List<Remote.EnvelopeUpload> envs = List.of(
                    new Remote.EnvelopeUpload(1, device.id(), Envelope.seal(account, ark, device, device.publicIdentity())),
                    new Remote.EnvelopeUpload(1, recovery.id(),
                            Envelope.seal(account, ark, device, recovery.publicIdentity())));
            byte[] sharingWrap = ark.key().seal(sharing.exportPrivate(),
                    new SealContext.SharingKey(Suite.CURRENT, account, ark.epoch()));
            try (Remote r = factory.connect(server, fingerprint, account, device)) {
                // the log key first: a server without a log is refused before it holds an account
                dev.strongroom.translog.VerifierKey pinned = logKey(r, logKey);
                r.createAccount(new Remote.AccountCreation(account, genesis.encode(), blob, envs, sharingWrap));
                pinLog(home, r, Optional.of(pinned));
                // the anchors devices that join or recover later take (sealed under the root key)
                LogAnchors.publish(r, account, ark, LogPolicy.of(pinned));
            }
            home.writeDeviceKey(device.exportPrivate());
            Home.writeAtomically(home.stateDir().resolve("acknowledged"),
                    (Devices.bodyHash(genesis).hex() + "\n").getBytes(StandardCharsets.US_ASCII), false);
            home.writeConfig(new Home.Config(server, fingerprint, account, device.id(), deviceName));
            try (Client c = open(home, factory)) {
                Devices.of(c).writeName(device.id(), deviceName);
            }
            return new InitResult(account, device.id(), code.display());
        }
    }

    /** Opens this home's device: loads keys, fetches and verifies the device chain. */
    public static Client open(Home home, RemoteFactory factory) {
        return open(home, factory, Passphrases.NONE);
    }

    /** Where a passphrase comes from when the device key is protected by one. */
    @FunctionalInterface
    public interface Passphrases {
        /** No passphrase available: a protected device key is a usage error. */
        Passphrases NONE = () -> {
            throw new InvalidInputException("this device's key is protected by a passphrase; give it with "
                    + "--passphrase-file FILE or STRONGROOM_PASSPHRASE");
        };

        char[] get();
    }

    /** Loads this device's private keys, asking for the passphrase if they are protected. */
    static IdentityKeys loadDevice(Home home, Passphrases passphrases) {
        byte[] stored = home.deviceKey();
        if (dev.strongroom.crypto.PassphraseBox.isProtected(stored)) {
            stored = dev.strongroom.crypto.PassphraseBox.open(stored, passphrases.get(), "device-key");
        }
        return IdentityKeys.importPrivate(stored);
    }

    /** Opens this home's device: loads keys, fetches and verifies the device chain. */
    public static Client open(Home home, RemoteFactory factory, Passphrases passphrases) {
        Home.Config cfg = home.config();
        IdentityKeys device = loadDevice(home, passphrases);
        if (!device.id().equals(cfg.device())) {
            throw new IntegrityException("the device key does not match this home's device id");
        }
        Remote remote = factory.connect(cfg.server(), cfg.fingerprint(), cfg.account(), device);
        try {
            Client c = new Client(home, cfg, device, remote, null);
            c.log = LogPolicy.read(home).map(p -> new LogMonitor(home, p, remote, cfg.account(), java.time.Clock.systemUTC()));
            c.refreshChain();
            return c;
        } catch (RuntimeException e) {
            remote.close();
            throw e;
        }
    }

    /**
     * Fetches and verifies the device chain (only entries newer than the last verified head need
     * their signatures checked), refuses one that lacks the verified head (rollback), checks this
     * device is still trusted, and collects announcements of entries this device did not make.
     */
    void refreshChain() {
        Path verified = home.stateDir().resolve("chain-head");
        Optional<Digest> known = readDigest(verified);
        Remote.ChainListing listing = remote.chainWithLog(config.account());
        DeviceChain first = DeviceChain.verify(listing.entries(), config.account(), known);
        DeviceChain c = log.isEmpty() ? first : log.get().sync(first,
                () -> DeviceChain.verify(remote.chain(config.account()), config.account(), known),
                listing.logIndices().isEmpty() ? 0 : listing.logIndices().getFirst());
        log.ifPresent(m -> m.warnings().forEach(w -> {
            if (!logWarnings.contains(w)) {
                logWarnings.add(w);
            }
        }));
        int from = known.map(k -> indexOf(c, k) + 1).orElse((int) c.length());
        Set<Digest> mine = acknowledged();
        for (int i = from; i < c.length(); i++) {
            if (!mine.contains(Devices.bodyHash(c.entries().get(i)))) {
                announcements.add(Devices.describe(c, i));
            }
        }
        if (known.isEmpty() || !known.get().equals(c.head())) {
            Home.writeAtomically(verified, (c.head().hex() + "\n").getBytes(StandardCharsets.US_ASCII), false);
        }
        PublicIdentity me = c.device(device.id()).orElseThrow(() -> new dev.strongroom.format.SignatureInvalidException(
                "this device (" + device.id().hex().substring(0, 16) + ") was removed from the account; it can no "
                        + "longer read or write anything new"));
        if (!me.equals(device.publicIdentity())) {
            throw new IntegrityException("the device chain lists other keys for this device");
        }
        this.chain = c;
    }

    private static int indexOf(DeviceChain c, Digest h) {
        for (int i = 0; i < c.length(); i++) {
            if (c.hash(i).equals(h)) {
                return i;
            }
        }
        return (int) c.length() - 1;
    }

    /** Chain entries this device made or confirmed (hashes of their signed bodies), persisted in its state. */
    Set<Digest> acknowledged() {
        Path f = home.stateDir().resolve("acknowledged");
        Set<Digest> out = new HashSet<>();
        try {
            if (Files.exists(f)) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        out.add(Digest.fromHex(line.trim()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: every entry counts as not confirmed, which only adds warnings
        }
        return out;
    }

    /** Records that this device made or confirmed the chain entry whose body hashes to {@code h}. */
    void acknowledge(Digest h) {
        Set<Digest> s = new java.util.LinkedHashSet<>(acknowledged());
        s.add(h);
        StringBuilder b = new StringBuilder();
        s.forEach(d -> b.append(d.hex()).append('\n'));
        Home.writeAtomically(home.stateDir().resolve("acknowledged"), b.toString().getBytes(StandardCharsets.US_ASCII),
                false);
    }

    /**
     * Checks that a commit this device relies on (a vault's head) is in the transparency log,
     * when this device follows one.
     */
    void requireLogged(Remote.StoredCommit stored, dev.strongroom.format.CommitHeader header) {
        if (log.isPresent()) {
            log.get().requireIncluded(header, stored.signature(), stored.logIndex(),
                    () -> DeviceChain.verify(remote.chain(config.account()), config.account(), Optional.of(chain.head())));
        }
    }

    /** Warnings about the transparency log (e.g. no witness configured), to show on every sync. */
    public List<String> logWarnings() {
        return List.copyOf(logWarnings);
    }

    /** The newest checkpoint of the transparency log this device verified, if it follows one. */
    public Optional<dev.strongroom.translog.VerifiedCheckpoint> logCheckpoint() {
        return log.flatMap(LogMonitor::checkpoint);
    }

    /**
     * Chain entries that appeared since this device last looked and that it did not make or
     * confirm ("device X added by the recovery key at T"): show them loudly.
     */
    public List<String> announcements() {
        return List.copyOf(announcements);
    }

    public Home home() {
        return home;
    }

    public Home.Config config() {
        return config;
    }

    public AccountId account() {
        return config.account();
    }

    public DeviceId deviceId() {
        return device.id();
    }

    public DeviceChain chain() {
        return chain;
    }

    Remote remote() {
        return remote;
    }

    IdentityKeys device() {
        return device;
    }

    private static Optional<Digest> readDigest(Path f) {
        try {
            return Files.exists(f) ? Optional.of(Digest.fromHex(Files.readString(f).trim())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: verify everything again
        }
    }

    /**
     * The account root key of an epoch: from this device's local cache (sealed with its
     * {@link IdentityKeys#localKey()}) or opened from its envelope; either way checked against
     * the verified chain's commitment before use.
     */
    synchronized AccountRootKey ark(long epoch) {
        AccountRootKey k = arks.get(epoch);
        if (k != null) {
            return k;
        }
        Path cache = home.stateDir().resolve("ark-" + epoch);
        SealContext.DeviceLocal ctx = new SealContext.DeviceLocal(Suite.CURRENT, device.id(), "ark-" + epoch);
        if (Files.exists(cache)) {
            try (var local = device.localKey()) {
                k = AccountRootKey.fromUnwrapped(epoch, local.open(Files.readAllBytes(cache), ctx),
                        chain.arkCommitment(epoch));
            } catch (IOException | dev.strongroom.format.SecurityFailureException e) {
                k = null; // a damaged cache is replaced from the envelope
            }
        }
        if (k == null) {
            byte[] env = remote.envelope(epoch, device.id());
            Envelope.Header h = Envelope.peek(env);
            // the sender may have been removed since; the chain's commitment decides the key
            PublicIdentity sender = chain.record(h.sender()).map(DeviceChain.DeviceRecord::identity)
                    .orElseThrow(() -> new dev.strongroom.format.SignatureInvalidException(
                            "an envelope names a sender that was never a device of this account"));
            k = Envelope.open(env, account(), epoch, sender, device, chain.arkCommitment(epoch));
            try (var local = device.localKey()) {
                Home.writeAtomically(cache, local.seal(k.exportForWrap(), ctx), true);
            }
        }
        arks.put(epoch, k);
        return k;
    }

    /** A vault as listed: id and name. */
    public record VaultInfo(VaultId id, String name) {
    }

    /** All vaults of the account, with their names decrypted. */
    public List<VaultInfo> vaults() {
        List<VaultInfo> out = new ArrayList<>();
        for (Remote.VaultListing l : remote.vaults()) {
            try (VaultKeys keys = openKeys(l)) {
                out.add(new VaultInfo(l.vault(), keys.name()));
            }
        }
        return out;
    }

    private VaultKeys openKeys(Remote.VaultListing l) {
        Map<Long, byte[]> records = new HashMap<>();
        for (Remote.KeyRecord r : l.keyRecords()) {
            if (records.put(r.epoch(), r.record()) != null) {
                throw new IntegrityException("the server listed two key records for one epoch of a vault");
            }
        }
        return VaultKeys.open(account(), l.vault(), records, chain.currentArkEpoch(), this::ark);
    }

    /** Creates a vault (no version yet). Names are unique within an account. */
    public VaultInfo createVault(String name) {
        checkVaultName(name);
        for (VaultInfo v : vaults()) {
            if (v.name().equals(name)) {
                throw new InvalidInputException("a vault named '" + name + "' already exists");
            }
        }
        byte[] id = new byte[VaultId.LENGTH];
        new SecureRandom().nextBytes(id);
        VaultId vault = new VaultId(id);
        AccountRootKey ark = ark(chain.currentArkEpoch());
        try (VaultKey key = VaultKey.generate(vault, ark.epoch())) {
            byte[] record = VaultKeys.record(account(), ark, key, name);
            if (!remote.createVault(vault, key.epoch(), record)) {
                throw new IntegrityException("the server claims a fresh random vault id already exists");
            }
        }
        return new VaultInfo(vault, name);
    }

    static void checkVaultName(String name) {
        if (name == null || name.isBlank() || name.length() > 100
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw new InvalidInputException("a vault name must be 1-100 printable characters (no control or "
                    + "formatting characters)");
        }
    }

    /** Re-reads and opens a vault's key records. */
    VaultKeys reopenKeys(VaultId vault) {
        for (Remote.VaultListing l : remote.vaults()) {
            if (l.vault().equals(vault)) {
                return openKeys(l);
            }
        }
        throw new NotFoundException("vault " + vault.hex() + " is no longer listed by the server");
    }

    /** Opens a vault by name (or by id in hex). */
    public Vault vault(String nameOrId) {
        for (Remote.VaultListing l : remote.vaults()) {
            VaultKeys keys = openKeys(l);
            if (keys.name().equals(nameOrId) || l.vault().hex().equals(nameOrId)) {
                return new Vault(this, keys);
            }
            keys.close();
        }
        throw new NotFoundException("no vault named '" + nameOrId + "'; 'strongroom vault list' shows the vaults");
    }

    @Override
    public void close() {
        arks.values().forEach(AccountRootKey::close);
        remote.close();
    }
}
