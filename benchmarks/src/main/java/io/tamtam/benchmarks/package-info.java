/** TamTam benchmarks: JMH micro-benchmarks ({@code jmh}) and loopback cluster workloads ({@code workloads}). */
package io.tamtam.benchmarks;
