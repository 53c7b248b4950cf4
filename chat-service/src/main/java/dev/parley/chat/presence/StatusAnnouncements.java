package dev.parley.chat.presence;

import java.time.Instant;
import java.util.Collection;

/** Where a user's status is announced to their contacts (the realtime feature implements it as {@code user:status}). */
public interface StatusAnnouncements {

    void status(Collection<String> contacts, String userId, String status, Instant lastSeen);
}
