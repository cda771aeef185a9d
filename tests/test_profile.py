import os
import stat
import tomllib

import pytest

from wizard.core.errors import ConfigError
from wizard.core.profile import (
    DEFAULT_SCOPES,
    ENV_FIELDS,
    FIELD_NAMES,
    Profile,
    ProfileStore,
    apply_environment,
    config_dir,
    validate_field,
)
from wizard.core.wording import seen
from wizard.tui.flow import PROGRESS_KEY, Progress, StepId

ORG = "0123456789ABCDEF01234567@AdobeOrg"
TECH = "0123456789ABCDEF01234567@techacct.adobe.com"


def test_ids_are_trimmed():
    assert validate_field("org_id", f"  {ORG}\n") == ORG
    assert validate_field("technical_account_id", f"\t{TECH} ") == TECH
    assert validate_field("client_id", " abc123 ") == "abc123"


@pytest.mark.parametrize("field, value, message", [
    ("org_id", "0123456789ABCDEF01234567", "must end in @AdobeOrg"),
    ("org_id", "0123 4567@AdobeOrg", "must not contain spaces"),
    ("org_id", "@AdobeOrg", "is only '@AdobeOrg'"),
    ("technical_account_id", "abc@AdobeOrg", "must end in @techacct.adobe.com"),
    ("technical_account_email", "me@example.com", "email must end in @techacct.adobe.com"),
    ("technical_account_email", "@techacct.adobe.com", "is only '@techacct.adobe.com'"),
    ("client_id", "abc def", "must not contain spaces"),
    ("ims_url", "http://ims.example.com", "would send secrets in clear text"),
    ("ims_url", "ftp://127.0.0.1", "must be a URL such as"),
    ("reactor_url", "reactor.adobe.io", "must be a URL such as"),
    ("auth_type", "saml", "must be one of jwt, oauth-s2s"),
    ("role", "Owner", "unknown role"),
    ("name", "my profile", "must not contain spaces"),
    ("name", "a/b", "profile name must be"),
    ("storage", "cloud", "must be one of keyring, file"),
    ("org_id", 42, "must be text"),
    ("private_key_path", "key\x00.pem", "contains the control character"),
    ("certificate_path", "~no-such-user-here/cert.crt", "cannot be used"),
    ("last_test", "yesterday", "last test must be a table of at, companies, properties"),
    ("last_test", {"at": "2026-11-30T07:00:00Z", "companies": 1}, "must be a table"),
    ("last_test", {"at": "2026-11-30T07:00:00Z", "companies": True, "properties": 3}, "must be a table"),
    ("last_test", {"at": "2026-11-30T07:00:00Z", "companies": 1, "properties": -3}, "must be a table"),
])
def test_bad_values_get_one_clear_message(field, value, message):
    with pytest.raises(ConfigError, match=message):
        validate_field(field, value)


TOO_LONG = [  # (field, value, its limit)
    ("client_id", "x" * 5000, 256),
    ("org_id", "X" * 300 + "@AdobeOrg", 256),
    ("technical_account_id", "x" * 300 + "@techacct.adobe.com", 256),
    ("name", "x" * 300, 256),
    ("role", "x" * 300, 256),
    ("ims_url", "https://ims.example.com/" + "x" * 3000, 2048),
    ("credential_id", "https://developer.adobe.com/console/projects/" + "1" * 3000, 2048),
    ("scopes", ["x" * 100] * 30, 2048),  # as the comma-separated text
    ("metascopes", ",".join(["x" * 100] * 30), 2048),
    ("private_key_path", "/" + "x" * 5000, 4096),
]


@pytest.mark.parametrize("field, value, limit", TOO_LONG, ids=[case[0] for case in TOO_LONG])
def test_a_value_past_its_fields_limit_says_its_length_and_the_limit_only(field, value, limit):
    length = len(value if isinstance(value, str) else ",".join(value))
    with pytest.raises(ConfigError) as exc:
        validate_field(field, value)
    assert f"too long: {length} characters, the limit is {limit}" in exc.value.cause
    assert len(str(exc.value)) < 250  # a short start of it at most, never the whole value


