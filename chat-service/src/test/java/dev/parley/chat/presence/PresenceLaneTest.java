package dev.parley.chat.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.chat.ChatTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Presence lanes are bounded and fair: a flood of statuses from one user is one task, a full lane
 * drops announcements (and counts them) but never a socket's open or close. A closed gate holds
 * the lane, so what is queued is known exactly, without timing.
 */
@QuarkusTest
@ChatTestResources
@TestProfile(PresenceLaneTest.SmallLanes.class)
class PresenceLaneTest {

    static final int CAPACITY = 8;

    public static class SmallLanes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.presence.lane-capacity", String.valueOf(CAPACITY));
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(GatedAnnouncements.class);
        }
    }

    @Inject
    PresenceTracker tracker;

    @Inject
    GatedAnnouncements announcements;

    @BeforeEach
    void holdTheLanes() {
        announcements.forget();
        announcements.close();
    }

    @AfterEach
    void releaseTheLanes() {
        announcements.open();
    }

    @Test
    void aStatusFloodFromOneUserIsOneTaskAndAnotherUserOfTheLaneIsAnnouncedRightAfter() throws Exception {
        String blocker = new ObjectId().toHexString();
        String ann = sameLaneAs(blocker);
        String bob = sameLaneAs(blocker);
        tracker.statusChosen(blocker, "away");
        announcements.awaitEntered(); // the lane is busy with it, behind the gate

        for (int i = 0; i < 10_000; i++) {
            tracker.statusChosen(ann, i % 2 == 0 ? "away" : "online");
            assertTrue(tracker.announcementsWaiting() <= 1, "ann's statuses coalesce: " + tracker.announcementsWaiting());
        }
        tracker.statusChosen(bob, "away");
        assertEquals(2, tracker.announcementsWaiting(), "ann's latest and bob's");

        announcements.open();
        announcements.awaitMade(bob, "away");
        List<GatedAnnouncements.Made> made = announcements.made();
        assertEquals(List.of(new GatedAnnouncements.Made(blocker, "away"), new GatedAnnouncements.Made(ann, "online"),
                new GatedAnnouncements.Made(bob, "away")), made, "only ann's latest status, and bob right after it");
    }

    @Test
    void aFullLaneDropsAndCountsAnnouncementsButNeverASocketOpenOrClose() throws Exception {
        String blocker = new ObjectId().toHexString();
        tracker.statusChosen(blocker, "away");
        announcements.awaitEntered();
        long droppedBefore = tracker.dropped();

        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(sameLaneAs(blocker));
            tracker.statusChosen(users.get(i), "away");
            assertTrue(tracker.announcementsWaiting() <= CAPACITY, "never past the lane's capacity");
        }
        assertEquals(CAPACITY, tracker.announcementsWaiting());
        assertEquals(20 - CAPACITY, tracker.dropped() - droppedBefore, "the rest dropped, and counted");

        String carl = sameLaneAs(blocker);
        tracker.connected(carl); // the lane is full of announcements: an open is still taken
        announcements.open();
        announcements.awaitMade(carl, "online");
        tracker.disconnected(carl);
        announcements.awaitMade(carl, "offline");
        List<GatedAnnouncements.Made> made = announcements.made();
        assertEquals(1 + CAPACITY + 2, made.size(), made.toString());
        assertEquals(users.subList(0, CAPACITY), made.subList(1, 1 + CAPACITY).stream().map(GatedAnnouncements.Made::userId).toList(),
                "the first ones, in order");
    }

    @Test
    void socketsOpeningAndClosingWhileTheLaneIsBusyFoldIntoOneSettlement() throws Exception {
        String blocker = new ObjectId().toHexString();
        String dan = sameLaneAs(blocker);
        tracker.statusChosen(blocker, "away");
        announcements.awaitEntered();
        for (int i = 0; i < 1000; i++) {
            tracker.connected(dan);
            tracker.disconnected(dan);
        }
        tracker.connected(dan);
        announcements.open();
        announcements.awaitMade(dan, "online");
        tracker.disconnected(dan);
        announcements.awaitMade(dan, "offline");
        assertEquals(List.of(new GatedAnnouncements.Made(blocker, "away"), new GatedAnnouncements.Made(dan, "online"),
                new GatedAnnouncements.Made(dan, "offline")), announcements.made(), "one online, one offline");
    }

    private static String sameLaneAs(String userId) {
        while (true) {
            String candidate = new ObjectId().toHexString();
            if (PresenceTracker.lane(candidate) == PresenceTracker.lane(userId)) {
                return candidate;
            }
        }
    }
}
