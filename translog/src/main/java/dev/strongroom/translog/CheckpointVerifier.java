package dev.strongroom.translog;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SignatureInvalidException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a client checks before it trusts a log's checkpoint (DESIGN §4): the checkpoint is for
 * the expected origin, it carries a valid signature by one of the pinned log keys, every line
 * by a pinned key verifies, and at least {@code quorum} distinct pinned witnesses cosigned it
 * within {@code maxAge} (and not more than {@link #CLOCK_SKEW} in the future).
 *
 * <p>All keys are trust anchors configured out of band. Immutable and thread-safe.
 */
public final class CheckpointVerifier {
    /** How far in the future a cosignature timestamp may be and still count as fresh. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private final String origin;
    private final List<VerifierKey> logKeys;
    private final List<VerifierKey> witnessKeys;
    private final int quorum;
    private final Duration maxAge;
    private final Clock clock;

    /**
     * @param origin      the expected checkpoint origin
     * @param logKeys     the log's keys (at least one); any one valid signature suffices
     * @param witnessKeys the witnesses' cosigning keys
     * @param quorum      how many distinct witnesses must have cosigned freshly (0 to disable)
     * @param maxAge      how old a cosignature may be
     * @param clock       the time source
     */
    public CheckpointVerifier(String origin, List<VerifierKey> logKeys, List<VerifierKey> witnessKeys, int quorum,
                              Duration maxAge, Clock clock) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.logKeys = List.copyOf(logKeys);
        this.witnessKeys = List.copyOf(witnessKeys);
        this.quorum = quorum;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (this.logKeys.isEmpty()) {
            throw new InvalidInputException("at least one log key is needed");
        }
        if (quorum < 0 || quorum > new HashSet<>(this.witnessKeys).size()) {
            throw new InvalidInputException("witness quorum " + quorum + " is not between 0 and the number of witnesses");
        }
        for (VerifierKey w : this.witnessKeys) {
            if (!w.type().isCosignature()) {
                throw new InvalidInputException("witness key " + w.name() + " is not a cosignature key");
            }
        }
    }

    /** A verifier that checks only the log's signature (no witnesses). */
    public static CheckpointVerifier logOnly(String origin, VerifierKey logKey) {
        return new CheckpointVerifier(origin, List.of(logKey), List.of(), 0, Duration.ZERO, Clock.systemUTC());
    }

    /**
     * Verifies a signed checkpoint.
     *
     * @throws MalformedDataException     if it is not a well-formed signed checkpoint
     * @throws SignatureInvalidException  if the log signature is missing, any line by a pinned key
     *                                    fails, or too few fresh witness cosignatures are present
     * @throws IntegrityException         if the checkpoint is for another origin, or an empty tree
     *                                    with a wrong root
     */
    public VerifiedCheckpoint verify(byte[] signedNote) {
        Note note = Note.parse(signedNote);
        Checkpoint c = Checkpoint.parse(note.text());
        if (!c.origin().equals(origin)) {
            throw new IntegrityException("checkpoint is for log " + c.origin() + ", not " + origin);
        }
        if (c.size() == 0 && !c.isValidEmpty()) {
            throw new IntegrityException("checkpoint of the empty tree has a wrong root hash");
        }
        Map<String, VerifierKey> byId = new HashMap<>();
        List<NoteVerifier> verifiers = new ArrayList<>();
        for (VerifierKey k : concat(logKeys, witnessKeys)) {
            String id = k.name() + "+" + Text.hex32(k.keyId());
            if (byId.putIfAbsent(id, k) == null) {
                verifiers.add(k.verifier());
            } else if (!byId.get(id).equals(k)) {
                throw new InvalidInputException("ambiguous key " + id);
            }
        }
        VerifiedNote vn = note.verify(verifiers);
        boolean logSigned = false;
        List<Cosignature> cosigs = new ArrayList<>();
        for (NoteSignature s : vn.verified()) {
            VerifierKey k = byId.get(s.keyName() + "+" + Text.hex32(s.keyId()));
            if (logKeys.contains(k)) {
                logSigned = true;
            }
            if (witnessKeys.contains(k)) {
                cosigs.add(new Cosignature(k, Cosignature.timestampOf(s), s));
            }
        }
        if (!logSigned) {
            throw new SignatureInvalidException("checkpoint has no valid signature by the log key");
        }
        long now = clock.instant().getEpochSecond();
        Set<VerifierKey> fresh = new HashSet<>();
        for (Cosignature cs : cosigs) {
            long t = cs.timestamp();
            if (t > 0 && t >= now - maxAge.toSeconds() && t <= now + CLOCK_SKEW.toSeconds()) {
                fresh.add(cs.cosigner());
            }
        }
        if (fresh.size() < quorum) {
            throw new SignatureInvalidException("checkpoint has fresh cosignatures from " + fresh.size()
                    + " configured witness(es), " + quorum + " required (max age " + maxAge + ")");
        }
        return new VerifiedCheckpoint(c, note, cosigs);
    }

    /**
     * Checks that {@code newer} extends {@code older}, both already verified: same origin,
     * {@code newer} not smaller, and {@code proof} a valid consistency proof between them
     * (empty when the sizes are equal or {@code older} is the empty tree). On failure the
     * caller should keep both signed checkpoints: together they prove the log misbehaved.
     *
     * @throws RollbackException  if {@code newer} is smaller than {@code older}
     * @throws IntegrityException if the proof does not verify (a fork), or the origins differ
     */
    public static void verifyConsistent(Checkpoint older, Checkpoint newer, List<Hash> proof) {
        if (!older.origin().equals(newer.origin())) {
            throw new IntegrityException("checkpoints are from different logs: " + older.origin() + ", " + newer.origin());
        }
        if (newer.size() < older.size()) {
            throw new RollbackException("the log presented tree size " + newer.size() + ", smaller than size "
                    + older.size() + " it signed before");
        }
        if (older.size() == 0) {
            if (!older.isValidEmpty()) {
                throw new IntegrityException("checkpoint of the empty tree has a wrong root hash");
            }
            if (!proof.isEmpty()) {
                throw new IntegrityException("consistency proof from the empty tree must be empty");
            }
            return;
        }
        Merkle.verifyConsistency(older.size(), newer.size(), proof, older.root(), newer.root());
    }

    private static List<VerifierKey> concat(List<VerifierKey> a, List<VerifierKey> b) {
        List<VerifierKey> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
