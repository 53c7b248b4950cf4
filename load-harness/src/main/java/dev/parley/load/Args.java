package dev.parley.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code --name value} options of one command line; every option read is remembered and printed with the results. */
final class Args {

    private final Map<String, String> given = new LinkedHashMap<>();
    private final Map<String, Object> used = new LinkedHashMap<>();

    Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Expected --option, got " + arg);
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                given.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                given.put(name, args[++i]);
            } else {
                given.put(name, "true");
            }
        }
    }

    static Args of(Map<String, String> options) {
        Args args = new Args(new String[0], 0);
        args.given.putAll(options);
        return args;
    }

    String string(String name, String fallback) {
        String value = given.getOrDefault(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        int value = given.containsKey(name) ? (int) parseCount(given.get(name)) : fallback;
        used.put(name, value);
        return value;
    }

    double decimal(String name, double fallback) {
        double value = given.containsKey(name) ? Double.parseDouble(given.get(name)) : fallback;
        used.put(name, value);
        return value;
    }

    boolean flag(String name) {
        boolean value = Boolean.parseBoolean(given.getOrDefault(name, "false"));
        used.put(name, value);
        return value;
    }

    Duration duration(String name, String fallback) {
        String text = given.getOrDefault(name, fallback);
        used.put(name, text);
        return parseDuration(text);
    }

    boolean has(String name) {
        return given.containsKey(name);
    }

    /** The options as read (defaults included), for the results. */
    Map<String, Object> used() {
        return used;
    }

    /** Options given but never read: most likely a typo, which would silently measure something else. */
    Set<String> unknown() {
        Set<String> left = new TreeSet<>(given.keySet());
        left.removeAll(used.keySet());
        return left;
    }

    /** 30s, 2m, 500ms, 1h, or plain seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
        }
        if (t.endsWith("h")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 3_600_000));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    }

    /** 2000, 10k, 1M, 1_000_000. */
    static long parseCount(String text) {
        String t = text.trim().replace("_", "");
        long factor = 1;
        char last = Character.toLowerCase(t.charAt(t.length() - 1));
        if (last == 'k') {
            factor = 1_000;
        } else if (last == 'm') {
            factor = 1_000_000;
        }
        if (factor > 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.round(Double.parseDouble(t) * factor);
    }
}
