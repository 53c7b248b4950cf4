package dev.parley.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** What one run measured: headline figures for the table, everything else for the JSON, charts for the page. */
final class RunResult {

    /** Figures shown in the summary table, in order ("name unit" -> value). */
    final Map<String, Double> headline = new LinkedHashMap<>();
    /** Everything else worth keeping: counts, settings, distributions. */
    final Map<String, Object> details = new LinkedHashMap<>();
    final List<Chart> charts = new ArrayList<>();
    /** Operations attempted and how many failed (lost messages count as failed). */
    long operations;
    long errors;
    final Map<String, Long> errorKinds = new LinkedHashMap<>();
    /** Set when the run is not to be reported, with the reason. */
    String refused;

    void error(String kind, long count) {
        if (count > 0) {
            errorKinds.merge(kind, count, Long::sum);
            errors += count;
        }
    }

    double errorRate() {
        return operations == 0 ? (errors > 0 ? 1 : 0) : errors / (double) operations;
    }

    /** p50, p90, p99, p99.9 and max of a histogram recorded in microseconds, as milliseconds, into the headline. */
    void latency(String label, Histogram h) {
        headline.put(label + " p50 ms", ms(h.getValueAtPercentile(50)));
        headline.put(label + " p90 ms", ms(h.getValueAtPercentile(90)));
        headline.put(label + " p99 ms", ms(h.getValueAtPercentile(99)));
        headline.put(label + " p99.9 ms", ms(h.getValueAtPercentile(99.9)));
        headline.put(label + " max ms", ms(h.getMaxValue()));
        details.put(label + "Latency", distribution(h));
        charts.add(Chart.percentiles(label + " latency", h));
    }

    static Map<String, Object> distribution(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("meanMs", ms(Math.round(h.getMean())));
        for (double p : new double[] { 50, 75, 90, 95, 99, 99.5, 99.9, 99.99 }) {
            m.put("p" + (p == Math.floor(p) ? Integer.toString((int) p) : Double.toString(p)) + "Ms", ms(h.getValueAtPercentile(p)));
        }
        m.put("maxMs", ms(h.getMaxValue()));
        return m;
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /** A line chart: named series of (x, y) points. */
    record Chart(String title, String xLabel, String yLabel, boolean percentileAxis, Map<String, List<double[]>> series) {

        static Chart percentiles(String title, Histogram h) {
            List<double[]> points = new ArrayList<>();
            for (double p : new double[] { 0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100 }) {
                if (h.getTotalCount() > 0) {
                    points.add(new double[] { p, ms(p == 100 ? h.getMaxValue() : h.getValueAtPercentile(p)) });
                }
            }
            return new Chart(title, "percentile", "ms", true, Map.of(title, points));
        }
    }
}
