package dev.parley.support.internal;

import java.security.Principal;
import java.util.Arrays;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import dev.parley.support.problem.ProblemException;

/**
 * Enforces {@link CalledBy}: the caller's name (a service credential's subject, which is also its
 * {@code upn}) must be one the endpoint names. A request without a caller is left to the role
 * check, which answers 401.
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 10)
public class CallerCheck implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        CalledBy allowed = resource.getResourceMethod() == null ? null : resource.getResourceMethod().getAnnotation(CalledBy.class);
        if (allowed == null && resource.getResourceClass() != null) {
            allowed = resource.getResourceClass().getAnnotation(CalledBy.class);
        }
        if (allowed == null) {
            return;
        }
        Principal caller = request.getSecurityContext().getUserPrincipal();
        if (caller == null) {
            return;
        }
        if (Arrays.stream(allowed.value()).noneMatch(caller.getName()::equals)) {
            throw ProblemException.forbidden("caller_not_allowed", "This endpoint is not for " + caller.getName());
        }
    }
}
