package io.nara.gateway.coap;

import java.nio.file.Path;

/**
 * Where the hub's CoAP server listens and which devices may talk to it.
 *
 * @param host      address to bind; the LAN address (or 0.0.0.0) on a hub with IP devices
 * @param dtlsPort  CoAP over DTLS (RFC 7252 "coaps"), 5684 by default; 0 picks a free port
 * @param plainPort CoAP without security, or -1 for none (the default): only for a bench or a closed test network,
 *                  never in a home, because anyone on the LAN could post readings in a device's name
 * @param pskFile   the pre-shared keys: one {@code identity=key} line per device, the key as text or as
 *                  {@code hex:0a1b...}; the identity is the device id its binding names
 */
public record CoapSettings(String host, int dtlsPort, int plainPort, Path pskFile) {}
