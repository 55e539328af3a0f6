package io.akproxy.operator.model;

/**
 * Every condition reason the operator writes, typed, so that nothing ever matches on message text.
 * docs/resource.md explains each and what to do about it.
 */
public enum Reason {
  // Ready
  READY("Ready"),
  APPLY_FAILED("ApplyFailed"),
  // Accepted
  SPEC_VALID("SpecValid"),
  INVALID_SPEC("InvalidSpec"),
  // TLSReady
  CERTIFICATE_VALID("CertificateValid"),
  CERTIFICATE_EXPIRING_SOON("CertificateExpiringSoon"),
  SECRET_NOT_FOUND("SecretNotFound"),
  SECRET_WRONG_TYPE("SecretWrongType"),
  CERTIFICATE_INVALID("CertificateInvalid"),
  KEY_INVALID("KeyInvalid"),
  KEY_MISMATCH("KeyMismatch"),
  CERTIFICATE_EXPIRED("CertificateExpired"),
  CERTIFICATE_NOT_YET_VALID("CertificateNotYetValid"),
  HOSTS_NOT_COVERED("HostsNotCovered"),
  // UpstreamResolved
  SERVICE_RESOLVED("ServiceResolved"),
  URL_CONFIGURED("UrlConfigured"),
  SERVICE_NOT_FOUND("ServiceNotFound"),
  SERVICE_PORT_NOT_FOUND("ServicePortNotFound"),
  CA_SECRET_NOT_FOUND("CaSecretNotFound"),
  CA_SECRET_INVALID("CaSecretInvalid"),
  // Available
  MINIMUM_REPLICAS_AVAILABLE("MinimumReplicasAvailable"),
  REPLICAS_UNAVAILABLE("ReplicasUnavailable"),
  DEPLOYMENT_PENDING("DeploymentPending"),
  ROLLOUT_IN_PROGRESS("RolloutInProgress"),
  ROLLOUT_STUCK("RolloutStuck"),
  // Available, ConfigApplied and Ready: holds
  SCALED_TO_ZERO("ScaledToZero"),
  // ConfigApplied
  CONFIG_SERVED("ConfigServed"),
  PROPAGATING("Propagating"),
  RELOAD_FAILED("ReloadFailed"),
  POD_STATUS_UNREADABLE("PodStatusUnreadable"),
  NO_READY_PODS("NoReadyPods"),
  NOTHING_APPLIED("NothingApplied"),
  // Reconciling and Stalled while they are False (while True they carry the reason at fault)
  RECONCILED("Reconciled"),
  NOT_STALLED("NotStalled");

  private final String value;

  Reason(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
