package io.akproxy.testkit.kube;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Resource quantities in the canonical spelling a real API server stores ({@code 0.1} → {@code
 * 100m}, {@code 1000} → {@code 1k}, {@code 2048Mi} → {@code 2Gi}): rounded up to milli units
 * (SetDefaults_ResourceList), then written with the largest suffix of the input's format that keeps
 * the value whole (apimachinery resource.Quantity.CanonicalizeBytes).
 */
final class Quantities {

  private static final Map<String, Integer> BINARY =
      Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
  private static final Map<Integer, String> BINARY_BY_BITS =
      Map.of(10, "Ki", 20, "Mi", 30, "Gi", 40, "Ti", 50, "Pi", 60, "Ei");
  private static final List<String> DECIMAL_SUFFIXES =
      List.of("n", "u", "m", "", "k", "M", "G", "T", "P", "E");
  private static final Map<String, Integer> DECIMAL =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);

  private Quantities() {}

  static String canonical(String text) {
    try {
      return canonicalOrThrow(text.trim());
    } catch (RuntimeException e) {
      return text; // Validation is not simulated: an unparseable quantity is stored as sent.
    }
  }

  private static String canonicalOrThrow(String text) {
    int split = 0;
    while (split < text.length() && "+-0123456789.".indexOf(text.charAt(split)) >= 0) {
      split++;
    }
    BigDecimal number = new BigDecimal(text.substring(0, split));
    String suffix = text.substring(split);
    BigDecimal value;
    String format;
    if (BINARY.containsKey(suffix)) {
      value = number.multiply(new BigDecimal(BigInteger.TWO.pow(BINARY.get(suffix))));
      format = "binary";
    } else if (DECIMAL.containsKey(suffix)) {
      value = number.scaleByPowerOfTen(DECIMAL.get(suffix));
      format = "decimal";
    } else if (suffix.startsWith("e") || suffix.startsWith("E")) {
      value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
      format = "exponent";
    } else {
      return text;
    }
    value = value.setScale(3, RoundingMode.CEILING).stripTrailingZeros();
    if (format.equals("binary")
        && value.abs().compareTo(BigDecimal.valueOf(1024)) >= 0
        && value.stripTrailingZeros().scale() <= 0) {
      BigInteger whole = value.toBigIntegerExact();
      int bits = 60;
      while (bits > 0 && !whole.mod(BigInteger.TWO.pow(bits)).equals(BigInteger.ZERO)) {
        bits -= 10;
      }
      if (bits == 0) {
        return whole.toString();
      }
      String binarySuffix = BINARY_BY_BITS.get(bits);
      return whole.shiftRight(bits) + binarySuffix;
    }
    if (format.equals("exponent")) {
      int exponent = 18;
      while (exponent > -9 && !isWhole(value.scaleByPowerOfTen(-exponent))) {
        exponent -= 3;
      }
      BigDecimal mantissa = value.scaleByPowerOfTen(-exponent).stripTrailingZeros();
      return mantissa.toPlainString() + (exponent == 0 ? "" : "e" + exponent);
    }
    for (int i = DECIMAL_SUFFIXES.size() - 1; i >= 0; i--) {
      String decimalSuffix = DECIMAL_SUFFIXES.get(i);
      BigDecimal scaled = value.scaleByPowerOfTen(-DECIMAL.get(decimalSuffix));
      if (isWhole(scaled)) {
        return scaled.stripTrailingZeros().toPlainString() + decimalSuffix;
      }
    }
    return value.toPlainString();
  }

  private static boolean isWhole(BigDecimal value) {
    return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
  }
}
