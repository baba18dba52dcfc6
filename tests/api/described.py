"""Check a JSON answer against a schema of /api/v1/openapi.json (OpenAPI 3.1 = JSON Schema)."""

from jsonschema import Draft202012Validator


def assert_described(client, schema_name: str, data) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
    assert not errors, errors[:5]
