package dev.strongroom.client;

import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Commit;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PackHeader;
import dev.strongroom.format.PackId;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.Tree;
import dev.strongroom.format.VaultId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One vault, opened with its keys: back up, list versions, list and read files, restore,
 * verify. Every version read is verified (signature, hash chain, rollback state) and every
 * object is authenticated before use.
 */
public final class Vault implements AutoCloseable {
    private final Client client;
    private VaultKeys keys;
    private final VaultId id;
    private Index index;
    private Map<ObjectId, byte[]> treeCache;

    Vault(Client client, VaultKeys keys) {
        this.client = client;
        this.keys = keys;
        this.id = keys.vault();
    }

    public VaultId id() {
        return id;
    }

    VaultKeys keys() {
        return keys;
    }

    /**
     * New content must not be written under a vault key created before the latest root-key
     * rotation (a removed device may know it). If the newest key this device can open is older —
     * because the rotation's new key record is missing, e.g. withheld by the server — a new key
     * epoch is created under the current root key first.
     */
    private void ensureFreshKey() {
        long arkEpoch = client.chain().currentArkEpoch();
        if (keys.current().createdArkEpoch() >= arkEpoch) {
            return;
        }
        dev.strongroom.crypto.AccountRootKey ark = client.ark(arkEpoch);
        try (VaultKey next = keys.current().nextEpoch(arkEpoch)) {
            client.remote().putKeyRecord(id, next.epoch(), VaultKeys.record(client.account(), ark, next, keys.name()));
        }
        VaultKeys reopened = client.reopenKeys(id);
        if (reopened.current().createdArkEpoch() < arkEpoch) {
            reopened.close();
            throw new IntegrityException("the server does not keep vault '" + name() + "''s new key; refusing to write "
                    + "under a key a removed device may know");
        }
        keys.close();
        keys = reopened;
    }

    /**
     * After a root-key rotation: if the vault has versions, commits its newest tree again under
     * the newest vault key epoch, signed by this (trusted) device.
     */
    void rekeyCommit(String message) {
        ensureFreshKey();
        Optional<Version> h = head();
        if (h.isPresent()) {
            commit(h.get().root(), h.get().files(), h.get().bytes(), message, List.of(), h);
        }
    }

    public String name() {
        return keys.name();
    }

    // ================================================================ versions and rollback state

    /** A verified version of the vault. */
    public record Version(long seq, long timeMillis, long files, long bytes, String message, ObjectId root,
                          Digest hash, dev.strongroom.format.DeviceId author) {
        static Version of(CommitCodec.Verified v) {
            Commit c = v.commit();
            return new Version(c.seq(), c.timeMillis(), c.files(), c.bytes(), c.message(), c.root(), v.hash(),
                    c.author());
        }
    }

    private record Seen(long seq, Digest hash) {
    }

    private Optional<Seen> seen() {
        Path f = client.home().vaultState(id.hex()).resolve("head");
        try {
            if (!Files.exists(f)) {
                return Optional.empty();
            }
            String[] parts = Files.readString(f).trim().split("\\s+");
            return Optional.of(new Seen(Long.parseLong(parts[0]), Digest.fromHex(parts[1])));
        } catch (IOException | RuntimeException e) {
            throw new OperationFailedException("cannot read the rollback state " + f + ": " + e.getMessage(), e);
        }
    }

    /** Per-JVM monitors for the rollback-state files (a file lock alone excludes only other processes). */
    private static final Map<Path, Object> STATE_LOCKS = new ConcurrentHashMap<>();

