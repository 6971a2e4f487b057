#!/usr/bin/env bash
# Attaches each event function's dead-letter topic to the Pub/Sub subscription Eventarc created for
# its trigger (Terraform cannot address that subscription: Eventarc names it). Idempotent.
#   terraform/scripts/attach-dead-letters.sh <event_functions.json> <region> [max delivery attempts]
# The JSON file is `terraform output -json event_functions`: {function: dead-letter topic id}.
set -euo pipefail

mapping_file="$1" region="$2" attempts="${3:-5}"
mapping="$(cat "$mapping_file")"

for function in $(printf '%s' "$mapping" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))'); do
  topic="$(printf '%s' "$mapping" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$function")"
  trigger="$(gcloud functions describe "$function" --gen2 --region "$region" --format='value(eventTrigger.trigger)')"
  subscription="$(gcloud eventarc triggers describe "$trigger" --format='value(transport.pubsub.subscription)')"
  echo "dead letters of $function: $subscription -> $topic (after $attempts attempts)"
  gcloud pubsub subscriptions update "$subscription" \
    --dead-letter-topic="$topic" --max-delivery-attempts="$attempts" \
    --min-retry-delay=10s --max-retry-delay=600s
done
