package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Python's built-in conversions and text forms applied to JSON values, because ComfyUI's error
 * messages and coercions are Python's ({@code int("5.7")} fails, {@code int(5.7)} is 5,
 * {@code bool("false")} is true, {@code str(1.0)} is "1.0").
 */
final class PyValues {

  private static final Pattern INT_LITERAL = Pattern.compile("[+-]?\\d(?:_?\\d)*");
  private static final Pattern FLOAT_LITERAL =
      Pattern.compile(
          "[+-]?(?:(?:\\d(?:_?\\d)*(?:\\.(?:\\d(?:_?\\d)*)?)?|\\.\\d(?:_?\\d)*)"
              + "(?:[eE][+-]?\\d(?:_?\\d)*)?|nan|inf|infinity)",
          Pattern.CASE_INSENSITIVE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private PyValues() {}

  /** Python's type name of a JSON value, as it appears in TypeError messages. */
  static String typeName(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "NoneType";
    if (v.isBoolean()) return "bool";
    if (v.isIntegralNumber()) return "int";
    if (v.isNumber()) return "float";
    if (v.isTextual()) return "str";
    if (v.isArray()) return "list";
    return "dict";
  }

  /** {@code int(v)}. */
  static JsonNode toInt(JsonNode v) {
    if (v.isBoolean()) return IntNode.valueOf(v.booleanValue() ? 1 : 0);
    if (v.isIntegralNumber()) return intNode(v.bigIntegerValue());
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isNaN(d)) throw new PyException("ValueError", "cannot convert float NaN to integer");
      if (Double.isInfinite(d)) {
        throw new PyException("OverflowError", "cannot convert float infinity to integer");
      }
      return intNode(new BigDecimal(d).toBigInteger());
    }
    if (v.isTextual()) {
      String s = v.textValue().strip();
      if (!INT_LITERAL.matcher(s).matches()) {
        throw new PyException(
            "ValueError", "invalid literal for int() with base 10: " + repr(v));
      }
      return intNode(new BigInteger(s.replace("_", "")));
    }
    throw PyException.typeError(
        "int() argument must be a string, a bytes-like object or a real number, not '"
            + typeName(v)
            + "'");
  }

  /** {@code float(v)}. */
  static JsonNode toFloat(JsonNode v) {
    if (v.isBoolean()) return DoubleNode.valueOf(v.booleanValue() ? 1.0 : 0.0);
    if (v.isIntegralNumber()) {
      double d = v.bigIntegerValue().doubleValue();
      if (Double.isInfinite(d)) throw new PyException("OverflowError", "int too large to convert to float");
      return DoubleNode.valueOf(d);
    }
    if (v.isNumber()) return DoubleNode.valueOf(v.doubleValue());
    if (v.isTextual()) {
      String s = v.textValue().strip();
      if (!FLOAT_LITERAL.matcher(s).matches()) {
        throw new PyException("ValueError", "could not convert string to float: " + repr(v));
      }
      String lower = s.toLowerCase().replace("_", "");
      String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
      double sign = lower.startsWith("-") ? -1.0 : 1.0;
      if (unsigned.equals("nan")) return DoubleNode.valueOf(Double.NaN);
      if (unsigned.startsWith("inf")) return DoubleNode.valueOf(sign * Double.POSITIVE_INFINITY);
      return DoubleNode.valueOf(Double.parseDouble(lower));
    }
    throw PyException.typeError(
        "float() argument must be a string or a real number, not '" + typeName(v) + "'");
  }

  /** {@code bool(v)}: Python truthiness, so the string "false" is true. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull()) return false;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isIntegralNumber()) return v.bigIntegerValue().signum() != 0;
    if (v.isNumber()) return v.doubleValue() != 0.0;
    if (v.isTextual()) return !v.textValue().isEmpty();
    return v.size() > 0;
  }

  /** {@code str(v)}. */
  static String str(JsonNode v) {
    if (v != null && v.isTextual()) return v.textValue();
    return repr(v);
  }

  /** {@code repr(v)}. */
  static String repr(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "None";
    if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
    if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
    if (v.isNumber()) return floatRepr(v.doubleValue());
    if (v.isTextual()) return stringRepr(v.textValue());
    StringBuilder b = new StringBuilder();
    if (v.isArray()) {
      b.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) b.append(", ");
        b.append(repr(v.get(i)));
      }
      return b.append(']').toString();
    }
    b.append('{');
    Iterator<Map.Entry<String, JsonNode>> it = v.fields();
    boolean first = true;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) b.append(", ");
      first = false;
      b.append(stringRepr(e.getKey())).append(": ").append(repr(e.getValue()));
    }
    return b.append('}').toString();
  }

  /** Python's repr of a str: single quotes unless the text holds one and no double quote. */
  static String stringRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder().append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c == quote) {
            b.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append(quote).toString();
  }

  /** Python's repr of a float: shortest digits, exponent form below 1e-4 and from 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0.0) return (1.0 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String sign = bd.signum() < 0 ? "-" : "";
    String digits = bd.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - bd.scale();
    if (exponent >= -4 && exponent < 16) {
      String plain = bd.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }

  /**
   * {@code a < b} for two JSON numbers, exactly (no rounding of big ints); NaN compares false as
   * in Python.
   */
  static boolean lessThan(JsonNode a, JsonNode b) {
    return compare(a, b) < 0;
  }

  static boolean greaterThan(JsonNode a, JsonNode b) {
    return compare(a, b) == 1;
  }

  /** -1, 0, 1, or 2 when either side is NaN (unordered) or not a number. */
  private static int compare(JsonNode a, JsonNode b) {
    BigDecimal x = exact(a);
    BigDecimal y = exact(b);
    double dx = numeric(a);
    double dy = numeric(b);
    if (Double.isNaN(dx) || Double.isNaN(dy)) return 2;
    if (x == null || y == null) return Double.compare(dx, dy);
    return x.compareTo(y);
  }

  private static double numeric(JsonNode v) {
    if (v.isBoolean()) return v.booleanValue() ? 1 : 0;
    if (v.isNumber()) return v.doubleValue();
    return Double.NaN;
  }

  private static BigDecimal exact(JsonNode v) {
    if (v.isBoolean()) return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
    if (v.isIntegralNumber()) return new BigDecimal(v.bigIntegerValue());
    if (v.isNumber() && Double.isFinite(v.doubleValue())) return new BigDecimal(v.doubleValue());
    return null;
  }

  /** Python's {@code ==} between JSON values, where 1 == 1.0 == True. */
  static boolean pyEquals(JsonNode a, JsonNode b) {
    boolean an = a.isNumber() || a.isBoolean();
    boolean bn = b.isNumber() || b.isBoolean();
    if (an && bn) return compare(a, b) == 0;
    if (an || bn) return false;
    return a.equals(b);
  }

  static JsonNode intNode(BigInteger i) {
    if (i.compareTo(LONG_MIN) >= 0 && i.compareTo(LONG_MAX) <= 0) {
      long l = i.longValue();
      return l == (int) l ? IntNode.valueOf((int) l) : LongNode.valueOf(l);
    }
    return BigIntegerNode.valueOf(i);
  }

  static JsonNode text(String s) {
    return TextNode.valueOf(s);
  }

  static JsonNode bool(boolean b) {
    return BooleanNode.valueOf(b);
  }
}
