import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the generated CRD's additionalPrinterColumns in the order a user scans them. fabric8's CRD
 * generator sorts them by JSON path (so AGE came second); kubectl prints them in the CRD's order.
 * Run by the build right after the generator (operator/pom.xml), on its output:
 *
 * <pre>java PrinterColumns.java &lt;crd.yml&gt; Ready Hosts Replicas ...</pre>
 *
 * The file is the generator's own YAML layout; a column that is missing from the arguments, or an
 * argument that names no column, fails the build, so the order cannot silently drop a column.
 */
public class PrinterColumns {

  private static final String BLOCK = "  - additionalPrinterColumns:";
  private static final String ITEM = "    - ";
  private static final String ITEM_BODY = "      ";
  private static final Pattern NAME = Pattern.compile("^ {4}[- ] name: \"(.*)\"$");

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    List<String> order = List.of(args).subList(1, args.length);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int start = lines.indexOf(BLOCK);
    if (start < 0) {
      throw new IllegalStateException(file + " has no additionalPrinterColumns");
    }
    Map<String, List<String>> columns = new LinkedHashMap<>();
    int end = start + 1;
    List<String> current = null;
    while (end < lines.size()
        && (lines.get(end).startsWith(ITEM) || lines.get(end).startsWith(ITEM_BODY))) {
      String line = lines.get(end);
      if (line.startsWith(ITEM)) {
        current = new ArrayList<>();
        columns.put("#" + columns.size(), current);
      }
      current.add(line);
      end++;
    }
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (List<String> column : columns.values()) {
      String name = null;
      for (String line : column) {
        Matcher matcher = NAME.matcher(line);
        if (matcher.matches()) {
          name = matcher.group(1);
        }
      }
      if (name == null) {
        throw new IllegalStateException("a printer column without a name: " + column);
      }
      byName.put(name, column);
    }
    if (!byName.keySet().equals(new java.util.HashSet<>(order)) || byName.size() != order.size()) {
      throw new IllegalStateException(
          "the printer columns " + byName.keySet() + " are not exactly the order given: " + order);
    }
    List<String> out = new ArrayList<>(lines.subList(0, start + 1));
    for (String name : order) {
      List<String> column = byName.get(name);
      // The item marker goes on the first line, whichever field the generator wrote first.
      out.addAll(column);
    }
    out.addAll(lines.subList(end, lines.size()));
    Files.write(file, out, StandardCharsets.UTF_8);
  }
}
