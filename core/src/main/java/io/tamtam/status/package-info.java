/**
 * Cluster status: whether a quorum of the expected cluster size is alive, and whether all of it is, with
 * events when either changes. See {@link io.tamtam.status.Status}.
 */
package io.tamtam.status;
