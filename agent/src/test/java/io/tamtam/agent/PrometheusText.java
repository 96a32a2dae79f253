package io.tamtam.agent;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict parser of the Prometheus text exposition format (version 0.0.4), for tests. */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*,?)?\\})? "
            + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|NaN|[-+]Inf)(?: -?[0-9]+)?");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

    private PrometheusText() {
    }

    /**
     * @param text an exposition
     * @return every sample, keyed by name and labels as written
     * @throws AssertionError naming the first line that is not valid, or a sample of an undeclared family
     */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> typed = new HashSet<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty() || (line.startsWith("#") && !line.startsWith("# HELP") && !line.startsWith("# TYPE"))) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                typed.add(m.group(1));
            } else if (!HELP.matcher(line).matches()) {
                if (!(m = SAMPLE.matcher(line)).matches()) {
                    throw new AssertionError("line " + n + " is not Prometheus text: " + line);
                }
                String name = m.group(1);
                String family = name.replaceAll("_(total|sum|count|bucket|created)$", "");
                if (!typed.contains(name) && !typed.contains(family)) {
                    throw new AssertionError("line " + n + ": sample of " + name + " before its # TYPE");
                }
                String value = m.group(3);
                samples.put(name + (m.group(2) == null ? "" : m.group(2)),
                        value.equals("+Inf") ? Double.POSITIVE_INFINITY : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(value));
            }
        }
        return samples;
    }
}
