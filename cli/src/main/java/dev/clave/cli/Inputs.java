package dev.clave.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;

/** Reading user files: bounded, with errors that name the file. */
final class Inputs {
  static final int MAX_FILE = 1 << 20;

  private Inputs() {}

  static byte[] read(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE) {
        throw new Errors.UserError(what + " " + file + " is " + size + " bytes, more than the " + MAX_FILE + " allowed");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Errors.UserError(what + " " + file + " does not exist");
    } catch (IOException e) {
      throw new Errors.UserError("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  /**
   * A quote file: raw binary, or text holding hex or base64 (what tools and logs carry). Text is recognised
   * by being all printable ASCII; hex is tried before base64 because every hex string is also base64.
   */
  static byte[] quote(Path file) {
    byte[] raw = read(file, "quote file");
    if (!isText(raw)) {
      return raw;
    }
    String text = new String(raw, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
    if (text.startsWith("0x")) {
      text = text.substring(2);
    }
    if (text.isEmpty()) {
      throw new Errors.UserError("quote file " + file + " is empty");
    }
    if (text.length() % 2 == 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(text);
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e2) {
        throw new Errors.UserError(
            "quote file " + file + " is text but neither hex nor base64 (" + e.getMessage() + ")");
      }
    }
  }

  private static boolean isText(byte[] b) {
    if (b.length == 0) {
      return true;
    }
    for (byte x : b) {
      if (!(x == '\n' || x == '\r' || x == '\t' || (x >= 0x20 && x < 0x7f))) {
        return false;
      }
    }
    return true;
  }

  /** A certificate file, DER or PEM; returns DER. */
  static byte[] certificate(Path file) {
    byte[] raw = read(file, "certificate file");
    String text = new String(raw, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
    if (begin < 0) {
      return raw;
    }
    int end = text.indexOf("-----END CERTIFICATE-----", begin);
    if (end < 0) {
      throw new Errors.UserError("certificate file " + file + ": PEM block has no END line");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("certificate file " + file + ": PEM block is not valid base64");
    }
  }

  static Instant instant(String value, String option) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new Errors.UserError(
          option + " " + value + " is not an ISO-8601 instant (for example 2025-07-19T10:01:17Z)");
    }
  }
}
