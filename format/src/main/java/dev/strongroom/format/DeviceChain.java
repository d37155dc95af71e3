package dev.strongroom.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verified replay of an account's device chain (DESIGN.md §3): who is trusted now, who was
 * and when, the commitments of every account-root-key epoch, the current sharing and recovery
 * identities. Built only by {@link #verify}, which checks every entry's index, link and
 * signatures from genesis on; nothing the server says is taken on trust.
 *
 * <p>Rules, entry {@code i} against the state after entry {@code i-1}:
 * <ul>
 *   <li>ADD_DEVICE by a device: the approver is trusted; its signature and the new device's own
 *       signature verify; the new id was never part of the account.</li>
 *   <li>ADD_DEVICE by recovery: the current recovery key's signature and the new device's.</li>
 *   <li>REMOVE_DEVICE: the signer is trusted and signed; the removed device is trusted; at least
 *       one device stays; the root-key epoch advances by exactly one.</li>
 *   <li>SET_RECOVERY: a trusted device, the current recovery key and the new recovery key sign.</li>
 * </ul>
 * A removed device's signature is invalid for every later entry.
 *
 * <p>Used by clients (always) and by the server (defence in depth, and to know which device
 * keys may sign requests and commits).
 */
public final class DeviceChain {
    /** How a device came to be trusted, and whether it still is. */
    public record DeviceRecord(PublicIdentity identity, long addedAt, long addedTimeMillis, Optional<DeviceId> addedBy,
                               boolean byRecovery, Optional<Long> removedAt, Optional<Long> removedTimeMillis) {
        public DeviceId id() {
            return identity.deviceId();
        }

        public boolean trusted() {
            return removedAt.isEmpty();
        }
    }

    private final AccountId account;
    private final List<ChainEntry> entries;
    private final List<Digest> hashes;
    private final Map<DeviceId, DeviceRecord> all;
    private final Map<Long, Digest> arkCommitments;
    private final PublicIdentity sharing;
    private final PublicIdentity recovery;
    private final Suite minSuite;

    private DeviceChain(AccountId account, List<ChainEntry> entries, List<Digest> hashes, Map<DeviceId, DeviceRecord> all,
                        Map<Long, Digest> arkCommitments, PublicIdentity sharing, PublicIdentity recovery, Suite minSuite) {
        this.account = account;
        this.entries = List.copyOf(entries);
        this.hashes = List.copyOf(hashes);
        this.all = Collections.unmodifiableMap(all);
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
        return verify(encoded, expected, Optional.empty());
    }

    /**
     * As {@link #verify(List, AccountId)}, for a caller that verified this chain before up to the
     * entry whose hash is {@code verifiedHead}: the entries up to it are the same bytes (the chain
     * is hash-linked), so their signatures are not checked again; every later entry is. A served
     * chain that does not contain {@code verifiedHead} is a rollback or a fork.
     */
    public static DeviceChain verify(List<byte[]> encoded, AccountId expected, Optional<Digest> verifiedHead) {
        if (encoded.isEmpty()) {
            throw new IntegrityException("the device chain is empty");
        }
        List<Digest> hashes = new ArrayList<>(encoded.size());
        for (byte[] e : encoded) {
            hashes.add(Sha256.labelled("strongroom/chain-entry-hash", e));
        }
        int trusted = -1;
        if (verifiedHead.isPresent()) {
            trusted = hashes.indexOf(verifiedHead.get());
            if (trusted < 0) {
                throw new RollbackException("the server's device chain does not contain the entry this device verified "
                        + "before (a rolled-back or forked device chain)");
            }
        }
        ChainEntry genesisEntry = ChainEntry.decode(encoded.get(0), Suite.V1);
        AccountId account = trusted >= 0 ? new AccountId(hashes.get(0).bytes()) : genesisEntry.verifyGenesis(expected);
        if (expected != null && !expected.equals(account)) {
            throw new IntegrityException("the genesis entry the server sent does not hash to account id "
                    + expected.hex() + "; the server substituted the account");
        }
        if (!(genesisEntry.body() instanceof ChainEntry.Genesis g)) {
            throw new IntegrityException("the first chain entry is not a genesis entry");
        }
        Map<DeviceId, DeviceRecord> all = new LinkedHashMap<>();
        all.put(g.device().deviceId(), new DeviceRecord(g.device(), 0, genesisEntry.timeMillis(), Optional.empty(), false,
                Optional.empty(), Optional.empty()));
        Map<Long, Digest> commitments = new LinkedHashMap<>();
        commitments.put(g.arkEpoch(), g.arkCommitment());
        PublicIdentity sharing = g.sharing();
        PublicIdentity recovery = g.recovery();
        List<ChainEntry> entries = new ArrayList<>();
        entries.add(genesisEntry);
        for (int i = 1; i < encoded.size(); i++) {
            ChainEntry e = ChainEntry.decode(encoded.get(i), g.minSuite());
            boolean check = i > trusted;
            String at = "device chain entry " + i;
            if (e.index() != i) {
                throw new IntegrityException(at + " claims index " + e.index());
            }
            if (!e.prev().equals(hashes.get(i - 1))) {
                throw new IntegrityException(at + " does not link to entry " + (i - 1));
            }
            byte[] body = e.signedBody();
            switch (e.body()) {
                case ChainEntry.Genesis x -> throw new IntegrityException(at + " is a second genesis entry");
                case ChainEntry.AddDevice a -> {
                    DeviceId newId = a.device().deviceId();
                    if (all.containsKey(newId)) {
                        throw new IntegrityException(at + " adds device " + newId.hex().substring(0, 16)
                                + ", which is or was already part of the account");
                    }
                    if (check) {
                        requireSignatures(e, 2, at);
                        if (a.addedBy() == ChainEntry.Role.DEVICE) {
                            trustedKey(all, a.approver(), at).signing()
                                    .verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body, e.signature(ChainEntry.Role.DEVICE).bytes());
                        } else {
                            recovery.signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                    e.signature(ChainEntry.Role.RECOVERY).bytes());
                        }
                        a.device().signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                e.signature(ChainEntry.Role.SUBJECT).bytes());
                    }
                    all.put(newId, new DeviceRecord(a.device(), i, e.timeMillis(),
                            a.addedBy() == ChainEntry.Role.DEVICE ? Optional.of(a.approver()) : Optional.empty(),
                            a.addedBy() == ChainEntry.Role.RECOVERY, Optional.empty(), Optional.empty()));
                }
                case ChainEntry.RemoveDevice r -> {
                    DeviceRecord removed = all.get(r.removed());
                    if (removed == null || !removed.trusted()) {
                        throw new IntegrityException(at + " removes a device that is not trusted");
                    }
                    long trustedCount = all.values().stream().filter(DeviceRecord::trusted).count();
                    if (trustedCount <= 1) {
                        throw new IntegrityException(at + " would remove the account's last device");
                    }
                    long current = commitments.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                    if (r.arkEpoch() != current + 1) {
                        throw new IntegrityException(at + " starts root key epoch " + r.arkEpoch() + " after epoch " + current);
                    }
                    if (check) {
                        requireSignatures(e, 1, at);
                        trustedKey(all, r.signer(), at).signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                e.signature(ChainEntry.Role.DEVICE).bytes());
                    }
                    all.put(r.removed(), new DeviceRecord(removed.identity(), removed.addedAt(), removed.addedTimeMillis(),
                            removed.addedBy(), removed.byRecovery(), Optional.of((long) i), Optional.of(e.timeMillis())));
                    commitments.put(r.arkEpoch(), r.arkCommitment());
                    sharing = r.sharing();
                }
                case ChainEntry.SetRecovery sr -> {
                    if (check) {
                        requireSignatures(e, 3, at);
                        trustedKey(all, sr.signer(), at).signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                e.signature(ChainEntry.Role.DEVICE).bytes());
                        recovery.signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                e.signature(ChainEntry.Role.RECOVERY).bytes());
                        sr.recovery().signing().verify(SignatureDomain.CHAIN_ENTRY, e.suite(), body,
                                e.signature(ChainEntry.Role.SUBJECT).bytes());
                    }
                    recovery = sr.recovery();
                }
            }
            entries.add(e);
        }
        return new DeviceChain(account, entries, hashes, all, commitments, sharing, recovery, g.minSuite());
    }

    private static void requireSignatures(ChainEntry e, int n, String at) {
        if (e.signatures().size() != n) {
            throw new SignatureInvalidException(at + " must carry exactly " + n + " signatures");
        }
    }

    private static PublicIdentity trustedKey(Map<DeviceId, DeviceRecord> all, DeviceId id, String at) {
        DeviceRecord r = all.get(id);
        if (r == null || !r.trusted()) {
            throw new SignatureInvalidException(at + " is signed by device " + id.hex().substring(0, 16)
                    + ", which is not a trusted device at that point (unknown or removed)");
        }
        return r.identity();
    }

    public AccountId account() {
        return account;
    }

    public List<ChainEntry> entries() {
        return entries;
    }

    /** Hash of entry {@code i}. */
    public Digest hash(int i) {
        return hashes.get(i);
    }

    /** Hash of the newest entry. */
    public Digest head() {
        return hashes.getLast();
    }

    public long length() {
        return entries.size();
    }

    /** Devices trusted at the head of the chain. */
    public Map<DeviceId, PublicIdentity> devices() {
        Map<DeviceId, PublicIdentity> m = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (v.trusted()) {
                m.put(k, v.identity());
            }
        });
        return Collections.unmodifiableMap(m);
    }

    /** Every device the account ever had, in the order they were added. */
    public List<DeviceRecord> history() {
        return List.copyOf(all.values());
    }

    public Optional<PublicIdentity> device(DeviceId id) {
        DeviceRecord r = all.get(id);
        return r != null && r.trusted() ? Optional.of(r.identity()) : Optional.empty();
    }

    /** Any device the account ever had, trusted or removed. */
    public Optional<DeviceRecord> record(DeviceId id) {
        return Optional.ofNullable(all.get(id));
    }

    /** A trusted device's identity, or a {@link SignatureInvalidException} if it is not trusted. */
    public PublicIdentity trustedDevice(DeviceId id) {
        DeviceRecord r = all.get(id);
        if (r == null) {
            throw new SignatureInvalidException("device " + id.hex().substring(0, 16)
                    + " is not a device of account " + account.hex().substring(0, 16));
        }
        if (!r.trusted()) {
            throw new SignatureInvalidException("device " + id.hex().substring(0, 16)
                    + " was removed from the account; what it signs is not accepted");
        }
        return r.identity();
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
