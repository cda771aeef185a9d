"""Each profile field is declared once (its `Setting`, in core/profile.py) and every table that
lists fields is derived from those declarations: a field added there shows up in each of them.
The closed sets (credential types, secret kinds, error subjects) are enums whose members are the
strings saved on disk."""

import json
import re
import tomllib
from dataclasses import fields

import pytest

from tests.conftest import clean_env, run_main
from wizard.cli import build_parser
from wizard.core import interop, profile
from wizard.core.errors import OTHER_SUBJECTS, SECRET_SUBJECTS
from wizard.core.profile import SETTING, Profile, ProfileStore
from wizard.core.vocabulary import AuthType, SecretKind, Subject
from wizard.tui import flow

DECLARED = {f.name: f.metadata[SETTING] for f in fields(Profile)}


def test_every_field_declares_its_setting():
    assert list(DECLARED) == [f.name for f in fields(Profile)]
    assert all(isinstance(s, profile.Setting) and s.label for s in DECLARED.values())


def test_the_field_tables_are_what_the_fields_declare():
    assert tuple(DECLARED) == profile.FIELD_NAMES
    assert {name: s.label for name, s in DECLARED.items()} == profile.LABELS
    assert {name: s.validate for name, s in DECLARED.items()} == profile.VALIDATORS
    assert {f"LAUNCH_WIZARD_{n.upper()}": n for n, s in DECLARED.items() if s.env} == profile.ENV_FIELDS
    assert tuple(name for name, s in DECLARED.items() if s.seen_with) == profile.SEEN_WITH
    assert tuple(n for n, s in DECLARED.items() if s.credential) == profile.CREDENTIAL_FIELDS
    assert tuple(n for n, s in DECLARED.items() if s.exported) == profile.EXPORTED_FIELDS
    assert {n: s.option for n, s in DECLARED.items() if s.option is not None} == profile.OPTIONS
    assert tuple(n for n in DECLARED if isinstance(getattr(Profile(), n), list)) == profile.LIST_FIELDS


def test_what_goes_stale_and_where_it_is_fixed_in_the_wizard_come_from_the_declarations():
    for name, s in DECLARED.items():
        assert profile.STALE_AFTER.get(name, ()) == s.stale
        assert profile.WIZARD_FIX.get(name) == s.wizard_fix
        if s.wizard_fix is not None:
            assert flow.FIXED_AT[name] == s.wizard_fix
        assert flow.STALE_AFTER.get(name, ()) == s.stale
    for kind, secret in profile.SECRETS.items():
        assert profile.STALE_AFTER[kind] == flow.STALE_AFTER[kind] == secret.stale
        assert flow.FIXED_AT[kind] == profile.WIZARD_FIX[kind] == secret.wizard_fix
    assert set(profile.SECRETS) == set(SecretKind)


def test_configure_has_one_option_per_declared_field():
    configure = build_parser()._subparsers._group_actions[0].choices["configure"]
    actions = {a.dest: a for a in configure._actions}
    for name, option in profile.OPTIONS.items():
        action = actions[name]
        assert action.option_strings == [option.flag] and action.help == option.help
        assert action.metavar == option.metavar
        assert action.choices == (list(option.choices) if option.choices else None)
        assert (type(action).__name__ == "_AppendAction") == (name in profile.LIST_FIELDS)


def test_the_environment_help_lists_every_variable(tmp_path):
    """Each field's and secret's variable is named in `--help`; a field without a line of its
    own is covered by the LAUNCH_WIZARD_<FIELD> line, and read from the environment all the same."""
    out = run_main("--help", env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path))).stdout
    environment = out[out.index("environment (the CI path"):]
    rows, generic = environment.rsplit("\n  every other profile field: ", 1)
    assert generic.startswith("LAUNCH_WIZARD_<FIELD>")
    listed = set(re.findall(r"LAUNCH_WIZARD_[A-Z_]+", rows))
    for var, name in profile.ENV_FIELDS.items():
        assert (var in listed) == bool(DECLARED[name].env_help), var
    assert set(profile.ENV_SECRETS.values()) <= listed
    for names, text in profile.environment_help():
        assert f"  {names} " in rows and f" {text}\n" in rows
    unlisted = {var: name for var, name in profile.ENV_FIELDS.items() if var not in listed}
    values = {"role": "developer", "storage": "file", "private_key_path": str(tmp_path / "k.pem"),
              "credential_id": "12345/67890"}
    applied = profile.apply_environment(Profile(), {var: values.get(name, "x@techacct.adobe.com")
                                                    for var, name in unlisted.items()
                                                    if name != "company_id"})
    assert applied.role == "Developer" and applied.storage == "file"


def test_export_and_import_carry_the_declared_fields():
    p = Profile(name="x", auth_type=AuthType.JWT, org_id="0123456789ABCDEF01234567@AdobeOrg",
                client_id="cid", role="Publisher")
    body = json.loads(interop.to_json(p, {}))
    assert [k for k in body if k not in ("format", "name")] == list(profile.EXPORTED_FIELDS)
    assert set(interop._ours(body).fields) == set(profile.EXPORTED_FIELDS)


def test_subjects_are_the_fields_the_secrets_and_the_rest():
    assert set(Subject) == set(profile.FIELD_NAMES) | set(SecretKind) | set(OTHER_SUBJECTS)
    assert tuple(SecretKind) == SECRET_SUBJECTS
    assert not set(OTHER_SUBJECTS) & (set(profile.FIELD_NAMES) | set(SecretKind))


@pytest.mark.parametrize("auth_type", list(AuthType))
def test_a_credential_type_is_saved_as_its_plain_string(auth_type, tmp_path):
    store = ProfileStore(tmp_path / "config.toml")
    store.update("p", {"auth_type": auth_type.value.upper()})
    saved = tomllib.loads((tmp_path / "config.toml").read_text())["profiles"]["p"]
    assert saved["auth_type"] == auth_type.value and type(saved["auth_type"]) is str
    loaded = store.load("p")
    assert loaded.auth_type is auth_type and loaded.auth_type == auth_type.value
    assert json.loads(interop.to_json(loaded, {}))["auth_type"] == auth_type.value


def test_an_enum_member_and_its_string_name_the_same_secret_and_cached_token():
    """Keyring entries and token cache keys made before the enums still match."""
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.core.tokens import credential_of

    store = SecretStore("launch-wizard-test", MemoryBackend())
    store.set("p", SecretKind.CLIENT_SECRET, "s3cret")
    assert store.get("p", "client_secret") == "s3cret"
    for member in AuthType:
        assert credential_of(Profile(auth_type=member)) == credential_of(Profile(auth_type=member.value))
