"""configure, token, test, status: the commands a script or a person runs every day."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from argparse import Namespace
from typing import TYPE_CHECKING, Any, assert_never

from wizard.commands.output import (
    FAIL,
    OK,
    duration,
    read_client_secret,
    read_secret,
    say,
    warn,
)
from wizard.commands.session import load, save_credentials
from wizard.core.errors import ConfigError, WizardError
from wizard.core.lifecycle import CERT_WARN_DAYS
from wizard.core.profile import LABELS, OPTIONS, TEST_RECORD, Profile, ProfileStore, org_id_warning
from wizard.core.vocabulary import AuthType, SecretKind
from wizard.core.wording import credential_type, mask, more, plural, seen
from wizard.flows import credential_test
from wizard.flows.credential_test import (
    CompaniesListed,
    Event,
    Failed,
    PropertiesListed,
    Signed,
    Started,
    TokenIssued,
)

if TYPE_CHECKING:
    from wizard.core.tokens import TokenResult
    from wizard.flows.session import Session

JWT_NOTE = ("note: Adobe stopped issuing JWT credentials in June 2024 and ended them in 2025; "
            "for Adobe production use OAuth Server-to-Server (--auth oauth-s2s)")




def configure(args: Namespace) -> int:
    profiles = ProfileStore()
    saved = profiles.load(args.profile)  # the saved profile, without the environment over it
    changes = {f: getattr(args, f) for f in OPTIONS if getattr(args, f) is not None}
    if args.insecure_storage:
        changes["storage"] = "file"
    client_secret = read_client_secret() if args.client_secret_stdin else None
    if args.sandbox_url:
        client_secret = _sandbox_integration(args, saved, changes)
    profile = saved.with_changes(**changes)
    passphrase = read_secret("Key passphrase") if args.key_passphrase_stdin else None
    key_pem = _checked_key(args, profile, passphrase)

    given = {SecretKind.CLIENT_SECRET: client_secret, SecretKind.PRIVATE_KEY: key_pem,
             SecretKind.KEY_PASSPHRASE: passphrase}
    where = save_credentials(profiles, profile, {k: v for k, v in given.items() if v}, changes)
    for kind, value in given.items():
        if value:
            say(f"{OK} {kind.replace('_', ' ')} saved in {where}")
    say(f"{OK} saved profile {profile.name!r} to {profiles.path}")
    _configure_notes(saved, profile, changes)
    return 0


def _checked_key(args: Namespace, profile: Profile, passphrase: str | None) -> str | None:
    """The private key given (its PEM), once it opens and matches the certificate given."""
    from wizard.core.keys import certificate_file, read_file
    from wizard.flows.key_check import check, usable_key

    if not args.private_key_path:
        if args.certificate_path:
            certificate_file(profile.certificate_path)
        return None
    key_pem = read_file(profile.private_key_path, "private key")
    certificate_path = profile.certificate_path if args.certificate_path else ""
    usable_key(check(key_pem, passphrase, certificate_path), profile.private_key_path,
               "--key-passphrase-stdin", certificate_path)
    return key_pem


def _configure_notes(saved: Profile, profile: Profile, changes: dict[str, Any]) -> None:
    """What the saved profile now means: a switched credential type, an odd organization ID,
    JWT's end, and what is still needed."""
    if profile.auth_type != saved.auth_type and (saved.client_id or saved.last_test):
        warn(_switched(saved, profile))
    if "org_id" in changes and org_id_warning(profile.org_id):
        warn(f"warning: {org_id_warning(profile.org_id)}")
    if profile.is_jwt:
        warn(JWT_NOTE)
    missing = profile.missing_for_token()
    if missing:
        say("still needed: " + ", ".join(LABELS[m] for m in missing))


def _switched(saved: Profile, profile: Profile) -> str:
    """What changes when a set-up profile's credential type does."""
    kinds = {AuthType.JWT: "JWT (service account)", AuthType.OAUTH_S2S: "OAuth Server-to-Server"}
    how = ("a JWT signed with the private key, for the technical account" if profile.is_jwt
           else f"the client secret alone, with the scopes {', '.join(profile.scopes)}")
    back = f"`launch-wizard configure --profile {profile.name} --auth {saved.auth_type}`"
    return (f"note: profile {profile.name!r} switched from {kinds[saved.auth_type]} to "
            f"{kinds[profile.auth_type]}: its tokens now come from {how}; the cached token and "
            f"the last test's result no longer count; {back} switches it back")


