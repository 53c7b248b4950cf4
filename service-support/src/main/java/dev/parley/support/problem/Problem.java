package dev.parley.support.problem;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem body. {@code code} is the stable value clients branch on; {@code type} is
 * the same code as a URN; {@code errors} names each invalid field of a 400.
 */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(required = true, example = "urn:parley:problem:validation_failed") String type,
        @Schema(required = true, example = "Request is invalid") String title,
        @Schema(required = true, example = "400") int status,
        @Schema(required = true, example = "validation_failed") String code,
        @Schema(nullable = true) String detail,
        @Schema(nullable = true) List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("urn:parley:problem:" + code, title, status, code, detail, null);
    }

    /** One invalid field of a request. */
    @Schema(name = "FieldError")
    public record FieldError(@Schema(required = true, example = "username") String field,
            @Schema(required = true) String message) {
    }
}
