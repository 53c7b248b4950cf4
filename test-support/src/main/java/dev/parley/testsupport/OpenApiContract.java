package dev.parley.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The committed OpenAPI document ({@code openapi.yaml} at the module root) is the service's
 * contract: the generated document must match it, and real requests and responses must conform.
 */
public final class OpenApiContract {

    /** Where each module keeps its committed contract. */
    public static final Path COMMITTED = Path.of("openapi.yaml");
    /** Run the tests with {@code -Dparley.openapi.write=true} to accept the generated document. */
    public static final String WRITE_PROPERTY = "parley.openapi.write";

    private static OpenApiValidationFilter filter;

    private OpenApiContract() {
    }

    /** A REST-assured filter that fails a test whose request or response breaks the contract. */
    public static synchronized OpenApiValidationFilter validationFilter() {
        if (filter == null) {
            // Requests are not checked: tests send invalid requests on purpose. Responses always are.
            filter = new OpenApiValidationFilter(OpenApiInteractionValidator
                    .createForSpecificationUrl(COMMITTED.toAbsolutePath().toUri().toString())
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request", ValidationReport.Level.IGNORE)
                            .build())
                    .build());
        }
        return filter;
    }

    /** {@code given()} whose response must conform to the committed contract. */
    public static RequestSpecification api() {
        return RestAssured.given().filter(validationFilter());
    }

    /** Fails (with a diff hint) when the generated document differs from the committed one. */
    public static void assertCommittedMatches(String generated) {
        String actual = normalize(generated);
        try {
            if (Boolean.getBoolean(WRITE_PROPERTY)) {
                Files.writeString(COMMITTED, actual);
                return;
            }
            String expected = Files.exists(COMMITTED) ? normalize(Files.readString(COMMITTED)) : "";
            if (!expected.equals(actual)) {
                Path out = Path.of("target", "openapi-generated.yaml");
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual);
                fail("The generated OpenAPI document drifted from the committed " + COMMITTED.toAbsolutePath()
                        + ". Compare with " + out.toAbsolutePath() + "; if the change is intended, run the"
                        + " tests once with -D" + WRITE_PROPERTY + "=true and commit the result.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String normalize(String yaml) {
        return yaml.replace("\r\n", "\n").strip() + "\n";
    }
}
