package io.github.sysched.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.sysched.scheduler.Harness;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Coverage-guided fuzzing (Jazzer) of the extender's request edge as {@link ExtenderServlet} runs it: the body read
 * with its size cap ({@link ExtenderRequestReader}), then decoded as {@code ExtenderArgs} ({@code /filter},
 * {@code /prioritize}) and as {@code ExtenderBindingArgs} ({@code /bind}) by {@link ExtenderRequestDecoder}. Either a
 * request comes out, or {@link BadExtenderRequestException} (400) or {@link ExtenderRequestReader.TooLargeException}
 * (413) with a message; nothing else escapes, and no node name is null. Regression inputs:
 * {@code ExtenderRequestFuzzTestInputs/extenderRequest/} and {@link Harness}'s seeds; campaign: SECURITY.md "Fuzzing".
 */
class ExtenderRequestFuzzTest {

    private static final int MAX_REQUEST_SIZE = 64 * 1024;
    private static final ExtenderRequestReader READER = new ExtenderRequestReader(MAX_REQUEST_SIZE);
    private static final ExtenderRequestDecoder DECODER = new ExtenderRequestDecoder(new NodeNameTable());

    static Stream<byte[]> extenderRequest() {
        return Stream.concat(Harness.extenderArgsSeeds().stream(), Harness.bindingArgsSeeds().stream())
                .map(Harness.JSON::writeValueAsBytes);
    }

    @MethodSource
    @FuzzTest
    void extenderRequest(byte[] input) throws IOException {
        MockHttpServletRequest http = new MockHttpServletRequest("POST", "/filter");
        http.setContentType("application/json");
        http.setContent(input);
        byte[] body;
        try {
            body = READER.body(http);
        } catch (ExtenderRequestReader.TooLargeException e) {
            assertThat(input.length).isGreaterThan(MAX_REQUEST_SIZE);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        try {
            ExtenderRequest request = DECODER.decodeArgs(body, body.length);
            if (request.nodeNames() != null) {
                assertThat(request.nodeNames()).doesNotContainNull();
            }
        } catch (BadExtenderRequestException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            assertThat(DECODER.decodeBindingArgs(body, body.length)).isNotNull();
        } catch (BadExtenderRequestException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
