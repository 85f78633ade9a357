#!/bin/sh
# Registers DEFAULT_NAMESPACE (retention NAMESPACE_RETENTION) on the server at TEMPORAL_ADDRESS, unless
# it exists already. A fresh Temporal server has no namespace for workflows; AIDP's workers and clients
# fail with "namespace not found" until this has run.
set -eu

namespace="${DEFAULT_NAMESPACE:-default}"
retention="${NAMESPACE_RETENTION:-72h}"
address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be host:port of the Temporal server}"

tries=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "Temporal at ${address} is not healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "Namespace ${namespace} exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
  echo "Namespace ${namespace} created"
fi
