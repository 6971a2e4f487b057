package dev.darkroom.emulators.storage;

/** A refusal on the XML API routes (signed URLs), rendered as GCS's {@code <Error>} document. */
final class XmlApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String details;
  private final String stringToSign;
  private final String canonicalRequest;

  XmlApiException(int status, String code, String message, String details) {
    this(status, code, message, details, null, null);
  }

  XmlApiException(int status, String code, String message, String details, String stringToSign,
      String canonicalRequest) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.stringToSign = stringToSign;
    this.canonicalRequest = canonicalRequest;
  }

  static XmlApiException from(GcsException e) {
    String code = switch (e.status()) {
      case 404 -> e.getMessage().contains("bucket") ? "NoSuchBucket" : "NoSuchKey";
      case 412 -> "PreconditionFailed";
      case 416 -> "InvalidRange";
      case 503 -> "ServiceUnavailable";
      default -> "InvalidArgument";
    };
    return new XmlApiException(e.status(), code, e.getMessage(), null);
  }

  int status() {
    return status;
  }

  String toXml() {
    StringBuilder xml = new StringBuilder("<?xml version='1.0' encoding='UTF-8'?><Error>");
    element(xml, "Code", code);
    element(xml, "Message", getMessage());
    element(xml, "Details", details);
    element(xml, "StringToSign", stringToSign);
    element(xml, "CanonicalRequest", canonicalRequest);
    return xml.append("</Error>").toString();
  }

  private static void element(StringBuilder xml, String name, String text) {
    if (text == null) {
      return;
    }
    xml.append('<').append(name).append('>');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> xml.append("&lt;");
        case '>' -> xml.append("&gt;");
        case '&' -> xml.append("&amp;");
        case '\'' -> xml.append("&apos;");
        case '"' -> xml.append("&quot;");
        default -> xml.append(c);
      }
    }
    xml.append("</").append(name).append('>');
  }
}
