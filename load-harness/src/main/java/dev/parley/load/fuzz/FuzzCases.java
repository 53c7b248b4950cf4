package dev.parley.load.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.parley.load.fuzz.OpenApiOperations.Operation;
import dev.parley.load.fuzz.OpenApiOperations.Param;
import io.vertx.core.json.Json;

/**
 * The cases, from one seeded {@link Random}: the same seed gives the same cases, so a failure
 * replays with {@code --seed}. Each case starts from a valid request (built from the operation's
 * schema, with the ids and tokens of the fuzzer's own users and chats) and breaks it one way.
 */
public final class FuzzCases {

    /** One HTTP request; {@code target} is "gateway" or the service it goes to directly. */
    public record HttpCase(String target, String method, String pathAndQuery, String contentType, byte[] body,
            String token, String what) {
    }

    /** One WebSocket frame: text or binary, and whether it is over the 64 KiB message limit. */
    public record FrameCase(boolean binary, byte[] payload, String id, boolean oversized, String what) {
    }

    /** What valid requests are made of: the fuzzer's users, chats and messages. */
    public record Fixture(List<String> userIds, List<String> tokens, List<String> refreshTokens, List<String> usernames,
            List<String> chatIds, List<String> messageIds) {
    }

    static final int MESSAGE_LIMIT = 64 * 1024;
    private static final String[] UNICODE = {"\u0000", "\uD800", "\uDFFF", "\u202E", "\u200B", "\uFEFF", "\uFFFF",
            "\uD83D\uDE00", "e\u0301", "\u0085", "\u2028", "\\", "\"", "\u0001".repeat(50), "../../etc/passwd", "%00",
            "${jndi:ldap://x}", "<script>alert(1)</script>", "' OR '1'='1"};
    private static final List<Object> OPERATORS = List.of(Map.of("$ne", ""), Map.of("$gt", ""), Map.of("$ne", 1),
            Map.of("$where", "1"), Map.of("$regex", ".*"), Map.of("$exists", true), List.of(Map.of("$ne", 1)));
    private static final String[] EVENTS = {"message:send", "user:typing", "message:read", "user:status", "sync"};

    private final Random random;
    private final List<Operation> operations;
    private final Fixture fixture;

    public FuzzCases(long seed, List<Operation> operations, Fixture fixture) {
        this.random = new Random(seed);
        this.operations = operations;
        this.fixture = fixture;
    }

    /** True for a WebSocket case, false for an HTTP one (about one in four is a frame). */
    public boolean nextIsFrame() {
        return random.nextInt(4) == 0;
    }

