package dev.strongroom.client;

import dev.strongroom.format.OperationFailedException;
import dev.strongroom.translog.Note;
import dev.strongroom.translog.SignatureType;
import dev.strongroom.translog.SignerKey;
import dev.strongroom.translog.VerifierKey;
import dev.strongroom.translog.Witness;
import dev.strongroom.translog.WitnessHttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * An independent witness (c2sp.org/tlog-witness) on a free loopback port, for one log, with an
 * ML-DSA-44 cosigning key and a clock the test can move (stale or future cosignatures). It can be
 * stopped and restarted over the same state folder, as an operator would.
 */
final class TestWitness implements AutoCloseable {
    /** The real time plus an offset the test moves. */
    static final class OffsetClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    final String name;
    final Path dir;
    final OffsetClock clock = new OffsetClock();
    private final SignerKey key;
    private final VerifierKey logKey;
    private Witness witness;
    private WitnessHttpServer http;
    private int port;

    TestWitness(Path dir, String name, VerifierKey logKey) {
        this.dir = dir;
        this.name = name;
        this.logKey = logKey;
        this.key = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, name);
        start();
    }

    /** Starts serving over the state folder (on the port it had before, when it had one). */
    void start() {
        witness = Witness.open(dir, List.of(key), List.of(Witness.Log.of(logKey)), clock);
        try {
            http = WitnessHttpServer.start(witness, new InetSocketAddress("127.0.0.1", port), "");
        } catch (OperationFailedException e) {
            http = WitnessHttpServer.start(witness, new InetSocketAddress("127.0.0.1", 0), "");
        }
        port = http.address().getPort();
    }

    /** Stops serving and releases the state folder, as a stopped process would. */
    void stop() {
        if (http != null) {
            http.close();
            witness.close();
            http = null;
        }
    }

    void restart() {
        stop();
        start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    VerifierKey key() {
        return key.verifierKey();
    }

    /** How a device trusts this witness. */
    LogPolicy.Witness trusted() {
        return new LogPolicy.Witness(name, url(), key());
    }

    /** The latest checkpoint this witness cosigned (its monitoring view), if any. */
    Optional<Note> latest() {
        return witness.latest(logKey.name());
    }

    @Override
    public void close() {
        stop();
    }
}
