/**
 * Queries (as in Serf): ask every node that matches filters, through the cluster's dissemination, and
 * collect acknowledgements and answers until a deadline. See {@link io.tamtam.Cluster#query}.
 */
package io.tamtam.query;
