/**
 * Routing between clusters that cannot reach each other directly, through gateways that are members of
 * several. See {@link io.tamtam.routing.Gateway}.
 */
package io.tamtam.routing;
