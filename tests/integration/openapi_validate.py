#!/usr/bin/env python3
"""Checks parcelgate's OpenAPI document and real answers against it.

Usage: openapi_validate.py DOCUMENT.json EXCHANGES.jsonl [--require-coverage]

DOCUMENT is GET /openapi.json as served. EXCHANGES holds one JSON object per line, recorded by
tests/integration/openapi_contract_test.cpp:
  {"method": "POST", "path": "/v1/shipments" (the route template), "status": 201,
   "headers": {"content-type": ..., lowercase names}, "body_base64": "..."}

The document is checked first (OpenAPI 3.1 rules that matter here: unique operationIds, tags,
answers, path parameters, every $ref resolving, every schema a valid JSON Schema 2020-12, every
example valid against its schema). Then each exchange must match a documented answer: its status,
its media type, its body (JSON Schema 2020-12, resolving the document's $refs) and its required
headers. With --require-coverage every documented operation must have at least one 2xx exchange.
Prints one line per problem; exits 1 when there is any.
"""

import base64
import json
import re
import sys
import warnings

import jsonschema
from jsonschema import Draft202012Validator

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
MAGIC = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/x-zpl": b"^XA",
}

problems = []


def fail(message):
    problems.append(message)


def is_json_media(media):
    return media == "application/json" or media.endswith("+json")


