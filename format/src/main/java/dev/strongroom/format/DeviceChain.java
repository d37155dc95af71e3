package dev.strongroom.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verified replay of an account's device chain: who is trusted now, and the commitments of
 * every account-root-key epoch. Built only by {@link #verify}, which checks every entry's
 * link, index and signatures from genesis on; nothing the server says is taken on trust.
 *
 * <p>Used by clients (always) and by the server (defence in depth, and to know which device
 * keys may sign requests and commits).
 */
public final class DeviceChain {
    private final AccountId account;
    private final List<ChainEntry> entries;
    private final Map<DeviceId, PublicIdentity> devices;
    private final Map<Long, Digest> arkCommitments;
    private final PublicIdentity sharing;
    private final PublicIdentity recovery;
    private final Suite minSuite;

    private DeviceChain(AccountId account, List<ChainEntry> entries, Map<DeviceId, PublicIdentity> devices,
                        Map<Long, Digest> arkCommitments, PublicIdentity sharing, PublicIdentity recovery,
                        Suite minSuite) {
        this.account = account;
        this.entries = List.copyOf(entries);
        this.devices = Collections.unmodifiableMap(devices);
        this.arkCommitments = Collections.unmodifiableMap(arkCommitments);
        this.sharing = sharing;
        this.recovery = recovery;
        this.minSuite = minSuite;
    }

    /**
     * Verifies encoded entries from genesis on.
     *
     * @param expected the account id the user holds (genesis must hash to it), or null when
     *     the caller is creating the account
     */
    public static DeviceChain verify(List<byte[]> encoded, AccountId expected) {
        return verify(encoded, expected, java.util.Optional.empty());
    }

    /**
     * As {@link #verify(List, AccountId)}, for a caller that verified this chain before up to the
     * entry whose hash is {@code verifiedHead}: the entries up to it are the same bytes (the chain
     * is hash-linked), so their signatures are not checked again; every later entry is. A served
     * chain that does not contain {@code verifiedHead} is a rollback or a fork.
     */
    public static DeviceChain verify(List<byte[]> encoded, AccountId expected, java.util.Optional<Digest> verifiedHead) {
        if (encoded.isEmpty()) {
            throw new IntegrityException("the device chain is empty");
        }
        int trusted = -1;
        if (verifiedHead.isPresent()) {
            for (int i = 0; i < encoded.size() && trusted < 0; i++) {
                if (Sha256.labelled("strongroom/chain-entry-hash", encoded.get(i)).equals(verifiedHead.get())) {
                    trusted = i;
                }
            }
            if (trusted < 0) {
                throw new RollbackException("the server's device chain does not contain the entry this device verified "
                        + "before (a rolled-back or forked device chain)");
            }
        }
        ChainEntry genesisEntry = ChainEntry.decode(encoded.get(0), Suite.V1);
        AccountId account = trusted >= 0 ? new AccountId(genesisEntry.hash().bytes()) : genesisEntry.verifyGenesis(expected);
        if (expected != null && !expected.equals(account)) {
            throw new IntegrityException("the genesis entry the server sent does not hash to account id "
                    + expected.hex() + "; the server substituted the account");
        }
        ChainEntry.Genesis g = (ChainEntry.Genesis) genesisEntry.body();
        Map<DeviceId, PublicIdentity> devices = new LinkedHashMap<>();
        devices.put(g.device().deviceId(), g.device());
        Map<Long, Digest> commitments = new LinkedHashMap<>();
        commitments.put(g.arkEpoch(), g.arkCommitment());
        List<ChainEntry> entries = new ArrayList<>();
        entries.add(genesisEntry);
        Digest prev = genesisEntry.hash();
        for (int i = 1; i < encoded.size(); i++) {
            ChainEntry e = ChainEntry.decode(encoded.get(i), g.minSuite());
            if (e.index() != i) {
                throw new IntegrityException("device chain entry " + i + " claims index " + e.index());
            }
            if (!e.prev().equals(prev)) {
                throw new IntegrityException("device chain entry " + i + " does not link to entry " + (i - 1));
            }
            // No entry kinds beyond genesis exist in this format version; decode() already
            // rejected unknown kinds, so reaching here means a kind this replay must handle.
            throw new IntegrityException("device chain entry " + i + " has a kind this client cannot apply");
        }
        return new DeviceChain(account, entries, devices, commitments, g.sharing(), g.recovery(), g.minSuite());
    }

    public AccountId account() {
        return account;
    }

    public List<ChainEntry> entries() {
        return entries;
    }

    /** Hash of the newest entry. */
    public Digest head() {
        return entries.getLast().hash();
    }

    public long length() {
        return entries.size();
    }

    /** Devices trusted at the head of the chain. */
    public Map<DeviceId, PublicIdentity> devices() {
        return devices;
    }

    public Optional<PublicIdentity> device(DeviceId id) {
        return Optional.ofNullable(devices.get(id));
    }

    /** A trusted device's identity, or a {@link SignatureInvalidException} if it is not trusted. */
    public PublicIdentity trustedDevice(DeviceId id) {
        PublicIdentity p = devices.get(id);
        if (p == null) {
            throw new SignatureInvalidException("device " + id.hex().substring(0, 16)
                    + " is not a trusted device of account " + account.hex().substring(0, 16));
        }
        return p;
    }

    public long currentArkEpoch() {
        return arkCommitments.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    public Digest arkCommitment(long epoch) {
        Digest d = arkCommitments.get(epoch);
        if (d == null) {
            throw new IntegrityException("the device chain has no account root key epoch " + epoch);
        }
        return d;
    }

    public PublicIdentity sharingIdentity() {
        return sharing;
    }

    public PublicIdentity recoveryIdentity() {
        return recovery;
    }

    public Suite minSuite() {
        return minSuite;
    }
}
