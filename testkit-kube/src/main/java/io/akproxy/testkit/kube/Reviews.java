package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers to the review kinds clients POST and never store. JOSDK's leader election asks a
 * SelfSubjectRulesReview whether it may use Leases before it takes one; the simulation grants every
 * verb on everything (RBAC is checked by the operator's own RbacTest, not here).
 */
final class Reviews {

  private Reviews() {}

  static ObjectNode answer(ResourceType type, ObjectNode review) {
    ObjectNode answer = review.deepCopy();
    answer.put("apiVersion", type.apiVersion());
    answer.put("kind", type.kind());
    ObjectNode status = answer.putObject("status");
    if (type.kind().equals("SelfSubjectRulesReview")) {
      status.put("incomplete", false);
      ArrayNode resourceRules = status.putArray("resourceRules");
      rule(resourceRules, "coordination.k8s.io", "leases", "get", "create", "update");
      rule(resourceRules, "*", "*", "*");
      ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
      nonResource.putArray("verbs").add("*");
      nonResource.putArray("nonResourceURLs").add("*");
    } else {
      status.put("allowed", true);
    }
    return answer;
  }

  private static void rule(ArrayNode rules, String group, String resource, String... verbs) {
    ObjectNode rule = rules.addObject();
    ArrayNode verbList = rule.putArray("verbs");
    for (String verb : verbs) {
      verbList.add(verb);
    }
    rule.putArray("apiGroups").add(group);
    rule.putArray("resources").add(resource);
  }
}
