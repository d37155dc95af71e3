package dev.strongroom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.client.Audit;
import dev.strongroom.client.Home;
import dev.strongroom.client.LogPolicy;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.translog.SignatureType;
import dev.strongroom.translog.SignerKey;
import dev.strongroom.translog.VerifierKey;
import dev.strongroom.translog.Witness;
import dev.strongroom.translog.WitnessHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Verbs for the transparency log: running a witness, trusting witnesses, the policy, and auditing. */
final class LogVerbs {
    private LogVerbs() {
    }

    static VerifierKey parseKey(String vkey, String what) {
        try {
            return VerifierKey.parse(vkey.strip());
        } catch (RuntimeException e) {
            throw new InvalidInputException(what + " is not a verifier key (name+hexid+base64): " + e.getMessage());
        }
    }

    /** Parses durations like 10m, 90s, 2h, 1d (or ISO-8601). */
    static Duration parseDuration(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.matches("[0-9]+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(s.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new InvalidInputException("a duration looks like 90s, 10m, 2h or 1d");
        }
    }

    // ================================================================== witness

    @Command(name = "witness", description = {"Runs an independent witness (c2sp.org/tlog-witness): it cosigns a log's",
        "checkpoints only after verifying each is consistent with the last one it cosigned.",
        "'witness add' makes this device trust a witness."}, subcommands = WitnessCmd.Add.class)
    static final class WitnessCmd implements Callable<Integer>, Main.Sub {
        @ParentCommand
        Main main;

        @Option(names = "--data", paramLabel = "DIR", description = "The witness's state folder (its key and each log's latest size).")
        Path data;

        @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8444", description = "Address (default: ${DEFAULT-VALUE}); plain HTTP.")
        String listen;

        @Option(names = "--log-key", paramLabel = "VKEY", description = "A log to witness (its verifier key); repeatable.")
        List<String> logKeys = new ArrayList<>();

        @Option(names = "--name", paramLabel = "NAME", description = "The witness's key name (default: strongroom-witness/<host>).")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Object parentCommand() {
            return main;
        }

