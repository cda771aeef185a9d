"""import and export: credentials in from what the Developer Console downloads (and aio-cli and our
own exports), and out for shells, Postman, aio-cli and JSON."""

from __future__ import annotations

import os
import shlex
import sys
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path

from wizard.commands.output import (
    OK,
    confirm,
    read_input,
    read_secret,
    say,
    warn,
)
from wizard.commands.session import load, save_credentials
from wizard.core.errors import ConfigError, KeyFileError, SecretStoreError
from wizard.core.interop import (
    IMS_STAGE,
    Imported,
    moved_endpoints,
    profile_from,
    read_credentials,
    to_postman,
)
from wizard.core.profile import ENDPOINTS, IMS_PRODUCTION, LABELS, Profile, ProfileStore, endpoint_warnings
from wizard.core.safe_text import terminal_safe
from wizard.core.vocabulary import SecretKind
from wizard.core.wording import mask
from wizard.flows.key_check import against, open_key, usable_key
from wizard.flows.session import Session


def import_(args: Namespace) -> int:
    from wizard.core.keys import cert_info, certificate_file, read_file

    text = read_input(args.file, "the JSON file the Developer Console downloaded")
    imported = read_credentials(text, args.credential or "")
    profiles = ProfileStore()
    saved = profiles.load(args.profile)
    profile = profile_from(imported, saved)
    _may_re_aim(saved, profile, args, profiles.exists(saved.name))
    secrets = dict(imported.secrets)
    passphrase = read_secret("Key passphrase") if args.key_passphrase_stdin else None
    if passphrase:
        secrets[SecretKind.KEY_PASSPHRASE] = passphrase
    changes: dict[str, str] = {}
    if args.private_key:
        changes["private_key_path"] = args.private_key
        secrets[SecretKind.PRIVATE_KEY] = read_file(Path(args.private_key).expanduser(), "private key")
    if args.certificate:
        changes["certificate_path"] = args.certificate
    profile = profile.with_changes(**changes)
    opened = None
    if SecretKind.PRIVATE_KEY in secrets:
        opened = open_key(secrets[SecretKind.PRIVATE_KEY], secrets.get(SecretKind.KEY_PASSPHRASE))
        usable_key(opened, profile.private_key_path or "the private key", "--key-passphrase-stdin")
    if profile.certificate_path:
        cert = certificate_file(profile.certificate_path)
        sha1 = cert_info(cert).sha1
        if imported.certificates and sha1 not in imported.certificates:
            held = ", ".join(f"{fp} (expires {day})" for fp, day in imported.certificates.items())
            raise KeyFileError(f"the certificate {profile.certificate_path} (SHA-1 {sha1}) is not one "
                               f"the console holds for this credential: {held}",
                               "give the certificate uploaded to the credential, or upload this one")
        if opened is not None:
            usable_key(against(opened, cert), profile.private_key_path, "--key-passphrase-stdin",
                       profile.certificate_path)
    where = save_credentials(profiles, profile, secrets, profile.changes_from(saved))
    _report(imported, profile, secrets, where, profiles)
    return 0


def _may_re_aim(saved: Profile, profile: Profile, args: Namespace, exists: bool) -> None:
    """A file may not choose where the stored client secret and the cached token go: new
    endpoints need --allow-endpoints; another client ID in a saved profile, a yes (or --force)."""
    moved = moved_endpoints(saved, profile)
    if moved and not args.allow_endpoints:
        changes = "; ".join(f"{LABELS[name]} {getattr(saved, name)} -> {url}"
                            for name, url in moved.items())
        raise ConfigError(f"the file would change where profile {profile.name!r} sends its client "
                          f"secret and tokens: {changes}",
                          "if you trust the file to choose these hosts, add --allow-endpoints; "
                          "otherwise remove ims_url and reactor_url from it")
    if exists and saved.client_id and profile.client_id != saved.client_id:
        confirm(f"profile {saved.name!r} holds client ID {saved.client_id}; replace it with the "
                f"file's {profile.client_id}?", args.force, "--force")


def _report(imported: Imported, profile: Profile, secrets: Mapping[SecretKind, str], where: str,
            profiles: ProfileStore) -> None:
    named = f" {imported.name!r}" if imported.name else ""
    say(f"{OK} imported{named} from {imported.source} into profile {profile.name!r}")
    for label, value in _imported_rows(profile, secrets, where):
        say(f"    {label:22} {value}")
    for fingerprint, expiry in imported.certificates.items():
        say(f"    certificate held     SHA-1 {fingerprint}, expires {expiry}")
    for skipped in imported.skipped:
        say(f"    skipped              {skipped}")
    say(f"{OK} saved to {profiles.path}")
    for line in endpoint_warnings(profile, lambda name: "set by this import"):
        warn(f"warning: {line}")
    missing = _still_needed(profile, secrets)
    if missing:
        say("still needed: " + "; ".join(missing))
    else:
        say("next: `launch-wizard test` checks it against the Launch API")


