/**
 * Cluster workloads W1 to W5, run in one JVM on loopback with the real Netty transports, each printing
 * one JSON object per result line to standard output. Start them with {@code benchmarks/run-workloads}.
 */
package io.tamtam.benchmarks.workloads;
