package io.akproxy.operator.dependent;

/**
 * A child's name is taken by an object that the resource does not control (made by someone else, or
 * by another resource): the operator leaves it alone and reports the apply as refused.
 */
public class ForeignObjectException extends RuntimeException {

  public ForeignObjectException(String message) {
    super(message);
  }
}
