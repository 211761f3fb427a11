package dev.clave.policy;

import dev.clave.policy.secrets.SecretSpec;
import java.util.List;

/**
 * A valid session (policy) in the SCONE session language v0.3: the result of {@link PolicyParser}. A
 * session that parsed is fully valid: names are unique, references resolve, values have their formats.
 *
 * @param name the session name; {@code /} separates namespaces
 * @param version the language version as written ("0.3" or "0.3.N")
 * @param predecessor the hash of the session this one replaces (64 lowercase hex), or null on creation
 * @param namespaceHash the expected hash of the parent namespace session, or null
 * @param salt 32 lowercase hex, or null
 * @param creator filled in by CAS on upload (the creator's certificate PEM or signer key), else null
 * @param accessPolicy the access rules, defaults filled in
 * @param security the attestation settings
 * @param services the services
 * @param images the images
 * @param volumes the volumes
 * @param secrets the secrets
 */
public record Session(
    String name,
    String version,
    String predecessor,
    String namespaceHash,
    String salt,
    String creator,
    AccessPolicy accessPolicy,
    Security security,
    List<Service> services,
    List<Image> images,
    List<Volume> volumes,
    List<SecretSpec> secrets) {

  public Session {
    services = List.copyOf(services);
    images = List.copyOf(images);
    volumes = List.copyOf(volumes);
    secrets = List.copyOf(secrets);
  }

  /** The service called {@code name}, or null. */
  public Service service(String serviceName) {
    for (Service s : services) {
      if (s.name().equals(serviceName)) {
        return s;
      }
    }
    return null;
  }

  /** The image called {@code name}, or null. */
  public Image image(String imageName) {
    for (Image i : images) {
      if (i.name().equals(imageName)) {
        return i;
      }
    }
    return null;
  }

  /** This session with {@code creator} set, as CAS records it on upload. */
  public Session withCreator(String newCreator) {
    return new Session(name, version, predecessor, namespaceHash, salt, newCreator, accessPolicy, security, services,
        images, volumes, secrets);
  }

  /** The session hash: 64 lowercase hex ({@link SessionHash}). */
  public String hash() {
    return SessionHash.of(this);
  }

  @Override
  public String toString() {
    return "Session[" + name + ", " + services.size() + " services, " + secrets.size() + " secrets]";
  }
}
