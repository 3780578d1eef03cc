#!/bin/sh
# Prepare the instance-per-pod (IPP) node pool: a label that the webhook's required node affinity selects
# (ipp In [true]) and a taint that keeps every other pod off (only pods the webhook gave the toleration, and
# DaemonSets that tolerate everything, land there). The key/value are the chart's ipp.nodeKey / ipp.nodeValue.
#
# Usage: sh examples/ipp/00-node-pool.sh NODE [NODE...]
# Pick at least two nodes: two classes never share a node, so N classes with pods running need N nodes.
set -eu
[ "$#" -ge 1 ] || { echo "usage: $0 NODE [NODE...]  (see: kubectl get nodes)" >&2; exit 2; }
for node in "$@"; do
  kubectl label node "$node" ipp=true --overwrite
  kubectl taint node "$node" ipp=true:NoSchedule --overwrite
done
kubectl get nodes -l ipp=true -o custom-columns='NODE:.metadata.name,TAINTS:.spec.taints[*].key'

# Undo:
#   kubectl label node NODE ipp-
#   kubectl taint node NODE ipp=true:NoSchedule-
