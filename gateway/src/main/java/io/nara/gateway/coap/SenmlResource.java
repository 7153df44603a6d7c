package io.nara.gateway.coap;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.catalogue.DeviceCatalogue;
import io.nara.devices.catalogue.DeviceProfile;
import io.nara.devices.senml.SenmlDecoder;
import io.nara.gateway.pipeline.DecodedReading;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.RejectedReadingException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /senml}: a SenML pack (RFC 8428) in JSON (content format 110, or 50 application/json) or CBOR (112).
 *
 * <p>Responses (RFC 7252 section 5.9): 2.04 Changed once the outbox holds the readings, never before, so a device that
 * deletes what was acknowledged loses nothing; 4.00 Bad Request with a diagnostic payload naming the problem (the bytes
 * are quarantined); 4.01 Unauthorized when the identity is not a device bound to this hub; 4.15 for another content
 * format; 5.00 when the outbox could not store (the device keeps the reading and retries).
 *
 * <p>Identity: over DTLS the PSK identity the handshake proved; over plain CoAP (bench only) the {@code d} query
 * parameter, which proves nothing.
 */
final class SenmlResource extends CoapResource {

    private static final Logger LOG = LoggerFactory.getLogger(SenmlResource.class);
    static final int SENML_JSON = 110;
    static final int SENML_CBOR = 112;

    private static final DeviceCatalogue CATALOGUE = DeviceCatalogue.builtIn();

    private final ReadingPipeline pipeline;
    private final SenmlDecoder decoder;
    private final Consumer<String> onDevice;

    SenmlResource(ReadingPipeline pipeline, SenmlDecoder decoder, Consumer<String> onDevice) {
        super("senml");
        this.pipeline = pipeline;
        this.decoder = decoder;
        this.onDevice = onDevice;
        getAttributes().addContentType(SENML_JSON);
        getAttributes().addContentType(SENML_CBOR);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        String deviceId = identity(exchange);
        if (deviceId == null) {
            exchange.respond(
                    ResponseCode.UNAUTHORIZED,
                    "no device identity: use DTLS with a PSK identity",
                    MediaTypeRegistry.TEXT_PLAIN);
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        String source = "coap:"
                + (exchange.advanced().getRequest().getSourceContext().getPeerIdentity() == null ? "plain" : "dtls");
        if (pipeline.config().bindingFor(deviceId).isEmpty()) {
            String problem = "device " + deviceId + " is not bound to a patient on this hub";
            // What it measured is shown to the nurse who may bind it; the bytes wait in the quarantine.
            pipeline.unbound(deviceId, source, payload, heldMeasurements(exchange, deviceId, payload));
            exchange.respond(ResponseCode.UNAUTHORIZED, problem, MediaTypeRegistry.TEXT_PLAIN);
            return;
        }
        onDevice.accept(deviceId);
        int format = exchange.getRequestOptions().getContentFormat();
        SenmlDecoder.Context context = context(deviceId);
        SenmlDecoder.Result result;
        try {
            if (format == SENML_CBOR) {
                result = decoder.decodeCbor(payload, context);
            } else if (format == SENML_JSON
                    || format == MediaTypeRegistry.APPLICATION_JSON
                    || format == MediaTypeRegistry.UNDEFINED) {
                result = decoder.decodeJson(payload, context);
            } else {
                exchange.respond(
                        ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                        "content format " + format + " is not SenML JSON (110) or CBOR (112)",
                        MediaTypeRegistry.TEXT_PLAIN);
                return;
            }
        } catch (DecodeException e) {
            reject(exchange, deviceId, source, payload, "malformed SenML: " + e.getMessage());
            return;
        }
        if (result.measurements().isEmpty()) {
            reject(exchange, deviceId, source, payload, "no record Nära knows: " + String.join("; ", result.skipped()));
            return;
        }
        if (!result.skipped().isEmpty()) {
            // Part of the pack is usable: store it, and keep the rest for inspection rather than drop it silently.
            pipeline.quarantine(deviceId, source, payload, "records skipped: " + String.join("; ", result.skipped()));
        }
        pipeline.accept(new DecodedReading(deviceId, source, payload, result.measurements()))
                .onSuccess(stored -> exchange.respond(ResponseCode.CHANGED))
                .onFailure(e -> {
                    if (e instanceof RejectedReadingException) {
                        exchange.respond(
                                ResponseCode.BAD_REQUEST, truncate(e.getMessage()), MediaTypeRegistry.TEXT_PLAIN);
                    } else {
                        LOG.error("CoAP reading from {} not stored: {}", deviceId, e.getMessage());
                        exchange.respond(
                                ResponseCode.INTERNAL_SERVER_ERROR,
                                "not stored; send again",
                                MediaTypeRegistry.TEXT_PLAIN);
                    }
                });
    }

    /**
     * Relative SenML times count back from the hub's clock, the same clock that stamps the receipt: while it is not
     * synchronised both are held and re-timed together once it is ({@code outbox.HeldDeviceTime}). "temp" is a body
     * temperature only from a device the catalogue knows as a thermometer.
     */
    private SenmlDecoder.Context context(String deviceId) {
        boolean thermometer = pipeline.config()
                .bindingFor(deviceId)
                .flatMap(b -> Optional.ofNullable(b.model()).flatMap(CATALOGUE::find))
                .map(p -> p.kind() == DeviceProfile.Kind.THERMOMETER)
                .orElse(false);
        return new SenmlDecoder.Context(pipeline.now(), thermometer);
    }

    /** The readings of an unbound device's message, or none when it is not SenML that decodes. */
    private List<Measurement> heldMeasurements(CoapExchange exchange, String deviceId, byte[] payload) {
        int format = exchange.getRequestOptions().getContentFormat();
        try {
            if (format == SENML_CBOR) {
                return decoder.decodeCbor(payload, context(deviceId)).measurements();
            }
            if (format == SENML_JSON
                    || format == MediaTypeRegistry.APPLICATION_JSON
                    || format == MediaTypeRegistry.UNDEFINED) {
                return decoder.decodeJson(payload, context(deviceId)).measurements();
            }
        } catch (DecodeException e) {
            LOG.debug("unbound device {} sent SenML that does not decode: {}", identity(exchange), e.getMessage());
        }
        return List.of();
    }

    private void reject(CoapExchange exchange, String deviceId, String source, byte[] payload, String problem) {
        // Answer only once the bytes are in quarantine: the diagnostic then names a problem the installer can find.
        pipeline.quarantine(deviceId, source, payload, problem)
                .onComplete(r ->
                        exchange.respond(ResponseCode.BAD_REQUEST, truncate(problem), MediaTypeRegistry.TEXT_PLAIN));
    }

    private static String identity(CoapExchange exchange) {
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        if (peer instanceof PreSharedKeyIdentity psk) {
            return psk.getIdentity();
        }
        if (peer != null) {
            return null; // a certificate or raw public key: not a credential this hub hands out
        }
        List<String> query = exchange.getRequestOptions().getUriQuery();
        for (String q : query) {
            if (q.startsWith("d=") && q.length() > 2) {
                return q.substring(2);
            }
        }
        return null;
    }

    /** A diagnostic payload must fit one datagram; 512 bytes keep it well inside the default block size. */
    private static String truncate(String problem) {
        byte[] bytes = problem.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 512 ? problem : new String(bytes, 0, 509, StandardCharsets.UTF_8) + "...";
    }
}
