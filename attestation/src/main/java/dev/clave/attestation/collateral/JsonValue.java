package dev.clave.attestation.collateral;

import java.util.List;
import java.util.Map;

/**
 * A JSON value as {@link StrictJson} read it, with the byte span it occupies in the input ({@code start}
 * inclusive, {@code end} exclusive). The span is what lets a signed object be verified over the bytes that
 * were actually served instead of over a re-serialisation.
 */
sealed interface JsonValue {
  int start();

  int end();

  /** What kind of value this is, for error messages ("an object", "a string", …). */
  String kind();

  /** Members in document order; keys are unique (duplicates are rejected while parsing). */
  record Obj(Map<String, JsonValue> members, int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return "an object";
    }
  }

  record Arr(List<JsonValue> elements, int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return "an array";
    }
  }

  record Str(String value, int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return "a string";
    }
  }

  /** A number, kept as its lexeme (already checked against the JSON grammar) so no precision is lost. */
  record Num(String lexeme, int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return "a number";
    }
  }

  record Bool(boolean value, int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return value ? "true" : "false";
    }
  }

  record Null(int start, int end) implements JsonValue {
    @Override
    public String kind() {
      return "null";
    }
  }
}