    /** Records {@code v} as seen unless a newer version was recorded; locked against other handles and processes. */
    private void remember(Version v) {
        Path dir = client.home().vaultState(id.hex());
        synchronized (STATE_LOCKS.computeIfAbsent(dir, d -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(dir.resolve("head.lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                     java.nio.channels.FileLock l = lock.lock()) {
                    Optional<Seen> s = seen();
                    if (s.isPresent() && s.get().seq() >= v.seq()) {
                        return;
                    }
                    Home.writeAtomically(dir.resolve("head"), (v.seq() + " " + v.hash().hex() + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII), false);
                }
            } catch (IOException e) {
                throw new OperationFailedException("cannot record the rollback state in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private CommitCodec.Verified verify(Remote.StoredCommit c) {
        return CommitCodec.verify(c, id, client.chain(), keys);
    }

    /**
     * Asks the server for the current head and verifies it against what this device has seen:
     * an older sequence number is a rollback, the same number with another hash is a fork,
     * and a newer head must extend the seen one through a chain of verified parent links.
     * The head's signature is checked unless it is the very commit this device saw before.
     */
    public Optional<Version> head() {
        // what this device has seen is read first: another handle may advance it while we ask
        Optional<Seen> seen = seen();
        Optional<Remote.StoredCommit> h = client.remote().head(id);
        if (h.isEmpty()) {
            if (seen.isPresent()) {
                throw new RollbackException("the server says vault '" + name() + "' has no versions, but this device has "
                        + "seen version " + seen.get().seq() + " (rollback)");
            }
            return Optional.empty();
        }
        Digest served = Commit.hashOfSealed(h.get().sealed());
        CommitCodec.Verified head = seen.isPresent() && seen.get().hash().equals(served)
                ? CommitCodec.verifyLinked(h.get(), served, id, client.chain(), keys)
                : verify(h.get());
        long seq = head.header().seq();
        if (seen.isPresent()) {
            Seen s = seen.get();
            if (seq < s.seq()) {
                throw new RollbackException("the server presented version " + seq + " of vault '" + name()
                        + "' as the newest, but this device has already seen version " + s.seq() + " (rollback)");
            }
            if (seq == s.seq() && !head.hash().equals(s.hash())) {
                throw new RollbackException("the server presented a different version " + seq + " of vault '" + name()
                        + "' than this device saw before (fork)");
            }
            if (seq > s.seq()) {
                List<CommitCodec.Verified> between;
                try {
                    between = range(s.seq(), seq, head.hash());
                } catch (IntegrityException e) {
                    throw new RollbackException("the history of vault '" + name() + "' does not extend the version "
                            + "this device saw (fork): " + e.getMessage());
                }
                if (!between.getFirst().hash().equals(s.hash())) {
                    throw new RollbackException("the history of vault '" + name() + "' does not extend the version "
                            + "this device saw (fork)");
                }
            }
        }
        // and it must be in the transparency log (checked after rollback and fork, whose messages are clearer)
        client.requireLogged(h.get(), head.header());
        Version v = Version.of(head);
        remember(v);
        return Optional.of(v);
    }

    /**
     * Commits from..to (inclusive), authenticated by hash links down from {@code top}, the
     * verified hash of commit {@code to}: each commit must hash to the value its successor's
     * sealed body names as parent, so no signature beyond the head's is needed.
     */
    private List<CommitCodec.Verified> range(long from, long to, Digest top) {
        List<Remote.StoredCommit> stored = client.remote().commits(id, from, to);
        if (stored.size() != to - from + 1) {
            throw new IntegrityException("the server returned " + stored.size() + " commits for versions " + from
                    + ".." + to);
        }
        CommitCodec.Verified[] out = new CommitCodec.Verified[stored.size()];
        Digest expected = top;
        for (int i = stored.size() - 1; i >= 0; i--) {
            CommitCodec.Verified v = CommitCodec.verifyLinked(stored.get(i), expected, id, client.chain(), keys);
            if (v.header().seq() != from + i) {
                throw new IntegrityException("the server returned version " + v.header().seq() + " where "
                        + (from + i) + " belongs");
            }
            out[i] = v;
            expected = v.commit().parent();
        }
        if (from == 1 && !expected.equals(Commit.NO_PARENT)) {
            throw new IntegrityException("version 1 names a parent");
        }
        return List.of(out);
    }

    /** All versions, oldest first, verified as one linked history ending at the verified head. */
    public List<Version> log() {
        Optional<Version> h = head();
        if (h.isEmpty()) {
            return List.of();
        }
        return range(1, h.get().seq(), h.get().hash()).stream().map(Version::of).toList();
    }

    /** Version {@code seq} (verified against the head's history), or the head when empty. */
    public Version version(Optional<Long> seq) {
        Version h = head().orElseThrow(() -> new NotFoundException("vault '" + name() + "' has no versions yet"));
        if (seq.isEmpty() || seq.get() == h.seq()) {
            return h;
        }
        long s = seq.get();
        if (s < 1 || s > h.seq()) {
            throw new NotFoundException("vault '" + name() + "' has no version " + s + " (newest is " + h.seq() + ")");
        }
        return Version.of(range(s, h.seq(), h.hash()).getFirst());
    }

    // ================================================================ index and objects

    private Path indexFile() {
        return client.home().vaultCache(id.hex()).resolve("index");
    }

    private Path treeCacheFile() {
        return client.home().vaultCache(id.hex()).resolve("trees");
    }

    /** The index, synchronized with the server's pack list; new packs' headers are read and verified. */
    synchronized Index index() {
        if (index != null) {
            return index;
        }
        Index idx = null;
        Path f = indexFile();
        if (Files.exists(f)) {
            try {
                idx = Index.open(Files.readAllBytes(f), keys.epoch(1).metadataKey(), id);
            } catch (IOException | SecurityFailureException e) {
                idx = null; // a damaged cache is rebuilt from the server
            }
        }
        if (idx == null) {
            idx = new Index();
        }
        syncIndex(idx);
        index = idx;
        return idx;
    }

    private void syncIndex(Index idx) {
        List<Remote.PackListing> listing = client.remote().packs(id);
        Set<PackId> present = new HashSet<>();
        for (Remote.PackListing p : listing) {
            present.add(p.pack());
        }
        idx.retainPacks(present);
        for (Remote.PackListing p : listing) {
            Long known = idx.packSize(p.pack());
            if (known != null && known == p.size()) {
                continue;
            }
            PackHeader h = BlobSource.readHeader(client.remote(), id, p.pack(), p.size(), keys);
            idx.addPack(p.pack(), p.size(), h.keyEpoch(), h.entries());
        }
    }

    private void saveIndex() {
        if (index != null) {
            Home.writeAtomically(indexFile(), index.seal(keys.epoch(1).metadataKey(), id), false);
        }
    }

    private synchronized Map<ObjectId, byte[]> treeCache() {
        if (treeCache == null) {
            treeCache = new ConcurrentHashMap<>();
            Path f = treeCacheFile();
            if (Files.exists(f)) {
                try {
                    byte[] plain = keys.epoch(1).metadataKey().open(Files.readAllBytes(f),
                            new SealContext.Local(Suite.CURRENT, id, "trees"));
                    Decoder d = new Decoder(plain, "tree cache");
                    d.expectLabel("strongroom/local-trees", 1);
                    int n = d.u32(0, plain.length / 36);
                    for (int i = 0; i < n; i++) {
                        treeCache.put(new ObjectId(d.raw(32)), d.bytes32(Tree.MAX_ENCODED));
                    }
                    d.end();
                } catch (IOException | SecurityFailureException e) {
                    treeCache.clear();
                }
            }
        }
        return treeCache;
    }

    private void saveTreeCache(Map<ObjectId, byte[]> trees) {
        Encoder e = Encoder.labelled("strongroom/local-trees", 1).u32(trees.size());
        trees.forEach((k, v) -> e.id(k).bytes32(v));
        Home.writeAtomically(treeCacheFile(), keys.epoch(1).metadataKey().seal(e.toBytes(),
                new SealContext.Local(Suite.CURRENT, id, "trees")), false);
        treeCache = new ConcurrentHashMap<>(trees);
    }

    private BlobSource source(int maxBlocks) {
        Index idx = index();
        return new BlobSource(client.remote(), id, idx, keys, maxBlocks, () -> {
            synchronized (this) {
                syncIndex(idx);
            }
        });
    }

    /** Loads and verifies a tree, from the local cache (re-verified by id) or the server. */
    Tree tree(BlobSource src, ObjectId treeId) {
        byte[] cached = treeCache().get(treeId);
        if (cached != null && keys.current().objectId(ObjectType.TREE, cached).equals(treeId)) {
            return Tree.decode(cached);
        }
        byte[] plain = src.read(treeId, ObjectType.TREE, -1);
        try {
            return Tree.decode(plain);
        } catch (SecurityFailureException e) {
            throw BlobSource.rethrow(e, "tree " + BlobSource.short16(treeId));
        }
    }

    // ================================================================ backup

    /** What a backup did. */
    public record BackupResult(Version version, long files, long bytes, long newBytes, int newPacks, long warnings) {
    }

    /** Stores the contents of {@code dir} as a new version (a full snapshot). */
    public BackupResult backup(Path dir, BackupOptions options, Progress progress) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + " is not a folder");
        }
        ensureFreshKey();
        Optional<Version> parent = head();
        Index idx = index();
        VaultKey key = keys.current();
        BlobSource src = source(16);
        ObjectId root;
        Backup b = new Backup(client.remote(), key, idx, options, progress, t -> {
            try {
                return Optional.of(tree(src, t));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        try (b) {
            root = b.run(dir, parent.map(Version::root));
        }
        saveIndex();
        Version v = commit(root, b.files.get(), b.bytes.get(), options.message(), b.uploadedPacks(), parent);
        saveTreeCache(b.newTrees());
        return new BackupResult(v, b.files.get(), b.bytes.get(), b.newBytes.get(), b.uploadedPacks().size(),
                b.warnings.get());
    }

    /**
     * Commits by compare-and-swap; if another writer got there first, rebases onto the new
     * head (a backup is a full snapshot, so only seq and parent change) and tries again.
     */
    private Version commit(ObjectId root, long files, long bytes, String message, List<PackId> packs,
                           Optional<Version> parent) {
        VaultKey key = keys.current();
        for (int attempt = 0; attempt < 20; attempt++) {
            long seq = parent.map(p -> p.seq() + 1).orElse(1L);
            Digest parentHash = parent.map(Version::hash).orElse(Commit.NO_PARENT);
            Commit c = new Commit(Suite.CURRENT, client.account(), id, seq, parentHash, root, client.deviceId(),
                    key.epoch(), client.chain().head(), System.currentTimeMillis(), message, files, bytes);
            Remote.StoredCommit stored = CommitCodec.seal(c, key, client.device());
            CommitCodec.Verified check = verify(stored);
            if (client.remote().commit(id, stored, packs)) {
                Version v = Version.of(check);
                remember(v);
                return v;
            }
            Optional<Version> now = head();
            if (now.isPresent() && now.get().hash().equals(check.hash())) {
                return now.get(); // our commit landed although the answer was lost
            }
            parent = now;
        }
        throw new OperationFailedException("could not commit: the vault kept changing (20 attempts)");
    }

    // ================================================================ listing and reading

    /** An entry as listed by {@link #list}. */
    public record Listing(String path, Tree.Entry entry) {
    }

    /** Resolves {@code path} ("" or "/" for the root) in a version to its entry (null entry for the root). */
    private Listing resolve(BlobSource src, Version v, String path) {
        String[] parts = splitPath(path);
        Tree t = tree(src, v.root());
        Tree.Entry current = null;
        StringBuilder sofar = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            Tree.Entry found = null;
            for (Tree.Entry e : t.entries()) {
                if (e.name().equals(p)) {
                    found = e;
                    break;
                }
            }
            sofar.append('/').append(p);
            if (found == null) {
                throw new NotFoundException("no '" + sofar + "' in version " + v.seq() + " of vault '" + name() + "'");
            }
            current = found;
            if (i < parts.length - 1) {
                if (!(found instanceof Tree.DirEntry d)) {
                    throw new NotFoundException("'" + sofar + "' is not a folder in version " + v.seq());
                }
                t = tree(src, d.tree());
            }
        }
        return new Listing(sofar.isEmpty() ? "/" : sofar.toString(), current);
    }

    private static String[] splitPath(String path) {
        if (path == null) {
            return new String[0];
        }
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                throw new InvalidInputException("paths inside a vault cannot contain '..'");
            }
            out.add(s);
        }
        return out.toArray(String[]::new);
    }

    /**
     * Lists {@code path} in a version: a folder's entries (recursively when asked), or the
     * single entry of a file or link. Paths are shown from the vault root with a leading '/'.
     */
    public List<Listing> list(Version v, String path, boolean recursive) {
        BlobSource src = source(16);
        Listing at = resolve(src, v, path);
        List<Listing> out = new ArrayList<>();
        if (at.entry() == null || at.entry() instanceof Tree.DirEntry) {
            ObjectId tid = at.entry() == null ? v.root() : ((Tree.DirEntry) at.entry()).tree();
            String base = at.path().equals("/") ? "" : at.path();
            listInto(src, tid, base, recursive, out);
        } else {
            out.add(at);
        }
        return out;
    }

    private void listInto(BlobSource src, ObjectId tid, String base, boolean recursive, List<Listing> out) {
        for (Tree.Entry e : tree(src, tid).entries()) {
            String p = base + "/" + e.name();
            out.add(new Listing(p, e));
            if (recursive && e instanceof Tree.DirEntry d) {
                listInto(src, d.tree(), p, true, out);
            }
        }
    }

    /** Writes a file's contents to {@code out}, verifying every chunk before writing it. */
    public void cat(Version v, String path, OutputStream out) {
        BlobSource src = source(16);
        Listing at = resolve(src, v, path);
        if (!(at.entry() instanceof Tree.FileEntry f)) {
            throw new InvalidInputException("'" + at.path() + "' is not a file");
        }
        try {
            for (Tree.ChunkRef c : f.chunks()) {
                out.write(src.read(c.id(), ObjectType.DATA, c.length()));
            }
            out.flush();
        } catch (IOException e) {
            throw new OperationFailedException("cannot write output: " + e.getMessage(), e);
        }
    }

    // ================================================================ restore

    /** What a restore did. */
    public record RestoreResult(long files, long bytes, long dirs, long links) {
    }

    /** Restores {@code path} of a version (the whole version for "" or "/") into {@code target}. */
    public RestoreResult restore(Version v, String path, Path target, Progress progress) {
        if (v.bytes() > dev.strongroom.format.Warmup.WORTH_IT_BYTES) {
            dev.strongroom.format.Warmup.start();
        }
        BlobSource src = source(64);
        Listing at = resolve(src, v, path);
        try (Restorer r = new Restorer(target, src, t -> tree(src, t), progress)) {
            return r.run(v.root(), at);
        }
    }

    // ================================================================ verify

    /** Re-downloads every pack and authenticates every object and every version; skips all caches. */
    public Verifier.Report verify(Progress progress) {
        dev.strongroom.format.Warmup.start();
        return new Verifier(client, keys, id, name()).run(progress, this::log);
    }

    @Override
    public void close() {
        keys.close();
    }
}
