"""Refused credentials, missing privileges and untrusted certificates become one
line naming the setting to fix, and never carry the secret."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, TlsError
from elasticsearch import ApiError, AuthenticationException, AuthorizationException
from pydantic import SecretStr

from config import ElasticsearchSettings
from indexers.access import AccessError, access_problem, credential_setting
from indexers.client import wait_until_reachable
from indexers.errors import SearchError

SECRET = "c2VjcmV0LWtleS1ub3QtdG8tbGVhaw=="


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, NodeConfig("https", "h", 1))


def _refused(cls: type[ApiError], status: int, reason: str) -> ApiError:
    body = {"error": {"type": "security_exception", "reason": reason}, "status": status}
    return cls("security_exception", _meta(status), body)


def test_the_setting_named_is_the_one_in_use() -> None:
    assert credential_setting(ElasticsearchSettings(api_key=SecretStr(SECRET))) == (
        "TINSTREAM_ES_API_KEY"
    )
    assert "TINSTREAM_ES_PASSWORD" in credential_setting(
        ElasticsearchSettings(username="tinstream", password=SecretStr(SECRET))
    )
    assert "none is set" in credential_setting(ElasticsearchSettings())


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            _refused(AuthenticationException, 401, "unable to authenticate user"),
            "refused the credentials (401: unable to authenticate",
        ),
        (
            _refused(AuthorizationException, 403, "action [write] is unauthorized"),
            "lack a privilege on Elasticsearch at https://es:9200 (403: action",
        ),
    ],
)
def test_refusals_are_one_line_naming_the_setting(exc: ApiError, expected: str) -> None:
    settings = ElasticsearchSettings(url="https://es:9200", api_key=SecretStr(SECRET))
    # Wrapped as the search and setup code wrap it.
    try:
        try:
            raise exc
        except ApiError as inner:
            raise SearchError(f"search failed: {inner}") from inner
    except SearchError as outer:
        said = access_problem(outer, settings)
    assert said is not None
    assert expected in said
    assert "TINSTREAM_ES_API_KEY" in said
    assert "\n" not in said and SECRET not in said


def test_an_untrusted_certificate_names_the_ca_setting() -> None:
    settings = ElasticsearchSettings(url="https://es:9200", ca_certs="/etc/ca.pem")  # type: ignore[arg-type]
    said = access_problem(TlsError("certificate verify failed"), settings)
    assert said is not None
    assert "TINSTREAM_ES_CA_CERTS (/etc/ca.pem)" in said
    assert "not trusted" in said


def test_other_errors_are_not_access_problems() -> None:
    assert access_problem(_refused(ApiError, 400, "bad"), ElasticsearchSettings()) is None
    assert access_problem(ValueError("x"), ElasticsearchSettings()) is None


class _Client:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0
        self.cluster = self

    def health(self, **_: Any) -> None:
        self.calls += 1
        raise self.exc


def test_waiting_for_the_node_stops_at_once_on_refused_credentials() -> None:
    client = _Client(_refused(AuthenticationException, 401, "api key is expired"))
    settings = ElasticsearchSettings(api_key=SecretStr(SECRET))
    with pytest.raises(AccessError, match="TINSTREAM_ES_API_KEY") as caught:
        wait_until_reachable(client, 60.0, settings)  # type: ignore[arg-type]
    assert client.calls == 1
    assert SECRET not in str(caught.value)


def test_the_failed_credential_is_said_when_elasticsearch_says_it() -> None:
    body = {
        "error": {
            "type": "security_exception",
            "reason": "unable to authenticate with provided credentials",
            "additional_unsuccessful_credentials": "API key: api key is expired",
        }
    }
    exc = AuthenticationException("security_exception", _meta(401), body)
    said = access_problem(exc, ElasticsearchSettings(api_key=SecretStr(SECRET)))
    assert said is not None and "(401: API key: api key is expired)" in said
