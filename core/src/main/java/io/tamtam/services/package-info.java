/**
 * Named services: register a handler under a name on any node, reach it from any node by name (one
 * instance by policy, every instance, or every service), with messages held while no instance is up.
 * See {@link io.tamtam.services.Services}.
 */
package io.tamtam.services;
