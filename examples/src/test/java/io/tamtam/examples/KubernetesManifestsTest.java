package io.tamtam.examples;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kubernetes manifests under examples/k8s parse as YAML and fit together. */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("k8s");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is a sequence: " + o);
        return (List<Object>) o;
    }

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        List<Path> files;
        try (var listing = Files.list(DIR)) {
            files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "manifests in " + DIR.toAbsolutePath());
        for (Path f : files) {
            Load load = new Load(LoadSettings.builder().setLabel(f.toString()).build());
            for (Object doc : load.loadAllFromString(Files.readString(f))) {
                Map<String, Object> d = map(doc, f + " document");
                assertNotNull(d.get("apiVersion"), f + ": apiVersion");
                assertNotNull(map(d.get("metadata"), f + " metadata").get("name"), f + ": metadata.name");
                docs.add(d);
            }
        }
        return docs;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " among the manifests"));
    }

    @Test
    void aHeadlessServiceAndAStatefulSetThatRunsTheDnsJoinExampleAgainstIt() throws IOException {
        List<Map<String, Object>> docs = documents();
        Map<String, Object> service = kind(docs, "Service");
        Map<String, Object> serviceSpec = map(service.get("spec"), "Service spec");
        assertEquals("None", serviceSpec.get("clusterIP"), "headless");
        String serviceName = (String) map(service.get("metadata"), "metadata").get("name");

        Map<String, Object> set = kind(docs, "StatefulSet");
        Map<String, Object> spec = map(set.get("spec"), "StatefulSet spec");
        assertEquals(serviceName, spec.get("serviceName"));
        Map<String, Object> podLabels = map(map(map(spec.get("template"), "template").get("metadata"), "pod metadata")
                .get("labels"), "pod labels");
        assertEquals(map(serviceSpec.get("selector"), "selector"), podLabels, "the Service selects the pods");

        Map<String, Object> container = map(list(map(map(spec.get("template"), "template").get("spec"), "pod spec")
                .get("containers"), "containers").get(0), "container");
        List<Object> command = list(container.get("command"), "command");
        assertTrue(command.contains(DnsJoin.class.getName()), "runs " + DnsJoin.class.getName() + ": " + command);
        String name = (String) command.get(command.indexOf("--name") + 1);
        assertTrue(name.startsWith(serviceName + "."), "joins through the Service's name: " + name);
        int port = Integer.parseInt((String) command.get(command.indexOf("--port") + 1));
        for (Object p : list(serviceSpec.get("ports"), "Service ports")) {
            assertEquals(port, map(p, "port").get("port"));
        }
        List<Object> protocols = new ArrayList<>();
        for (Object p : list(container.get("ports"), "container ports")) {
            assertEquals(port, map(p, "container port").get("containerPort"));
            protocols.add(map(p, "container port").get("protocol"));
        }
        assertEquals(List.of("UDP", "TCP"), protocols, "both paths are exposed");
    }
}
