/** JMH micro-benchmarks of the wire format and the payload codec. */
package io.tamtam.benchmarks.jmh;
