package dev.parley.load.fuzz;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.types.Binary;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/**
 * Reads the whole store back after a fuzz run: every document must be one the services meant to
 * write. No key that is a store operator or a dotted path anywhere; every message has its chat,
 * sender, seq, timestamp and (unless deleted) its ciphertext, in a chat that exists and that its
 * sender is in; every chat has ids as participants; every profile and credential has string names.
 */
public final class StoreAudit {

    private static final Pattern OBJECT_ID = Pattern.compile("^[0-9a-f]{24}$");
    private static final int MAX_REPORTED = 20;

    private StoreAudit() {
    }

    /** What is wrong, one line per document (at most {@value #MAX_REPORTED}); empty when the store is clean. */
    public static List<String> invalidDocuments(String storeUri) {
        List<String> wrong = new ArrayList<>();
        try (MongoClient client = MongoClients.create(storeUri)) {
            Map<String, List<?>> participants = new HashMap<>();
            for (String db : List.of("auth", "users", "chat")) {
                for (String collection : client.getDatabase(db).listCollectionNames()) {
                    for (Document d : client.getDatabase(db).getCollection(collection).find()) {
                        keys(db + "." + collection + " " + d.get("_id"), d, wrong);
                    }
                }
            }
            for (Document chat : client.getDatabase("chat").getCollection("chats").find()) {
                String where = "chat " + chat.get("_id");
                List<?> ids = chat.get("participantIds", List.class);
                if (ids == null || ids.isEmpty() || !ids.stream().allMatch(id -> id instanceof String s && OBJECT_ID.matcher(s).matches())) {
                    wrong.add(where + ": participantIds " + ids);
                } else {
                    participants.put(String.valueOf(chat.get("_id")), ids);
                }
                if (!Set.of("direct", "group").contains(String.valueOf(chat.get("type")))) {
                    wrong.add(where + ": type " + chat.get("type"));
                }
                if (chat.get("name") != null && !(chat.get("name") instanceof String name && name.length() <= 100)) {
                    wrong.add(where + ": name " + chat.get("name"));
                }
            }
            for (Document m : client.getDatabase("chat").getCollection("messages").find()) {
                String where = "message " + m.get("_id");
                List<?> members = participants.get(String.valueOf(m.get("chatId")));
                if (!(m.get("chatId") instanceof String) || members == null) {
                    wrong.add(where + ": chatId " + m.get("chatId") + " names no chat");
                } else if (!members.contains(m.get("senderId"))) {
                    wrong.add(where + ": sender " + m.get("senderId") + " is not in chat " + m.get("chatId"));
                }
                if (!(m.get("seq") instanceof Number seq) || seq.longValue() < 1) {
                    wrong.add(where + ": seq " + m.get("seq"));
                }
                if (m.get("timestamp") == null || !Set.of("text", "image", "file").contains(String.valueOf(m.get("type")))) {
                    wrong.add(where + ": timestamp " + m.get("timestamp") + ", type " + m.get("type"));
                }
                if (m.get("deletedAt") == null && !(m.get("ciphertext") instanceof Binary && m.get("keyId") instanceof String
                        && m.get("nonce") instanceof Binary)) {
                    wrong.add(where + ": no ciphertext, key id or nonce");
                }
                if (m.containsKey("content")) {
                    wrong.add(where + ": content stored in clear");
                }
            }
            for (Document u : client.getDatabase("users").getCollection("users").find()) {
                if (!(u.get("username") instanceof String) || !(u.get("email") instanceof String)) {
                    wrong.add("user " + u.get("_id") + ": username " + u.get("username") + ", email " + u.get("email"));
                }
            }
            for (Document c : client.getDatabase("auth").getCollection("credentials").find()) {
                if (!(c.get("username") instanceof String)) {
                    wrong.add("credential " + c.get("_id") + ": username " + c.get("username"));
                }
            }
        }
        return wrong.size() > MAX_REPORTED ? new ArrayList<>(wrong.subList(0, MAX_REPORTED)) : wrong;
    }

    /** A key a client smuggled in: an operator ($...) or a dotted path, at any depth. */
    private static void keys(String where, Object value, List<String> wrong) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.startsWith("$") || key.contains(".")) {
                    wrong.add(where + ": key " + key);
                }
                keys(where, e.getValue(), wrong);
            }
        } else if (value instanceof Collection<?> list) {
            list.forEach(v -> keys(where, v, wrong));
        }
    }
}
