# akproxy: the verbs a user and CI need. Everything runs through the Maven wrapper, so the only
# prerequisite is a JDK 17+; the wrapper fetches Maven itself.

MVN ?= ./mvnw
MVN_FLAGS ?= -B -ntp

.PHONY: help build test fmt clean crds bench-operator images demo demo-check run package-quiet deps mutation

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

build: ## compile, check formatting, package the jars (no tests)
	$(MVN) $(MVN_FLAGS) -DskipTests install

test: ## every module's tests, the format and CRD drift checks, then the demo's own check
	$(MVN) $(MVN_FLAGS) verify
	$(DEMO_JAVA) io.akproxy.e2e.Demo --check

fmt: ## apply google-java-format to every module
	$(MVN) $(MVN_FLAGS) spotless:apply

deps: ## list newer releases of the dependencies, plugins and version properties (changes nothing)
	$(MVN) $(MVN_FLAGS) versions:display-dependency-updates versions:display-plugin-updates \
		versions:display-property-updates -DprocessDependencyManagementTransitive=false \
		-Dmaven.version.ignore='(?i).*[.-](alpha|beta|m|rc|cr|snapshot)[.-]?[0-9]*'

clean: ## remove build output
	$(MVN) $(MVN_FLAGS) clean

images: build ## build the operator and runtime container images (needs docker, podman or buildah)
	images/build.sh

.PHONY: bench
bench: ## akproxy vs nginx on loopback, table to stdout and bench/results/latest.txt (not part of test)
	$(MVN) $(MVN_FLAGS) -q -pl proxy-runtime -am -DskipTests package
	bench/run.sh

# PIT on one module at a time: proxy-config whole, the operator's pure model/ package with the
# model's own tests. Upstream modules pulled in by -am have nothing matching and are skipped.
# Reports: <module>/target/pit-reports/index.html (and mutations.xml).
PIT = $(MVN) $(MVN_FLAGS) test-compile org.pitest:pitest-maven:mutationCoverage -Dthreads=$(or $(PIT_THREADS),2)

mutation: ## mutation testing (PIT) of proxy-config and the operator's model/; scores printed (not part of test)
	$(PIT) -pl proxy-config -am -DtargetClasses='io.akproxy.config.*' -DtargetTests='io.akproxy.config.*'
	$(PIT) -pl operator -am -DtargetClasses='io.akproxy.operator.model.*' -DtargetTests='io.akproxy.operator.model.*'
	@for module in proxy-config operator; do \
		report=$$module/target/pit-reports/mutations.xml; \
		total=$$(grep -c '<mutation ' $$report); detected=$$(grep -c "detected='true'" $$report); \
		echo "$$module: mutation score $$(((100 * detected + total / 2) / total))% ($$detected of $$total mutants detected;" \
			"$$(grep -c "status='SURVIVED'" $$report) survived, $$(grep -c "status='NO_COVERAGE'" $$report) not covered)"; \
	done

crds: ## regenerate crds/ from the operator's API classes (the build fails while crds/ is stale)
	$(MVN) $(MVN_FLAGS) -q -pl operator -am -DskipTests process-classes
	cp operator/target/classes/META-INF/fabric8/authentikproxies.akproxy.io-v1.yml crds/

# The demo runs with plain java on the e2e module's classpath (written at package time), so Ctrl-C
# reaches it directly and stops the runtime, the operator and the embedded API server cleanly.
DEMO_JAVA = java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	-Dakproxy.runtime.jar=proxy-runtime/target/proxy-runtime.jar \
	-cp "e2e/target/classes:$$(cat e2e/target/classpath.txt)"

package-quiet:
	$(MVN) $(MVN_FLAGS) -q -DskipTests package

demo: package-quiet ## the whole loop on an embedded API server, no cluster needed (Ctrl-C stops it)
	$(DEMO_JAVA) io.akproxy.e2e.Demo

demo-check: package-quiet ## the same demo, non-interactive: exits non-zero if any step did not happen
	$(DEMO_JAVA) io.akproxy.e2e.Demo --check

# Development against a real cluster (kind, ...): the CRD applied to the current kubeconfig
# context, then the operator from source, watching the context's namespace unless
# AKPROXY_WATCH_NAMESPACES says otherwise.
run: ## run the operator from source against the current kubeconfig context (CRDs applied first)
	$(MVN) $(MVN_FLAGS) -q -DskipTests -pl operator -am package dependency:build-classpath \
		-Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
	kubectl apply -f crds/
	AKPROXY_LEADER_ELECTION=$${AKPROXY_LEADER_ELECTION:-false} \
		java -cp "operator/target/classes:$$(cat operator/target/classpath.txt)" io.akproxy.operator.Main

bench-operator: ## 200 AuthentikProxy resources on the mock API server, alone and beside 10,000 unrelated Secrets: time to Ready, requests, operator heap, no-op resync writes
	$(MVN) $(MVN_FLAGS) -q -DskipTests -pl operator -am test-compile dependency:build-classpath \
		-Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
	for secrets in 0 $(or $(SECRETS),10000); do \
		java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
			-cp "operator/target/test-classes:operator/target/classes:$$(cat operator/target/test-classpath.txt)" \
			io.akproxy.operator.bench.OperatorScaleBenchmark $(or $(COUNT),200) $$secrets || exit 1; \
	done