@pytest.mark.parametrize("field", [name for name in FIELD_NAMES
                                   if isinstance(getattr(Profile(), name), (str, list))])
def test_every_text_field_has_a_limit(field):
    with pytest.raises(ConfigError, match="too long"):
        validate_field(field, "x" * 10_000)


def test_a_value_at_its_limit_is_taken_as_it_was_before():
    assert validate_field("client_id", "x" * 256) == "x" * 256
    assert validate_field("org_id", "0" * 247 + "@AdobeOrg") == "0" * 247 + "@AdobeOrg"
    assert validate_field("client_id", " " * 300 + "abc") == "abc"  # blanks around do not count


def test_a_bad_profile_names_fix_is_about_names_not_the_console():
    for bad in ("my profile", "a/b", "é"):
        with pytest.raises(ConfigError) as exc:
            validate_field("name", bad)
        assert exc.value.fix == "choose a name such as work, ci or sandbox", bad


def test_the_technical_account_email_as_the_console_shows_it():
    email = "0a1b2c3d-4e5f-6789-abcd-ef0123456789@TECHACCT.adobe.com"
    assert (validate_field("technical_account_email", email)
            == "0a1b2c3d-4e5f-6789-abcd-ef0123456789@techacct.adobe.com")  # as the console spells it
    assert validate_field("technical_account_email", "") == ""


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9",
                                 "https://ims-na1.adobelogin.com/"])
def test_urls_https_or_loopback_http(url):
    assert validate_field("ims_url", url) == url.rstrip("/")


def test_role_names_are_normalised_and_lists_split():
    assert validate_field("role", "it admin") == "IT Admin"
    assert validate_field("metascopes", "a, b,,") == ["a", "b"]
    assert validate_field("metascopes", [""]) == []


def test_defaults_and_steps():
    p = Profile()
    assert p.name == "default" and p.auth_type == "oauth-s2s"
    assert p.scopes == list(DEFAULT_SCOPES)
    progress = Progress(p.auth_type)  # the wizard's, beside the profile
    assert progress.steps == ("organization", "credentials", "test", "done")  # no role, key or certificate
    assert Progress("jwt").steps[1] == "role"  # the role comes before the integration
    assert progress.next_step() == "organization"
    assert Progress.of("jwt", ["organization", "role", "keys"]).next_step() == "upload"
    assert p.missing_for_token() == ["org_id", "client_id"]
    assert Profile(auth_type="jwt").missing_for_token()[-1] == "technical_account_id"
    with pytest.raises(ConfigError, match="missing: organization ID, client ID"):
        p.require_ready()


def test_store_round_trip_several_profiles(isolated_config):
    store = ProfileStore()
    assert store.path == isolated_config / "config.toml" == config_dir() / "config.toml"
    a = Profile(name="a", auth_type="jwt").with_changes(org_id=ORG, technical_account_id=TECH,
                                                          metascopes=["ent_reactor_sdk"])
    store.save(a)
    store.update("a", {}, records={PROGRESS_KEY: Progress.of("jwt", ["keys", "organization"]).saved()})
    store.save(Profile(name="b").with_changes(client_id="xyz"))
    assert store.names() == ["a", "b"]
    loaded = store.load("a")
    assert loaded == a
    assert Progress.load(store, loaded).saved() == ["organization", "keys"]  # kept in step order
    assert store.load("b").client_id == "xyz"
    assert store.load("missing") == Profile(name="missing")
    assert store.delete("b") and not store.delete("b")
    assert store.names() == ["a"]


