package io.tamtam.benchmarks.workloads;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small statistics over repeated measurements. */
final class Stats {
    private Stats() {
    }

    /** @param v values @return their median */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** @param v values @return the largest */
    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** @param v values @return the smallest */
    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    /**
     * @param v values
     * @param p percentile, 0 to 100
     * @return the nearest-rank percentile
     */
    static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    /**
     * The fields that go with a median of several runs: the statistic, the run count and the spread.
     *
     * @param runs   the per-run values
     * @param config the configuration fields, in order, appended after the spread
     * @return stat, runs, min and max, then the config
     */
    static Map<String, Object> spread(double[] runs, Map<String, ?> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stat", "median");
        m.put("runs", runs.length);
        m.put("min", min(runs));
        m.put("max", max(runs));
        m.putAll(config);
        return m;
    }
}
