package dev.parley.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The summary table on the console, and the JSON and HTML files of one command. */
final class Report {

    private final String scenario;
    private final Map<String, Object> header;
    private final List<RunResult> runs;

    Report(String scenario, Map<String, Object> header, List<RunResult> runs) {
        this.scenario = scenario;
        this.header = header;
        this.runs = runs;
    }

    List<RunResult> accepted() {
        return runs.stream().filter(r -> r.refused == null).toList();
    }

    /** Median of each headline figure over the accepted runs. */
    Map<String, Double> medians() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String key : keys()) {
            double[] values = values(key);
            if (values.length > 0) {
                m.put(key, median(values));
            }
        }
        return m;
    }

    /** (max - min) / median of each figure, in percent: how noisy the runs were. */
    Map<String, Double> spreads() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String key : keys()) {
            double[] v = values(key);
            if (v.length > 1) {
                double med = median(v);
                double range = Arrays.stream(v).max().getAsDouble() - Arrays.stream(v).min().getAsDouble();
                m.put(key, med == 0 ? (range == 0 ? 0 : Double.NaN) : Math.round(range / Math.abs(med) * 1000) / 10.0);
            }
        }
        return m;
    }

    private Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        accepted().forEach(r -> keys.addAll(r.headline.keySet()));
        return keys;
    }

    private double[] values(String key) {
        return accepted().stream().filter(r -> r.headline.containsKey(key)).mapToDouble(r -> r.headline.get(key))
                .filter(v -> !Double.isNaN(v)).toArray();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    void print(PrintStream out) {
        out.println();
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            if (r.refused != null) {
                out.printf("run %d REFUSED: %s%n", i + 1, r.refused);
            }
        }
        List<RunResult> ok = accepted();
        if (ok.isEmpty()) {
            out.println("No run to report.");
            return;
        }
        StringBuilder head = new StringBuilder(String.format("%-26s", scenario));
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).refused == null) {
                head.append(String.format("%12s", "run " + (i + 1)));
            }
        }
        head.append(String.format("%12s%10s", "median", "spread"));
        out.println(head);
        Map<String, Double> medians = medians();
        Map<String, Double> spreads = spreads();
        for (String key : keys()) {
            StringBuilder row = new StringBuilder(String.format("%-26s", key));
            for (RunResult r : ok) {
                row.append(String.format("%12s", format(r.headline.get(key))));
            }
            row.append(String.format("%12s", format(medians.get(key))));
            Double spread = spreads.get(key);
            row.append(String.format("%10s", spread == null || spread.isNaN() ? "" : format(spread) + "%"));
            out.println(row);
        }
    }

    static String format(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString(v.longValue());
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }

    JsonObject json() {
        JsonObject json = new JsonObject();
        json.put("scenario", scenario);
        header.forEach(json::put);
        JsonArray list = new JsonArray();
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            JsonObject run = new JsonObject().put("run", i + 1).put("status", r.refused == null ? "reported" : "refused");
            if (r.refused != null) {
                run.put("refusedBecause", r.refused);
            } else {
                run.put("figures", new JsonObject(new LinkedHashMap<>(r.headline)));
            }
            run.put("operations", r.operations).put("errors", r.errors).put("errorRate", r.errorRate())
                    .put("errorKinds", new JsonObject(new LinkedHashMap<>(r.errorKinds)));
            run.put("details", toJson(r.details));
            list.add(run);
        }
        json.put("runs", list);
        json.put("median", new JsonObject(new LinkedHashMap<>(medians())));
        json.put("spreadPercent", new JsonObject(new LinkedHashMap<>(spreads())));
        return json;
    }

    @SuppressWarnings("unchecked")
    private static Object toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            JsonObject o = new JsonObject();
            map.forEach((k, v) -> o.put(String.valueOf(k), toJson(v)));
            return o;
        }
        if (value instanceof List<?> list) {
            JsonArray a = new JsonArray();
            list.forEach(v -> a.add(toJson(v)));
            return a;
        }
        if (value instanceof double[] d) {
            JsonArray a = new JsonArray();
            for (double x : d) {
                a.add(x);
            }
            return a;
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return null;
        }
        return value;
    }

    /** Writes SCENARIO-STAMP.json and .html into the directory; returns the HTML file. */
    Path write(Path dir, String stamp) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(scenario + "-" + stamp + ".json");
        Files.writeString(json, json().encodePrettily());
        Path html = dir.resolve(scenario + "-" + stamp + ".html");
        Files.writeString(html, html(json.getFileName().toString()));
        return html;
    }

    private String html(String jsonName) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Parley bench: ").append(scenario)
                .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}.refused{color:#b00}svg{margin:0.5em 1em 0.5em 0}"
                        + "pre{background:#f6f6f6;padding:0.5em;overflow:auto;font-size:12px}</style></head><body>");
        h.append("<h1>Parley bench: ").append(esc(scenario)).append("</h1>");
        h.append("<p>").append(esc(String.valueOf(header.get("date")))).append(" &middot; commit ")
                .append(esc(String.valueOf(header.get("commit")))).append(" &middot; <a href=\"").append(esc(jsonName))
                .append("\">all figures (JSON)</a></p>");
        h.append("<pre>").append(esc(String.valueOf(header.get("command")))).append("</pre>");
        runs.stream().filter(r -> r.refused != null).forEach(r -> h.append("<p class=\"refused\">A run was refused: ")
                .append(esc(r.refused)).append("</p>"));
        List<RunResult> ok = accepted();
        if (!ok.isEmpty()) {
            h.append("<table><tr><th>figure</th>");
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).refused == null) {
                    h.append("<th>run ").append(i + 1).append("</th>");
                }
            }
            h.append("<th>median</th><th>spread</th></tr>");
            Map<String, Double> medians = medians();
            Map<String, Double> spreads = spreads();
            for (String key : keys()) {
                h.append("<tr><td>").append(esc(key)).append("</td>");
                ok.forEach(r -> h.append("<td>").append(format(r.headline.get(key))).append("</td>"));
                Double spread = spreads.get(key);
                h.append("<td><b>").append(format(medians.get(key))).append("</b></td><td>")
                        .append(spread == null || spread.isNaN() ? "" : format(spread) + "%").append("</td></tr>");
            }
            h.append("</table>");
            // one chart per title, every run's series on it
            Map<String, List<RunResult.Chart>> byTitle = new LinkedHashMap<>();
            for (RunResult r : ok) {
                r.charts.forEach(c -> byTitle.computeIfAbsent(c.title(), t -> new ArrayList<>()).add(c));
            }
            byTitle.forEach((title, charts) -> h.append(Svg.chart(title, charts)));
        }
        JsonObject setting = new JsonObject();
        for (String key : List.of("machine", "stack", "options")) {
            setting.put(key, toJson(header.get(key)));
        }
        h.append("<h2>Machine and stack</h2><pre>").append(esc(setting.encodePrettily())).append("</pre>");
        h.append("</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A small line chart in SVG; the percentile axis is spaced by nines (50, 90, 99, 99.9 ...). */
    static final class Svg {
        private static final String[] COLORS = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2" };
        private static final int W = 520;
        private static final int H = 300;
        private static final int L = 60;
        private static final int R = 15;
        private static final int T = 30;
        private static final int B = 45;

        static String chart(String title, List<RunResult.Chart> charts) {
            boolean percentile = charts.get(0).percentileAxis();
            List<String> names = new ArrayList<>();
            List<List<double[]>> series = new ArrayList<>();
            for (int i = 0; i < charts.size(); i++) {
                for (var e : charts.get(i).series().entrySet()) {
                    names.add((charts.size() > 1 ? "run " + (i + 1) + " " : "") + e.getKey());
                    series.add(e.getValue().stream().map(p -> new double[] { percentile ? nines(p[0]) : p[0], p[1] }).toList());
                }
            }
            double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = 0;
            for (List<double[]> s : series) {
                for (double[] p : s) {
                    minX = Math.min(minX, p[0]);
                    maxX = Math.max(maxX, p[0]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
            if (minX == Double.MAX_VALUE) {
                return "";
            }
            if (maxX == minX) {
                maxX = minX + 1;
            }
            maxY = maxY <= 0 ? 1 : maxY * 1.08;
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", W, H));
            s.append("<text x=\"").append(W / 2).append("\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">").append(esc(title)).append("</text>");
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", L, T, W - L - R, H - T - B));
            for (int i = 0; i <= 4; i++) {
                double y = maxY * i / 4;
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", L - 4, py(y, maxY) + 4, format(round(y))));
            }
            if (percentile) {
                String[] labels = { "0", "50", "90", "99", "99.9", "99.99", "99.999" };
                for (String label : labels) {
                    double x = nines(Double.parseDouble(label));
                    if (x <= maxX) {
                        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px(x, minX, maxX), H - B + 14, label));
                    }
                }
            } else {
                for (int i = 0; i <= 4; i++) {
                    double x = minX + (maxX - minX) * i / 4;
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px(x, minX, maxX), H - B + 14, format(round(x))));
                }
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", (L + W - R) / 2, H - B + 28,
                    esc(charts.get(0).xLabel())));
            s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
                    (T + H - B) / 2, (T + H - B) / 2, esc(charts.get(0).yLabel())));
            for (int i = 0; i < series.size(); i++) {
                String color = COLORS[i % COLORS.length];
                StringBuilder points = new StringBuilder();
                for (double[] p : series.get(i)) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(p[0], minX, maxX), py(p[1], maxY)));
                }
                s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                        .append(points).append("\"/>");
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", L + 6, T + 14 + 13 * i, color,
                        esc(names.get(i))));
            }
            s.append("</svg>");
            return s.toString();
        }

        private static double nines(double percentile) {
            return percentile >= 100 ? 6 : Math.min(6, -Math.log10(1 - percentile / 100));
        }

        private static double round(double v) {
            return v >= 10 ? Math.round(v) : Math.round(v * 100) / 100.0;
        }

        private static double px(double x, double minX, double maxX) {
            return L + (x - minX) / (maxX - minX) * (W - L - R);
        }

        private static double py(double y, double maxY) {
            return H - B - y / maxY * (H - T - B);
        }
    }
}
