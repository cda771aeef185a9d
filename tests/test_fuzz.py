"""Hostile input, generated: nothing escapes the parsers but the typed, explained errors."""

import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core import ims, keys
from wizard.core.errors import ConfigError, KeyFileError, WizardError
from wizard.core.profile import FIELD_NAMES, validate_field
from wizard.core.reactor import Company, parse_companies, parse_properties

# how many examples: the Hypothesis profile (tests/conftest.py), 2000 in CI
EXAMPLES = settings(deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "CERTIFICATE",
          "PUBLIC KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY", "X"]
B64 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n \\",
              max_size=600)


@st.composite
def pem_like(draw):
    label = draw(st.sampled_from(LABELS))
    end = draw(st.sampled_from([label, "PRIVATE KEY", ""]))
    header = draw(st.sampled_from(["", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"]))
    text = f"-----BEGIN {label}-----\n{header}{draw(B64)}\n"
    if end:
        text += f"-----END {end}-----"
    return draw(st.sampled_from([text, text.replace("\n", "\\n"), f'"{text}"', text.replace("\n", " ")]))


@EXAMPLES
@given(text=st.one_of(st.text(max_size=400), pem_like()),
       passphrase=st.one_of(st.none(), st.text(max_size=20)))
def test_key_loader_only_raises_key_errors(text, passphrase):
    try:
        key = keys.load_private_key(text, passphrase)
    except KeyFileError as exc:
        assert exc.cause
    else:
        assert key.key_size >= 2048


@EXAMPLES
@given(text=st.one_of(st.text(max_size=400), pem_like()))
def test_certificate_loader_only_raises_key_errors(text):
    try:
        keys.load_certificate(text)
    except KeyFileError as exc:
        assert exc.cause


VALUES = st.one_of(st.text(max_size=80), st.integers(), st.none(), st.booleans(),
                   st.lists(st.text(max_size=20), max_size=5), st.floats(allow_nan=True))


@EXAMPLES
@given(name=st.sampled_from(FIELD_NAMES), value=VALUES)
def test_profile_validators_only_raise_config_errors(name, value):
    try:
        validate_field(name, value)
    except ConfigError as exc:
        assert exc.cause


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=15), inner, max_size=5),
                    max_leaves=12)


@st.composite
def answers(draw, keys_of_interest):
    status = draw(st.sampled_from([200, 200, 400, 401, 403, 404, 429, 500, 502, 503]))
    if draw(st.booleans()):
        body = draw(st.fixed_dictionaries({}, optional=dict.fromkeys(keys_of_interest, JSON)))
        content = json.dumps(body).encode()
    else:
        content = draw(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
    content_type = draw(st.sampled_from(["application/json", "text/html", "application/vnd.api+json", ""]))
    headers = {"content-type": content_type} if content_type else {}
    if draw(st.booleans()):
        headers["retry-after"] = draw(st.sampled_from(["1", "soon", "", "99999"]))
    return httpx.Response(status, content=content, headers=headers)


IMS_KEYS = ["access_token", "expires_in", "token_type", "error", "error_description", "error_code", "message"]
REACTOR_KEYS = ["data", "errors", "error_code", "message", "meta"]


@EXAMPLES
@given(response=answers(IMS_KEYS), divisor=st.sampled_from([1.0, 1000.0]))
def test_ims_answers_become_tokens_or_typed_errors(response, divisor):
    try:
        token = ims._token(ims._answer(response, "the token request"), divisor)
    except WizardError as exc:
        assert exc.cause and exc.exit_code in (3, 4)
    else:
        assert token.access_token and token.expires_at > 0


@EXAMPLES
@given(response=answers(REACTOR_KEYS))
def test_reactor_answers_become_companies_or_typed_errors(response):
    try:
        companies = parse_companies(response)
    except WizardError as exc:
        assert exc.cause and exc.exit_code in (3, 4)
    else:
        assert all(isinstance(c.rights, list) for c in companies)


@EXAMPLES
@given(response=answers(REACTOR_KEYS))
def test_reactor_answers_become_properties_or_typed_errors(response):
    try:
        seen = parse_properties(Company("CO1", "c", "o"), response)
    except WizardError as exc:
        assert exc.cause and exc.exit_code in (3, 4)
    else:
        assert seen.total >= len(seen.first) and all(isinstance(p.name, str) for p in seen.first)
