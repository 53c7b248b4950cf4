package dev.parley.chat.realtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one WebSocket frame shape: {@code {"event": "...", "data": {...}, "id": "..."}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String event, Object data, String id) {

    public static Envelope of(String event, Object data) {
        return new Envelope(event, data, null);
    }
}