    public HttpCase nextHttp() {
        Operation op = operations.get(random.nextInt(operations.size()));
        Map<String, Object> body = op.body() == null ? null : object(op.body(), 0);
        Map<String, String> path = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        for (Param p : op.params()) {
            String value = String.valueOf(value(p.name(), p.schema(), 0));
            ("path".equals(p.in()) ? path : query).put(p.name(), value);
        }
        String token = fixture.tokens().get(random.nextInt(fixture.tokens().size()));
        String contentType = op.body() == null ? null : "application/json";
        String method = op.method();
        byte[] raw = body == null ? null : Json.encode(body).getBytes(StandardCharsets.UTF_8);
        String what;
        int kind = random.nextInt(16);
        switch (kind) {
            case 0 -> { // a wrong type for one field
                String field = mutateField(body, wrongType());
                raw = encode(body);
                what = "wrong type in " + field;
            }
            case 1 -> { // a missing field
                String field = body == null || body.isEmpty() ? null : pick(new ArrayList<>(body.keySet()));
                if (field != null) {
                    body.remove(field);
                }
                raw = encode(body);
                what = "missing " + field;
            }
            case 2 -> { // an unknown field, possibly a store operator key
                if (body != null) {
                    body.put(pick(List.of("role", "$where", "a.b", "$set", "_id", "isAdmin", "senderId")), wrongType());
                }
                raw = encode(body);
                what = "extra field";
            }
            case 3 -> { // a huge string
                String field = mutateField(body, "x".repeat(pick(List.of(300, 5_000, 70_000, 300_000))));
                raw = encode(body);
                what = "huge string in " + field;
            }
            case 4 -> { // unicode edge cases
                String field = mutateField(body, "a" + pick(List.of(UNICODE)) + "b");
                raw = encode(body);
                what = "unicode in " + field;
            }
            case 5 -> { // a store operator in place of a value
                String field = mutateField(body, pick(OPERATORS));
                raw = encode(body);
                what = "operator in " + field;
            }
            case 6 -> { // deep nesting
                int depth = pick(List.of(100, 1_000, 10_000, 50_000));
                raw = ("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
                contentType = "application/json";
                what = "nested " + depth + " deep";
            }
            case 7 -> { // a duplicate key
                String text = body == null ? "{}" : Json.encode(body);
                String key = body == null || body.isEmpty() ? "x" : pick(new ArrayList<>(body.keySet()));
                raw = ("{\"" + key + "\":{\"$ne\":null}," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
                contentType = "application/json";
                what = "duplicate key " + key;
            }
            case 8 -> { // bytes that are not UTF-8, or not JSON at all
                raw = pick(List.of(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, "{\"a\":".getBytes(StandardCharsets.UTF_8),
                        "[1,2,3]".getBytes(StandardCharsets.UTF_8), "null".getBytes(StandardCharsets.UTF_8),
                        "\"text\"".getBytes(StandardCharsets.UTF_8), new byte[0], "{'a':1}".getBytes(StandardCharsets.UTF_8)));
                contentType = "application/json";
                what = "not UTF-8 or not JSON";
            }
            case 9 -> { // a wrong content type
                contentType = pick(List.of("text/plain", "application/x-www-form-urlencoded", "application/xml",
                        "multipart/form-data; boundary=x", "application/json; charset=ebcdic", "*/*"));
                raw = raw == null ? "{}".getBytes(StandardCharsets.UTF_8) : raw;
                what = "content type " + contentType;
            }
            case 10 -> { // a bad path or id
                String bad = pick(List.of("..%2F..%2Finternal%2Fusers", "%24ne", "0", "g".repeat(24), "665f1c2e8f1b2a3c4d5e6f7",
                        "x".repeat(5_000), "%00", "%C3%28", "%F0%9F%98%80", "null", "-1", "%7B%22%24ne%22%3Anull%7D"));
                path.replaceAll((k, v) -> bad);
                if (path.isEmpty()) {
                    query.put(pick(List.of("id", "chatId", "q")), bad);
                }
                what = "bad path value " + abbreviate(bad);
            }
            case 11 -> { // bad query values
                String bad = pick(List.of("-1", "0", "2147483648", "99999999999999999999", "abc", "1e9", "", "%00",
                        "x".repeat(2_000), "%24ne", "1.5", "NaN"));
                if (query.isEmpty()) {
                    query.put(pick(List.of("limit", "before", "q")), bad);
                } else {
                    query.replaceAll((k, v) -> bad);
                }
                what = "bad query value " + abbreviate(bad);
            }
            case 12 -> { // no token, a garbage token, or another user's
                token = pick(List.of("", "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", fixture.tokens().get(0) + "x"));
                what = "bad token";
            }
            case 13 -> { // a method the path does not have
                method = pick(List.of("PUT", "DELETE", "PATCH", "GET", "POST", "OPTIONS", "HEAD"));
                what = "method " + method;
            }
            case 14 -> { // the body's top level is not an object
                raw = encode(pick(List.of(List.of(body == null ? Map.of() : body), "x", 1, true)));
                contentType = "application/json";
                what = "top level not an object";
            }
            default -> what = "valid";
        }
        String target = op.internal() ? op.service() : "gateway";
        String uri = op.path();
        for (Map.Entry<String, String> p : path.entrySet()) {
            uri = uri.replace("{" + p.getKey() + "}", p.getValue());
        }
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=').append(v));
        return new HttpCase(target, method, uri + q, contentType, raw, token, op + ": " + what);
    }

    public FrameCase nextFrame() {
        String event = pick(List.of(EVENTS));
        String id = "f" + Long.toHexString(random.nextLong());
        Map<String, Object> data = frameData(event);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("event", event);
        envelope.put("data", data);
        envelope.put("id", id);
        byte[] text = null;
        boolean binary = false;
        String what;
        switch (random.nextInt(12)) {
            case 0 -> { mutateField(data, wrongType()); what = "wrong type"; }
            case 1 -> { mutateField(data, pick(OPERATORS)); what = "operator"; }
            case 2 -> { mutateField(data, "a" + pick(List.of(UNICODE)) + "b"); what = "unicode"; }
            case 3 -> { mutateField(data, "x".repeat(pick(List.of(5_000, 40_000)))); what = "huge string"; }
            case 4 -> { envelope.put("event", pick(List.of("admin:grant", "", "message:receive", "error", "x".repeat(300)))); what = "unknown event"; }
            case 5 -> { envelope.put(pick(List.of("data", "event")), wrongType()); what = "bad envelope"; }
            case 6 -> {
                binary = true;
                text = new byte[random.nextInt(200)];
                random.nextBytes(text);
                what = "binary frame";
            }
            case 7 -> {
                text = pick(List.of("garbage", "{", "[]", "null", "{\"event\":\"sync\",\"event\":\"sync\"}", "\"x\""))
                        .getBytes(StandardCharsets.UTF_8);
                what = "garbage";
            }
            case 8 -> {
                int depth = pick(List.of(1_000, 10_000));
                text = ("{\"event\":\"sync\",\"id\":\"" + id + "\",\"data\":{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}}")
                        .getBytes(StandardCharsets.UTF_8);
                what = "nested " + depth;
            }
            case 9 -> {
                text = Json.encode(Map.of("event", event, "id", id, "data", Map.of("content", "y".repeat(MESSAGE_LIMIT + 10))))
                        .getBytes(StandardCharsets.UTF_8);
                what = "frame over 64 KiB";
            }
            case 10 -> { if (!data.isEmpty()) { data.remove(pick(new ArrayList<>(data.keySet()))); } what = "missing field"; }
            default -> what = "valid";
        }
        if (text == null) {
            text = Json.encode(envelope).getBytes(StandardCharsets.UTF_8);
        }
        return new FrameCase(binary, text, id, text.length > MESSAGE_LIMIT, event + ": " + what);
    }

    private Map<String, Object> frameData(String event) {
        Map<String, Object> data = new LinkedHashMap<>();
        String chat = pick(fixture.chatIds());
        switch (event) {
            case "message:send" -> {
                data.put("chatId", chat);
                data.put("content", "fuzz " + random.nextInt(1_000_000));
                data.put("clientMessageId", "fz" + Long.toHexString(random.nextLong()));
            }
            case "user:typing" -> {
                data.put("chatId", chat);
                data.put("typing", random.nextBoolean());
            }
            case "message:read" -> {
                data.put("chatId", chat);
                data.put("messageId", pick(fixture.messageIds()));
            }
            case "user:status" -> data.put("status", pick(List.of("away", "online")));
            default -> {
                if (random.nextBoolean()) {
                    data.put("chats", List.of(Map.of("chatId", chat, "seq", random.nextInt(3), "changes", 0)));
                } else {
                    data.put("since", pick(fixture.messageIds()));
                }
            }
        }
        return data;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Map<String, Object> schema, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        List<Object> required = (List<Object>) schema.getOrDefault("required", List.of());
        properties.forEach((name, s) -> {
            if (required.contains(name) || random.nextBoolean()) {
                out.put(name, value(name, (Map<String, Object>) s, depth + 1));
            }
        });
        return out;
    }

    /** A valid value for a field: the fixture's ids and names where the field names one, else one the schema allows. */
    @SuppressWarnings("unchecked")
    private Object value(String name, Map<String, Object> schema, int depth) {
        switch (name) {
            case "chatId" -> {
                return pick(fixture.chatIds());
            }
            case "receiverId", "userId" -> {
                return pick(fixture.userIds());
            }
            case "id" -> {
                return random.nextBoolean() ? pick(fixture.userIds()) : pick(fixture.messageIds());
            }
            case "messageId" -> {
                return pick(fixture.messageIds());
            }
            case "username" -> {
                return random.nextBoolean() ? pick(fixture.usernames()) : "fz_" + Integer.toHexString(random.nextInt());
            }
            case "email" -> {
                return "fz" + Integer.toHexString(random.nextInt()) + "@example.com";
            }
            case "password" -> {
                return "fuzz password " + random.nextInt(10);
            }
            case "refreshToken" -> {
                return pick(fixture.refreshTokens());
            }
            case "content" -> {
                return "fuzz " + random.nextInt(1_000_000);
            }
            case "q" -> {
                return "fz";
            }
            default -> {
                // the rest follows the schema
            }
        }
        Object type = schema.get("type");
        if (schema.get("enum") instanceof List<?> values) {
            return pick((List<Object>) values);
        }
        if ("array".equals(type)) {
            Map<String, Object> items = (Map<String, Object>) schema.getOrDefault("items", Map.of());
            List<Object> list = new ArrayList<>();
            int n = 1 + random.nextInt(2);
            for (int i = 0; i < n; i++) {
                list.add("^[0-9a-f]{24}$".equals(items.get("pattern")) ? pick(fixture.userIds()) : value("", items, depth + 1));
            }
            return list;
        }
        if ("object".equals(type) && depth < 4) {
            return object(schema, depth);
        }
        if ("integer".equals(type)) {
            long min = schema.get("minimum") instanceof Number n ? n.longValue() : 0;
            long max = schema.get("maximum") instanceof Number n ? Math.min(n.longValue(), min + 1_000) : min + 100;
            return min + (long) (random.nextDouble() * (max - min));
        }
        if ("boolean".equals(type)) {
            return random.nextBoolean();
        }
        Object pattern = schema.get("pattern");
        if ("^[0-9a-f]{24}$".equals(pattern)) {
            return pick(fixture.userIds());
        }
        if ("^[A-Za-z0-9_-]{1,64}$".equals(pattern)) {
            return "fz" + Long.toHexString(random.nextLong());
        }
        if (pattern instanceof String p && p.startsWith("^[a-z]+/")) {
            return "image/png";
        }
        return "fz" + Integer.toHexString(random.nextInt());
    }

    private String mutateField(Map<String, Object> body, Object value) {
        if (body == null) {
            return null;
        }
        List<String> keys = new ArrayList<>(body.keySet());
        String field = keys.isEmpty() || random.nextInt(5) == 0 ? "content" : pick(keys);
        body.put(field, value);
        return field;
    }

    private Object wrongType() {
        return pick(List.of(12345, -1, 1.5e300, true, List.of(), List.of("a", 1), Map.of(), Map.of("a", "b"), "", "null"))
                ;
    }

    private static byte[] encode(Object value) {
        return value == null ? null : Json.encode(value).getBytes(StandardCharsets.UTF_8);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
    }
}