def test_a_record_beside_the_fields_goes_with_the_profile(isolated_config):
    """What a front door keeps beside a profile (the wizard's progress) is not a field: changing
    the fields keeps it, it is written in the same save as the fields it comes with, and it goes
    when the profile goes."""
    store = ProfileStore()
    store.update("p", {"org_id": ORG}, records={"steps_done": ["organization"]})
    store.update("p", {"client_id": "abc"})  # as `configure` does: it knows no record
    store.save(store.load("p").with_changes(role="Publisher"))
    assert store.record("p", "steps_done", list) == ["organization"]
    assert store.record("p", "elsewhere", lambda v: v) is None
    assert store.record("new", "steps_done", lambda v: v) is None
    assert store.load("p").client_id == "abc" and store.load("p").role == "Publisher"
    with pytest.raises(ValueError, match="is a profile field"):
        store.update("p", {}, records={"org_id": "x"})
    assert store.delete("p")
    assert store.record("p", "steps_done", lambda v: v) is None


def test_a_profile_an_earlier_version_saved_keeps_its_progress(isolated_config):
    """An earlier version kept the steps done as a profile field, `steps_done`: such a file opens
    where it stopped, and the record stays where that version reads it (nothing to migrate)."""
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.state import WizardState

    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text(f'[profiles.default]\nauth_type = "jwt"\norg_id = "{ORG}"\n'
                          'steps_done = ["keys", "organization", "role", "no-such-step"]\n'
                          "[profiles.ci]\nclient_id = \"ci\"\n")
    assert store.load("default").org_id == ORG
    assert Progress.load(store, store.load("default")).next_step() == StepId.UPLOAD
    store.update("default", {"client_id": "abc"})  # the command line: the record stays as it was
    assert tomllib.loads(store.path.read_text())["profiles"]["default"]["steps_done"] == [
        "keys", "organization", "role", "no-such-step"]
    state = WizardState.open(secrets=SecretStore(backend=MemoryBackend()))
    assert state.progress.next_step() == StepId.UPLOAD
    state.mark_done("upload")
    state.update(technical_account_id=TECH)  # stale: the test only, which was not done
    raw = tomllib.loads(store.path.read_text())["profiles"]
    assert raw["default"]["steps_done"] == ["organization", "role", "keys", "upload"]
    assert set(raw["default"]) <= {*FIELD_NAMES, "steps_done"}  # all an earlier version knew
    assert raw["ci"] == {"client_id": "ci"} and store.load("default").client_id == "abc"
    state.update(client_id="another")  # stale: upload and on; in the same save as the field
    raw = tomllib.loads(store.path.read_text())["profiles"]["default"]
    assert (raw["client_id"], raw["steps_done"]) == ("another", ["organization", "role", "keys"])


def test_a_progress_record_that_is_not_a_list_of_steps_names_the_file(isolated_config):
    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text('[profiles.work]\nclient_id = "abc"\nsteps_done = 3\n')
    assert store.load("work").client_id == "abc"  # the command line does not read it
    with pytest.raises(ConfigError, match=r"config.toml, profile 'work': steps done must be a list"):
        Progress.load(store, store.load("work"))


def test_file_is_0600_and_written_atomically(isolated_config):
    store = ProfileStore()
    store.save(Profile())
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    # no temp file left; the lock file stays (removing it would race with a process waiting on it)
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["config.toml", "config.toml.lock"]
    assert stat.S_IMODE(os.stat(store.path.parent / "config.toml.lock").st_mode) == 0o600


def test_corrupt_file_is_reported_and_never_overwritten(isolated_config):
    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text("[profiles.default\norg_id = ")
    with pytest.raises(ConfigError, match="not valid TOML") as exc:
        store.save(Profile())
    assert "nothing was changed" in exc.value.fix
    assert store.path.read_text() == "[profiles.default\norg_id = "


def test_bad_value_on_disk_names_the_file_and_profile(isolated_config):
    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text('[profiles.work]\norg_id = "nope"\nfuture_field = 1\n')
    with pytest.raises(ConfigError, match=r"config.toml, profile 'work': organization ID must end"):
        store.load("work")
    store.path.write_text('[profiles.work]\nclient_id = "abc"\nfuture_field = 1\n')
    assert store.load("work").client_id == "abc"  # unknown keys from newer versions are ignored


