#!/usr/bin/env bash
# A coverage-guided fuzzing campaign (Jazzer): each @FuzzTest target in turn, one at a time, for up to
# EXECUTIONS inputs or DURATION, whichever comes first (SECURITY.md "Fuzzing" records one campaign).
#
#   tools/fuzz-campaign.sh [EXECUTIONS] [DURATION] [TARGET-FILTER]
#   tools/fuzz-campaign.sh 1000000 30m            # every target
#   tools/fuzz-campaign.sh 100000 5m Manifest     # the targets whose name contains "Manifest"
#
# Needs the modules installed once (./mvnw -B -q -DskipTests install). The corpus grows in
# <module>/.cifuzz-corpus/ (ignored by git); a finding is written to the target's
# src/test/resources/.../<Test>Inputs/<method>/ directory, where ./mvnw verify then runs it as a regression test:
# fix the bug, give the file a name that says what it is, and commit it. Logs: target/fuzz-campaign/.
set -euo pipefail
cd "$(dirname "$0")/.."

EXECUTIONS=${1:-1000000}
DURATION=${2:-30m}
FILTER=${3:-}
TARGETS=(
  "common io.github.sysched.annotation.SyscallAnnotationFuzzTest#decodeAcceptsOrRefusesWithTheDocumentedException"
  "common io.github.sysched.annotation.SyscallAnnotationFuzzTest#encodeThenDecodeIsTheIdentity"
  "scheduler io.github.sysched.scheduler.extender.ExtenderRequestFuzzTest#extenderRequest"
  "simulator io.github.sysched.simulation.ManifestFuzzTest#manifest"
  "webhook io.github.sysched.webhook.fuzz.AdmissionPipelineFuzzTest#admissionReview"
)
mkdir -p target/fuzz-campaign
summary=target/fuzz-campaign/summary.txt
: > "$summary"
for entry in "${TARGETS[@]}"; do
  read -r module test <<<"$entry"
  [[ -n "$FILTER" && "$test" != *"$FILTER"* ]] && continue
  log="target/fuzz-campaign/${test##*.}.log"
  echo "== $test (up to $EXECUTIONS executions or $DURATION)"
  status=0
  # coverage of all our classes (Jazzer's default is the test's package only); hooks as in verify (our classes)
  JAZZER_FUZZ=1 ./mvnw -B -pl "$module" test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_executions="$EXECUTIONS" -Djazzer.max_duration="$DURATION" \
      -Djazzer.instrument='io.github.sysched.**' >"$log" 2>&1 || status=$?
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  coverage=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
  finding=$(grep -m1 -E 'FuzzTestFindingException|== Java Exception' "$log" || true)
  line="$test: ${done_line:-no Done line} ${coverage:+($coverage)} exit $status${finding:+ FINDING: $finding}"
  echo "$line" | tee -a "$summary"
done
echo "summary: $summary"
