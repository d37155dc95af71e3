package dev.strongroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server must not be able to open user data: nothing that holds or derives keys (the
 * crypto module, the client SDK) may be on its classpath, at compile time or at run time. These
 * tests run on the server module's own test classpath, which therefore must not gain those
 * modules either (the server's tests build signed requests from the format module and the JDK).
 */
@DisplayName("The server cannot open user data")
class ServerClasspathTest {
    private static final List<String> FORBIDDEN_ARTIFACTS = List.of("strongroom-crypto", "strongroom-client",
            "strongroom-cli");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev.strongroom.crypto.SymmetricKey", "dev.strongroom.crypto.VaultKey",
        "dev.strongroom.crypto.IdentityKeys", "dev.strongroom.crypto.Envelope", "dev.strongroom.client.Client",
        "dev.strongroom.client.Vault", "dev.strongroom.cli.Main"})
    @DisplayName("key-holding classes are not loadable")
    void keyClassesAbsent(String name) {
        assertThatThrownBy(() -> Class.forName(name, false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev/strongroom/crypto", "dev/strongroom/client", "dev/strongroom/cli"})
    @DisplayName("no classpath entry holds a key-holding package")
    void packagesAbsent(String pkg) throws IOException {
        assertThat(Collections.list(getClass().getClassLoader().getResources(pkg))).isEmpty();
        assertThat(Collections.list(ClassLoader.getSystemClassLoader().getResources(pkg))).isEmpty();
    }

    @Test
    @DisplayName("the server's own classes and the format module are loadable (the checks above can fail)")
    void positiveControl() throws Exception {
        assertThat(Class.forName("dev.strongroom.server.Service")).isNotNull();
        assertThat(Class.forName("dev.strongroom.format.SigningPublicKey")).isNotNull();
        assertThat(Collections.list(getClass().getClassLoader().getResources("dev/strongroom/format"))).isNotEmpty();
    }

    @Test
    @DisplayName("the test JVM's classpath names no key-holding module")
    void classpathProperty() {
        String cp = System.getProperty("java.class.path", "") + java.io.File.pathSeparator
                + System.getProperty("surefire.test.class.path", "");
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            for (String a : FORBIDDEN_ARTIFACTS) {
                assertThat(entry).as("classpath entry").doesNotContain(a);
            }
            assertThat(entry).doesNotEndWith("crypto/target/classes").doesNotEndWith("client/target/classes");
        }
    }

    /** A {@code <dependency>} of a pom: artifact and scope (compile when absent). */
    record Dependency(String artifact, String scope) {
    }

    static List<Dependency> dependencies(Path pom) throws IOException {
        String xml = Files.readString(pom).replaceAll("(?s)<!--.*?-->", "");
        // only the module's own <dependencies>, not <dependencyManagement> (a parent's list of versions)
        xml = xml.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
        List<Dependency> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(xml);
        while (m.find()) {
            String d = m.group(1);
            Matcher a = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*</artifactId>").matcher(d);
            Matcher s = Pattern.compile("<scope>\\s*([^<\\s]+)\\s*</scope>").matcher(d);
            assertThat(a.find()).as("a dependency without an artifactId in %s", pom).isTrue();
            out.add(new Dependency(a.group(1), s.find() ? s.group(1) : "compile"));
        }
        return out;
    }

    @Test
    @DisplayName("server/pom.xml names the crypto and client modules in test scope at most")
    void serverPom() throws IOException {
        List<Dependency> deps = dependencies(Path.of("pom.xml"));
        assertThat(deps).as("the server pom's dependencies").extracting(Dependency::artifact)
                .contains("strongroom-format", "strongroom-storage");
        for (Dependency d : deps) {
            if (FORBIDDEN_ARTIFACTS.contains(d.artifact())) {
                assertThat(d.scope()).as("scope of %s in server/pom.xml", d.artifact()).isEqualTo("test");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../format/pom.xml", "../storage/pom.xml"})
    @DisplayName("the modules the server depends on do not bring the crypto or client modules along")
    void transitivePoms(String pom) throws IOException {
        Path p = Path.of(pom);
        assertThat(p).as("%s next to the server module", pom).exists();
        for (Dependency d : dependencies(p)) {
            if (FORBIDDEN_ARTIFACTS.contains(d.artifact())) {
                assertThat(d.scope()).as("scope of %s in %s", d.artifact(), pom).isEqualTo("test");
            }
        }
    }

    @Test
    @DisplayName("the pom parser sees a forbidden compile dependency when there is one")
    void parserCanFail(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path pom = Files.writeString(dir.resolve("pom.xml"), """
                <project><dependencyManagement><dependencies>
                  <dependency><groupId>g</groupId><artifactId>strongroom-crypto</artifactId></dependency>
                </dependencies></dependencyManagement>
                <dependencies>
                  <!-- <dependency><artifactId>strongroom-client</artifactId></dependency> -->
                  <dependency><groupId>g</groupId><artifactId>strongroom-client</artifactId><scope>test</scope></dependency>
                  <dependency><groupId>g</groupId>
                    <artifactId>strongroom-crypto</artifactId>
                  </dependency>
                </dependencies></project>
                """);
        assertThat(dependencies(pom)).containsExactly(new Dependency("strongroom-client", "test"),
                new Dependency("strongroom-crypto", "compile"));
    }
}