def _sandbox_integration(args: Namespace, profile: Profile, changes: dict[str, Any]) -> str:
    """`--sandbox URL`: `changes` made to point the profile at a new integration of that
    sandbox; its client secret."""
    from wizard.commands.sandbox import SANDBOX_SETS, integration_at

    given = [f"--{f.replace('_', '-')}" for f in SANDBOX_SETS if f in changes]
    if given or args.client_secret_stdin:
        raise ConfigError(f"--sandbox sets {', '.join(given) or '--client-secret-stdin'} itself",
                          "leave them out: the sandbox makes an integration for the profile")
    made, client_secret = integration_at(args.sandbox_url, profile.with_changes(**changes))
    changes |= made
    say(f"{OK} created integration {made['client_id']} in the sandbox at {made['ims_url']}")
    return client_secret


def token(args: Namespace) -> int:
    result = load(args).access_token(args.refresh)
    if args.json:
        say(json.dumps({"access_token": result.token.access_token,
                        "token_type": result.token.token_type,
                        "expires_at": int(result.token.expires_at),
                        "expires_in": int(result.token.seconds_left()),
                        "source": result.source}), json=True)
    else:
        say(result.token.access_token)
    return 0


def test(args: Namespace) -> int:
    check(load(args))
    return 0


def check(context: Session) -> None:
    """The credential test, its stages said as they pass; what it saw is kept in the profile, or,
    if a stage fails, that stage, when and why (then raised). `context.profile` is left with what
    was kept."""
    from wizard.core.reactor import NO_PROPERTY, failed, remembered
    from wizard.flows.rights import acts_as_seen

    profile = context.profile
    say(f"testing profile {profile.name!r} ({credential_type(profile.auth_type)})")
    lines = _TestLines(context)
    try:
        passed = credential_test.check(profile, context.store, lines)
    except WizardError as exc:
        context.profile = lines.profile.with_changes(**failed(lines.call, exc))
        with contextlib.suppress(WizardError):  # the test's own error is the news
            context.remember(lines.profile, {"last_failure": context.profile.last_failure})
        raise
    context.profile = passed.profile.with_changes(**remembered(passed.survey))
    context.remember(passed.profile, {f: getattr(context.profile, f) for f in TEST_RECORD})
    if not any(found.total for found in passed.survey):
        warn(f"note: {NO_PROPERTY}")
    else:
        say(f"the credential {acts_as_seen(passed.survey)} (`launch-wizard can` checks rights)")
    say("this integration works.")


class _TestLines:
    """The credential test's events as `test` says them; a metascope it learned kept."""

    def __init__(self, context: Session) -> None:
        self.context = context
        self.profile = context.profile  # with a metascope learned, once the token came
        self.call = ""  # the stage under way, in words

    def __call__(self, event: Event) -> None:
        match event:
            case Started(call=call, company=company):
                self.call = call
                if company is not None:
                    say(f"    {company.name} ({company.id})  rights: {', '.join(company.rights) or 'none'}")
            case Signed():
                pass  # said with the token, which may come from another JWT signed after it
            case TokenIssued(result=result):
                self._token(result)
            case CompaniesListed(companies=companies):
                say(f"{OK} {self.call}: {plural(len(companies), 'company', 'companies')}")
            case PropertiesListed(found=found):
                say(f"{OK} {self.call}: {plural(found.total, 'property', 'properties')}")
                for item in found.first:
                    say(f"    {item.name} ({item.platform})  rights: {', '.join(item.rights) or 'none'}")
                if rest := more(found.total, len(found.first)):
                    say(f"    {rest} (`launch-wizard api '/companies/{found.company.id}/properties' "
                        "--paginate`)")
            case Failed():
                say(f"{FAIL} {self.call}")
            case _:
                assert_never(event)

    def _token(self, result: TokenResult) -> None:
        for note in result.notes:
            warn(note)
        if result.profile_changed:
            self.context.remember(result.profile, {"metascopes": result.profile.metascopes})
        self.profile = result.profile
        if result.claims is not None:
            scopes = [k.rsplit("/s/", 1)[1] for k in result.claims if "/s/" in k]
            say(f"{OK} JWT signed (RS256) for {self.profile.technical_account_id}, "
                f"metascope {', '.join(scopes)}, valid {result.claims['exp'] - int(time.time())} s")
        say(f"{OK} {self.call}: expires in {duration(result.token.seconds_left())}")