def _imported_rows(profile: Profile, secrets: Mapping[SecretKind, str], where: str) -> list[tuple[str, str]]:
    """(label, value) of what the profile now holds, a secret masked or only said to be saved."""
    rows = [("organization ID", profile.org_id), ("client ID (API key)", profile.client_id)]
    rows += [(LABELS[name], getattr(profile, name))
             for name in ("technical_account_id", "technical_account_email") if getattr(profile, name)]
    rows.append(("scopes", ", ".join(profile.scopes)) if not profile.is_jwt
                else ("metascopes", ", ".join(profile.metascopes) or "(discovered on first use)"))
    rows += [(LABELS[name], getattr(profile, name)) for name in ENDPOINTS]
    rows += [(kind.replace("_", " "), f"{mask(value) if kind == SecretKind.CLIENT_SECRET else 'saved'} "
                                      f"(in {where})") for kind, value in secrets.items()]
    return rows


def _still_needed(profile: Profile, secrets: Mapping[SecretKind, str]) -> list[str]:
    missing = [LABELS[m] for m in profile.missing_for_token()]
    if SecretKind.CLIENT_SECRET not in secrets:
        missing.append("client secret (`launch-wizard configure --client-secret-stdin`)")
    if profile.is_jwt and SecretKind.PRIVATE_KEY not in secrets and not profile.private_key_path:
        missing.append("private key (`launch-wizard import FILE --private-key KEY`, or configure)")
    return missing


FORMATS = ("env", "postman", "aio", "json")


def export(args: Namespace) -> int:
    from wizard.core.interop import WRITERS

    context = load(args)
    profile = context.profile
    secrets = _exported_secrets(context) if args.with_secrets else {}
    if args.format == "postman":
        token = _cached_token(context) if args.with_secrets else ""
        text = to_postman(profile, secrets, token)
    else:
        text = WRITERS[args.format](profile, secrets)
    if args.format == "aio" and profile.ims_url not in (IMS_PRODUCTION, IMS_STAGE):
        warn(f"note: aio-cli gets tokens from Adobe's IMS only (production, or stage), never "
             f"from {profile.ims_url}")
    if args.out:
        _write(Path(args.out).expanduser(), text, args.force)
        say(f"{OK} wrote {args.format} for profile {profile.name!r} to {args.out}"
            + (" (with its secrets: keep it safe)" if secrets else " (no secrets in it)"))
        return 0
    if secrets and sys.stdout.isatty() and not args.force:
        raise ConfigError("the export holds secrets and would be shown on this terminal",
                          "write it to a file with --out FILE, pipe it, or add --force to show it")
    # a terminal shows it to a person: what it would obey in a value is shown escaped
    sys.stdout.write(terminal_safe(text, json=args.format != "env") if sys.stdout.isatty() else text)
    if not secrets:
        warn("note: no secret was exported; --with-secrets adds them")
    return 0


def _exported_secrets(context: Session) -> dict[SecretKind, str]:
    """--with-secrets: the profile's secrets that are set."""
    profile = context.profile
    secrets: dict[SecretKind, str] = {}
    for kind in profile.needed_secrets(optional=True):
        value = context.secrets().get(profile, kind, optional=kind == SecretKind.KEY_PASSPHRASE)
        if value:
            secrets[kind] = value
    return secrets


def _cached_token(context: Session) -> str:
    """The cached access token for a Postman export with secrets, or "" (none, or no store)."""
    from wizard.core.tokens import cached

    try:
        found = cached(context.profile, context.store)
    except SecretStoreError:
        found = None
    return found.access_token if found else ""


def _write(path: Path, text: str, force: bool) -> None:
    """A new file, mode 0600, created exclusively: no temp file that a kill could leave holding
    secrets, no write through a link planted at `path`. An existing file is replaced only with
    --force: it is removed first (a link, not what it points to), then the new one is created."""
    from wizard.core.files import create_new

    if path.is_dir():
        raise ConfigError(f"{path} is a folder", "give a file name")
    if not path.parent.is_dir():
        raise ConfigError(f"the folder {path.parent} does not exist",
                          f"create it first (mkdir -p {shlex.quote(str(path.parent))}), or give "
                          "--out a file in a folder that exists")
    if os.path.lexists(path):
        if not force:
            raise ConfigError(f"{path} already exists; refusing to overwrite it",
                              "choose another file, or add --force to replace it")
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot replace {path}: {exc.strerror or exc}",
                              "choose another file, or remove the old one first") from None
    create_new(path, text.encode(), 0o600)
