package io.tamtam.benchmarks.workloads;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Prints results as one JSON object per line on standard output; everything else goes to standard error. */
final class Results {
    private static final PrintStream OUT = System.out;
    /** The Java runtime's version, which every line names: some figures (AES-GCM) depend on it. */
    private static final String JDK = System.getProperty("java.version");

    private Results() {
    }

    /**
     * @param workload the workload name, such as W1
     * @param n        the cluster size
     * @param metric   the metric name
     * @param value    the value
     * @param extra    further fields (string or number values), in order; {@code "preset":"lan"} (the
     *                 configuration every workload's nodes start from) is added when extra has no preset, and
     *                 {@code "jdk"} (the runtime's {@code java.version}) last
     */
    static void emit(String workload, int n, String metric, double value, Map<String, ?> extra) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"workload\":\"").append(workload).append("\",\"n\":").append(n)
                .append(",\"metric\":\"").append(metric).append("\",\"value\":").append(number(value));
        if (!extra.containsKey("preset")) {
            sb.append(",\"preset\":\"lan\"");
        }
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            sb.append(",\"").append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v instanceof Integer || v instanceof Long) {
                sb.append(v);
            } else if (v instanceof Number num) {
                sb.append(number(num.doubleValue()));
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        sb.append(",\"jdk\":\"").append(JDK).append("\"}");
        synchronized (OUT) {
            OUT.println(sb);
            OUT.flush();
        }
    }

    /**
     * @param workload the workload name
     * @param n        the cluster size
     * @param metric   the metric name
     * @param value    the value
     */
    static void emit(String workload, int n, String metric, double value) {
        emit(workload, n, metric, value, Map.of());
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        String s = BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    /**
     * @param msg a progress message for standard error
     */
    static void log(String msg) {
        System.err.println("[bench] " + msg);
    }
}
