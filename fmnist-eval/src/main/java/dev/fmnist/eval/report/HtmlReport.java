package dev.fmnist.eval.report;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page: pictures are embedded as data URIs, styles inline, nothing fetched from the
 * network. The markup is well-formed XML (XHTML syntax), so any XML parser can check it.
 */
public final class HtmlReport {

    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String id, String text) {
        body.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlReport preformatted(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    public HtmlReport image(String alt, byte[] png) {
        body.append("<img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\" />\n");
        return this;
    }

    /** A table; cells are text, escaped. */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<thead><tr>");
        header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(cell -> body.append("<td>").append(escape(cell)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</tbody>\n</table>\n");
        return this;
    }

    public byte[] render() {
        String page = """
                <!DOCTYPE html>
                <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
                <head>
                <meta charset="utf-8" />
                <title>%s</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1280px; color: #222; }
                table { border-collapse: collapse; margin: 1em 0; }
                th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
                th { background: #f3f3f3; }
                td:first-child, th:first-child { text-align: left; }
                img { max-width: 100%%; border: 1px solid #eee; margin: 0.5em 0; }
                pre { background: #f7f7f7; padding: 1em; overflow-x: auto; }
                </style>
                </head>
                <body>
                <h1>%s</h1>
                %s</body>
                </html>
                """.formatted(escape(title), escape(title), body);
        return page.getBytes(StandardCharsets.UTF_8);
    }

    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
