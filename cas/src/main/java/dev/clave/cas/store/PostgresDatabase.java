package dev.clave.cas.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach the PostgreSQL database of a shared store: a JDBC URL ({@code jdbc:postgresql://host:port/db}, TLS
 * options as the driver documents them, e.g. {@code ?sslmode=verify-full}), a user and a password. The password
 * is never printed: {@link #toString} and every message leave it out.
 */
public record PostgresDatabase(String url, String user, String password) {
  public PostgresDatabase {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the database URL must start with jdbc:postgresql:, not "
          + redacted(url));
    }
  }

  /**
   * A new connection. A database that stops answering surfaces as an error after a minute instead of hanging
   * the CAS (parameters in the URL override these).
   */
  Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "clave-cas");
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(url, p);
  }

  /** The URL without its query (which may carry a password or key file names). */
  public String displayUrl() {
    return redacted(url);
  }

  private static String redacted(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?…";
  }

  @Override
  public String toString() {
    return "PostgresDatabase[" + displayUrl() + ", user " + user + (password != null ? ", password set" : "") + "]";
  }
}
