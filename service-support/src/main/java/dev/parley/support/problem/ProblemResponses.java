package dev.parley.support.problem;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Gives every documented error response of every service the RFC 9457 body, so resources declare
 * only what is specific to an operation: {@code @APIResponse(responseCode = "404", description =
 * "user_not_found")}, with no content block. Every 4xx and 5xx answer of a Parley service is a
 * {@link Problem} (the one {@link ProblemMapper} makes sure of it), so the rule has no exceptions.
 * Quarkus finds this filter through the annotation in the index (this module is a bean archive)
 * and runs it when the document is built; a response that declares its own content or a
 * {@code ref} is left alone.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() != null && operation.getResponses().getAPIResponses() != null) {
            for (Map.Entry<String, APIResponse> entry : operation.getResponses().getAPIResponses().entrySet()) {
                APIResponse response = entry.getValue();
                if (isError(entry.getKey()) && response.getContent() == null && response.getRef() == null) {
                    response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                            OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem"))));
                }
            }
        }
        return operation;
    }

    private static boolean isError(String status) {
        return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
    }
}