def resolve_pointer(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def walk(node, path="#"):
    """Yields (json pointer, node) for every object of the document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, path + "/" + str(key).replace("~", "~0").replace("/", "~1"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def validator_for(doc, schema):
    # RefResolver resolves "#/components/..." against the whole document from any subschema; it
    # is deprecated from jsonschema 4.18 on (Debian 12 ships 4.10) but still works.
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*RefResolver.*")
    resolver = jsonschema.RefResolver.from_schema(doc)
    return Draft202012Validator(schema, resolver=resolver)


def schema_errors(doc, schema, instance):
    out = []
    for e in sorted(validator_for(doc, schema).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path) or "(root)"
        out.append(f"{where}: {e.message}")
    return out


def operations(doc):
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def check_document(doc):
    if not str(doc.get("openapi", "")).startswith("3.1."):
        fail(f"document: openapi is {doc.get('openapi')!r}, not 3.1.x")
    info = doc.get("info", {})
    for key in ("title", "version", "description"):
        if not info.get(key):
            fail(f"document: info.{key} is missing")
    servers = doc.get("servers")
    if not servers or not all(isinstance(s, dict) and s.get("url") for s in servers):
        fail("document: servers must list at least one server with a url")
    tag_names = [t.get("name") for t in doc.get("tags", [])]
    if len(tag_names) != len(set(tag_names)) or not tag_names:
        fail(f"document: tags must be a non-empty list of unique names: {tag_names}")
    used_tags = set()

    # Every $ref resolves.
    for where, node in walk(doc):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolve_pointer(doc, ref)
            except (KeyError, IndexError, TypeError):
                fail(f"document: {where}: $ref {ref} does not resolve")

    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            fail(f"document: components.schemas.{name} is not a valid JSON Schema: {e.message}")

    ids = {}
    for path, method, op in operations(doc):
        name = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        if not op_id:
            fail(f"{name}: no operationId (a route registered without its route_doc?)")
        elif not re.fullmatch(r"[a-z][A-Za-z0-9]*", op_id):
            fail(f"{name}: operationId {op_id!r} is not camelCase")
        elif op_id in ids:
            fail(f"{name}: operationId {op_id!r} also used by {ids[op_id]}")
        else:
            ids[op_id] = name
        tags = op.get("tags") or []
        if not tags:
            fail(f"{name}: no tags")
        for t in tags:
            used_tags.add(t)
            if t not in tag_names:
                fail(f"{name}: tag {t!r} is not declared in the document's tags")
        if not op.get("summary"):
            fail(f"{name}: no summary")
        responses = op.get("responses") or {}
        if not any(re.fullmatch(r"2\d\d", code) for code in responses):
            fail(f"{name}: no 2xx answer documented")
        for code, response in responses.items():
            if not re.fullmatch(r"[1-5]\d\d|[1-5]XX|default", code):
                fail(f"{name}: answer key {code!r} is not a status")
            if not response.get("description"):
                fail(f"{name} {code}: no description")
            content = response.get("content", {})
            if code.startswith(("4", "5")) and not content:
                fail(f"{name} {code}: an error answer without content")
            for media, m in content.items():
                if "schema" not in m:
                    fail(f"{name} {code} {media}: no schema")
                    continue
                check_example(doc, f"{name} {code} {media}", m)
        if op.get("security") and not {"401", "403"} <= set(responses):
            fail(f"{name}: a keyed route must document 401 and 403")
        declared = {p.get("name") for p in op.get("parameters", []) if p.get("in") == "path"}
        in_template = set(re.findall(r"\{([^}]+)\}", path))
        if declared != in_template:
            fail(f"{name}: path parameters {sorted(declared)} differ from the template's {sorted(in_template)}")
        for p in op.get("parameters", []):
            if p.get("in") == "path" and p.get("required") is not True:
                fail(f"{name}: path parameter {p.get('name')} must be required")
            if "schema" not in p:
                fail(f"{name}: parameter {p.get('name')} has no schema")
            else:
                try:
                    Draft202012Validator.check_schema(p["schema"])
                except jsonschema.exceptions.SchemaError as e:
                    fail(f"{name}: parameter {p.get('name')}: invalid schema: {e.message}")
        body = op.get("requestBody")
        if body is not None:
            if not body.get("content"):
                fail(f"{name}: requestBody without content")
            for media, m in body.get("content", {}).items():
                if "schema" not in m:
                    fail(f"{name} request {media}: no schema")
                else:
                    check_example(doc, f"{name} request {media}", m)
        # Actions that take no body: voiding a label, rotating a webhook's secret.
        if method == "post" and body is None and not path.endswith(("/cancel", "/rotate-secret")):
            fail(f"{name}: a POST without a documented request body")
    for t in tag_names:
        if t not in used_tags:
            fail(f"document: tag {t!r} is used by no operation")
    return ids


def check_example(doc, where, media_object):
    schema = media_object["schema"]
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        fail(f"{where}: invalid schema: {e.message}")
        return
    if "example" in media_object:
        for err in schema_errors(doc, schema, media_object["example"]):
            fail(f"{where}: the example does not match its schema: {err}")


def header_value(schema, text):
    if schema.get("type") == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    return text


def check_exchange(doc, x):
    method, path, status = x["method"].lower(), x["path"], int(x["status"])
    name = f"{x['method']} {path} -> {status}"
    op = doc.get("paths", {}).get(path, {}).get(method)
    if op is None:
        fail(f"{name}: the operation is not in the document")
        return
    responses = op.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX") or responses.get("default")
    if response is None:
        fail(f"{name}: status {status} is not documented (documented: {', '.join(sorted(responses))})")
        return
    headers = {k.lower(): v for k, v in x.get("headers", {}).items()}
    body = base64.b64decode(x.get("body_base64", ""))
    for header_name, h in response.get("headers", {}).items():
        if "$ref" in h:
            h = resolve_pointer(doc, h["$ref"])
        value = headers.get(header_name.lower())
        if value is None:
            if h.get("required"):
                fail(f"{name}: required header {header_name} is missing")
            continue
        for err in schema_errors(doc, h.get("schema", {}), header_value(h.get("schema", {}), value)):
            fail(f"{name}: header {header_name}: {err}")
    content = response.get("content", {})
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if not content:
        if body:
            fail(f"{name}: the answer has a body but the document describes none")
        return
    documented = {k.lower(): v for k, v in content.items()}
    if media not in documented:
        fail(f"{name}: content type {media!r} is not documented (documented: {', '.join(sorted(documented))})")
        return
    schema = documented[media].get("schema", {})
    if is_json_media(media):
        try:
            instance = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            fail(f"{name}: the {media} body is not JSON: {e}")
            return
        if media == "application/problem+json" and isinstance(instance, dict):
            if instance.get("status") != status:
                fail(f"{name}: the problem's status {instance.get('status')} differs from the HTTP status")
            if headers.get("idempotent-replayed") != "true" and instance.get("request_id") != headers.get("x-request-id"):
                fail(f"{name}: the problem's request_id differs from X-Request-Id")
    elif media.startswith("text/"):
        try:
            instance = body.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"{name}: the {media} body is not UTF-8")
            return
    else:
        instance = "(binary)"
        if not body:
            fail(f"{name}: empty {media} body")
        magic = MAGIC.get(media)
        if magic and not body.startswith(magic):
            fail(f"{name}: the body is not {media} (starts with {body[:8]!r})")
    for err in schema_errors(doc, schema, instance):
        fail(f"{name}: body {err}")


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    ids = check_document(doc)
    succeeded = set()
    count = 0
    with open(argv[2], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            x = json.loads(line)
            count += 1
            check_exchange(doc, x)
            if 200 <= int(x["status"]) < 300:
                succeeded.add(f"{x['method'].upper()} {x['path']}")
    if "--require-coverage" in argv:
        for name in ids.values():
            if name not in succeeded:
                fail(f"{name}: no successful answer was exercised")
    for p in problems:
        print(p)
    print(f"{count} exchange(s), {len(ids)} operation(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
