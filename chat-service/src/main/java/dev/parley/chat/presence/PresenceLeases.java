package dev.parley.chat.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

import dev.parley.chat.ChatConfig;

/**
 * Who is online over every replica, as leases in Redis. Each replica holds a lease on each user
 * with a socket on it, and renews it (and its own heartbeat) every third of a lease; a user is
 * online while any unexpired lease on them exists. A replica that stops renewing (killed, cut off)
 * is found by another one through its expired heartbeat, which removes its leases
 * ({@link #releaseDead}). With Redis disabled there is one replica, and its own count of sockets
 * (kept by {@link PresenceTracker}) is the whole truth, so every call here answers "yes".
 *
 * <p>Keys (prefix {@code parley.chat.redis.prefix}):
 * <ul>
 * <li>{@code <prefix>:online:<userId>}: sorted set, member a replica id, score the lease's expiry (epoch ms);</li>
 * <li>{@code <prefix>:replica-users:<replicaId>}: set of the users that replica holds leases on
 * (what a cleanup walks when the replica is dead);</li>
 * <li>{@code <prefix>:replicas}: sorted set, replica id -> heartbeat expiry (epoch ms);</li>
 * <li>{@code <prefix>:cleanup:<replicaId>}: a short lock (SET NX PX) so one replica cleans up a dead one.</li>
 * </ul>
 * Every read-then-write is one Lua script: Redis runs a script alone, so two replicas opening
 * (or closing) the same user at once cannot both see "no other lease" (two "online"s) or both see
 * "another lease" (no "online" at all). Times are Redis's own clock ({@code TIME} in the scripts),
 * so replicas whose clocks disagree still agree on what has expired. Keys carry a TTL of three
 * leases, so nothing outlives every replica for long.
 *
 * <p>Blocking: called from the presence lanes and the lease keeper, never from an event loop.
 */
@ApplicationScoped
public class PresenceLeases {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    /** KEYS online:<user>, replica-users:<me>; ARGV me, lease ms, ttl ms, user. Returns the live leases before ours. */
    private static final String ACQUIRE = NOW
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "local before = redis.call('ZCARD', KEYS[1]) "
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
            + "redis.call('SADD', KEYS[2], ARGV[4]) "
            + "redis.call('PEXPIRE', KEYS[2], ARGV[3]) "
            + "return before";

    /** KEYS online:<user>, replica-users:<me>; ARGV me, user. Returns the live leases left. */
    private static final String RELEASE = NOW
            + "redis.call('ZREM', KEYS[1], ARGV[1]) "
            + "redis.call('SREM', KEYS[2], ARGV[2]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "return redis.call('ZCARD', KEYS[1])";

    /**
     * KEYS online:<dead replica's user>; ARGV dead replica id. Returns 1 when this removed the
     * user's last live lease (the caller announces "offline"), 0 otherwise: whoever removes the last
     * lease announces, so a close elsewhere that already swept the expired lease away is not
     * announced twice.
     */
    private static final String RELEASE_DEAD = NOW
            + "local removed = redis.call('ZREM', KEYS[1], ARGV[1]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "if removed == 1 and redis.call('ZCARD', KEYS[1]) == 0 then return 1 end "
            + "return 0";

    /**
     * KEYS replica-users:<me>, online:<u1>..online:<un>; ARGV me, lease ms, ttl ms, u1..un.
     * Returns the users whose lease had gone (Redis lost it, or another replica took this one for
     * dead) and who now have no other live lease: they just came online again.
     */
    private static final String RENEW = NOW
            + "local appeared = {} "
            + "for i = 2, #KEYS do "
            + "  local added = redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1]) "
            + "  redis.call('PEXPIRE', KEYS[i], ARGV[3]) "
            + "  redis.call('SADD', KEYS[1], ARGV[i + 2]) "
            + "  if added == 1 and redis.call('ZCOUNT', KEYS[i], '(' .. now, '+inf') == 1 then "
            + "    appeared[#appeared + 1] = ARGV[i + 2] "
            + "  end "
            + "end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
            + "return appeared";

