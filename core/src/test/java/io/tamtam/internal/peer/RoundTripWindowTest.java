package io.tamtam.internal.peer;

import io.tamtam.ClusterStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoundTripWindowTest {

    @Test
    void percentilesByNearestRankOverTheMostRecentSamples() {
        RoundTripWindow w = new RoundTripWindow(100);
        assertEquals(0, w.summary().samples());
        assertEquals(Duration.ZERO, w.summary().max());
        for (int i = 100; i >= 1; i--) {
            w.record(i * 1_000L);
        }
        ClusterStats.RoundTrips r = w.summary();
        assertEquals(100, r.samples());
        assertEquals(Duration.ofNanos(50_000), r.p50());
        assertEquals(Duration.ofNanos(90_000), r.p90());
        assertEquals(Duration.ofNanos(99_000), r.p99());
        assertEquals(Duration.ofNanos(100_000), r.max());

        // A new sample replaces the oldest (100 µs): the window forgets it.
        w.record(1_000_000L);
        r = w.summary();
        assertEquals(100, r.samples());
        assertEquals(Duration.ofNanos(1_000_000), r.max());
        assertEquals(Duration.ofNanos(99_000), r.p99());
    }

    @Test
    void aWindowGrowsAsSamplesComeAndKeepsTheMostRecentOnceFull() {
        RoundTripWindow w = new RoundTripWindow(10);
        for (int i = 1; i <= 3; i++) {
            w.record(i * 1_000L);
        }
        assertEquals(3, w.summary().samples());
        assertEquals(Duration.ofNanos(3_000), w.summary().max());
        for (int i = 4; i <= 25; i++) {
            w.record(i * 1_000L);
        }
        // the last 10: 16 to 25 µs
        ClusterStats.RoundTrips r = w.summary();
        assertEquals(10, r.samples());
        assertEquals(Duration.ofNanos(25_000), r.max());
        assertEquals(Duration.ofNanos(20_000), r.p50());
        for (int i = 0; i < 9; i++) {
            w.record(1_000L);
        }
        assertEquals(Duration.ofNanos(25_000), w.summary().max(), "25 us is the one left of the earlier samples");
        w.record(1_000L);
        assertEquals(Duration.ofNanos(1_000), w.summary().max());
        assertEquals(10, w.summary().samples());
    }
}
