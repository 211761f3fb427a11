package dev.clave.charts;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What a set of RBAC rules grants, read the way the API server reads it. */
final class Rbac {
  private Rbac() {}

  /** The verbs granted on RESOURCE (e.g. {@code nodes/status}) of API group GROUP ("" is the core group). */
  static Set<String> verbs(List<PolicyRule> rules, String group, String resource) {
    Set<String> verbs = new TreeSet<>();
    for (PolicyRule r : rules) {
      boolean groupMatches = r.getApiGroups().contains(group) || r.getApiGroups().contains("*");
      boolean resourceMatches = r.getResources().contains(resource) || r.getResources().contains("*");
      if (groupMatches && resourceMatches && (r.getResourceNames() == null || r.getResourceNames().isEmpty())) {
        verbs.addAll(r.getVerbs());
      }
    }
    return verbs;
  }

  /** The verbs granted on RESOURCE of GROUP for the object named NAME: rules for all names, and rules naming it. */
  static Set<String> verbs(List<PolicyRule> rules, String group, String resource, String name) {
    Set<String> verbs = new TreeSet<>();
    for (PolicyRule r : rules) {
      boolean groupMatches = r.getApiGroups().contains(group) || r.getApiGroups().contains("*");
      boolean resourceMatches = r.getResources().contains(resource) || r.getResources().contains("*");
      boolean nameMatches = r.getResourceNames() == null || r.getResourceNames().isEmpty() || r.getResourceNames().contains(name);
      if (groupMatches && resourceMatches && nameMatches) {
        verbs.addAll(r.getVerbs());
      }
    }
    return verbs;
  }
}
