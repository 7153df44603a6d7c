package io.nara.devices.poct1;

import io.nara.devices.DecodeException;
import org.w3c.dom.Element;

/**
 * The envelope of a POCT1-A message: its type (the root element, e.g. {@code OBS.R01}) and header.
 *
 * @param type      message type, e.g. HEL.R01, DST.R01, OBS.R01, EOT.R01, ACK.R01, END.R01
 * @param controlId the sender's control id (HDR.control_id), which the receiver's ACK must echo
 * @param root      the parsed message
 */
public record Poct1Message(String type, String controlId, Element root) {

    public static Poct1Message parse(byte[] xml) throws DecodeException {
        Element root = Poct1Xml.parse(xml);
        Element hdr = Poct1Xml.child(root, "HDR");
        if (hdr == null) {
            throw new DecodeException("POCT1 " + root.getTagName() + " has no HDR element");
        }
        String controlId = Poct1Xml.value(hdr, "HDR.control_id");
        if (controlId == null || controlId.isBlank()) {
            throw new DecodeException("POCT1 " + root.getTagName() + " has no HDR.control_id");
        }
        String declared = Poct1Xml.value(hdr, "HDR.message_type");
        if (declared != null && !declared.equals(root.getTagName())) {
            throw new DecodeException(
                    "POCT1 message element " + root.getTagName() + " declares HDR.message_type " + declared);
        }
        return new Poct1Message(root.getTagName(), controlId.trim(), root);
    }

    /** The topic word of the type: "OBS" for "OBS.R01". */
    public String topic() {
        int dot = type.indexOf('.'); // never 0: an XML element name cannot start with '.'
        return dot < 0 ? type : type.substring(0, dot);
    }
}
