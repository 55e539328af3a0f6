package io.akproxy.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** Operational log lines on stderr: {@code <instant> <LEVEL> <message>}, one line each. */
final class OneLineFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(128);
    line.append(Instant.ofEpochMilli(record.getMillis()))
        .append(' ')
        .append(record.getLevel().getName())
        .append(' ')
        .append(formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append('\n').append(trace.toString().stripTrailing());
    }
    return line.append('\n').toString();
  }
}
