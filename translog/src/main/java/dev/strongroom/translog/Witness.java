package dev.strongroom.translog;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.SignatureInvalidException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A transparency log witness (c2sp.org/tlog-witness, {@code add-checkpoint}): it cosigns a
 * log's checkpoint only if the checkpoint is consistent with the last one it cosigned for that
 * log, so every client that requires its cosignature sees one linear history.
 *
 * <p>State: one file per log in the data directory, named by the lowercase hex SHA-256 of the
 * origin plus {@code .checkpoint}, holding the latest cosigned checkpoint as a signed note (the
 * log's verified signatures and the witness's cosignatures). A file is replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) before the cosignature is returned.
 * The check-and-update for one origin runs under that origin's lock, so concurrent requests
 * cannot make the witness cosign two inconsistent trees (the race the spec describes); an
 * exclusive lock on {@code witness.lock} keeps a second process off the same directory.
 *
 * <p>Status codes ({@link #addCheckpoint}): 200 cosignature lines; 400 malformed request or
 * old size above the checkpoint size; 403 no valid signature by a configured log key, or an
 * invalid one; 404 unknown origin; 409 old size is not the latest cosigned size (body: that
 * size and a newline, {@code text/x.tlog.size}); 422 bad consistency proof, a proof with old
 * size 0, equal sizes with different roots, or an empty tree with a wrong root.
 */
public final class Witness implements AutoCloseable {
    /** Largest request body accepted. */
    public static final int MAX_REQUEST = 1 << 20;
    /** Most consistency proof lines in a request (tlog-witness). */
    public static final int MAX_PROOF_LINES = 63;
    /** Content type of a 409 body. */
    public static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";
    static final String TEXT = "text/plain; charset=utf-8";
    private static final System.Logger LOG = System.getLogger(Witness.class.getName());
    private static final String SUFFIX = ".checkpoint";

    /**
     * A log the witness follows.
     *
     * @param origin the checkpoint origin
     * @param keys   the log's keys; a checkpoint needs a valid signature by one of them
     */
    public record Log(String origin, List<VerifierKey> keys) {
        public Log {
            Objects.requireNonNull(origin, "origin");
            keys = List.copyOf(keys);
            if (keys.isEmpty()) {
                throw new InvalidInputException("a log needs at least one key");
            }
            if (origin.isEmpty() || origin.indexOf('\n') >= 0 || Text.hasControl(origin)) {
                throw new InvalidInputException("a log origin is one non-empty line without control characters");
            }
        }

        /** A log whose origin is its key's name (the usual case, as tlog-checkpoint recommends). */
        public static Log of(VerifierKey key) {
            return new Log(key.name(), List.of(key));
        }
    }

    /**
     * An HTTP answer: status, content type and body (always text: signature lines, a tree
     * size, a signed note or an error message).
     */
    public record Response(int status, String contentType, String text) {
        public Response {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(text, "text");
        }

        /** The body's UTF-8 bytes. */
        public byte[] body() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        static Response text(int status, String message) {
            return new Response(status, TEXT, message + "\n");
        }
    }

    private record State(long size, Hash root, Note note) {
    }

    private final Path dir;
    private final List<SignerKey> keys;
    private final Map<String, Log> logs;
    private final Map<String, String> originByHash = new HashMap<>();
    private final Map<String, ReentrantLock> locks = new HashMap<>();
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock dirLock;

    private Witness(Path dir, List<SignerKey> keys, List<Log> logs, Clock clock) throws IOException {
        this.dir = dir;
        this.keys = List.copyOf(keys);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (this.keys.isEmpty()) {
            throw new InvalidInputException("a witness needs a cosigning key");
        }
        for (SignerKey k : this.keys) {
            if (!k.type().isCosignature()) {
                throw new InvalidInputException("witness key " + k.name() + " is not a cosignature key");
            }
        }
        boolean mlDsa = this.keys.stream().anyMatch(k -> k.type() == SignatureType.COSIGNATURE_ML_DSA_44);
        Map<String, Log> m = new LinkedHashMap<>();
        for (Log l : logs) {
            if (mlDsa && l.origin().getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new InvalidInputException("an ML-DSA-44 cosignature covers origins of at most 255 bytes: " + l.origin());
            }
            if (m.put(l.origin(), l) != null) {
                throw new InvalidInputException("log " + l.origin() + " is configured twice");
            }
            originByHash.put(originHash(l.origin()), l.origin());
            locks.put(l.origin(), new ReentrantLock());
        }
        this.logs = Map.copyOf(m);
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve("witness.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // held by this same process
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (l == null) {
            lockChannel.close();
            throw new OperationFailedException("another witness process is using " + dir);
        }
        this.dirLock = l;
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path p : tmp) {
                Files.deleteIfExists(p); // left by a crash before the rename: never acknowledged
            }
        }
    }

    /**
     * Opens (creating if needed) a witness over a data directory.
     *
     * @param dataDir where the latest cosigned checkpoint of each log is kept
     * @param keys    the witness's cosigning keys (ML-DSA-44 recommended); each signs every checkpoint
     * @param logs    the logs it follows
     * @param clock   the time source for cosignature timestamps
     * @throws OperationFailedException if the directory cannot be used or another process holds it
     */
    public static Witness open(Path dataDir, List<SignerKey> keys, List<Log> logs, Clock clock) {
        try {
            return new Witness(dataDir, keys, logs, clock);
        } catch (IOException e) {
            throw new OperationFailedException("cannot open witness data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The witness's public keys, to publish. */
    public List<VerifierKey> verifierKeys() {
        return keys.stream().map(SignerKey::verifierKey).toList();
    }

    /** The lowercase hex SHA-256 of an origin, as in the monitoring URL and the state file name. */
    public static String originHash(String origin) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(origin.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The latest checkpoint cosigned for a log, with the log's signatures and the witness's
     * cosignatures (tlog-witness "Monitor Retrieval Mechanism"), if any.
     */
    public Optional<Note> latest(String origin) {
        if (!logs.containsKey(origin)) {
            return Optional.empty();
        }
        ReentrantLock lock = locks.get(origin);
        lock.lock();
        try {
            return Optional.ofNullable(state(origin)).map(State::note);
        } catch (IOException e) {
            throw new OperationFailedException("cannot read witness state: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #latest(String)} by the hex SHA-256 of the origin. */
    public Optional<Note> latestByOriginHash(String originHash) {
        String origin = originByHash.get(originHash);
        return origin == null ? Optional.empty() : latest(origin);
    }

    /**
     * Handles an {@code add-checkpoint} request body. Never throws for a bad request; I/O
     * failures persisting state answer 500 and leave the previous state in place.
     */
    public Response addCheckpoint(byte[] body) {
        Request req;
        try {
            req = Request.parse(body);
        } catch (MalformedDataException e) {
            return Response.text(400, "bad request: " + e.getMessage());
        }
        Checkpoint cp = req.checkpoint;
        Log log = logs.get(cp.origin());
        if (log == null) {
            return Response.text(404, "unknown log origin");
        }
        VerifiedNote verified;
        try {
            verified = req.note.verify(log.keys().stream().map(VerifierKey::verifier).toList());
        } catch (SignatureInvalidException e) {
            return Response.text(403, e.getMessage());
        }
        if (req.oldSize > cp.size()) {
            return Response.text(400, "old size " + req.oldSize + " is larger than the checkpoint size " + cp.size());
        }
        ReentrantLock lock = locks.get(cp.origin());
        lock.lock();
        try {
            State st;
            try {
                st = state(cp.origin());
            } catch (IOException | OperationFailedException e) {
                LOG.log(System.Logger.Level.ERROR, "witness state unavailable: {0}", e.getMessage());
                return Response.text(500, "witness state unavailable");
            }
            long latest = st == null ? 0 : st.size;
            if (req.oldSize != latest) {
                return new Response(409, SIZE_CONTENT_TYPE, latest + "\n");
            }
            if (cp.size() == 0 && !cp.isValidEmpty()) {
                return refused(cp, "a checkpoint of size 0 must have the empty tree's root hash");
            }
            if (req.oldSize == 0) {
                if (!req.proof.isEmpty()) {
                    return refused(cp, "old size 0 needs an empty consistency proof");
                }
            } else {
                try {
                    Merkle.verifyConsistency(req.oldSize, cp.size(), req.proof, st.root, cp.root());
                } catch (IntegrityException e) {
                    return refused(cp, e.getMessage());
                }
            }
            long now = clock.instant().getEpochSecond();
            if (now <= 0) {
                return Response.text(500, "witness clock is before 1970");
            }
            List<NoteSignature> cosigs = new ArrayList<>();
            for (SignerKey k : keys) {
                cosigs.add(k.cosign(cp, now));
            }
            List<NoteSignature> kept = new ArrayList<>(verified.verified());
            kept.addAll(cosigs);
            Note stored = Note.of(cp.text(), kept);
            try {
                persist(cp.origin(), stored);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot persist witness state for a log: {0}", e.toString());
                return Response.text(500, "witness could not persist its state");
            }
            states.put(cp.origin(), new State(cp.size(), cp.root(), stored));
            StringBuilder out = new StringBuilder();
            for (NoteSignature s : cosigs) {
                out.append(s.line());
            }
            return new Response(200, TEXT, out.toString());
        } finally {
            lock.unlock();
        }
    }

    private static Response refused(Checkpoint cp, String why) {
        // The checkpoint is validly signed: a refusal may be evidence of log misbehaviour.
        LOG.log(System.Logger.Level.WARNING, "refused a signed checkpoint of {0} at size {1}: {2}", cp.origin(), cp.size(), why);
        return Response.text(422, why);
    }

    @Override
    public void close() {
        try {
            dirLock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new OperationFailedException("cannot release the witness directory lock", e);
        }
    }

    // ---------------------------------------------------------------- state

    private Path file(String origin) {
        return dir.resolve(originHash(origin) + SUFFIX);
    }

    /** The cached or stored state of a log; the caller holds the origin's lock. */
    private State state(String origin) throws IOException {
        State cached = states.get(origin);
        if (cached != null) {
            return cached;
        }
        byte[] data;
        try {
            data = Files.readAllBytes(file(origin));
        } catch (NoSuchFileException e) {
            return null;
        }
        State st;
        try {
            Note n = Note.parse(data);
            Checkpoint c = Checkpoint.parse(n.text());
            if (!c.origin().equals(origin)) {
                throw new MalformedDataException("state file holds origin " + c.origin());
            }
            st = new State(c.size(), c.root(), n);
        } catch (MalformedDataException e) {
            // Never fall back to "no state": that would let a log roll the witness back.
            throw new OperationFailedException("witness state file " + file(origin) + " is corrupt (" + e.getMessage()
                    + "); restore it from a backup before restarting", e);
        }
        states.put(origin, st);
        return st;
    }

    private void persist(String origin, Note note) throws IOException {
        Path target = file(origin);
        Path tmp = dir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(note.encode());
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic there.
        }
    }

    // ---------------------------------------------------------------- request

    /** A parsed add-checkpoint body: "old N", up to 63 proof lines, an empty line, a checkpoint. */
    record Request(long oldSize, List<Hash> proof, Note note, Checkpoint checkpoint) {
        static Request parse(byte[] body) {
            if (body.length > MAX_REQUEST) {
                throw new MalformedDataException("request body is larger than " + MAX_REQUEST + " bytes");
            }
            String s = Text.utf8(body, "request body");
            int nl = s.indexOf('\n');
            if (nl < 0 || !s.startsWith("old ")) {
                throw new MalformedDataException("the request must start with an old size line");
            }
            long old = Text.decimal(s.substring(4, nl), "old size");
            List<Hash> proof = new ArrayList<>();
            int pos = nl + 1;
            while (true) {
                int end = s.indexOf('\n', pos);
                if (end < 0) {
                    throw new MalformedDataException("the request has no empty line before the checkpoint");
                }
                if (end == pos) {
                    pos = end + 1;
                    break;
                }
                if (proof.size() == MAX_PROOF_LINES) {
                    throw new MalformedDataException("more than " + MAX_PROOF_LINES + " consistency proof lines");
                }
                proof.add(Hash.fromBase64(s.substring(pos, end)));
                pos = end + 1;
            }
            Note note = Note.parse(s.substring(pos));
            Checkpoint cp = Checkpoint.parse(note.text());
            return new Request(old, List.copyOf(proof), note, cp);
        }
    }
}
