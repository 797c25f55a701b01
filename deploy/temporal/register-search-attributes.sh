#!/bin/sh
# Registers the typed search attributes of Packwright's release workflows on a Temporal namespace,
# with the Temporal CLI (`temporal`). Run it once per namespace before the first release starts: a
# release workflow that carries an unknown attribute cannot start. Running it again is harmless.
#
# The worker registers the same attributes at start-up through the operator API
# (PACKWRIGHT_WORKER_REGISTER_SEARCH_ATTRIBUTES); this script is for clusters where its
# credentials may not, such as Temporal Cloud with an API key. There the namespace's search
# attributes can also be added in the Cloud UI or with `tcld namespace search-attributes add`.
#
# It reads the connection from the same environment variables as the api and the worker:
# TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (read by the CLI itself, never put on a
# command line), TEMPORAL_TLS_ENABLED, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
# TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME.
set -eu

# Name and type of every attribute, one per line. Keep them identical to
# io.packwright.workflows.release.ReleaseSearchAttributes: SearchAttributeScriptTest in deploy
# fails the build when they differ.
ATTRIBUTES='
PackwrightPackId Keyword
PackwrightPartnerAccountId Keyword
PackwrightReleaseNumber Int
PackwrightReleaseSchedule Keyword
PackwrightWindowStart Datetime
PackwrightReleaseStatus Keyword
'

if ! command -v temporal >/dev/null 2>&1; then
    echo "register-search-attributes: the Temporal CLI 'temporal' is not on the PATH (https://docs.temporal.io/cli)" >&2
    exit 2
fi

namespace=${TEMPORAL_NAMESPACE:-default}
set -- --address "${TEMPORAL_ADDRESS:-127.0.0.1:7233}" --namespace "$namespace"
tls=${TEMPORAL_TLS_ENABLED:-false}
if [ -n "${TEMPORAL_TLS_CLIENT_CERT_PATH:-}" ]; then
    set -- "$@" --tls-cert-path "$TEMPORAL_TLS_CLIENT_CERT_PATH" --tls-key-path "${TEMPORAL_TLS_CLIENT_KEY_PATH:?TEMPORAL_TLS_CLIENT_KEY_PATH must be set with TEMPORAL_TLS_CLIENT_CERT_PATH}"
    tls=true
fi
if [ -n "${TEMPORAL_TLS_SERVER_CA_CERT_PATH:-}" ]; then
    set -- "$@" --tls-ca-path "$TEMPORAL_TLS_SERVER_CA_CERT_PATH"
    tls=true
fi
if [ -n "${TEMPORAL_TLS_SERVER_NAME:-}" ]; then
    set -- "$@" --tls-server-name "$TEMPORAL_TLS_SERVER_NAME"
fi
if [ -n "${TEMPORAL_API_KEY:-}" ]; then
    tls=true
fi
if [ "$tls" = true ]; then
    set -- "$@" --tls
fi

echo "$ATTRIBUTES" | while read -r name type; do
    if [ -z "$name" ]; then
        continue
    fi
    if output=$(temporal operator search-attribute create "$@" --name "$name" --type "$type" 2>&1); then
        echo "$name ($type): registered on namespace $namespace"
    elif temporal operator search-attribute list "$@" 2>/dev/null \
            | grep -Eiq "^[[:space:]]*$name[[:space:]]+$type[[:space:]]*\$"; then
        # Older servers refuse to add an attribute that exists; the list shows it with its type.
        echo "$name ($type): already registered on namespace $namespace"
    else
        echo "register-search-attributes: cannot register $name ($type) on namespace $namespace:" >&2
        echo "$output" >&2
        exit 1
    fi
done
