/**
 * TamTam's API: create a {@link io.tamtam.Cluster} from a {@link io.tamtam.ClusterConfig}, join, watch
 * membership, share metadata, send and broadcast typed messages, make requests and open streams.
 */
package io.tamtam;
