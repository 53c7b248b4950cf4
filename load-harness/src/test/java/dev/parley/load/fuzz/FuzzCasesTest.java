package dev.parley.load.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.parley.load.fuzz.OpenApiOperations.Operation;

/** The generator replays from its seed and reaches every operation of the committed documents. */
class FuzzCasesTest {

    private static final FuzzCases.Fixture FIXTURE = new FuzzCases.Fixture(
            List.of("665f1c2e8f1b2a3c4d5e6f72", "665f1c2e8f1b2a3c4d5e6f73"), List.of("token-a", "token-b"), List.of("refresh-a"),
            List.of("alice"), List.of("665f1c2e8f1b2a3c4d5e6f70"), List.of("665f1c2e8f1b2a3c4d5e6f71"));

    @Test
    void theSameSeedGivesTheSameCases() throws Exception {
        List<Operation> operations = OpenApiOperations.load(Path.of("..").toAbsolutePath().normalize());
        assertEquals(cases(operations, 42), cases(operations, 42));
        assertTrue(!cases(operations, 42).equals(cases(operations, 43)), "another seed, other cases");
    }

    @Test
    void everyOperationOfEveryCommittedDocumentIsFuzzed() throws Exception {
        List<Operation> operations = OpenApiOperations.load(Path.of("..").toAbsolutePath().normalize());
        Set<String> documented = new TreeSet<>();
        operations.forEach(o -> documented.add(o.toString()));
        assertTrue(documented.containsAll(List.of("POST /auth/register", "GET /chat/{chatId}", "PUT /user/status",
                "POST /internal/presence")), documented.toString());
        FuzzCases cases = new FuzzCases(7, operations, FIXTURE);
        Set<String> reached = new TreeSet<>();
        Set<String> frames = new TreeSet<>();
        for (int i = 0; i < 5_000; i++) {
            reached.add(cases.nextHttp().what().split(":")[0]);
            FuzzCases.FrameCase frame = cases.nextFrame();
            frames.add(frame.what().substring(frame.what().indexOf(": ") + 2));
        }
        assertEquals(documented, reached);
        assertTrue(frames.containsAll(List.of("binary frame", "garbage", "frame over 64 KiB", "unknown event", "valid")), frames.toString());
    }

    private static List<String> cases(List<Operation> operations, long seed) {
        FuzzCases cases = new FuzzCases(seed, operations, FIXTURE);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            FuzzCases.HttpCase c = cases.nextHttp();
            out.add(c.method() + " " + c.pathAndQuery() + " " + c.contentType() + " " + Arrays.hashCode(c.body()) + " " + c.what());
            out.add(new String(cases.nextFrame().payload()));
        }
        return out;
    }
}
