package io.nara.gateway.coap;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The hub's PSK store ({@code delegate}: the key file) that tells {@code onUnknown} the identity of every DTLS client
 * whose key the hub does not have: a device the installer switched on but whose key is not in the hub's key file yet.
 * The handshake still fails (no key, no session); the identity is only offered to the cloud as a discovered device.
 * An identity that is not a plausible device id (control characters, longer than {@value #MAX_LENGTH} characters) is
 * not passed on: it comes from an unauthenticated datagram.
 */
final class ReportingPskStore implements AdvancedPskStore {

    static final int MAX_LENGTH = 64;
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_LENGTH + "}");

    private final AdvancedPskStore delegate;
    private final Consumer<String> onUnknown;

    ReportingPskStore(AdvancedPskStore delegate, Consumer<String> onUnknown) {
        this.delegate = delegate;
        this.onUnknown = onUnknown;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return delegate.hasEcdhePskSupported();
    }

    @Override
    public PskSecretResult requestPskSecretResult(
            ConnectionId cid,
            ServerNames serverName,
            PskPublicInformation identity,
            String hmacAlgorithm,
            SecretKey otherSecret,
            byte[] seed,
            boolean useExtendedMasterSecret) {
        PskSecretResult result = delegate.requestPskSecretResult(
                cid, serverName, identity, hmacAlgorithm, otherSecret, seed, useExtendedMasterSecret);
        if (result != null && result.getSecret() == null) {
            String id = identity.getPublicInfoAsString();
            if (plausible(id)) {
                onUnknown.accept(id);
            }
        }
        return result;
    }

    /** Whether a PSK identity can stand for a device id in the hub's status and on the nurse's page. */
    static boolean plausible(String identity) {
        return identity != null && DEVICE_ID.matcher(identity).matches();
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return delegate.getIdentity(peerAddress, virtualHost);
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        delegate.setResultHandler(resultHandler);
    }
}
