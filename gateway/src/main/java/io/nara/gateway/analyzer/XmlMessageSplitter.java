package io.nara.gateway.analyzer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a POCT1-A TCP stream into messages. POCT1-A sends one XML document after another with no length prefix, so a
 * message ends with the end tag of its root element ({@code </OBS.R01>}) or a self-closed root. Whitespace between
 * documents is skipped; the XML declaration is kept with its message.
 */
final class XmlMessageSplitter {

    /** A message larger than this is not a POCT1 message but a runaway stream. */
    static final int MAX_MESSAGE = 1 << 20;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    List<byte[]> feed(byte[] bytes) {
        buffer.write(bytes, 0, bytes.length);
        if (buffer.size() > MAX_MESSAGE) {
            buffer.reset();
            throw new IllegalArgumentException("POCT1 message longer than " + MAX_MESSAGE + " bytes");
        }
        List<byte[]> out = new ArrayList<>();
        while (true) {
            // ISO-8859-1 maps bytes 1:1 to chars, so indexes are byte offsets even for UTF-8 content.
            String text = buffer.toString(StandardCharsets.ISO_8859_1);
            int start = 0;
            while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            int root = start;
            while (text.startsWith("<?", root) || text.startsWith("<!--", root)) {
                int end = text.indexOf(text.startsWith("<?", root) ? "?>" : "-->", root);
                if (end < 0) {
                    return out;
                }
                root = end + (text.startsWith("<?", root) ? 2 : 3);
                while (root < text.length() && Character.isWhitespace(text.charAt(root))) {
                    root++;
                }
            }
            if (root >= text.length()) {
                return out;
            }
            if (text.charAt(root) != '<') {
                buffer.reset();
                throw new IllegalArgumentException("expected an XML element but the stream has '"
                        + text.substring(root, Math.min(text.length(), root + 20)) + "'");
            }
            int nameEnd = root + 1;
            while (nameEnd < text.length() && " \t\r\n/>".indexOf(text.charAt(nameEnd)) < 0) {
                nameEnd++;
            }
            int tagClose = text.indexOf('>', root);
            if (nameEnd >= text.length() || tagClose < 0) {
                return out;
            }
            String name = text.substring(root + 1, nameEnd);
            int end;
            if (text.charAt(tagClose - 1) == '/') {
                end = tagClose + 1;
            } else {
                int closing = text.indexOf("</" + name + ">", tagClose);
                if (closing < 0) {
                    return out;
                }
                end = closing + name.length() + 3;
            }
            byte[] all = buffer.toByteArray();
            byte[] message = new byte[end - start];
            System.arraycopy(all, start, message, 0, message.length);
            out.add(message);
            buffer.reset();
            buffer.write(all, end, all.length - end);
        }
    }
}
