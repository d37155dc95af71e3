package dev.strongroom.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.translog.VerifierKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A device's trust anchors for the transparency log, kept in {@code log.json} beside its
 * configuration: the log's verifier key (pinned at init or join, never taken from the server
 * later), the witnesses it trusts, how many fresh cosignatures it requires and how fresh.
 * These never change at run time; only the user changes them ({@code witness add},
 * {@code log-policy set}).
 */
public record LogPolicy(VerifierKey logKey, List<Witness> witnesses, int quorum, Duration maxAge) {
    public static final String FILE = "log.json";
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    public LogPolicy {
        witnesses = List.copyOf(witnesses);
        if (quorum < 0 || quorum > witnesses.size()) {
            throw new InvalidInputException("the quorum must be between 0 and the number of witnesses ("
                    + witnesses.size() + ")");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new InvalidInputException("the maximum age must be positive");
        }
    }

    /** A trusted witness. */
    public record Witness(String name, URI url, VerifierKey key) {
        public Witness {
            if (!key.type().isCosignature()) {
                throw new InvalidInputException("witness key " + key.name() + " is not a cosignature key");
            }
        }
    }

    public static LogPolicy of(VerifierKey logKey) {
        return new LogPolicy(logKey, List.of(), 0, DEFAULT_MAX_AGE);
    }

    public LogPolicy withWitness(Witness w) {
        List<Witness> ws = new ArrayList<>();
        for (Witness x : witnesses) {
            if (!x.name().equals(w.name())) {
                ws.add(x);
            }
        }
        ws.add(w);
        return new LogPolicy(logKey, ws, quorum, maxAge);
    }

    public LogPolicy withPolicy(int q, Duration age) {
        return new LogPolicy(logKey, witnesses, q, age);
    }

    public List<VerifierKey> witnessKeys() {
        return witnesses.stream().map(Witness::key).toList();
    }

    public static Optional<LogPolicy> read(Home home) {
        Path f = home.configDir().resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readAllBytes(f)));
        } catch (IOException | RuntimeException e) {
            throw new OperationFailedException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Parses the JSON form ({@code log.json}, and the account's {@code log-anchors} copy). */
    static LogPolicy parse(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new dev.strongroom.format.MalformedDataException("log policy is not JSON: " + e.getMessage());
        }
        List<Witness> ws = new ArrayList<>();
        for (JsonNode w : n.path("witnesses")) {
            ws.add(new Witness(w.path("name").asText(), URI.create(w.path("url").asText()),
                    VerifierKey.parse(w.path("key").asText())));
        }
        return new LogPolicy(VerifierKey.parse(n.path("log_key").asText()), ws, n.path("quorum").asInt(0),
                Duration.ofSeconds(n.path("max_age_seconds").asLong(DEFAULT_MAX_AGE.toSeconds())));
    }

    /** The JSON form. */
    byte[] toJson() {
        ObjectNode n = JSON.createObjectNode().put("log_key", logKey.encode()).put("quorum", quorum)
                .put("max_age_seconds", maxAge.toSeconds());
        ArrayNode ws = n.putArray("witnesses");
        for (Witness w : witnesses) {
            ws.add(JSON.createObjectNode().put("name", w.name()).put("url", w.url().toString()).put("key", w.key().encode()));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Home home) {
        Home.writeAtomically(home.configDir().resolve(FILE), toJson(), false);
    }
}
