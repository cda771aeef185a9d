"""migrate, rotate-certificate, rotate-secret: a credential's changes after it works, each tried
before it is made. Against the sandbox the commands press the console's buttons themselves."""

from __future__ import annotations

import datetime as dt
import sys
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.commands.output import OK, confirm, read_client_secret, say, warn
from wizard.commands.session import load
from wizard.core.console import Capability, Done, console_for
from wizard.core.errors import ConfigError, WizardError
from wizard.core.lifecycle import FORGET_KEY, forget_unused
from wizard.core.profile import LABELS, Profile
from wizard.core.safe_text import terminal_safe
from wizard.core.vocabulary import SecretKind
from wizard.core.wording import seen, utc_stamp
from wizard.flows.credential_test import Passed, trial
from wizard.flows.migration import TECHNICAL_ACCOUNT, press_migrate, server_to_server, the_jwt_credential
from wizard.flows.rotation import NotSwitched, RotationEvent, in_words, last_use

if TYPE_CHECKING:
    from wizard.core.console import Console
    from wizard.core.io_management import NewSecret
    from wizard.flows.session import Session


def _saved(context: Session) -> Profile:
    """The profile as saved: these commands change what is saved, not what the environment says."""
    if not context.profiles.exists(context.profile.name):
        raise ConfigError(f"profile {context.profile.name!r} is not saved",
                          "set it up first: `launch-wizard import FILE`, `configure` or the wizard")
    return context.profiles.load(context.profile.name)


def _worked(result: Passed, profile: Profile) -> Profile:
    """Say that the trial passed; `profile` with what it saw."""
    from wizard.core.reactor import remembered

    changes = remembered(result.survey)
    names = ", ".join(c.name for c in result.companies) or "no company"
    say(f"{OK} tried: a token from IMS, and the Launch API answers ({names}; "
        f"{seen(changes['last_test'])})")
    return profile.with_changes(**changes)


def _failed(exc: WizardError, unchanged: str) -> WizardError:
    """The trial's error, saying that nothing was switched."""
    return type(exc)(f"{exc.cause} (tried before switching: {unchanged})", exc.fix,
                     subject=exc.subject)


def migrate(args: Namespace) -> int:
    context = load(args)
    jwt = _saved(context)
    if args.forget_key and not jwt.is_jwt:  # migrated before: only the key is left to go
        _forget_key(context, jwt)
        return 0
    s2s = server_to_server(jwt, args.scopes)
    new_secret = read_client_secret() if args.client_secret_stdin else None
    console = console_for(jwt)
    say(f"migrating profile {jwt.name!r} from JWT to OAuth Server-to-Server, as the console does:")
    say(f"    same client ID {jwt.client_id}, organization and technical account")
    say(f"    scopes {', '.join(s2s.scopes)}")
    say(f"    client secret: {'the new one given' if new_secret else 'the same'}")
    s2s, by_console = _press_migrate(console, jwt, s2s, args.yes)
    given = {SecretKind.CLIENT_SECRET: new_secret} if new_secret else None
    try:
        result = trial(s2s, context.store, given=given)
    except WizardError as exc:
        raise _failed(exc, "the profile still uses JWT") from None
    s2s = _worked(result, s2s)
    context.save_credentials(s2s, given or {}, s2s.changes_from(jwt))
    say(f"{OK} profile {s2s.name!r} now uses OAuth Server-to-Server")
    _after_migrating(context, s2s, args.forget_key, by_console)
    return 0


def _press_migrate(console: Console, jwt: Profile, s2s: Profile, yes: bool) -> tuple[Profile, bool]:
    """The console's Migrate pressed (the sandbox's by us, Adobe's by the person); `s2s` with the
    technical account the sandbox's page shows, where it had none, and whether the console
    pressed it itself."""
    pressed = press_migrate(console, jwt, s2s)
    if isinstance(pressed, Done):
        say(f"{OK} pressed Migrate in the sandbox's console")
        return pressed.value, True
    confirm("In the Developer Console, open the credential and press \"Migrate to OAuth "
            "Server-to-Server\". Done?", yes)
    return s2s, False


