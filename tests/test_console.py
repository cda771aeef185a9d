"""The console seam: each operation answers Done (the console did it) or PersonDoes (a person
does it, following the instructions), and the one place that chooses the console."""

import inspect
import re
from pathlib import Path

import wizard
from wizard.core.console import (
    CREATE_STEPS,
    UPLOAD_STEPS,
    Capability,
    Console,
    Done,
    ManualConsole,
    PersonDoes,
    SandboxConsole,
    console_for,
)
from wizard.core.profile import Profile

OPERATIONS = [name for name, member in inspect.getmembers(Console, inspect.isfunction)
              if not name.startswith("_") and name != "offers"]


def test_every_console_operation_is_asked_on_both_consoles():
    assert set(OPERATIONS) == {"find_organization", "create", "look_up", "upload", "remove_certificate",
                               "press_migrate", "secret_ids", "add_secret", "remove_secret"}
    for console in (ManualConsole, SandboxConsole):
        assert all(callable(getattr(console, name)) for name in [*OPERATIONS, "offers"])


def test_a_person_does_every_operation_on_adobes_console_with_its_steps():
    console = ManualConsole()
    answers = [console.find_organization(), console.create("x", "jwt"), console.look_up("abc"),
               console.upload("abc", "PEM"), console.remove_certificate("abc", "F00"),
               console.press_migrate("abc"), console.secret_ids("abc"), console.add_secret("abc"),
               console.remove_secret("abc", "1")]
    assert all(isinstance(answer, PersonDoes) and answer.instructions for answer in answers)
    assert console.create("x", "oauth-s2s") == PersonDoes(CREATE_STEPS)
    assert console.upload("abc", "PEM") == PersonDoes(UPLOAD_STEPS)
    assert "Migrate to OAuth Server-to-Server" in console.press_migrate("abc").instructions[0]
    assert not any(console.offers(capability) for capability in Capability)


def test_the_sandbox_console_does_each_operation_itself(sandbox, keypair):
    console = SandboxConsole(sandbox.console_url)
    assert all(console.offers(capability) for capability in Capability)
    org = console.find_organization()
    assert isinstance(org, Done) and org.value.endswith("@AdobeOrg")
    made = console.create("seam", "jwt")
    assert isinstance(made, Done) and made.value.org_id == org.value
    found = console.look_up(made.value.client_id)
    assert isinstance(found, Done) and found.value is not None
    assert found.value.client_secret == made.value.client_secret
    assert console.look_up("no-such-client") == Done(None)
    uploaded = console.upload(made.value.client_id, keypair.cert_path.read_text())
    assert isinstance(uploaded, Done) and len(uploaded.value.fingerprint_sha1) == 40
    assert console.remove_certificate(made.value.client_id, uploaded.value.fingerprint_sha1) == Done(None)
    assert console.press_migrate(made.value.client_id) == Done(None)
    assert isinstance(console.press_migrate("no-such-client"), PersonDoes)  # migrated where it is
    added = console.add_secret(made.value.client_id)
    assert added.value.uuid in console.secret_ids(made.value.client_id).value
    assert console.remove_secret(made.value.client_id, added.value.uuid) == Done(None)
    assert added.value.uuid not in console.secret_ids(made.value.client_id).value


def test_the_console_is_the_sandboxs_only_when_a_sandbox_answers_on_this_machine(sandbox):
    assert isinstance(console_for(Profile(ims_url=sandbox.ims_url)), SandboxConsole)
    assert isinstance(console_for(Profile()), ManualConsole)  # Adobe's IMS: a person
    nobody = "http://127.0.0.1:9"  # nothing listens there: another server would be a person's too
    assert isinstance(console_for(Profile(ims_url=nobody)), ManualConsole)


ASKS_WHICH_CONSOLE = re.compile(r"isinstance\([^)]*\b(?:Sandbox|Manual)Console\b|\.automatic\b")


def test_no_screen_command_or_flow_asks_which_console_it_has():
    """They ask the console chosen for them what it offers, and act on its answer (Done or
    PersonDoes); building one for a sandbox they were given is not asking."""
    root = Path(wizard.__file__).parent
    files = [f for part in ("commands", "flows", "tui") for f in sorted((root / part).rglob("*.py"))]
    assert len(files) > 30  # the walk found the code
    asking = [str(f.relative_to(root)) for f in files
              if ASKS_WHICH_CONSOLE.search(f.read_text(encoding="utf-8"))]
    assert not asking


def test_the_check_sees_a_question_about_the_console():
    assert ASKS_WHICH_CONSOLE.search("if isinstance(state.console, SandboxConsole):")
    assert ASKS_WHICH_CONSOLE.search("if not isinstance(console, (ManualConsole, Other)):")
    assert ASKS_WHICH_CONSOLE.search("if console.automatic:")
    assert not ASKS_WHICH_CONSOLE.search("console = SandboxConsole(sandbox.console_url)")
