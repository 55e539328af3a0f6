# akproxy: the verbs a user and CI need. Everything runs through the Maven wrapper, so the only
# prerequisite is a JDK 17+; the wrapper fetches Maven itself.

MVN ?= ./mvnw
MVN_FLAGS ?= -B -ntp

.PHONY: help build test fmt clean crds images

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

build: ## compile, check formatting, package the jars (no tests)
	$(MVN) $(MVN_FLAGS) -DskipTests install

test: ## run every module's unit and integration tests, the format check and the CRD drift check
	$(MVN) $(MVN_FLAGS) verify

fmt: ## apply google-java-format to every module
	$(MVN) $(MVN_FLAGS) spotless:apply

clean: ## remove build output
	$(MVN) $(MVN_FLAGS) clean

images: build ## build the operator and runtime container images (needs docker, podman or buildah)
	images/build.sh

.PHONY: bench
bench: ## akproxy vs nginx on loopback, table to stdout and bench/results/latest.txt (not part of test)
	$(MVN) $(MVN_FLAGS) -q -pl proxy-runtime -am -DskipTests package
	bench/run.sh

crds: ## regenerate crds/ from the operator's API classes (the build fails while crds/ is stale)
	$(MVN) $(MVN_FLAGS) -q -pl operator -am -DskipTests process-classes
	cp operator/target/classes/META-INF/fabric8/authentikproxies.akproxy.io-v1.yml crds/
