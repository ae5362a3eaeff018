"""Text a request brings is text the database can store: a NUL character is refused where the body is
read, with its field named, on SQLite (which would store it) as on PostgreSQL (which refuses it, and
before got a generic 422 naming no field)."""

import importlib
import importlib.util
import pkgutil
import typing

from pydantic import AfterValidator, BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

import api
from api.db_types import storable_text
from api.fieldwork.models import Team


def _request_body_models(client) -> list[type[BaseModel]]:
    """The models of every JSON body the API documents (found by name in the api packages' schemas)."""
    names = {operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
             for operations in client.get("/openapi.json").json()["paths"].values()
             for operation in operations.values()
             if "application/json" in operation.get("requestBody", {}).get("content", {})}
    modules = [importlib.import_module(f"api.{package.name}.schemas") for package in pkgutil.iter_modules(api.__path__)
               if package.ispkg and importlib.util.find_spec(f"api.{package.name}.schemas") is not None]
    found = {name: getattr(module, name) for module in modules for name in names if hasattr(module, name)}
    assert set(found) == names, f"no schemas module defines {names - set(found)}"
    return list(found.values())


def _plain_text(annotation: typing.Any, metadata: list[typing.Any], where: str, seen: set[type]) -> list[str]:
    """Where `annotation` (with the field's own metadata) holds a str that is not StorableText. Values
    typed Any (answers, options, rows) are JSON column values, where PostgreSQL's json keeps a NUL."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = [*metadata, *extra]
    if annotation is str:
        storable = any(isinstance(item, AfterValidator) and item.func is storable_text for item in metadata)
        return [] if storable else [where]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return []
        seen.add(annotation)
        return [found for name, field in annotation.model_fields.items()
                for found in _plain_text(field.annotation, field.metadata, f"{annotation.__name__}.{name}", seen)]
    arguments = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:  # keys name things (columns, fields); the values are the text
        arguments = arguments[1:]
    return [found for argument in arguments if not isinstance(argument, (str, int, float))
            for found in _plain_text(argument, [], where, seen)]


def test_every_text_field_of_a_json_body_refuses_what_the_database_cannot_store(client):
    seen: set[type] = set()
    plain = [found for model in _request_body_models(client) for found in _plain_text(model, [], "", seen)]
    assert len(seen) > 20  # the walk reached the bodies and the models nested in them
    assert plain == []  # each such field should be api.db_types.StorableText


def test_a_nul_in_a_name_is_refused_naming_its_field_and_nothing_is_stored(client, make_account, engine):
    headers = make_account("supervisor").headers
    response = client.post("/api/v1/fieldwork/teams", json={"name": "Lima\x00 norte"}, headers=headers)
    assert response.status_code == 422, response.text
    assert [(error["loc"], error["type"]) for error in response.json()["errors"]] == [(["body", "name"], "value_error")]
    assert "NUL" in response.json()["errors"][0]["msg"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Team)).one() == 0
    assert client.post("/api/v1/fieldwork/teams", json={"name": "Lima norte"}, headers=headers).status_code == 201


def test_text_in_a_list_is_refused_at_its_place(client, make_account):
    headers = make_account("admin").headers
    body = {"code": "wave-1", "name": "Wave", "form_ids": ["ok", "a\x00"]}
    response = client.post("/api/v1/fieldwork/surveys", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert ["body", "form_ids", 1] in [error["loc"] for error in response.json()["errors"]]


def test_a_nul_in_a_query_parameter_is_refused_naming_it_before_any_route_reads_it(client, make_account, engine):
    headers = make_account("analyst").headers
    response = client.post("/api/v1/crime/population?version=pop%002025&source=INE", files={"file": ("p.csv", b"x")},
                           headers=headers)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(error["loc"], error["type"]) for error in errors] == [(["query", "version"], "value_error")]
    response = client.get("/api/v1/crime/territories?level=region&parent=R%001", headers=headers)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["query", "parent"]]
    # the same words without NUL reach the route (a literal "%00" in a value is sent as %2500)
    assert client.get("/api/v1/crime/territories?parent=R%25001", headers=headers).status_code == 200


def test_a_nul_in_a_path_is_refused(client, make_account):
    response = client.get("/api/v1/crime/territories/M1%002", headers=make_account("analyst").headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path"]
    assert response.headers["content-type"] == "application/problem+json"


def test_a_nul_in_a_form_field_is_refused_naming_it(client, make_account):
    response = client.post("/api/v1/microdata", files={"file": ("d.csv", b"a,b\n1,2\n")}, data={"name": "wave\x001"},
                           headers=make_account("analyst").headers)
    assert response.status_code == 422, response.text
    assert [(error["loc"], error["type"]) for error in response.json()["errors"]] == [(["body", "name"], "value_error")]