    /** KEYS replicas; ARGV me, lease ms. Renews this replica's heartbeat; returns the replicas whose heartbeat expired. */
    private static final String HEARTBEAT = NOW
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) "
            + "return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)";

    /** Users per renewal script: bounded, so one script never holds Redis for long. */
    private static final int RENEW_CHUNK = 256;

    private final boolean shared;
    private final String prefix;
    private final long leaseMillis;
    private final Instance<ReactiveRedisDataSource> redis;
    /** Fresh at every start: a restarted replica never inherits the leases of its previous life. */
    private final String replicaId = UUID.randomUUID().toString();
    private volatile long lastHeartbeat;

    public PresenceLeases(ChatConfig config, Instance<ReactiveRedisDataSource> redis) {
        this.shared = config.redis().enabled();
        this.prefix = config.redis().prefix();
        this.leaseMillis = config.redis().presenceLease().toMillis();
        this.redis = redis;
    }

    public boolean shared() {
        return shared;
    }

    public String replicaId() {
        return replicaId;
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /**
     * True while presence can reach Redis: the last heartbeat succeeded, less than a lease ago
     * (always with Redis disabled).
     */
    public boolean reachable() {
        return !shared || System.currentTimeMillis() - lastHeartbeat < leaseMillis;
    }

    /** The user's first socket here. @return true when no other replica holds a live lease on them: they came online */
    boolean acquire(String userId) {
        if (!shared) {
            return true;
        }
        failFastWhileUnreachable();
        return eval(ACQUIRE, List.of(online(userId), replicaUsers(replicaId)),
                List.of(replicaId, String.valueOf(leaseMillis), ttl(), userId)).toLong() == 0;
    }

    /** The user's last socket here closed. @return true when no live lease is left: they went offline */
    boolean release(String userId) {
        if (!shared) {
            return true;
        }
        failFastWhileUnreachable();
        return eval(RELEASE, List.of(online(userId), replicaUsers(replicaId)), List.of(replicaId, userId)).toLong() == 0;
    }

    /** Renews this replica's leases on these users. @return those of them who had no live lease left and have one again */
    List<String> renew(Collection<String> userIds) {
        List<String> appeared = new ArrayList<>();
        if (!shared || userIds.isEmpty()) {
            return appeared;
        }
        List<String> all = List.copyOf(userIds);
        for (int from = 0; from < all.size(); from += RENEW_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + RENEW_CHUNK));
            List<String> keys = new ArrayList<>(chunk.size() + 1);
            keys.add(replicaUsers(replicaId));
            chunk.forEach(user -> keys.add(online(user)));
            List<String> args = new ArrayList<>(chunk.size() + 3);
            args.add(replicaId);
            args.add(String.valueOf(leaseMillis));
            args.add(ttl());
            args.addAll(chunk);
            Response users = eval(RENEW, keys, args);
            for (int i = 0; i < users.size(); i++) {
                appeared.add(users.get(i).toString());
            }
        }
        return appeared;
    }

    /** Renews this replica's heartbeat. @return the other replicas whose heartbeat has expired */
    List<String> heartbeat() {
        if (!shared) {
            return List.of();
        }
        Response expired = eval(HEARTBEAT, List.of(replicas()), List.of(replicaId, String.valueOf(leaseMillis)));
        lastHeartbeat = System.currentTimeMillis();
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < expired.size(); i++) {
            String id = expired.get(i).toString();
            if (!id.equals(replicaId)) {
                dead.add(id);
            }
        }
        return dead;
    }

    void unreachable() {
        lastHeartbeat = 0;
    }

    /**
     * While the heartbeat fails, opens and closes do not wait for Redis (a cut-off Redis would hold
     * each for the whole timeout, and every announcement on the same lane behind it): they are
     * left to the renewal that follows the next good heartbeat.
     */
    private void failFastWhileUnreachable() {
        if (!reachable()) {
            throw new IllegalStateException("Redis not reachable");
        }
    }

    /**
     * Takes the short lock on cleaning up a dead replica (one replica does it; the lock lapses
     * after a lease, so a cleaner that died on the way is replaced).
     * @return the dead replica's users, or null when another replica holds the lock
     */
    List<String> claim(String deadReplica) {
        Response locked = call(Command.SET, prefix + ":cleanup:" + deadReplica, replicaId, "NX", "PX", String.valueOf(leaseMillis));
        if (locked == null) {
            return null;
        }
        Response members = call(Command.SMEMBERS, replicaUsers(deadReplica));
        List<String> users = new ArrayList<>();
        if (members != null) {
            for (int i = 0; i < members.size(); i++) {
                users.add(members.get(i).toString());
            }
        }
        return users;
    }

    /** Removes a dead replica's lease on a user. @return true when that was the user's last live lease */
    boolean releaseDead(String deadReplica, String userId) {
        return eval(RELEASE_DEAD, List.of(online(userId)), List.of(deadReplica)).toLong() == 1;
    }

    /** The dead replica is cleaned up: forget it. */
    void forget(String deadReplica) {
        call(Command.DEL, replicaUsers(deadReplica));
        call(Command.ZREM, replicas(), deadReplica);
    }

    /**
     * This replica is stopping: its heartbeat expires now, so another replica cleans up whatever
     * leases its closing sockets leave behind without waiting out a lease.
     */
    void retire() {
        if (shared) {
            call(Command.ZADD, replicas(), "0", replicaId);
        }
    }

    private Response eval(String script, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(keys.size() + args.size() + 2);
        all.add(script);
        all.add(String.valueOf(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return call(Command.EVAL, all.toArray(String[]::new));
    }

    private Response call(Command command, String... args) {
        return redis.get().execute(command, args).await().atMost(TIMEOUT);
    }

    private String ttl() {
        return String.valueOf(3 * leaseMillis);
    }

    private String online(String userId) {
        return prefix + ":online:" + userId;
    }

    private String replicaUsers(String replica) {
        return prefix + ":replica-users:" + replica;
    }

    private String replicas() {
        return prefix + ":replicas";
    }
}
