package dev.strongroom.client;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.LogLeaf;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.StrongroomException;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.CheckpointVerifier;
import dev.strongroom.translog.Hash;
import dev.strongroom.translog.Merkle;
import dev.strongroom.translog.Note;
import dev.strongroom.translog.NoteSignature;
import dev.strongroom.translog.TileReader;
import dev.strongroom.translog.VerifiedCheckpoint;
import dev.strongroom.translog.WitnessClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device's view of the transparency log (DESIGN.md §4). On every sync it:
 * <ol>
 *   <li>fetches the server's checkpoint and checks the log's signature with the pinned key;</li>
 *   <li>checks it is consistent with the newest checkpoint this device verified before (a
 *       consistency proof from tiles); on failure keeps both signed checkpoints in
 *       {@code evidence/} and stops with a {@link RollbackException};</li>
 *   <li>has its configured witnesses cosign it (tlog-witness, with a consistency proof from
 *       each witness's last size) and requires the quorum of fresh cosignatures;</li>
 *   <li>reads every leaf added since its last checkpoint (entries authenticated by tiles) and
 *       compares those about its own account with what it expects: the log's chain entries
 *       must be exactly the chain the server serves, and no version of a vault may be logged
 *       twice — inclusion alone would not show that nothing else was logged (who signed a
 *       version is checked when the vault is read: the head's author must be trusted);</li>
 *   <li>keeps the new checkpoint.</li>
 * </ol>
 * Commit heads a device relies on must have an inclusion proof against the verified checkpoint.
 */
final class LogMonitor {
    private final Home home;
    private final LogPolicy policy;
    private final Remote remote;
    private final AccountId account;
    private final Clock clock;
    private final List<String> warnings = new ArrayList<>();
    private VerifiedCheckpoint current;
    private TileReader reader;

    LogMonitor(Home home, LogPolicy policy, Remote remote, AccountId account, Clock clock) {
        this.home = home;
        this.policy = policy;
        this.remote = remote;
        this.account = account;
        this.clock = clock;
    }

    private Path dir() {
        return home.stateDir().resolve("log");
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    Optional<VerifiedCheckpoint> checkpoint() {
        return Optional.ofNullable(current);
    }

    private CheckpointVerifier verifier(int quorum) {
        return new CheckpointVerifier(policy.logKey().name(), List.of(policy.logKey()), policy.witnessKeys(), quorum,
                policy.maxAge(), clock);
    }

    private Optional<byte[]> read(String name) {
        Path f = dir().resolve(name);
        try {
            return Files.exists(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
        } catch (IOException e) {
            throw new OperationFailedException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Syncs with the server's log and checks this account's part of it against the verified
     * chain. Returns the chain to use: the one given, or a newer one fetched when the log shows
     * entries appended since.
     */
    synchronized DeviceChain sync(DeviceChain chain, java.util.function.Supplier<DeviceChain> refetch, long firstLeaf) {
        byte[] served = remote.logResource("checkpoint");
        VerifiedCheckpoint fresh = verifier(0).verify(served);
        Checkpoint next = fresh.checkpoint();
        Optional<byte[]> stored = read("checkpoint");
        Optional<Checkpoint> prev = stored.map(b -> Checkpoint.parse(Note.parse(b).text()));
        TileReader tiles = new TileReader(tile -> remote.logResource(tile.path()), next);
        if (prev.isPresent()) {
            Checkpoint p = prev.get();
            try {
                if (next.size() < p.size()) {
                    throw new RollbackException("the log presented tree size " + next.size() + ", smaller than size "
                            + p.size() + " this device verified before");
                }
                CheckpointVerifier.verifyConsistent(p, next, next.size() == p.size() ? List.of()
                        : tiles.consistencyProof(p.size()));
                if (next.size() == p.size() && !next.root().equals(p.root())) {
                    throw new IntegrityException("two different trees of size " + next.size());
                }
            } catch (SecurityFailureException e) {
                Path evidence = keepEvidence(stored.get(), served);
                throw new RollbackException("SECURITY: the server's transparency log is not consistent with the one this "
                        + "device saw before (" + e.getMessage() + "): the server forked or rolled back its log. Both "
                        + "signed checkpoints are kept as evidence in " + evidence + ".", e);
            }
        }
        Note note = cosign(Note.parse(served), next, tiles, stored);
        VerifiedCheckpoint verified = verifier(policy.quorum()).verify(note.encode());
        if (policy.quorum() == 0) {
            warnings.add("no witness is configured: a server showing different devices different logs (a fork) cannot "
                    + "be detected ('strongroom witness add', 'strongroom log-policy set --quorum')");
        }
        long from = prev.map(Checkpoint::size).orElse(-1L);
        Map<String, String> watch = new LinkedHashMap<>();
        DeviceChain checked = monitor(chain, refetch, tiles, from >= 0 ? from : Math.max(0, firstLeaf), next.size(), watch);
        commitState(verified, watch);
        current = verified;
        reader = tiles;
        return checked;
    }

    /** Collects cosignatures from the configured witnesses (each with a proof from its own last size). */
    private Note cosign(Note note, Checkpoint next, TileReader tiles, Optional<byte[]> stored) {
        if (policy.witnesses().isEmpty()) {
            return note;
        }
        List<NoteSignature> lines = new ArrayList<>(note.signatures());
        List<String> failures = new ArrayList<>();
        int cosigned = 0;
        for (LogPolicy.Witness w : policy.witnesses()) {
            WitnessClient wc = new WitnessClient(w.url(), List.of(w.key()));
            try {
                long old = 0;
                boolean done = false;
                for (int attempt = 0; attempt < 2 && !done; attempt++) {
                    List<Hash> proof = old == 0 || old == next.size() ? List.of() : tiles.consistencyProof(old);
                    switch (wc.addCheckpoint(old, proof, note)) {
                        case WitnessClient.Cosigned c -> {
                            lines.addAll(c.cosignatures());
                            cosigned++;
                            done = true;
                        }
                        case WitnessClient.Inconsistent i -> {
                            // the proof came from the log's own tiles: the tree the witness
                            // cosigned is not a prefix of the one this device is shown
                            Path evidence = keepEvidence(stored.orElse(new byte[0]), note.encode());
                            throw new RollbackException("SECURITY: witness " + w.name() + " refuses the log's checkpoint of "
                                    + "size " + next.size() + " as inconsistent with what it cosigned before (" + i.why()
                                    + "): the server forked its log. The checkpoint is kept as evidence in " + evidence + ".");
                        }
                        case WitnessClient.Conflict c -> {
                            long ws = c.witnessSize();
                            if (ws > next.size()) {
                                Path evidence = keepEvidence(stored.orElse(new byte[0]), note.encode());
                                throw new RollbackException("SECURITY: witness " + w.name() + " has seen this log at size "
                                        + ws + ", larger than the size " + next.size() + " the server shows this device: a "
                                        + "stale or split view. The checkpoint is kept as evidence in " + evidence + ".");
                            }
                            old = ws;
                        }
                    }
                }
                if (!done) {
                    failures.add(w.name() + ": its cosigned size kept changing (409 twice); try again");
                }
            } catch (RollbackException e) {
                throw e;
            } catch (StrongroomException | IllegalArgumentException e) {
                failures.add(w.name() + ": " + e.getMessage());
            }
        }
        if (cosigned < policy.quorum()) {
            throw new SignatureInvalidException("only " + cosigned + " of the " + policy.quorum() + " witness cosignatures the "
                    + "log policy requires" + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
        }
        if (!failures.isEmpty()) {
            warnings.add("witnesses did not cosign: " + String.join("; ", failures));
        }
        return Note.of(note.text(), lines);
    }

    /**
     * Reads leaves {@code [from, to)} (from this account's genesis leaf on a first sync) and checks
     * this account's: chain leaves must be exactly the served chain; a vault version must not be
     * logged twice. (A logged version's signature is not checked here: every head this device
     * relies on is verified, signature included, when it is read, and must be in the log.)
     */
    private DeviceChain monitor(DeviceChain chain, java.util.function.Supplier<DeviceChain> refetch, TileReader tiles,
                                long start, long to, Map<String, String> watch) {
        watch.putAll(readWatch());
        List<byte[]> leaves = start >= to ? List.of() : tiles.entries(start, to);
        for (int i = 0; i < leaves.size(); i++) {
            long index = start + i;
            LogLeaf leaf;
            try {
                leaf = LogLeaf.decode(leaves.get(i));
            } catch (SecurityFailureException e) {
                warnings.add("the log holds a malformed leaf at index " + index + " (" + e.getMessage() + ")");
                continue;
            }
            String hash = Merkle.leafHash(leaves.get(i)).toString();
            switch (leaf) {
                case LogLeaf.Chain c when c.account().equals(account) -> {
                    String prev = watch.putIfAbsent(c.key(), hash);
                    if (prev != null && !prev.equals(hash)) {
                        throw new RollbackException("SECURITY: the log holds two different entries for position " + c.index()
                                + " of this account's device chain (leaf " + index + ")");
                    }
                }
                case LogLeaf.Commit c when c.header().account().equals(account) -> {
                    String prev = watch.putIfAbsent(c.key(), hash);
                    if (prev != null && !prev.equals(hash)) {
                        throw new RollbackException("SECURITY: the log holds two different versions " + c.header().seq()
                                + " of vault " + c.header().vault().hex() + " (a forked history, leaf " + index + ")");
                    }
                }
                default -> {
                }
            }
        }
        // the account's chain as logged must be exactly the chain the server serves
        DeviceChain served = chain;
        for (int attempt = 0; ; attempt++) {
            String mismatch = chainMismatch(served, watch);
            if (mismatch == null) {
                break;
            }
            if (attempt > 0) {
                throw new SignatureInvalidException("SECURITY: " + mismatch);
            }
            served = refetch.get(); // entries may have been appended between the chain and the checkpoint
        }
        return served;
    }

    private String chainMismatch(DeviceChain chain, Map<String, String> watch) {
        long logged = watch.keySet().stream().filter(k -> k.startsWith("chain/")).count();
        for (int i = 0; i < chain.length(); i++) {
            String key = LogLeaf.Chain.key(account, i);
            String expected = Merkle.leafHash(new LogLeaf.Chain(account, i, chain.entries().get(i).encode()).encode())
                    .toString();
            String seen = watch.get(key);
            if (seen == null) {
                return "the server serves entry " + i + " of this account's device chain, but it is not in the "
                        + "transparency log (an entry hidden from monitors)";
            }
            if (!seen.equals(expected)) {
                return "entry " + i + " of this account's device chain differs from the one in the transparency log";
            }
        }
        if (logged > chain.length()) {
            return "the transparency log holds " + logged + " entries of this account's device chain, but the server "
                    + "serves " + chain.length() + ": an entry (an unapproved device?) the server does not show";
        }
        return null;
    }

    /**
     * Checks that a commit the device relies on is in the log: an inclusion proof of its leaf at
     * {@code logIndex} against the verified checkpoint (syncing first if it is newer).
     */
    synchronized void requireIncluded(CommitHeader header, byte[] signature, long logIndex,
                                      java.util.function.Supplier<DeviceChain> chain) {
        if (logIndex < 0) {
            throw new IntegrityException("SECURITY: version " + header.seq() + " of vault " + header.vault().hex()
                    + " is not in the transparency log (the server did not log it)");
        }
        if (current == null || logIndex >= current.checkpoint().size()) {
            sync(chain.get(), chain, 0);
        }
        if (logIndex >= current.checkpoint().size()) {
            throw new IntegrityException("SECURITY: version " + header.seq() + " of vault " + header.vault().hex()
                    + " claims log index " + logIndex + " beyond the log's size " + current.checkpoint().size());
        }
        Hash leaf = Merkle.leafHash(new LogLeaf.Commit(header, new HybridSignature(signature)).encode());
        try {
            Merkle.verifyInclusion(logIndex, current.checkpoint().size(), leaf, reader.inclusionProof(logIndex),
                    current.checkpoint().root());
        } catch (SecurityFailureException e) {
            throw new IntegrityException("SECURITY: version " + header.seq() + " of vault " + header.vault().hex()
                    + " is not in the transparency log at the index the server named: " + e.getMessage(), e);
        }
        String key = LogLeaf.Commit.key(header.vault(), header.seq());
        Map<String, String> watch = readWatch();
        String seen = watch.get(key);
        if (seen != null && !seen.equals(leaf.toString())) {
            throw new RollbackException("SECURITY: the log holds another version " + header.seq() + " of vault "
                    + header.vault().hex() + " than the one the server serves (a fork)");
        }
    }

    // ---------------------------------------------------------------- state

    private Map<String, String> readWatch() {
        Map<String, String> m = new LinkedHashMap<>();
        read("watch").ifPresent(b -> {
            for (String line : new String(b, StandardCharsets.US_ASCII).split("\n")) {
                String[] p = line.trim().split(" ");
                if (p.length == 2) {
                    m.put(p[0], p[1]);
                }
            }
        });
        return m;
    }

    /** Per-JVM monitors for the state folders (a file lock alone excludes only other processes). */
    private static final Map<Path, Object> STATE_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Stores a newly verified checkpoint and the merged leaf hashes, under a lock shared with the
     * device's other processes: the kept checkpoint only moves forward (a slower process that
     * verified an older tree must not take the device's rollback protection back with it), and
     * the watch list is merged with what others recorded meanwhile, never overwritten.
     */
    private void commitState(VerifiedCheckpoint verified, Map<String, String> watch) {
        Path d = dir();
        synchronized (STATE_LOCKS.computeIfAbsent(d.toAbsolutePath().normalize(), k -> new Object())) {
            try {
                Files.createDirectories(d);
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(d.resolve("lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                     java.nio.channels.FileLock l = ch.lock()) {
                    Map<String, String> merged = readWatch();
                    for (Map.Entry<String, String> e : watch.entrySet()) {
                        String other = merged.putIfAbsent(e.getKey(), e.getValue());
                        if (other != null && !other.equals(e.getValue())) {
                            throw new RollbackException("SECURITY: the log holds two different leaves for " + e.getKey()
                                    + " (another process of this device recorded the other one)");
                        }
                    }
                    writeWatch(merged);
                    Optional<byte[]> stored = read("checkpoint");
                    Checkpoint mine = verified.checkpoint();
                    if (stored.isPresent()) {
                        Checkpoint kept = Checkpoint.parse(Note.parse(stored.get()).text());
                        if (kept.size() == mine.size() && !kept.root().equals(mine.root())) {
                            Path evidence = keepEvidence(stored.get(), verified.note().encode());
                            throw new RollbackException("SECURITY: two different log trees of size " + mine.size()
                                    + " (one verified by another process of this device): the server forked its log. "
                                    + "Both signed checkpoints are kept as evidence in " + evidence + ".");
                        }
                        if (kept.size() > mine.size()) {
                            return; // another process verified a newer tree meanwhile: keep that one
                        }
                    }
                    writeState("checkpoint", verified.note().encode());
                }
            } catch (IOException e) {
                throw new OperationFailedException("cannot lock the log state in " + d + ": " + e.getMessage(), e);
            }
        }
    }

    private void writeWatch(Map<String, String> watch) {
        StringBuilder b = new StringBuilder();
        watch.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        writeState("watch", b.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private void writeState(String name, byte[] data) {
        Home.writeAtomically(dir().resolve(name), data, false);
    }

    private Path keepEvidence(byte[] older, byte[] newer) {
        Path d = home.stateDir().resolve("evidence").resolve(Instant.now(clock).toString().replace(':', '-'));
        Home.writeAtomically(d.resolve("older.checkpoint"), older, false);
        Home.writeAtomically(d.resolve("newer.checkpoint"), newer, false);
        Home.writeAtomically(d.resolve("README"), ("Two checkpoints signed by the log key " + policy.logKey().encode()
                + "\nthat are not consistent with each other (or a checkpoint older than one a witness saw).\n"
                + "Each is a C2SP signed note; together they prove the log misbehaved.\n").getBytes(StandardCharsets.UTF_8),
                false);
        return d;
    }
}
