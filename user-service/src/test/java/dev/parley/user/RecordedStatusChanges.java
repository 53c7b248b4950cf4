package dev.parley.user;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.parley.user.presence.StatusChanged;

/** Stands in for chat-service: remembers every status change user-service announces. */
@ApplicationScoped
public class RecordedStatusChanges {

    private final List<StatusChanged> seen = new CopyOnWriteArrayList<>();

    void record(@Observes StatusChanged change) {
        seen.add(change);
    }

    List<StatusChanged> of(String userId) {
        return seen.stream().filter(c -> c.userId().equals(userId)).toList();
    }
}
