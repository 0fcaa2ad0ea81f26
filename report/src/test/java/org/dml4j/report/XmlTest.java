package org.dml4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The one escaper turns any string into well-formed markup that shows the same text. */
class XmlTest {
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hostileStringsGiveWellFormedMarkupWithTheSameText() throws Exception {
        String[] hostile = {"</title><script>alert(1)</script>", "a & b && c; &amp;", "\" onload=\"x", "'single'",
            "]]><!--", "<![CDATA[x]]>", "tab\tline\ncr\r", "emoji \uD83D\uDE00 ok", "é ü 漢字"};
        for (String s : hostile) {
            Document doc = parse("<r a=\"" + Xml.esc(s) + "\" b='" + Xml.esc(s) + "'>" + Xml.esc(s) + "</r>");
            Element r = doc.getDocumentElement();
            assertEquals(s, r.getTextContent(), s);
            assertEquals(0, r.getChildNodes().getLength() == 1 ? 0 : 1, "one text node for " + s);
            assertFalse(Xml.esc(s).contains("<"), s);
        }
    }

    @Test
    void charactersXmlCannotHoldBecomeReplacementCharacters() throws Exception {
        String s = "nul\u0000 bell\u0007 esc\u001B lone\uD800 low\uDC00 end\uFFFF";
        String esc = Xml.esc(s);
        Document doc = parse("<r>" + esc + "</r>");
        assertEquals("nul\uFFFD bell\uFFFD esc\uFFFD lone\uFFFD low\uFFFD end\uFFFD",
                doc.getDocumentElement().getTextContent());
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "accuracy by round 42";
        assertSame(s, Xml.esc(s));
    }
}
