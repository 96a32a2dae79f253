package io.tamtam.services;

import java.time.Duration;
import java.util.Objects;

/**
 * How a message to one instance of a service is delivered.
 *
 * @param policy   how the instance is picked
 * @param key      the key {@link Policy#CONSISTENT_HASH} hashes; must be set for that policy
 * @param cacheTtl how long the sender's node holds the message while the service has no live instance;
 *                 {@link Duration#ZERO} fails the send at once instead. Held messages go out in the order
 *                 they were sent as soon as an instance appears; when the time runs out first the future
 *                 fails with a {@link io.tamtam.DeliveryException} saying so
 * @param timeout  how long a request waits for its reply
 */
public record Delivery(Policy policy, String key, Duration cacheTtl, Duration timeout) {
    /** The default: nearest instance, nothing held, 5 second request timeout. */
    public static final Delivery DEFAULT = new Delivery(Policy.NEAREST, null, Duration.ZERO, Duration.ofSeconds(5));

    /** Checks the fields. */
    public Delivery {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(timeout, "timeout");
        if (policy == Policy.CONSISTENT_HASH && key == null) {
            throw new IllegalArgumentException("Policy.CONSISTENT_HASH needs a key: use Delivery.DEFAULT.hashing(key)");
        }
        if (cacheTtl.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("cacheTtl must be zero or positive and timeout positive");
        }
    }

    /** @param policy the policy @return a copy with it */
    public Delivery policy(Policy policy) {
        return new Delivery(policy, key, cacheTtl, timeout);
    }

    /** @param key the key @return a copy with {@link Policy#CONSISTENT_HASH} of that key */
    public Delivery hashing(String key) {
        return new Delivery(Policy.CONSISTENT_HASH, Objects.requireNonNull(key, "key"), cacheTtl, timeout);
    }

    /** @param ttl how long to hold the message @return a copy with it */
    public Delivery cacheFor(Duration ttl) {
        return new Delivery(policy, key, ttl, timeout);
    }

    /** @param timeout the request timeout @return a copy with it */
    public Delivery timeout(Duration timeout) {
        return new Delivery(policy, key, cacheTtl, timeout);
    }
}
