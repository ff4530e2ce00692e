package dev.speglar.agent.debug;

import dev.speglar.oci.ImageName;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The measure fragment: who provides the image and when each answered, then what the pull fetched and how fast. */
record MeasureView(ImageName image, LookupMeasure lookup, boolean heldLocally) {

    String renderLookup() {
        StringBuilder b = new StringBuilder("<h3>Lookup Result</h3>\n<div class=\"summary\">")
                .append("<strong>Image:</strong> <span id=\"measure-image\">")
                .append(Html.text(image))
                .append("</span> ")
                .append("<strong>Duration:</strong> <span id=\"lookup-duration\">")
                .append(Formats.duration(lookup.total()))
                .append("</span> <strong>Held locally:</strong> ")
                .append(heldLocally ? "yes" : "no")
                .append("</div>\n");
        if (lookup.providers().isEmpty()) {
            return b.append("<p id=\"no-peers\">No peers found for image</p>\n").toString();
        }
        b.append("<table id=\"lookup\">\n<tr><th>Peer</th><th>Addresses</th><th>Duration</th></tr>\n");
        for (LookupMeasure.Found f : lookup.providers()) {
            b.append("<tr><td>")
                    .append(Html.text(f.peer().id()))
                    .append("</td><td>")
                    .append(Html.text(f.peer().addresses().stream()
                            .map(InetAddress::getHostAddress)
                            .collect(Collectors.joining(", "))))
                    .append("</td><td>")
                    .append(Formats.duration(f.after()))
                    .append("</td></tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    /** The whole fragment; {@code pullTotal} is null when nothing was pulled. */
    String render(List<ImagePull.Step> steps, Duration pullTotal) {
        StringBuilder b = new StringBuilder(renderLookup());
        if (pullTotal == null) {
            return b.toString();
        }
        long size = steps.stream().mapToLong(ImagePull.Step::size).sum();
        b.append("<h3>Pull Result</h3>\n<div class=\"summary\"><strong>Duration:</strong> <span id=\"pull-duration\">")
                .append(Formats.duration(pullTotal))
                .append("</span> <strong>Size:</strong> <span id=\"pull-size\">")
                .append(Formats.bytes(size))
                .append("</span></div>\n")
                .append(
                        "<table id=\"pull\">\n<tr><th>Identifier</th><th>Type</th><th>Size</th><th>Duration</th></tr>\n");
        for (ImagePull.Step s : steps) {
            b.append("<tr><td>")
                    .append(Html.text(s.identifier()))
                    .append("</td><td>")
                    .append(Html.text(s.mediaType()))
                    .append("</td><td data-bytes=\"")
                    .append(s.size())
                    .append("\">")
                    .append(Formats.bytes(s.size()))
                    .append("</td><td>")
                    .append(Formats.duration(s.duration()))
                    .append("</td></tr>\n");
        }
        return b.append("</table>\n").toString();
    }
}
