package io.tamtam.discovery.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server for tests, on Netty's DNS codec, UDP on 127.0.0.1 port 0. It answers A, AAAA
 * and SRV questions from tables the test changes at any time; a name it has no answer for gets NXDOMAIN.
 */
final class TestDnsServer implements AutoCloseable {
    /** One SRV record. */
    record Srv(String target, int port) {
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<Srv>> services = new ConcurrentHashMap<>();
    final AtomicInteger queries = new AtomicInteger();

    TestDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                        ctx.writeAndFlush(answer(q));
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** @return where the server listens */
    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    /** Sets the A and AAAA answers of a name (IPv4 ones answer A, IPv6 ones AAAA). */
    void setAddresses(String name, List<InetAddress> list) {
        addresses.put(key(name), List.copyOf(list));
    }

    /** Sets the SRV answers of a name. */
    void setServices(String name, List<Srv> list) {
        services.put(key(name), List.copyOf(list));
    }

    private DatagramDnsResponse answer(DatagramDnsQuery q) {
        queries.incrementAndGet();
        DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
        r.setAuthoritativeAnswer(true).setRecursionDesired(q.isRecursionDesired());
        if (q.count(DnsSection.QUESTION) == 0) {
            return r.setCode(DnsResponseCode.FORMERR);
        }
        DnsQuestion question = q.recordAt(DnsSection.QUESTION);
        r.addRecord(DnsSection.QUESTION, question);
        String name = key(question.name());
        boolean known = false;
        List<InetAddress> ips = addresses.get(name);
        if (ips != null) {
            known = true;
            int want = question.type() == DnsRecordType.A ? 4 : question.type() == DnsRecordType.AAAA ? 16 : -1;
            for (InetAddress ip : ips) {
                if (ip.getAddress().length == want) {
                    r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 0,
                            Unpooled.wrappedBuffer(ip.getAddress())));
                }
            }
        }
        List<Srv> srv = services.get(name);
        if (srv != null) {
            known = true;
            if (question.type() == DnsRecordType.SRV) {
                for (Srv s : srv) {
                    ByteBuf content = Unpooled.buffer();
                    content.writeShort(10).writeShort(10).writeShort(s.port());
                    for (String label : key(s.target()).split("\\.")) {
                        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                        content.writeByte(b.length).writeBytes(b);
                    }
                    content.writeByte(0);
                    r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV, 0, content));
                }
            }
        }
        if (!known) {
            r.setCode(DnsResponseCode.NXDOMAIN);
        }
        return r;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