def _certificate_state(profile: Profile) -> tuple[str, str | None, dict[str, Any]]:
    """(what to show, a problem or None, the facts for --json) for the profile's certificate."""
    from wizard.core.errors import KeyFileError
    from wizard.core.keys import cert_info, certificate_file

    if not profile.certificate_path:
        return ("not recorded (configure --certificate FILE to be warned before it expires)", None,
                {})
    try:
        info = cert_info(certificate_file(profile.certificate_path))
    except KeyFileError as exc:
        return f"{profile.certificate_path}: {exc.cause}", exc.cause, {}
    when = f"{info.not_after:%Y-%m-%d}"
    facts = {"certificate_expires": when, "certificate_days_left": info.days_left,
             "certificate_expiring_soon": not info.expired and info.days_left < CERT_WARN_DAYS}
    if info.expired:
        return f"{profile.certificate_path}: EXPIRED on {when}", "the certificate has expired", facts
    text = f"{profile.certificate_path}: expires {when} ({info.days_left} days left, SHA-1 {info.sha1})"
    return text, None, facts


def status(args: Namespace) -> int:
    context = load(args)
    if args.check:
        _check_now(context, quiet=args.json)
    profile = context.profile
    report = _profile_facts(context)
    problems = [f"missing {LABELS[m]}" for m in profile.missing_for_token()]
    unreachable = _secret_facts(context, report, problems)
    if profile.is_jwt:
        report["certificate"], cert_problem, facts = _certificate_state(profile)
        report |= facts
        if cert_problem:
            problems.append(cert_problem)
    report["token"] = _token_facts(context)
    from wizard.commands.lifecycle import client_secrets

    report["client_secrets"] = client_secrets(context)  # when the I/O Management API can tell
    report["last_test"] = ({**profile.last_test, "company_id": profile.company_id}
                           if profile.last_test else None)
    failure = profile.last_failure or None
    report["last_failure"] = failure
    report["checked"] = "now" if args.check else (failure or profile.last_test).get("at")
    report["problems"] = problems + ([unreachable] if unreachable else [])
    if args.json:
        say(json.dumps(report, indent=2), json=True)
    else:
        _print_status(report)
    if problems:
        return 2
    if failure:
        return int(failure["exit_code"]) or 2
    return 5 if unreachable else 0


def _profile_facts(context: Session) -> dict[str, Any]:
    profile, profiles = context.profile, context.profiles
    report: dict[str, Any] = {"profile": profile.name, "config": str(profiles.path),
                    "saved": profiles.exists(profile.name), "auth_type": profile.auth_type,
                    "org_id": profile.org_id, "client_id": profile.client_id,
                    "ims_url": profile.ims_url, "reactor_url": profile.reactor_url}
    if profile.is_jwt:
        report["technical_account_id"] = profile.technical_account_id
        report["metascopes"] = profile.metascopes
    else:
        report["scopes"] = profile.scopes
    return report


def _secret_facts(context: Session, report: dict[str, Any], problems: list[str]) -> str:
    """Where each secret is (and any left unused), into `report`; a missing one into `problems`.
    Returns why the secret store cannot be asked, when a secret must come from it ("" if it can)."""
    from wizard.core.lifecycle import FORGET_KEY, unused_secrets

    profile = context.profile
    unreachable = ""
    locations = [context.secrets().locate(profile, kind) for kind in profile.needed_secrets()]
    report["secrets"] = {where.kind: where.where for where in locations}
    for where in locations:
        if where.unreachable:
            unreachable = where.unreachable
        elif where.unusable:
            problems.append(where.unusable)
        elif not where.found:
            problems.append(f"missing {where.kind.replace('_', ' ')}")
    report["unused_secrets"] = unused_secrets(profile, context.store)
    report["forget_unused"] = FORGET_KEY.format(profile=profile.name)
    return unreachable


def _token_facts(context: Session) -> dict[str, Any]:
    from wizard.core.tokens import sandbox_stopped, token_cache

    cache = token_cache(context.profile, context.store)
    token: dict[str, Any] = {"cached": cache.token is not None,
                             "cache": cache.describe() if cache.store else None, "why": cache.why}
    if cache.token is not None:
        token |= {"expires_in": int(cache.token.seconds_left()), "masked": mask(cache.token.access_token),
                  "sandbox_stopped": sandbox_stopped(context.profile)}
    return token


