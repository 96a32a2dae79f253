/**
 * Runnable TamTam examples. Each one runs from the repository root with one command that compiles it
 * and the modules it needs, then starts it (nothing is installed):
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Demo
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Chat -Dexec.args="--port 7001 --name alice"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Chat -Dexec.args="--port 7002 --join 127.0.0.1:7001 --name bob"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=QuickStart -Dexec.args="127.0.0.1:7001"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=SharedState
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="serve --port 7010 --dir /tmp/received"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="send --join 127.0.0.1:7010 --file pom.xml"
 * </pre>
 *
 * <p>{@link io.tamtam.examples.QuickStart} is the basic use shown in the README;
 * {@link io.tamtam.examples.Demo} narrates a five-node cluster on loopback;
 * {@link io.tamtam.examples.Chat} is a terminal chat over broadcasts;
 * {@link io.tamtam.examples.FileCopy} copies a file over a stream;
 * {@link io.tamtam.examples.SharedState} converges application state through push-pull.
 */
package io.tamtam.examples;