def test_what_a_test_saw_is_kept_until_the_credential_or_server_changes(isolated_config):
    seen_then = {"at": "2026-11-30T07:00:00Z", "companies": 1, "properties": 3}
    p = Profile(org_id=ORG, client_id="cid").with_changes(company_id="CO1", last_test=seen_then)
    store = ProfileStore()
    store.save(p)
    assert store.load().last_test == seen_then  # round trip through TOML
    assert seen(p.last_test) == "1 company, 3 properties" and seen({}) == ""
    assert p.with_changes(role="Developer", client_id="cid").last_test == seen_then  # unchanged
    for field, value in (("org_id", "OTHER@AdobeOrg"), ("client_id", "other"),
                         ("auth_type", "jwt"), ("reactor_url", "http://127.0.0.1:9")):
        changed = p.with_changes(**{field: value})
        assert (changed.company_id, changed.last_test) == ("", {}), field
    assert "LAUNCH_WIZARD_LAST_TEST" not in ENV_FIELDS  # a record, not a setting


def test_environment_overrides_every_field():
    env = {"LAUNCH_WIZARD_ORG_ID": ORG, "LAUNCH_WIZARD_CLIENT_ID": "cid",
           "LAUNCH_WIZARD_AUTH_TYPE": "jwt", "LAUNCH_WIZARD_METASCOPES": "a,b",
           "LAUNCH_WIZARD_IMS_URL": "http://127.0.0.1:9", "LAUNCH_WIZARD_ROLE": "developer",
           "LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID": TECH, "LAUNCH_WIZARD_CLIENT_SECRET": "s"}
    p = apply_environment(Profile(client_id="old"), env)
    assert (p.org_id, p.client_id, p.auth_type, p.metascopes, p.ims_url, p.role) == (
        ORG, "cid", "jwt", ["a", "b"], "http://127.0.0.1:9", "Developer")
    assert p.technical_account_id == TECH
    with pytest.raises(ConfigError, match="LAUNCH_WIZARD_ORG_ID: organization ID must end"):
        apply_environment(Profile(), {"LAUNCH_WIZARD_ORG_ID": "x"})


def test_profile_file_never_holds_a_secret(isolated_config, jwt_setup, keypair):
    creds, profile, _ = jwt_setup
    ProfileStore().save(profile)
    text = (isolated_config / "config.toml").read_text()
    key_body = keypair.key_path.read_text().splitlines()[1]
    assert creds.client_secret not in text and key_body not in text
    assert "secret" not in text.lower()


def test_an_organization_id_is_24_hex_characters_in_capitals_and_another_shape_is_warned():
    from wizard.core.profile import org_id_warning, validate_field
    from wizard.sandbox.state import SandboxState

    assert validate_field("org_id", " 0123456789abcdef01234567@adobeorg ") == \
        "0123456789ABCDEF01234567@AdobeOrg"
    assert org_id_warning("0123456789ABCDEF01234567@AdobeOrg") == "" and org_id_warning("") == ""
    for odd in ("ABC@AdobeOrg", "0123456789ABCDEF0123456@AdobeOrg",  # 23
                "0123456789ABCDEF012345678@AdobeOrg", "0123456789ABCDEF0123456G@AdobeOrg"):
        assert validate_field("org_id", odd) == odd  # accepted as typed: Adobe never promised
        assert "is not 24 hexadecimal characters before @AdobeOrg" in org_id_warning(odd)
    with pytest.raises(ConfigError, match="must end in @AdobeOrg"):
        validate_field("org_id", "0123456789ABCDEF01234567")
    for seed in range(50):  # the sandbox's organizations have Adobe's shape
        assert org_id_warning(validate_field("org_id", SandboxState(seed=seed).org_id)) == ""