        @Override
        public Integer call() throws Exception {
            if (data == null || logKeys.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "running a witness needs --data DIR and at least one --log-key VKEY (or use 'witness add')");
            }
            Files.createDirectories(data);
            SignerKey key = loadOrCreateKey(data.resolve("witness.key"),
                    name != null ? name : "strongroom-witness/" + DeviceVerbs.hostName());
            List<Witness.Log> logs = new ArrayList<>();
            for (String k : logKeys) {
                logs.add(Witness.Log.of(parseKey(k, "--log-key")));
            }
            Witness w = Witness.open(data, List.of(key), logs, Clock.systemUTC());
            WitnessHttpServer s = WitnessHttpServer.start(w, dev.strongroom.server.ServerConfig.address(listen, "--listen"), "");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                s.close();
                w.close();
                stop.countDown();
            }));
            main.io.out().println("Strongroom witness");
            main.io.out().println("url " + s.url());
            main.io.out().println("witness-key " + key.verifierKey().encode());
            main.io.out().flush();
            stop.await();
            return 0;
        }

        private static SignerKey loadOrCreateKey(Path f, String name) throws IOException {
            if (Files.exists(f)) {
                return SignerKey.parse(Files.readString(f).strip());
            }
            SignerKey k = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, name);
            Files.write(f, (k.encodePrivate() + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            return k;
        }

        @Command(name = "add", description = "Trusts a witness: its cosignatures count towards this device's quorum.")
        static final class Add extends Main.DeviceCommand implements Main.Sub {
            @Option(names = "--name", required = true, paramLabel = "NAME", description = "A name for the witness.")
            String name;

            @Option(names = "--url", required = true, paramLabel = "URL", description = "The witness's URL (its add-checkpoint prefix).")
            URI url;

            @Option(names = "--key", required = true, paramLabel = "VKEY", description = "The witness's verifier key ('witness-key' line).")
            String key;

            @Override
            public Object parentCommand() {
                return parent;
            }

            @Override
            public Integer call() {
                Home home = homeOption.resolve(io());
                home.config();
                LogPolicy p = LogPolicy.read(home).orElseThrow(() -> new NotFoundException(
                        "this device follows no transparency log (its server had none at init)"));
                p.withWitness(new LogPolicy.Witness(name, url, parseKey(key, "--key"))).write(home);
                io().out().println("Trusting witness '" + name + "'. 'strongroom log-policy set --quorum K' decides how "
                        + "many cosignatures are required.");
                return 0;
            }
        }
    }

    // ================================================================== log policy

    @Command(name = "log-policy", description = "Sets how many fresh witness cosignatures this device requires.",
            subcommands = LogPolicyCmd.Set.class)
    static final class LogPolicyCmd implements Runnable, Main.Sub {
        @ParentCommand
        Main main;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Object parentCommand() {
            return main;
        }

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "use 'log-policy set --quorum K --max-age 10m'");
        }

        @Command(name = "set", description = "Requires K fresh cosignatures (from trusted witnesses) no older than --max-age.")
        static final class Set extends Main.DeviceCommand implements Main.Sub {
            @Option(names = "--quorum", required = true, paramLabel = "K", description = "Cosignatures required (0 = none).")
            int quorum;

            @Option(names = "--max-age", paramLabel = "DURATION", defaultValue = "10m", description = "Freshness (default: ${DEFAULT-VALUE}).")
            String maxAge;

            @Override
            public Object parentCommand() {
                return parent;
            }

            @Override
            public Integer call() {
                Home home = homeOption.resolve(io());
                home.config();
                LogPolicy p = LogPolicy.read(home).orElseThrow(() -> new NotFoundException(
                        "this device follows no transparency log (its server had none at init)"));
                p.withPolicy(quorum, parseDuration(maxAge)).write(home);
                io().out().println("Requiring " + quorum + " fresh cosignature(s), at most " + parseDuration(maxAge) + " old.");
                return 0;
            }
        }
    }

    // ================================================================== audit

    @Command(name = "audit", description = {"Replays the server's transparency log: every device chain valid, one leaf per",
        "(account, index) and per (vault, seq), every vault's versions in order and signed by a device",
        "trusted at that point. Exit 0 when it finds nothing, 3 when it finds misbehaviour."})
    static final class AuditCmd implements Callable<Integer>, Main.JsonOption, Main.Sub {
        @ParentCommand
        Main main;

        @Option(names = "--server", required = true, paramLabel = "URL", description = "Server URL, https://host:port.")
        URI server;

        @Option(names = "--server-fingerprint", required = true, paramLabel = "SHA256:HEX", description = "The server's key fingerprint.")
        String fingerprint;

        @Option(names = "--log-key", paramLabel = "VKEY", description = "The log's verifier key (else the one the server presents).")
        String logKey;

        @Option(names = "--from", paramLabel = "N", defaultValue = "0", description = "Report findings from leaf N on (default: ${DEFAULT-VALUE}).")
        long from;

        @Option(names = "--json", description = "Print JSON lines.")
        boolean json;

        @Override
        public boolean json() {
            return json;
        }

        @Override
        public Object parentCommand() {
            return main;
        }

        @Override
        public Integer call() {
            Io io = main.io;
            Audit.Report r = Audit.run(server, fingerprint, logKey == null ? java.util.Optional.empty()
                    : java.util.Optional.of(parseKey(logKey, "--log-key")), from);
            for (Audit.Finding f : r.findings()) {
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "finding").put("leaf", f.leaf()).put("finding", f.text()));
                } else {
                    io.out().println("FINDING at leaf " + f.leaf() + ": " + f.text());
                }
            }
            if (json) {
                ObjectNode n = io.obj().put("message_type", "summary").put("log_size", r.size()).put("from", from)
                        .put("accounts", r.accounts()).put("vaults", r.vaults()).put("findings", r.findings().size())
                        .put("log_key", r.logKey());
                io.jsonLine(n);
            } else {
                io.out().printf("Audited leaves %d..%d of %s: %d accounts, %d vaults, %d finding(s).%n", from, r.size(),
                        r.logKey(), r.accounts(), r.vaults(), r.findings().size());
            }
            return r.findings().isEmpty() ? 0 : 3;
        }
    }
}
