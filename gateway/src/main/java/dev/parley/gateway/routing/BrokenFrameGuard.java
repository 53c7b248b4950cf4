package dev.parley.gateway.routing;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Closes a client's socket properly when it sends a frame Netty refuses: too long (1009
 * {@code message_too_big}), or otherwise broken, such as compressed without compression having been
 * agreed (1002 {@code protocol_error}).
 *
 * <p>Why a Netty handler: Vert.x answers such a frame by closing the connection at once, without a
 * close frame, and with the rest of the refused frame still unread, which the kernel turns into a
 * reset; the client then sees neither code nor reason (a 1006). Here the close frame is sent and
 * the connection is half-closed, while the decoder, broken for good, reads and drops whatever
 * still comes; it closes when the client does, or after {@code graceMillis}.
 */
final class BrokenFrameGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "parley-broken-frame-guard";

    private final BiConsumer<Integer, String> onBroken;
    private final long graceMillis;
    private boolean broken;

    BrokenFrameGuard(BiConsumer<Integer, String> onBroken, long graceMillis) {
        this.onBroken = onBroken;
        this.graceMillis = graceMillis;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CorruptedWebSocketFrameException corrupt)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (broken) {
            return;
        }
        broken = true;
        int code = corrupt.closeStatus().code();
        String reason = code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code() ? Tunnel.TOO_BIG_REASON : Tunnel.PROTOCOL_ERROR_REASON;
        onBroken.accept(code, reason);
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
        ctx.executor().schedule(() -> ctx.close(), graceMillis, TimeUnit.MILLISECONDS);
    }
}
