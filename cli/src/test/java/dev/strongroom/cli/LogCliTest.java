package dev.strongroom.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.Digest;
import dev.strongroom.format.LogLeaf;
import dev.strongroom.format.VaultId;
import dev.strongroom.server.StrongroomServer;
import dev.strongroom.server.TlsIdentity;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.storage.SqliteMetadataStore;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.Note;
import dev.strongroom.translog.SignatureType;
import dev.strongroom.translog.SignerKey;
import dev.strongroom.translog.Witness;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transparency log from the command line: {@code init} pinning the log key, the warning
 * every command prints without a witness, {@code strongroom witness} as a real process (stopped
 * and restarted over its state folder), {@code witness add}, {@code log-policy set}, a backup
 * that needs the witness's cosignature, {@code device list} naming the verified checkpoint, and
 * {@code audit} (exit 0 on an honest log, 3 when the log holds two leaves for one vault
 * version). Device commands run in-process with their own streams and environment, against a
 * real server on loopback whose database the test can also write to directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("strongroom witness / witness add / log-policy / audit")
class LogCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    SqliteMetadataStore store;
    StrongroomServer server;
    String url;
    String fingerprint;
    String logKey;
    Path home;
    Path source;
    Path witnessData;
    Process witness;
    String witnessUrl;
    String witnessKey;
    String vaultId;
    /** The second account's id and recovery code (made with --log-key in order 1). */
    String otherAccount;
    String otherCode;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        Path data = Files.createDirectories(tmp.resolve("server"));
        TlsIdentity tls = TlsIdentity.loadOrCreate(data);
        store = new SqliteMetadataStore(data.resolve("meta.db"));
        server = StrongroomServer.start(store, new FileBlobStore(data.resolve("packs")), tls,
                new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC());
        url = server.url().toString();
        fingerprint = tls.fingerprint();
        logKey = tls.logKey().orElseThrow().verifierKey().encode();
        home = tmp.resolve("home");
        source = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(source.resolve("a.txt"), "first\n");
        witnessData = tmp.resolve("witness");
    }

    @AfterAll
    void stop() throws Exception {
        stopWitness();
        server.close();
    }

    // ====================================================================== helpers



    CliResult run(Path h, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("STRONGROOM_HOME", h.toString());
        env.put("HOME", tmp.toString());
        return CliResult.run(env, args);
    }

    CliResult sr(String... args) {
        return run(home, args);
    }

    /** Starts {@code strongroom witness} as its own process; returns once it printed its URL and key. */
    void startWitness(String listen) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.strongroom.cli.Main");
        cmd.addAll(List.of("witness", "--data", witnessData.toString(), "--listen", listen, "--log-key", logKey,
                "--name", "cli-witness"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(tmp.resolve("witness-" + UUID.randomUUID() + ".err").toFile());
        witness = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(witness.getInputStream(), UTF_8));
        String u = null;
        String k = null;
        String line;
        while ((u == null || k == null) && (line = r.readLine()) != null) {
            if (line.startsWith("url ")) {
                u = line.substring(4);
            } else if (line.startsWith("witness-key ")) {
                k = line.substring("witness-key ".length());
            }
        }
        assertThat(u).as("the witness printed its URL").matches("http://127\\.0\\.0\\.1:[0-9]+");
        assertThat(k).as("the witness printed its key").startsWith("cli-witness+");
        witnessUrl = u;
        witnessKey = k;
    }

    void stopWitness() throws InterruptedException {
        if (witness != null) {
            witness.destroy();
            assertThat(witness.waitFor(30, TimeUnit.SECONDS)).as("the witness stops on SIGTERM").isTrue();
            witness = null;
        }
    }

    /** The witness's monitoring view (tlog-witness): the latest checkpoint it cosigned for this log. */
    Checkpoint witnessed() throws Exception {
        String origin = logKey.substring(0, logKey.indexOf('+'));
        try (HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = c.send(HttpRequest.newBuilder(URI.create(witnessUrl + "/"
                    + Witness.originHash(origin) + "/checkpoint")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return Checkpoint.parse(Note.parse(r.body()).text());
        }
    }

    String storedCheckpoint() throws IOException {
        return Files.readString(home.resolve("state/log/checkpoint"));
    }

    // ====================================================================== tests

    @Test
    @Order(1)
    @DisplayName("init pins the log key the server presents and says so; without a witness every command warns, "
            + "as text or as a JSON line")
    void initAndWarnings() {
        CliResult init = sr("init", "--server", url, "--server-fingerprint", fingerprint, "--name", "alpha");
        assertThat(init.code()).as("%s", init).isZero();
        assertThat(init.err()).contains("log-key " + logKey + " (pinned as the server presented it");

        // the operator's key given explicitly: pinned, nothing to compare
        Path other = tmp.resolve("other");
        CliResult explicit = run(other, "init", "--server", url, "--server-fingerprint", fingerprint, "--log-key", logKey);
        assertThat(explicit.code()).as("%s", explicit).isZero();
        assertThat(explicit.err()).doesNotContain("pinned as the server presented it");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("account id: +([0-9a-f]{64})\\s+device id:.*\\s+"
                + "recovery code: +([0-9A-Z-]+)").matcher(explicit.out());
        assertThat(m.find()).as("%s", explicit).isTrue();
        otherAccount = m.group(1);
        otherCode = m.group(2);
        CliResult bad = run(tmp.resolve("bad"), "init", "--server", url, "--server-fingerprint", fingerprint, "--log-key",
                "not-a-key");
        assertThat(bad.code()).as("%s", bad).isEqualTo(2);

        CliResult create = sr("vault", "create", "v");
        assertThat(create.code()).as("%s", create).isZero();
        assertThat(create.err()).contains("warning: no witness is configured");
        CliResult list = sr("vault", "list", "--json");
        assertThat(list.code()).as("%s", list).isZero();
        assertThat(list.jsonErrLines()).anySatisfy(n -> {
            assertThat(n.get("message_type").asText()).isEqualTo("warning");
            assertThat(n.get("warning").asText()).isEqualTo("log");
            assertThat(n.get("message").asText()).contains("no witness is configured");
        });
        vaultId = list.jsonLines().getFirst().get("id").asText();
        CliResult b = sr("backup", source.toString(), "--vault", "v");
        assertThat(b.code()).as("%s", b).isZero();
        assertThat(b.err()).contains("warning: no witness is configured");
    }

    @Test
    @Order(2)
    @DisplayName("witness (a process), witness add, log-policy set --quorum 1: a backup needs the witness's fresh "
            + "cosignature, and no longer warns")
    void witnessAndPolicy() throws Exception {
        CliResult usage = sr("witness", "--data", witnessData.toString());
        assertThat(usage.code()).as("%s", usage).isEqualTo(2);
        startWitness("127.0.0.1:0");

        CliResult badKey = sr("witness", "add", "--name", "w1", "--url", witnessUrl, "--key", "garbage");
        assertThat(badKey.code()).as("%s", badKey).isEqualTo(2);
        CliResult add = sr("witness", "add", "--name", "w1", "--url", witnessUrl, "--key", witnessKey);
        assertThat(add.code()).as("%s", add).isZero();
        CliResult tooMany = sr("log-policy", "set", "--quorum", "2");
        assertThat(tooMany.code()).as("more than the witnesses trusted: %s", tooMany).isEqualTo(2);
        CliResult set = sr("log-policy", "set", "--quorum", "1", "--max-age", "5m");
        assertThat(set.code()).as("%s", set).isZero();
        JsonNode policy = JSON.readTree(home.resolve("log.json").toFile());
        assertThat(policy.get("log_key").asText()).isEqualTo(logKey);
        assertThat(policy.get("quorum").asInt()).isEqualTo(1);
        assertThat(policy.get("max_age_seconds").asLong()).isEqualTo(300);
        assertThat(policy.get("witnesses").get(0).get("key").asText()).isEqualTo(witnessKey);

        Files.writeString(source.resolve("b.txt"), "second\n");
        CliResult b = sr("backup", source.toString(), "--vault", "v");
        assertThat(b.code()).as("%s", b).isZero();
        assertThat(b.err()).doesNotContain("warning");
        assertThat(storedCheckpoint()).contains("\n— cli-witness ");
        assertThat(witnessed().size()).isLessThanOrEqualTo(store.logSize()).isPositive();
    }

    @Test
    @Order(3)
    @DisplayName("with the witness stopped, nothing new is decided (exit 3); restarted over its folder it keeps its "
            + "key and its state, and backups go on")
    void witnessRestart() throws Exception {
        long before = witnessed().size();
        String port = witnessUrl.substring(witnessUrl.lastIndexOf(':') + 1);
        String key = witnessKey;
        stopWitness();
        Files.writeString(source.resolve("c.txt"), "third\n");
        CliResult refused = sr("backup", source.toString(), "--vault", "v");
        assertThat(refused.code()).as("%s", refused).isEqualTo(3);
        assertThat(refused.err()).contains("cosignatures");

        startWitness("127.0.0.1:" + port);
        assertThat(witnessKey).as("the same key after a restart").isEqualTo(key);
        assertThat(witnessed().size()).as("the restarted witness remembers what it cosigned").isEqualTo(before);
        CliResult b = sr("backup", source.toString(), "--vault", "v");
        assertThat(b.code()).as("%s", b).isZero();
        assertThat(b.err()).doesNotContain("warning");
        CliResult again = sr("ls", "--vault", "v");
        assertThat(again.code()).as("%s", again).isZero();
        assertThat(witnessed().size()).isEqualTo(store.logSize());
    }

    @Test
    @Order(4)
    @DisplayName("device list shows the checkpoint each device was verified in")
    void deviceList() throws Exception {
        CliResult l = sr("device", "list");
        assertThat(l.code()).as("%s", l).isZero();
        assertThat(l.out()).contains("verified in log at checkpoint " + store.logSize());
        CliResult j = sr("device", "list", "--json");
        assertThat(j.jsonLines()).singleElement().satisfies(n ->
                assertThat(n.get("log_checkpoint").asLong()).isEqualTo(store.logSize()));
    }

    @Test
    @Order(5)
    @DisplayName("audit of an honest log finds nothing: exit 0 (with the key given or as the server presents it)")
    void auditHonest() {
        CliResult a = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint);
        assertThat(a.code()).as("%s", a).isZero();
        assertThat(a.out()).contains("Audited leaves 0.." + store.logSize()).contains("2 accounts, 1 vaults, 0 finding(s)");
        CliResult j = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint, "--log-key", logKey, "--json");
        assertThat(j.code()).as("%s", j).isZero();
        assertThat(j.jsonLines()).singleElement().satisfies(n -> {
            assertThat(n.get("message_type").asText()).isEqualTo("summary");
            assertThat(n.get("findings").asInt()).isZero();
            assertThat(n.get("log_size").asLong()).isEqualTo(store.logSize());
            assertThat(n.get("log_key").asText()).isEqualTo(logKey);
        });
        // another log's key: the checkpoint does not verify (a security failure, not a finding)
        String otherKey = SignerKey.generate(SignatureType.ED25519, logKey.substring(0, logKey.indexOf('+')))
                .verifierKey().encode();
        CliResult wrong = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint, "--log-key", otherKey);
        assertThat(wrong.code()).as("%s", wrong).isEqualTo(3);
    }

    @Test
    @Order(6)
    @DisplayName("audit of a log holding two leaves for one (vault, seq): a finding naming the leaf, exit 3; "
            + "the account's device refuses the vault too")
    void auditFindsTwoLeavesForOneVersion() throws Exception {
        VaultId vault = VaultId.fromHex(vaultId);
        String key = LogLeaf.Commit.key(vault, 1);
        long honest = store.logIndices(List.of(key)).get(key);
        LogLeaf.Commit c = (LogLeaf.Commit) LogLeaf.decode(store.logLeaves(honest, honest + 1).getFirst());
        CommitHeader h = c.header();
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        CommitHeader alt = new CommitHeader(h.suite(), h.account(), h.vault(), 1, h.parent(), new Digest(other), h.author());
        long forged = store.logSize();
        byte[] account = new byte[32];
        new SecureRandom().nextBytes(account);
        assertThat(store.createAccount(account, new byte[] {1}, Map.of(), Optional.of(new MetadataStore.LogLeaf(
                "forged/" + UUID.randomUUID(), new LogLeaf.Commit(alt, c.signature()).encode())),
                System.currentTimeMillis())).isTrue();

        CliResult a = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint, "--log-key", logKey);
        assertThat(a.code()).as("%s", a).isEqualTo(3);
        assertThat(a.out()).contains("FINDING at leaf " + forged + ": vault " + vaultId + ": version 1 logged where version ")
                .contains("1 finding(s)");
        CliResult j = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint, "--json");
        assertThat(j.code()).isEqualTo(3);
        assertThat(j.jsonLines()).hasSize(2);
        assertThat(j.jsonLines().get(0).get("message_type").asText()).isEqualTo("finding");
        assertThat(j.jsonLines().get(0).get("leaf").asLong()).isEqualTo(forged);
        assertThat(j.jsonLines().get(1).get("findings").asInt()).isEqualTo(1);
        // --from after the leaf: nothing to report from there on
        CliResult later = run(home, "audit", "--server", url, "--server-fingerprint", fingerprint, "--from",
                Long.toString(forged + 1));
        assertThat(later.code()).as("%s", later).isZero();

        CliResult ls = sr("ls", "--vault", "v");
        assertThat(ls.code()).as("%s", ls).isEqualTo(3);
        assertThat(ls.err()).contains("two different versions 1 of vault " + vaultId);
    }

    @Test
    @Order(7)
    @DisplayName("recover --log-key with a key other than the server's: the log is refused (exit 3)")
    void recoverWithAnotherLogKey() throws Exception {
        String otherKey = SignerKey.generate(SignatureType.ED25519, logKey.substring(0, logKey.indexOf('+')))
                .verifierKey().encode();
        Path codeFile = Files.writeString(tmp.resolve("code.txt"), otherCode);
        CliResult r = run(tmp.resolve("recovered"), "recover", "--server", url, "--server-fingerprint", fingerprint,
                "--account", otherAccount, "--recovery-code-file", codeFile.toString(), "--log-key", otherKey);
        assertThat(r.code()).as("%s", r).isEqualTo(3);
        CliResult good = run(tmp.resolve("recovered-2"), "recover", "--server", url, "--server-fingerprint", fingerprint,
                "--account", otherAccount, "--recovery-code-file", codeFile.toString(), "--log-key", logKey);
        assertThat(good.code()).as("%s", good).isZero();
    }
}
