package io.nara.gateway.analyzer;

/**
 * One point-of-care analyzer the hub listens to.
 *
 * @param protocol ASTM (E1381 link layer, E1394 records) or POCT1 (POCT1-A2 XML)
 * @param link     TCP (the analyzer or its docking station connects to the hub, as to a LIS or data manager) or
 *                 SERIAL (RS-232 through a USB adapter)
 * @param deviceId the id its binding in the hub config names; the binding's model picks the catalogue profile
 *                 (test codes, quirks)
 * @param host     TCP: address to listen on
 * @param port     TCP: port to listen on (0 picks one)
 * @param path     SERIAL: the port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...
 * @param baud     SERIAL: speed (8N1 is assumed, as E1381 specifies)
 */
public record AnalyzerEndpoint(
        Protocol protocol, Link link, String deviceId, String host, int port, String path, int baud) {

    public enum Protocol {
        ASTM,
        POCT1
    }

    public enum Link {
        TCP,
        SERIAL
    }

    public AnalyzerEndpoint {
        if (protocol == Protocol.POCT1 && link != Link.TCP) {
            throw new IllegalArgumentException("POCT1-A2 runs over TCP only");
        }
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException("an analyzer endpoint names its device id");
        }
    }

    /**
     * Parses the command-line form: {@code astm-tcp:DEVICE:[HOST:]PORT}, {@code poct1-tcp:DEVICE:[HOST:]PORT},
     * {@code astm-serial:DEVICE:PATH[:BAUD]} (baud 9600 by default).
     */
    public static AnalyzerEndpoint parse(String text) {
        String[] p = text.split(":");
        if (p.length < 3) {
            throw new IllegalArgumentException("analyzer '" + text + "': expected KIND:DEVICE:..., e.g. "
                    + "astm-tcp:cobas-1:0.0.0.0:5100 or astm-serial:coaguchek-1:/dev/ttyUSB0:9600");
        }
        try {
            return switch (p[0]) {
                case "astm-tcp", "poct1-tcp" ->
                    new AnalyzerEndpoint(
                            p[0].startsWith("astm") ? Protocol.ASTM : Protocol.POCT1,
                            Link.TCP,
                            p[1],
                            p.length > 3 ? p[2] : "0.0.0.0",
                            Integer.parseInt(p[p.length - 1]),
                            null,
                            0);
                case "astm-serial" ->
                    new AnalyzerEndpoint(
                            Protocol.ASTM,
                            Link.SERIAL,
                            p[1],
                            null,
                            0,
                            p[2],
                            p.length > 3 ? Integer.parseInt(p[3]) : 9600);
                default ->
                    throw new IllegalArgumentException(
                            "analyzer '" + text + "': unknown kind " + p[0] + " (astm-tcp, astm-serial, poct1-tcp)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("analyzer '" + text + "': " + e.getMessage());
        }
    }

    /** How readings from it are marked in quarantine and logs. */
    public String source() {
        return protocol.name().toLowerCase() + ":" + link.name().toLowerCase();
    }
}
