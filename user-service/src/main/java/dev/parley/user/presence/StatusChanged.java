package dev.parley.user.presence;

import java.time.Instant;

/**
 * A user set their status (online, offline or away); fired after the change is stored, on every
 * update, also when the value stays the same, because {@code lastSeen} still moves.
 */
public record StatusChanged(String userId, String status, Instant lastSeen) {
}
