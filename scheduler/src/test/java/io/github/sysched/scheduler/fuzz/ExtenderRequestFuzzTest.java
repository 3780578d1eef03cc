package io.github.sysched.scheduler.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.extender.BadExtenderRequestException;
import io.github.sysched.scheduler.extender.ExtenderArgs;
import io.github.sysched.scheduler.extender.ExtenderBindingArgs;
import io.github.sysched.scheduler.extender.ExtenderRequestReader;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Coverage-guided fuzzing (Jazzer) of the extender's request decoder through its public entry point, the body of a
 * {@code /filter}, {@code /prioritize} or {@code /bind} call: the decoder either yields a request or throws
 * {@link BadExtenderRequestException} (400) or {@link ExtenderRequestReader.TooLargeException} (413) with a message;
 * nothing else escapes. Kept to the decoder's entry point so it follows the decoder when that edge changes.
 * Regression inputs: {@code ExtenderRequestFuzzTestInputs/extenderRequest/} and {@link ExtenderFuzzTest}'s seeds;
 * campaign: SECURITY.md "Fuzzing".
 */
class ExtenderRequestFuzzTest {

    private static final int MAX_REQUEST_SIZE = 64 * 1024;
    private static final ExtenderRequestReader READER = new ExtenderRequestReader(Harness.JSON, MAX_REQUEST_SIZE);

    static Stream<byte[]> extenderRequest() {
        return Stream.concat(ExtenderFuzzTest.argsSeeds().stream(), ExtenderFuzzTest.bindSeeds().stream())
                .map(Harness.JSON::writeValueAsBytes);
    }

    @MethodSource
    @FuzzTest
    void extenderRequest(byte[] body) throws IOException {
        ExtenderArgs args = decode(body, ExtenderArgs.class);
        if (args != null && args.nodeNames() != null) {
            assertThat(args.nodeNames()).doesNotContainNull();
        }
        decode(body, ExtenderBindingArgs.class);
    }

    private static <T> T decode(byte[] body, Class<T> type) throws IOException {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/filter");
        request.setContentType("application/json");
        request.setContent(body);
        try {
            T value = READER.read(request, type);
            assertThat(value).isNotNull();
            assertThat(body.length).isLessThanOrEqualTo(MAX_REQUEST_SIZE);
            return value;
        } catch (BadExtenderRequestException | ExtenderRequestReader.TooLargeException e) {
            assertThat(e.getMessage()).isNotBlank();
            return null;
        }
    }
}
