#!/usr/bin/env bash
# Runs the whole test suite and ends with one line "N passed, N failed" taken from the TRX results file.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/setup-native.sh || exit 1
results="$here/TestResults"
rm -rf "$results"
dotnet test tests/Adversa.Tests -c Release -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?
passed=0; failed=0; skipped=0; found=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  found=1
  c=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  get() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$c"; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  file_failed=$(($(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # A crashed or aborted test host leaves the counters of the tests that did run, all passed, and says so only
  # in the summary's outcome and its run messages: count that run as a failure and show why.
  outcome=$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$f" | head -n 1 | sed -E 's/.*"([A-Za-z]*)"/\1/')
  if [ "$file_failed" = 0 ] && [ -n "$outcome" ] && [ "$outcome" != "Completed" ] && [ "$outcome" != "Passed" ]; then
    file_failed=1
    echo "test run outcome: $outcome after $executed of the tests ran"
    perl -0777 -ne 'while (/<RunInfo [^>]*outcome="(?:Error|Failed|Aborted)"[^>]*>.*?<Text>(.*?)<\/Text>/sg) { print "  $1\n" }' "$f" | head -n 20
  fi
  failed=$((failed + file_failed))
  skipped=$((skipped + total - executed))
done
if [ "$found" = 0 ]; then
  echo "no test results were written (build failure?)"
  echo "0 passed, 1 failed"
  exit 1
fi
# The console log is long; repeat each failure (name, message, first stack lines) just above the count line.
if [ "$failed" -gt 0 ]; then
  echo "---- failed tests ----"
  perl -0777 -ne 'while (/<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed"[^>]*>(.*?)<\/UnitTestResult>/sg) {
      my ($n, $b) = ($1, $2); my ($m) = $b =~ /<Message>(.*?)<\/Message>/s; my ($t) = $b =~ /<StackTrace>(.*?)<\/StackTrace>/s;
      for ($m, $t) { $_ //= ""; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/&/g; }
      my @st = (split /\n/, $t)[0..5]; print "FAILED $n\n  $m\n", map({ defined $_ ? "  $_\n" : "" } @st); }' "$results"/*.trx
  echo "----------------------"
fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$status" = 0 ] && [ "$failed" = 0 ]
