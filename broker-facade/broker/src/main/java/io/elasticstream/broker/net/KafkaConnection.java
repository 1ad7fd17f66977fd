package io.elasticstream.broker.net;

import io.elasticstream.broker.security.ListenerSecurity;
import io.elasticstream.broker.security.SaslAuthenticator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Parses each frame, hands it to the {@link RequestHandler}, and writes
 * responses strictly in request order. Stops reading while too many responses are pending. On a SASL
 * listener, requests before the exchange completes go to its {@link SaslAuthenticator} (any other than
 * ApiVersions, SaslHandshake and SaslAuthenticate closes the connection, as in Kafka); each request carries
 * the listener's name and protocol and the connection's principal.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    private static final int MAX_PENDING = 64;

    private final RequestHandler handler;
    private final String connectionId;
    private final ConnectionObserver observer;
    private final ListenerSecurity security;
    private final ListenerName listenerName;
    /** The connection's SASL exchange, or null on a listener without SASL. Owned by the event loop. */
    private final SaslAuthenticator sasl;
    /** The TLS principal, once the handshake is done (null before, or without TLS). */
    private KafkaPrincipal tlsPrincipal;
    /** Owned by the event loop. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    KafkaConnection(RequestHandler handler, String connectionId, ConnectionObserver observer,
                    ListenerSecurity security) {
        this.observer = observer;
        this.handler = handler;
        this.connectionId = connectionId;
        this.security = security;
        this.listenerName = security.listener().listenerName();
        this.sasl = security.newAuthenticator(connectionId);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        observer.onOpen();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        observer.onClose();
        try {
            handler.connectionClosed(connectionId);
        } catch (RuntimeException e) {
            LOG.warn("Closing connection {}: its state was not all released", connectionId, e);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        ByteBuffer buffer;
        try {
            // One copy to the heap: request objects (and produce records) keep referring to it after this frame.
            buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
        } finally {
            frame.release();
        }
        RequestHeader header;
        RequestContext context;
        AbstractRequest request;
        try {
            header = RequestHeader.parse(buffer);
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            context = new RequestContext(header, connectionId, remote.getAddress(), Optional.of(remote.getPort()),
                    principal(ctx), listenerName, security.listener().protocol(), ClientInformation.EMPTY, false);
            request = context.parseRequest(buffer).request;
        } catch (RuntimeException e) {
            LOG.warn("Closing connection {} from {}: cannot parse request: {}", connectionId, ctx.channel().remoteAddress(),
                    e.toString());
            ctx.close();
            return;
        }
        if (sasl != null && !sasl.isComplete() && !allowedBeforeAuthentication(header.apiKey())) {
            LOG.warn("Closing connection {} from {}: {} request before SASL authentication completed", connectionId,
                    ctx.channel().remoteAddress(), header.apiKey());
            ctx.close();
            return;
        }
        Pending p = new Pending(header, context, request);
        pending.add(p);
        if (pending.size() >= MAX_PENDING) {
            ctx.channel().config().setAutoRead(false);
        }
        CompletableFuture<ApiMessage> response;
        try {
            response = sasl != null && !sasl.isComplete() ? authenticating(context, request)
                    : handler.handle(context, request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((body, err) -> {
            if (ctx.executor().inEventLoop()) {
                complete(ctx, p, body, err);
            } else {
                ctx.executor().execute(() -> complete(ctx, p, body, err));
            }
        });
    }

    private void complete(ChannelHandlerContext ctx, Pending p, ApiMessage body, Throwable err) {
        p.done = true;
        if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            LOG.warn("{} request from {} failed", p.header.apiKey(), connectionId, cause);
            p.body = p.request.getErrorResponse(0, cause).data();
        } else {
            p.body = body;
        }
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            Pending head = pending.pollFirst();
            if (head.body != null) {
                ByteBuffer bytes;
                try {
                    bytes = serialize(head);
                } catch (RuntimeException e) {
                    // A bug (e.g. a field the response version lacks): the client would wait for ever, so close.
                    LOG.error("Cannot serialize {} v{} response for {}; closing the connection", head.header.apiKey(),
                            head.context.apiVersion(), connectionId, e);
                    ctx.close();
                    pending.clear();
                    return;
                }
                ctx.write(Unpooled.wrappedBuffer(bytes));
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (sasl != null && sasl.hasFailed() && pending.isEmpty()) {
            // Kafka closes the connection once it has answered the failed handshake or authentication.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (pending.size() < MAX_PENDING / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Before SASL completes: ApiVersions as always, SaslHandshake and SaslAuthenticate to the exchange. */
    private CompletableFuture<ApiMessage> authenticating(RequestContext context, AbstractRequest request) {
        return switch (context.header.apiKey()) {
            case SASL_HANDSHAKE -> CompletableFuture.completedFuture(
                    sasl.handshake(((SaslHandshakeRequest) request).data().mechanism()));
            case SASL_AUTHENTICATE -> sasl.authenticate(((SaslAuthenticateRequest) request).data().authBytes())
                    .thenApply(r -> r);
            default -> handler.handle(context, request);
        };
    }

    private static boolean allowedBeforeAuthentication(ApiKeys key) {
        return key == ApiKeys.API_VERSIONS || key == ApiKeys.SASL_HANDSHAKE || key == ApiKeys.SASL_AUTHENTICATE;
    }

    /** Who the connection's requests come from: the SASL identity once authenticated, else the TLS one. */
    private KafkaPrincipal principal(ChannelHandlerContext ctx) {
        if (sasl != null && sasl.isComplete()) {
            return sasl.principal();
        }
        if (tlsPrincipal == null) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                return KafkaPrincipal.ANONYMOUS;
            }
            tlsPrincipal = ListenerSecurity.tlsPrincipal(tls.engine().getSession());
        }
        return tlsPrincipal;
    }

    private static ByteBuffer serialize(Pending p) {
        ResponseHeader responseHeader = p.header.toResponseHeader();
        ByteBuffer payload = RequestUtils.serialize(responseHeader.data(), responseHeader.headerVersion(), p.body,
                p.context.apiVersion());
        ByteBuffer framed = ByteBuffer.allocate(4 + payload.remaining());
        framed.putInt(payload.remaining()).put(payload).flip();
        return framed;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("Closing connection {} from {}: {}", connectionId, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** A request awaiting its turn to be answered. */
    private static final class Pending {
        final RequestHeader header;
        final RequestContext context;
        final AbstractRequest request;
        boolean done;
        ApiMessage body;

        Pending(RequestHeader header, RequestContext context, AbstractRequest request) {
            this.header = header;
            this.context = context;
            this.request = request;
        }
    }
}
