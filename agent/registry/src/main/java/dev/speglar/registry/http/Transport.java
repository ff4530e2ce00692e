package dev.speglar.registry.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The Netty transport: native epoll where available (sendfile, fewer copies), else NIO. */
public enum Transport {
    AUTO,
    EPOLL,
    NIO;

    /** AUTO resolved against this machine. */
    public Transport resolve() {
        if (this == AUTO) {
            return Epoll.isAvailable() ? EPOLL : NIO;
        }
        if (this == EPOLL && !Epoll.isAvailable()) {
            throw new IllegalStateException("epoll transport unavailable", Epoll.unavailabilityCause());
        }
        return this;
    }

    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory f = resolve() == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, f);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return resolve() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
