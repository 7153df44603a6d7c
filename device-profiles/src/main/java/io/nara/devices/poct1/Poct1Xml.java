package io.nara.devices.poct1;

import io.nara.devices.DecodeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses POCT1-A messages with the JDK's parser hardened against XXE: no DOCTYPE at all (so no external entities, no
 * entity expansion bombs), no XInclude, no external DTD or schema access.
 */
final class Poct1Xml {

    /** The parser otherwise prints "[Fatal Error]" to stderr before throwing; throwing is all we want. */
    private static final ErrorHandler RETHROW = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings (e.g. about the encoding declaration) do not make a message invalid
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private Poct1Xml() {}

    static Element parse(byte[] xml) throws DecodeException {
        if (xml == null || xml.length == 0) {
            throw new DecodeException("POCT1 message is empty");
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            defenceInDepth(factory);
            factory.setNamespaceAware(false); // the JDK's default, stated: removing the call is an equivalent mutant
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(RETHROW);
            Document doc = builder.parse(new ByteArrayInputStream(xml));
            return doc.getDocumentElement();
        } catch (SAXParseException e) {
            throw new DecodeException("POCT1 message is not well-formed XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException e) {
            throw new DecodeException("POCT1 message cannot be parsed: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a security feature Nära requires", e);
        }
    }

    /**
     * Settings that matter only should DOCTYPEs ever be allowed: while disallow-doctype-decl holds, no entity or DTD
     * can be declared, so no test can tell them apart from their absence (mutation testing excludes this method).
     */
    private static void defenceInDepth(DocumentBuilderFactory factory) throws ParserConfigurationException {
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    static Element child(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The V attribute of a child element (POCT1-A carries values as {@code <X.y V="..."/>}), or null. */
    static String value(Element parent, String name) {
        Element e = child(parent, name);
        return e == null || !e.hasAttribute("V") ? null : e.getAttribute("V");
    }

    static String attribute(Element parent, String name, String attribute) {
        Element e = child(parent, name);
        return e == null || !e.hasAttribute(attribute) ? null : e.getAttribute(attribute);
    }
}
