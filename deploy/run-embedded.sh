#!/usr/bin/env bash
# Starts the whole Packwright system on this machine: embedded PostgreSQL, Temporal's Java test
# server, the worker and the API. Builds the jars first when they are missing or older than the
# sources. Arguments go to the launcher (--help lists its environment variables and subcommands;
# 'agent --api <url> --token-file <file>' runs the runtime agent instead of the stack).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

launcher=deploy/target/packwright-embedded.jar
stack_jars=(deploy/target/stack/packwright-api.jar deploy/target/stack/packwright-worker.jar
  deploy/target/stack/packwright-agent.jar)

needs_build() {
  local jar
  for jar in "$launcher" "${stack_jars[@]}"; do
    [[ -f "$jar" ]] || return 0
  done
  [[ -n "$(find . -path ./.git -prune -o -path '*/target' -prune -o -name pom.xml -newer "$launcher" -print -quit)" ]] \
    && return 0
  [[ -n "$(find ./*/src/main -type f -newer "$launcher" -print -quit 2>/dev/null)" ]] && return 0
  return 1
}

if needs_build; then
  echo "Building Packwright (./mvnw -B -q -DskipTests package) ..." >&2
  ./mvnw -B -q -DskipTests package
fi

java_cmd=java
if [[ -n "${JAVA_HOME:-}" ]]; then
  java_cmd="$JAVA_HOME/bin/java"
fi
exec "$java_cmd" -jar "$launcher" "$@"
