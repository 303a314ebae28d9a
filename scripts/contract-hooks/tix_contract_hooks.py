"""Schemathesis hooks for scripts/contract.

`POST /api/import` takes a Tix export as JSON Lines (application/x-ndjson),
a media type schemathesis cannot serialise by itself. Generated values are
sent as the text they are (a string body) or one JSON document per line (a
list), so the import route is fuzzed like every other route.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def json_lines(ctx, value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, list):
        return "".join(json.dumps(item) + "\n" for item in value).encode("utf-8", "surrogatepass")
    return (json.dumps(value) + "\n").encode("utf-8", "surrogatepass")
