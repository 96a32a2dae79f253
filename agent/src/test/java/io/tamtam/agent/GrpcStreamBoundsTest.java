package io.tamtam.agent;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tamtam.agent.grpc.AgentGrpc;
import io.tamtam.agent.grpc.EventsRequest;
import io.tamtam.agent.grpc.MembershipEvent;
import io.tamtam.agent.grpc.MessagesRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tamtam.agent.HttpSlowClientTest.LONG;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams of clients that read nothing are bounded in number and in what the agent holds for them. */
class GrpcStreamBoundsTest {
    private final TestAgents agents = new TestAgents();

    @AfterEach
    void close() throws Exception {
        agents.close();
    }

    ManagedChannel channel(AgentServer agent, boolean reads) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(agent.rpcAddress()).usePlaintext();
        // a client that reads nothing: a 1-byte HTTP/2 window, and no message is ever requested
        ManagedChannel ch = (reads ? b : b.initialFlowControlWindow(1).flowControlWindow(1)).build();
        agents.add(() -> {
            ch.shutdownNow();
            ch.awaitTermination(10, TimeUnit.SECONDS);
        });
        return ch;
    }

    /** Starts a server-streaming call that requests no message; its status, once closed, goes to {@code closed}. */
    static <Q, R> void unread(ManagedChannel ch, MethodDescriptor<Q, R> method, Q request, List<Status> closed) {
        ClientCall<Q, R> call = ch.newCall(method, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.add(status);
            }
        }, new Metadata());
        call.sendMessage(request);
        call.halfClose();
    }

    @Test
    void streamsBeyondTheBoundAreRefusedSayingWhatToDo() throws Exception {
        AgentServer agent = agents.agent("victim");
        ManagedChannel unread = channel(agent, false);
        List<Status> closed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < AgentService.MAX_STREAMS; i++) {
            unread(unread, AgentGrpc.getEventsMethod(), EventsRequest.getDefaultInstance(), closed);
            unread(unread, AgentGrpc.getMessagesMethod(), MessagesRequest.getDefaultInstance(), closed);
        }
        await().atMost(LONG).until(() -> agent.service.openEventStreams() == AgentService.MAX_STREAMS
                && agent.service.openMessageStreams() == AgentService.MAX_STREAMS);
        AgentGrpc.AgentBlockingStub other = AgentGrpc.newBlockingStub(channel(agent, true)).withDeadlineAfter(60, TimeUnit.SECONDS);
        StatusRuntimeException events = assertThrows(StatusRuntimeException.class,
                () -> other.events(EventsRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, events.getStatus().getCode());
        assertEquals("too many Events streams open on this agent (32): close a stream that is no longer read, or retry later",
                events.getStatus().getDescription());
        StatusRuntimeException messages = assertThrows(StatusRuntimeException.class,
                () -> other.messages(MessagesRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, messages.getStatus().getCode());
        assertTrue(closed.isEmpty(), closed.toString());
    }

    @Test
    void unreadEventStreamsEndAndGiveTheirSlotsBack() throws Exception {
        AgentServer agent = agents.agent("victim");
        ManagedChannel unread = channel(agent, false);
        List<Status> closed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < AgentService.MAX_STREAMS; i++) {
            unread(unread, AgentGrpc.getEventsMethod(), EventsRequest.getDefaultInstance(), closed);
        }
        await().atMost(LONG).until(() -> agent.service.openEventStreams() == AgentService.MAX_STREAMS);
        // more events than a stream may have waiting: each one ends, its waiting events dropped
        await().atMost(LONG).pollInterval(Duration.ofMillis(20)).until(() -> {
            agents.changeMetadata(agent, 'a', 400);
            return agent.service.openEventStreams() == 0;
        });
        assertTrue(agent.streamDrops.sum() >= AgentService.MAX_STREAMS, "dropped " + agent.streamDrops.sum());
        // a client that reads gets a stream and its snapshot
        Iterator<MembershipEvent> reading = AgentGrpc.newBlockingStub(channel(agent, true)).withDeadlineAfter(60, TimeUnit.SECONDS)
                .events(EventsRequest.getDefaultInstance());
        assertEquals("SNAPSHOT", reading.next().getType());
    }
}
