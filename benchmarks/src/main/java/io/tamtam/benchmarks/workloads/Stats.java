package io.tamtam.benchmarks.workloads;

import java.util.Arrays;

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
}