def _after_migrating(context: Session, s2s: Profile, forget_key: bool, by_console: bool) -> None:
    """What aio-cli still needs, the JWT key forgotten or where it stays, and the console's last step."""
    missing = [name for name in TECHNICAL_ACCOUNT if not getattr(s2s, name)]
    if missing:
        say(f"for aio-cli, add its {' and '.join(LABELS[n] for n in missing)} from the credential "
            f"page: `launch-wizard configure --profile {s2s.name} "
            + " ".join(f"--{n.replace('_', '-')} ..." for n in missing) + "`")
    if forget_key:
        _forget_key(context, s2s)
    else:
        say(f"the JWT private key stays in the keyring until `{FORGET_KEY.format(profile=s2s.name)}`")
    say(the_jwt_credential(by_console))


def _forget_key(context: Session, profile: Profile) -> None:
    if forget_unused(profile, context.store):
        say(f"{OK} the JWT private key is gone from {context.store.describe()}")
    else:
        say(f"{OK} no JWT private key is stored for profile {profile.name!r}: nothing to delete")


def rotate_secret(args: Namespace) -> int:
    context = load(args)
    profile = _saved(context)
    if profile.is_jwt:
        raise ConfigError(f"profile {profile.name!r} is a JWT credential: its secret is not rotated",
                          "rotate its certificate (`launch-wizard rotate-certificate`), or "
                          "migrate it (`launch-wizard migrate`)")
    if args.credential_id is not None:
        profile = profile.with_changes(credential_id=args.credential_id)
        context.profiles.update(profile.name, {"credential_id": profile.credential_id})
    if args.client_secret_stdin:
        return _rotate_to_given(context, profile)
    from wizard.flows.rotation import ConsoleSecrets, Rotation, Unavailable, needs_steps, rotate, secrets_at

    console = console_for(profile)
    at = secrets_at(profile, context.store, console)
    if isinstance(at, Unavailable):
        raise needs_steps(at, profile)
    if isinstance(at, ConsoleSecrets):
        say(f"note: not through the I/O Management API ({'; '.join(at.why)}): pressing the "
            "sandbox console's buttons instead")
    elif not console.offers(Capability.MANAGE_SECRETS) and not args.keep_old:
        # Adobe's console, where other consumers may hold the old one
        confirm("This adds a client secret to the credential, switches the profile to it once it "
                "works, then deletes the old one: anything else still using the old one stops "
                "working (--keep-old leaves it). Go on?", args.yes)
    job = Rotation(profile, context.store, context.save_credentials,
                   say_rotation, reveal_once)
    rotate(job, at, keep_old=args.keep_old)
    return 0


def _rotate_to_given(context: Session, profile: Profile) -> int:
    """The new secret made by hand in the console, piped in: tried, then switched to."""
    new_secret = read_client_secret("New client secret")
    try:
        result = trial(profile, context.store, given={SecretKind.CLIENT_SECRET: new_secret})
    except WizardError as exc:
        raise _failed(exc, "the old secret is still the one stored") from None
    worked = _worked(result, profile)
    context.save_credentials(worked, {SecretKind.CLIENT_SECRET: new_secret}, worked.changes_from(profile))
    say(f"{OK} the new client secret replaced the old one in {context.store.describe()}")
    say("in the console, delete the old client secret once nothing uses it any more")
    return 0


def say_rotation(event: RotationEvent) -> None:
    """One line for each step of a secret rotation; a failure's report on stderr."""
    if isinstance(event, NotSwitched):
        warn(in_words(event, OK))
    else:
        say(in_words(event, OK))


def client_secrets(context: Session) -> list[dict[str, str | None]] | None:
    """`status`: the credential's client secrets (uuid, created, last used; ISO 8601, UTC) when
    the I/O Management API can be read without a new token; None when it cannot."""
    from wizard.flows.rotation import secrets_listed

    listed = secrets_listed(context.profile, context.store)
    if listed is None:
        return None
    return [{"uuid": s.uuid, "created_at": _iso(s.created_at), "last_used_at": _iso(s.last_used_at)}
            for s in listed]


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return utc_stamp(seconds)


