package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.SignatureInvalidException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Submits checkpoints to a witness ({@code POST <prefix>/add-checkpoint},
 * c2sp.org/tlog-witness) and verifies the cosignatures it returns. Used by a log to collect
 * cosignatures; the keys given are the witness's pinned verifier keys.
 */
public final class WitnessClient {
    private final URI prefix;
    private final List<VerifierKey> witnessKeys;
    private final HttpClient client;
    private final Duration timeout;

    /** The witness's answer. */
    public sealed interface Result permits Cosigned, Conflict, Inconsistent {
    }

    /**
     * The witness cosigned.
     *
     * @param cosignatures       the verified lines by the configured witness keys
     * @param cosignedCheckpoint the submitted checkpoint with those lines appended
     */
    public record Cosigned(List<NoteSignature> cosignatures, Note cosignedCheckpoint) implements Result {
        public Cosigned {
            cosignatures = List.copyOf(cosignatures);
        }
    }

    /**
     * The witness's latest cosigned size is not the old size sent (409): resubmit with a proof
     * from {@code witnessSize}.
     */
    public record Conflict(long witnessSize) implements Result {
    }

    /**
     * The witness refused a validly signed checkpoint as inconsistent with what it cosigned before
     * (422: the proof from its size does not verify, or the same size has another root). With a
     * proof computed from the log's own tiles this is evidence that the log forked.
     */
    public record Inconsistent(String why) implements Result {
    }

    /** A client with its own HTTP client (10 s connect timeout, 30 s request timeout). */
    public WitnessClient(URI submissionPrefix, List<VerifierKey> witnessKeys) {
        this(submissionPrefix, witnessKeys, Http.defaultClient(), Duration.ofSeconds(30));
    }

    public WitnessClient(URI submissionPrefix, List<VerifierKey> witnessKeys, HttpClient client, Duration timeout) {
        this.prefix = Objects.requireNonNull(submissionPrefix, "submissionPrefix");
        this.witnessKeys = List.copyOf(witnessKeys);
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (this.witnessKeys.isEmpty()) {
            throw new IllegalArgumentException("no witness keys to verify cosignatures with");
        }
    }

    /**
     * The add-checkpoint request body: {@code old <size>}, one base64 proof hash per line, an
     * empty line, the signed checkpoint.
     */
    public static byte[] requestBody(long oldSize, List<Hash> proof, Note signedCheckpoint) {
        if (oldSize < 0) {
            throw new IllegalArgumentException("negative old size");
        }
        if (proof.size() > Witness.MAX_PROOF_LINES) {
            throw new IllegalArgumentException("at most 63 proof lines");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("old " + oldSize + "\n").getBytes(StandardCharsets.US_ASCII));
        for (Hash h : proof) {
            out.writeBytes((h.base64() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write('\n');
        out.writeBytes(signedCheckpoint.encode());
        return out.toByteArray();
    }

    /**
     * Submits a signed checkpoint with a consistency proof from {@code oldSize} (the size the
     * witness last cosigned, 0 with an empty proof the first time).
     *
     * @return {@link Cosigned} with verified cosignature lines, {@link Conflict} (409) or
     *         {@link Inconsistent} (422)
     * @throws SignatureInvalidException if the witness answered 200 without a valid cosignature
     *                                   by a configured witness key (or with an invalid one)
     * @throws NotFoundException         if the witness does not know the log (404)
     * @throws OperationFailedException  for any other refusal (400, 403, …), with the
     *                                   witness's message
     * @throws dev.strongroom.format.UnreachableException if the witness cannot be reached
     */
    public Result addCheckpoint(long oldSize, List<Hash> proof, Note signedCheckpoint) {
        Checkpoint cp = Checkpoint.parse(signedCheckpoint.text());
        URI uri = Http.join(prefix, "add-checkpoint");
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody(oldSize, proof, signedCheckpoint))).build();
        Http.Reply r = Http.send(client, req, Note.MAX_SIZE);
        return switch (r.status()) {
            case 200 -> cosigned(signedCheckpoint, r.body());
            case 409 -> {
                if (!r.contentType().strip().toLowerCase(java.util.Locale.ROOT).startsWith(Witness.SIZE_CONTENT_TYPE)) {
                    throw new MalformedDataException("witness answered 409 without a " + Witness.SIZE_CONTENT_TYPE + " body");
                }
                String body = Text.utf8(r.body(), "409 body");
                if (!body.endsWith("\n") || body.indexOf('\n') != body.length() - 1) {
                    throw new MalformedDataException("witness 409 body is not one size line");
                }
                yield new Conflict(Text.decimal(body.substring(0, body.length() - 1), "witness tree size"));
            }
            case 404 -> throw new NotFoundException("the witness does not follow log " + cp.origin());
            case 422 -> new Inconsistent(Http.snippet(r.body()));
            default -> throw new OperationFailedException("the witness refused the checkpoint of size " + cp.size()
                    + ": " + r.status() + " " + Http.snippet(r.body()));
        };
    }

    private Cosigned cosigned(Note checkpoint, byte[] body) {
        String s = Text.utf8(body, "witness response");
        if (s.isEmpty() || !s.endsWith("\n")) {
            throw new MalformedDataException("witness response is not a sequence of signature lines");
        }
        List<NoteSignature> lines = new ArrayList<>();
        for (String line : s.substring(0, s.length() - 1).split("\n", -1)) {
            lines.add(NoteSignature.parseLine(line));
        }
        // tlog-witness: concatenate the lines to the checkpoint and verify with the witness keys.
        Note combined = Note.of(checkpoint.text(), lines);
        VerifiedNote v = combined.verify(witnessKeys.stream().map(VerifierKey::verifier).toList());
        return new Cosigned(v.verified(), checkpoint.withSignatures(v.verified()));
    }
}
