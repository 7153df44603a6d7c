package io.nara.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    private final NoDelaySocketFactory factory;

    NoDelaySocketFactoryTest() throws Exception {
        factory = new NoDelaySocketFactory(SSLContext.getDefault().getSocketFactory());
    }

    @Test
    void theUnconnectedSocketPahoCreatesHasNagleOff() throws Exception {
        try (Socket socket = factory.createSocket()) {
            assertThat(socket).isInstanceOf(SSLSocket.class);
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void aConnectedSocketHasNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }
}