def client_secrets_line(listed: list[dict[str, str | None]]) -> str:
    """"client secrets: 2 on the credential; one last used just now (created 2026-12-01); the
    other one last used 3 days ago (created 2026-11-02)"."""
    def seconds(at: str | None) -> float | None:
        return dt.datetime.fromisoformat(at).timestamp() if at else None

    def told(item: dict[str, str | None]) -> str:
        created = f" (created {item['created_at'][:10]})" if item["created_at"] else ""
        return f"{last_use(seconds(item['last_used_at']))}{created}"

    latest = sorted(listed, key=lambda s: seconds(s["last_used_at"]) or 0.0, reverse=True)
    if len(latest) == 1:
        return f"client secrets: 1 on the credential, {told(latest[0])}"
    line = f"client secrets: {len(listed)} on the credential; one {told(latest[0])}"
    return line + "".join(f"; the other one {told(other)}" for other in latest[1:])


def reveal_once(new: NewSecret) -> bool:
    """Show a new secret the store refused, once, on the terminal itself: never on stdout or
    stderr, which scripts log. Without a terminal (and a person at it), nothing is shown."""
    if not sys.stdin.isatty():
        return False
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(f"The new client secret ({terminal_safe(new.uuid)}), shown once: it could not "
                      f"be stored, and Adobe never shows it again. Copy it now:\n"
                      f"    {terminal_safe(new.value)}\n")
    except OSError:
        return False
    return True


def rotate_certificate(args: Namespace) -> int:
    from wizard.core.keys import cert_info, certificate_file, generate_pair

    context = load(args)
    profile = _saved(context)
    if not profile.is_jwt:
        raise ConfigError(f"profile {profile.name!r} is OAuth Server-to-Server: it has no certificate",
                          "rotate its client secret instead: `launch-wizard rotate-secret`")
    old = cert_info(certificate_file(profile.certificate_path)) if profile.certificate_path else None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out_dir = Path(args.out_dir).expanduser() if args.out_dir else (
        Path(profile.private_key_path or profile.certificate_path or ".").parent / stamp)
    pair = generate_pair(out_dir, args.bits, args.days)
    new = cert_info(pair.cert)
    say(f"{OK} new key {pair.key_path} and certificate {pair.cert_path}")
    say(f"    SHA-1 fingerprint {new.sha1}, expires {new.not_after:%Y-%m-%d}")
    console = console_for(profile)
    if isinstance(console.upload(profile.client_id, pair.cert_path.read_text()), Done):
        say(f"{OK} uploaded it to the sandbox's console")
    else:  # a person uploads it
        confirm(f"Upload {pair.cert_path} to the credential in the Developer Console (keep the old "
                f"one for now) and check that it shows {new.sha1}. Done?", args.yes)
    given = {SecretKind.PRIVATE_KEY: pair.key_path.read_text()}
    changed = profile.with_changes(private_key_path=str(pair.key_path),
                                   certificate_path=str(pair.cert_path))
    try:
        result = trial(changed, context.store, given=given)
    except WizardError as exc:
        warn(f"the new files stay in {out_dir}; the profile was not changed")
        raise _failed(exc, "the profile still uses the old key") from None
    worked = _worked(result, changed)
    context.save_credentials(worked, given, worked.changes_from(profile))
    context.store.delete(profile.name, SecretKind.KEY_PASSPHRASE)  # the new key has none
    say(f"{OK} profile {profile.name!r} now signs with the new key")
    if old is None:
        return 0
    if isinstance(console.remove_certificate(profile.client_id, old.sha1), Done):
        say(f"{OK} deleted the old certificate ({old.sha1}) in the sandbox's console")
    else:  # a person deletes it
        say(f"in the console, delete the old certificate (SHA-1 {old.sha1}, expires "
            f"{old.not_after:%Y-%m-%d}): Adobe's expiry mails stop only then")
    return 0
