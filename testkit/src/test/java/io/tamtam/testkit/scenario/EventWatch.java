package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNode;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Records the membership events every watched node observes, indexed so that conditions polled every
 * virtual millisecond stay cheap.
 */
final class EventWatch {

    /** One event as one node observed it. */
    record Seen(SimNode observer, MembershipEvent.Type type, UUID subject) {
    }

    private final List<Seen> events = new ArrayList<>();
    private final Map<MembershipEvent.Type, Map<UUID, Set<SimNode>>> observers =
            new EnumMap<>(MembershipEvent.Type.class);

    EventWatch(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            n.cluster().addMembershipListener(e -> {
                events.add(new Seen(n, e.type(), e.node().id()));
                observers.computeIfAbsent(e.type(), t -> new HashMap<>())
                        .computeIfAbsent(e.node().id(), id -> new HashSet<>()).add(n);
            });
        }
    }

    /** @return how many distinct nodes observed {@code type} for {@code subject} */
    int observers(MembershipEvent.Type type, UUID subject) {
        Map<UUID, Set<SimNode>> bySubject = observers.get(type);
        Set<SimNode> s = bySubject == null ? null : bySubject.get(subject);
        return s == null ? 0 : s.size();
    }

    /** @return every event of that type, in order */
    List<Seen> all(MembershipEvent.Type type) {
        return events.stream().filter(s -> s.type() == type).toList();
    }
}
