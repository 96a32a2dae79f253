/**
 * Per-remote sessions: one {@link io.tamtam.internal.peer.Peer} per member owns every piece of state
 * kept about that remote node (datagram burst window, outbound reliable lane, inbound ordering lane,
 * serial delivery to handlers). Born when the member is accepted ALIVE, freed when it is REMOVED; senders
 * that are not members share a small, bounded pool of sessions with least-recently-used eviction.
 */
package io.tamtam.internal.peer;
