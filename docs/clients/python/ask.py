"""Asks a Chancery server every way one country is represented in another
on a date, with Python's standard library alone, and prints one
tab-separated line for each: the kind, the mission's id and name, and the
third party's id and name (empty when there is none).

    python3 ask.py [URL [OF IN AS_OF]]

URL defaults to http://localhost:8080/graphql; the question to the United
States in Cuba in 1990.
"""

import json
import sys
import urllib.error
import urllib.request

QUERY = """query Representation($of: ID!, $in: ID!, $asOf: Date) {
  representation(of: $of, in: $in, asOf: $asOf) {
    kind
    mission { id name }
    via { id name }
  }
}"""


def ask(url, variables):
    """Sends the query with variables and returns the answer's JSON, also
    that of a refused request, which carries its errors."""
    body = json.dumps({"query": QUERY, "operationName": "Representation", "variables": variables})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return json.load(response)
    except urllib.error.HTTPError as refused:
        return json.load(refused)


def id_and_name(entity):
    """The entity's id and name, or two empty strings when there is none."""
    return [entity["id"], entity["name"]] if entity else ["", ""]


def main(args):
    url, of, in_, as_of = "http://localhost:8080/graphql", "country:united-states", "country:cuba", "1990"
    if len(args) == 1:
        url = args[0]
    elif len(args) == 4:
        url, of, in_, as_of = args
    elif args:
        sys.exit("usage: python3 ask.py [URL [OF IN AS_OF]]")

    answer = ask(url, {"of": of, "in": in_, "asOf": as_of})
    if answer.get("errors"):
        sys.exit("error: " + "; ".join(e["message"] for e in answer["errors"]))
    for r in answer["data"]["representation"]:
        print("\t".join([r["kind"], *id_and_name(r["mission"]), *id_and_name(r["via"])]))


if __name__ == "__main__":
    main(sys.argv[1:])
