package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("exception hierarchy and exit codes")
class ExceptionsTest {
    @Test
    @DisplayName("every security failure maps to exit code 3")
    void securityFailures() {
        List<SecurityFailureException> all = List.of(
                new AuthenticationFailedException("a"), new SignatureInvalidException("s"),
                new IntegrityException("i"), new MalformedDataException("m"), new DowngradeException("d"),
                new RollbackException("r"), new UnsafePathException("u"));
        assertThat(all).allSatisfy(e -> assertThat(e.exitCode()).isEqualTo(3));
    }

    @Test
    @DisplayName("the other kinds have their documented exit codes")
    void others() {
        assertThat(new OperationFailedException("x").exitCode()).isEqualTo(1);
        assertThat(new InvalidInputException("x").exitCode()).isEqualTo(2);
        assertThat(new NotFoundException("x").exitCode()).isEqualTo(4);
        assertThat(new UnreachableException("x", new RuntimeException()).exitCode()).isEqualTo(5);
    }

    @Test
    void causeAndMessageAreKept() {
        RuntimeException cause = new RuntimeException("root");
        MalformedDataException e = new MalformedDataException("what failed", cause);
        assertThat(e).hasMessage("what failed").hasCause(cause).isInstanceOf(StrongroomException.class);
    }
}