def _check_now(context: Session, quiet: bool) -> None:
    """`status --check`: the test, whose failure is then shown with the rest (its lines on stderr
    when stdout is for JSON)."""
    try:
        with contextlib.redirect_stdout(sys.stderr) if quiet else contextlib.nullcontext():
            check(context)
    except WizardError as exc:
        warn(f"error: {exc.cause}")
        if exc.fix:
            warn(f"  fix: {exc.fix}")


def _metascopes(names: list[str]) -> str:
    from wizard.core.roles import role_for_metascope

    def named(metascope: str) -> str:
        legacy = role_for_metascope(metascope)
        return f"{metascope} (legacy role {legacy.name})" if legacy else metascope

    return ", ".join(named(m) for m in names)


def _print_status(report: dict[str, Any]) -> None:
    jwt = report["auth_type"] == AuthType.JWT
    _print_identity(report, jwt)
    _print_where_things_are(report, jwt)
    checked = report["checked"]
    since = ("checked just now" if checked == "now" else
             f"not checked since {checked}" if checked else "never checked")
    _print_token(report["token"], since)
    from wizard.commands.lifecycle import client_secrets_line

    if report["client_secrets"]:
        say(f"  {client_secrets_line(report['client_secrets'])}")
    for kind, where in report["unused_secrets"].items():
        say(f"  unused: {kind.replace('_', ' ')} (JWT) in {where}: `{report['forget_unused']}` "
            "removes it")
    _print_tests(report["last_test"], report["last_failure"])
    if jwt:
        say(f"  {JWT_NOTE}")
    _print_verdict(report, since)


def _print_identity(report: dict[str, Any], jwt: bool) -> None:
    saved = "" if report["saved"] else " (not saved yet)"
    say(f"profile {report['profile']!r}{saved} in {report['config']}")
    say(f"  credential type: {credential_type(report['auth_type'])}")
    say(f"  organization ID: {report['org_id'] or '(not set)'}")
    say(f"  client ID (API key): {report['client_id'] or '(not set)'}")
    if jwt:
        say(f"  technical account ID: {report['technical_account_id'] or '(not set)'}")
        say(f"  metascopes: {_metascopes(report['metascopes']) or '(discovered on first use)'}")
    else:
        say(f"  scopes: {', '.join(report['scopes'])}")


def _print_where_things_are(report: dict[str, Any], jwt: bool) -> None:
    """The endpoints, the secrets' stores and, for JWT, the certificate."""
    say(f"  IMS: {report['ims_url']}")
    say(f"  Launch API: {report['reactor_url']}")
    for kind, where in report["secrets"].items():
        say(f"  {kind.replace('_', ' ')}: {where}")
    if jwt:
        say(f"  certificate: {report['certificate']}")
        if report.get("certificate_expiring_soon"):
            warn(f"warning: the certificate expires in {report['certificate_days_left']} days: "
                 "`launch-wizard rotate-certificate` makes, uploads and switches to a new one")


def _print_token(token: dict[str, Any], since: str) -> None:
    if token["cached"]:
        say(f"  token: cached in {token['cache']}, {duration(token['expires_in'])} left by its "
            f"expiry ({token['masked']}); {since}")
        if token["sandbox_stopped"]:
            say("    but its sandbox is not running: nothing takes it until `launch-wizard "
                "--sandbox` is open again")
    elif token["cache"] is None:
        say(f"  token: not cached ({token['why']})")
    else:
        say(f"  token: none cached in {token['cache']} (`launch-wizard token` gets one)")


def _print_tests(last: dict[str, Any] | None, failure: dict[str, Any] | None) -> None:
    if failure:
        say(f"  last test: FAILED {failure['at']} at {failure['stage']}: {failure['cause']}")
    if last:
        label = "last passing test" if failure else "last test"
        say(f"  {label}: {last['at']}, saw {seen(last)} (company {last['company_id'] or 'none'})")
    elif not failure:
        say("  last test: none recorded")


def _print_verdict(report: dict[str, Any], since: str) -> None:
    """The problems, or else whether it is ready."""
    for problem in report["problems"]:
        say(f"  {FAIL} {problem}")
    if report["problems"]:
        return
    if report["last_failure"]:
        say(f"  {FAIL} the last test failed: `launch-wizard status --check` (or `test`) tries again")
    elif report["checked"] == "now":
        say(f"  {OK} ready: checked just now against the Launch API")
    else:
        say(f"  {OK} configured; {since}: `launch-wizard status --check` checks it against the "
            "Launch API")
