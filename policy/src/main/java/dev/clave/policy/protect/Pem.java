package dev.clave.policy.protect;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A strict reader of PEM text (RFC 7468): {@code -----BEGIN LABEL-----}, base64 lines, {@code -----END LABEL-----}
 * with the same label. Text around blocks is ignored, as openssl does; RFC 1421 headers ({@code Proc-Type:}, used
 * by encrypted legacy keys) are refused.
 */
final class Pem {
  static final int MAX_TEXT = 1 << 20;
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  private Pem() {}

  /** One block: its label ("CERTIFICATE", "PUBLIC KEY") and decoded contents. */
  record Block(String label, byte[] der) {}

  static boolean looksLikePem(String text) {
    return text.contains(BEGIN);
  }

  static List<Block> blocks(String text) {
    if (text.length() > MAX_TEXT) {
      throw new InvalidEncodingException("PEM text of " + text.length() + " characters, more than the " + MAX_TEXT + " allowed");
    }
    List<Block> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith(BEGIN)) {
        continue;
      }
      if (!line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
        throw new InvalidEncodingException("PEM line " + (i + 1) + ": malformed BEGIN line");
      }
      String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
      int beginLine = i + 1;
      StringBuilder body = new StringBuilder();
      boolean ended = false;
      for (i++; i < lines.length; i++) {
        String l = lines[i].strip();
        if (l.startsWith(END)) {
          String endLabel = l.endsWith(DASHES) ? l.substring(END.length(), Math.max(END.length(), l.length() - DASHES.length())) : null;
          if (!label.equals(endLabel)) {
            throw new InvalidEncodingException("PEM line " + (i + 1) + ": END line does not match \"BEGIN " + label
                + "\" on line " + beginLine);
          }
          ended = true;
          break;
        }
        if (l.startsWith(BEGIN)) {
          break;
        }
        if (l.contains(":")) {
          throw new InvalidEncodingException("PEM line " + (i + 1) + ": headers such as \"" + l.substring(0, l.indexOf(':'))
              + ":\" are not supported (an encrypted legacy key? convert it to unencrypted PKCS#8 with openssl pkey)");
        }
        body.append(l);
      }
      if (!ended) {
        throw new InvalidEncodingException("PEM block \"" + label + "\" on line " + beginLine + " has no END line");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(body.toString());
      } catch (IllegalArgumentException e) {
        throw new InvalidEncodingException("PEM block \"" + label + "\" on line " + beginLine + " is not valid base64 ("
            + e.getMessage().toLowerCase(Locale.ROOT) + ")");
      }
      if (der.length == 0) {
        throw new InvalidEncodingException("PEM block \"" + label + "\" on line " + beginLine + " is empty");
      }
      blocks.add(new Block(label, der));
    }
    return blocks;
  }

  /** The one block with one of the given labels; blocks with other labels are ignored. */
  static Block single(String text, String what, String... labels) {
    List<Block> matching = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Block b : blocks(text)) {
      if (List.of(labels).contains(b.label())) {
        matching.add(b);
      } else {
        others.add(b.label());
      }
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    String wanted = String.join(" or ", labels);
    if (matching.isEmpty()) {
      throw new InvalidEncodingException("no PEM " + wanted + " block" + (others.isEmpty() ? "" : " (found " + String.join(", ", others) + ")")
          + "; expected " + what);
    }
    throw new InvalidEncodingException(matching.size() + " PEM " + wanted + " blocks; expected exactly one (" + what + ")");
  }

  static String encode(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
