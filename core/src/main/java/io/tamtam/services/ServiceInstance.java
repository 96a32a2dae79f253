package io.tamtam.services;

import io.tamtam.Node;

/**
 * One instance of a service: the service name and the node it runs on.
 *
 * @param service the service name
 * @param node    the node, as last seen
 */
public record ServiceInstance(String service, Node node) {
}
