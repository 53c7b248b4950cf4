package dev.parley.support.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Every service's JSON refuses a body or frame that names a field twice
 * ({@code {"content":"a","content":{"$ne":null}}}): which of the two a reader takes is not
 * defined, a record body failed on it with a 500, and a filter or a validator may look at one copy
 * while the code uses the other. The parser's error becomes a 400 {@code malformed_body} problem
 * (REST, {@code ProblemMapper}) or a {@code bad_json} error event (WebSocket).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
