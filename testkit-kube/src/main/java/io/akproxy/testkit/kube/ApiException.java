package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the API server refuses, answered as a Kubernetes {@code Status} object: the HTTP code,
 * the machine-readable reason ({@code Conflict}, {@code Invalid}, {@code Gone}, ...) and the
 * message a real server would give.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;
  private final String kind;
  private final String name;
  private final String group;
  private final String causeField;

  ApiException(int code, String reason, String message) {
    this(code, reason, message, null, null, null, null);
  }

  ApiException(
      int code,
      String reason,
      String message,
      String group,
      String kind,
      String name,
      String causeField) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causeField = causeField;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  static ApiException notFound(ResourceType type, String name) {
    return new ApiException(
        404,
        "NotFound",
        type.plural() + qualified(type) + " \"" + name + "\" not found",
        type.group(),
        type.plural(),
        name,
        null);
  }

  static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(
        409,
        "AlreadyExists",
        type.plural() + qualified(type) + " \"" + name + "\" already exists",
        type.group(),
        type.plural(),
        name,
        null);
  }

  /** What a PUT or PATCH with a stale resourceVersion gets. */
  static ApiException conflict(ResourceType type, String name) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.plural()
            + qualified(type)
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        type.group(),
        type.plural(),
        name,
        null);
  }

  /**
   * 422 with the field that is wrong, shaped like the apiserver's field.ErrorList: {@code
   * Deployment.apps "x" is invalid: spec.selector: Invalid value: ...: field is immutable}.
   */
  static ApiException invalid(ResourceType type, String name, String field, String detail) {
    return new ApiException(
        422,
        "Invalid",
        type.kind()
            + (type.group().isEmpty() ? "" : "." + type.group())
            + " \""
            + name
            + "\" is invalid: "
            + field
            + ": "
            + detail,
        type.group(),
        type.kind(),
        name,
        field);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  static ApiException gone(String message) {
    return new ApiException(410, "Expired", message);
  }

  static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json-patch+json, application/merge-patch+json,"
            + " application/strategic-merge-patch+json (built-in kinds); got "
            + contentType);
  }

  static ApiException methodNotAllowed(String method) {
    return new ApiException(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }

  private static String qualified(ResourceType type) {
    return type.group().isEmpty() ? "" : "." + type.group();
  }

  /** The {@code Status} body. */
  ObjectNode toStatus() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", getMessage());
    status.put("reason", reason);
    if (kind != null || name != null) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        details.put("group", group);
      }
      if (kind != null) {
        details.put("kind", kind);
      }
      if (causeField != null) {
        ObjectNode cause = details.putArray("causes").addObject();
        cause.put("reason", "FieldValueInvalid");
        cause.put("message", getMessage());
        cause.put("field", causeField);
      }
    }
    status.put("code", code);
    return status;
  }
}
