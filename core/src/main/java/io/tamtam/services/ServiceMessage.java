package io.tamtam.services;

import io.tamtam.Node;

/**
 * A message as a service instance receives it.
 *
 * @param service the service it was sent to (for a broadcast to every service: the receiving one)
 * @param sender  the node that sent it; for a message routed from another cluster through gateways, a
 *                snapshot that holds only the origin's id (it is not a member of this cluster)
 * @param payload the bytes sent
 * @param request whether the sender waits for a reply
 */
public record ServiceMessage(String service, Node sender, byte[] payload, boolean request) {
}
