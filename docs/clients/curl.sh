#!/bin/sh
# Asks a Chancery server every way one country is represented in another
# on a date, with curl (the request built and the answer read with jq), and
# prints one tab-separated line for each: the kind, the mission's id and
# name, and the third party's id and name (empty when there is none).
#
#   sh curl.sh [URL [OF IN AS_OF]]
#
# URL defaults to http://localhost:8080/graphql; the question to the United
# States in Cuba in 1990.
set -eu

url=${1:-http://localhost:8080/graphql}
of=${2:-country:united-states}
in=${3:-country:cuba}
as_of=${4:-1990}

query='query Representation($of: ID!, $in: ID!, $asOf: Date) {
  representation(of: $of, in: $in, asOf: $asOf) {
    kind
    mission { id name }
    via { id name }
  }
}'

request=$(jq -n --arg query "$query" --arg of "$of" --arg in "$in" --arg asOf "$as_of" \
  '{query: $query, operationName: "Representation", variables: {of: $of, in: $in, asOf: $asOf}}')

# A refused request (400) still answers with its errors in JSON, so curl
# keeps the body and jq reports them.
answer=$(curl -sS -H 'Content-Type: application/json' --data-binary "$request" "$url")

printf '%s\n' "$answer" | jq -r '
  if .errors then ("error: " + ([.errors[].message] | join("; ")) + "\n" | halt_error(1))
  else .data.representation[] | [.kind, .mission.id, .mission.name, .via.id, .via.name] | map(. // "") | @tsv
  end'
