package dev.parley.support.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The services that may call an internal endpoint, by the name their service credential carries
 * (its subject): a service credential is not a pass to every internal endpoint, only to those
 * that name its service (review L6). Goes with {@code @RolesAllowed("service")}, which keeps user
 * tokens out; {@link CallerCheck} answers 403 {@code caller_not_allowed} to any other service.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface CalledBy {

    /** Service names, as in {@code parley.auth.service-clients.<name>} (and {@code auth-service} itself). */
    String[] value();
}
