"""configure, token, test, status: the commands a script or a person runs every day."""

from __future__ import annotations

import json
import time
from argparse import Namespace
from typing import Any

from wizard.commands.output import (FAIL, OK, access_token, check_pair, duration, load, mask,
                                    private_key, read_secret, remember, say, save_credentials, warn)
from wizard.core.errors import SecretStoreError, WizardError
from wizard.core.lifecycle import CERT_WARN_DAYS
from wizard.core.profile import LABELS, Profile, ProfileStore, org_id_warning, plural, seen

JWT_NOTE = ("note: Adobe stopped issuing JWT credentials in June 2024 and ended them in 2025; "
            "for Adobe production use OAuth Server-to-Server (--auth oauth-s2s)")


_FIELDS = ("auth_type", "org_id", "client_id", "technical_account_id", "technical_account_email",
           "role", "metascopes", "scopes", "private_key_path", "certificate_path", "ims_url",
           "reactor_url")


def configure(args: Namespace) -> int:
    from wizard.core.keys import certificate_file, read_file

    profiles = ProfileStore()
    profile = profiles.load(args.profile)  # the saved profile, without the environment over it
    changes = {f: getattr(args, f) for f in _FIELDS if getattr(args, f) is not None}
    if args.insecure_storage:
        changes["storage"] = "file"
    profile = profile.with_changes(**changes)
    client_secret = read_secret("Client secret") if args.client_secret_stdin else None
    passphrase = read_secret("Key passphrase") if args.key_passphrase_stdin else None

    key_pem = key = None
    if args.private_key_path:
        key_pem = read_file(profile.private_key_path, "private key")
        key = private_key(key_pem, passphrase, profile.private_key_path, "--key-passphrase-stdin")
    if args.certificate_path:
        cert = certificate_file(profile.certificate_path)
        if key is not None:
            check_pair(key, profile.private_key_path, cert, profile.certificate_path)

    given = {"client_secret": client_secret, "private_key": key_pem, "key_passphrase": passphrase}
    where = save_credentials(profiles, profile, {k: v for k, v in given.items() if v}, changes)
    for kind, value in given.items():
        if value:
            say(f"{OK} {kind.replace('_', ' ')} saved in {where}")
    say(f"{OK} saved profile {profile.name!r} to {profiles.path}")
    if "org_id" in changes and org_id_warning(profile.org_id):
        warn(f"warning: {org_id_warning(profile.org_id)}")
    if profile.is_jwt:
        warn(JWT_NOTE)
    missing = profile.missing_for_token()
    if missing:
        say("still needed: " + ", ".join(LABELS[m] for m in missing))
    return 0


def token(args: Namespace) -> int:
    result = access_token(load(args), args.refresh)
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
    from wizard.core.reactor import NO_PROPERTY, Reactor, remembered

    context = load(args)
    profile = context.profile
    kind = "JWT service account" if profile.is_jwt else "OAuth Server-to-Server"
    say(f"testing profile {profile.name!r} ({kind})")
    stage = f"access token from {profile.ims_url}"
    try:
        result = access_token(context, refresh=True)
        profile = result.profile
        if result.claims is not None:
            scopes = [k.rsplit("/s/", 1)[1] for k in result.claims if "/s/" in k]
            say(f"{OK} JWT signed (RS256) for {profile.technical_account_id}, "
                f"metascope {', '.join(scopes)}, valid {result.claims['exp'] - int(time.time())} s")
        say(f"{OK} {stage}: expires in {duration(result.token.seconds_left())}")
        reactor = Reactor.of(profile, result.token.access_token)
        stage = f"GET {reactor.base_url}/companies"
        companies = reactor.companies()
        say(f"{OK} {stage}: {plural(len(companies), 'company', 'companies')}")
        survey = []
        for company in companies:
            say(f"    {company.name} ({company.id})  rights: {', '.join(company.rights) or 'none'}")
            stage = f"GET /companies/{company.id}/properties"
            found = reactor.properties(company)
            say(f"{OK} {stage}: {plural(found.total, 'property', 'properties')}")
            for item in found.first:
                say(f"    {item.name} ({item.platform})  rights: {', '.join(item.rights) or 'none'}")
            if found.total > len(found.first):
                say(f"    and {found.total - len(found.first)} more "
                    f"(`launch-wizard api '/companies/{company.id}/properties' --paginate`)")
            survey.append(found)
    except WizardError:
        say(f"{FAIL} {stage}")
        raise
    remember(context, profile, remembered(survey))
    if not any(found.total for found in survey):
        warn(f"note: {NO_PROPERTY}")
    say("this integration works.")
    return 0


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
    from wizard.core.tokens import cached, locate_secret

    context = load(args)
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
    problems = [f"missing {LABELS[m]}" for m in profile.missing_for_token()]
    unreachable = ""  # the secret store, when a secret must come from it and it cannot be asked
    kinds = ["client_secret"] + (["private_key"] if profile.is_jwt else [])
    locations = [locate_secret(profile, context.store, kind) for kind in kinds]
    report["secrets"] = {where.kind: where.where for where in locations}
    for where in locations:
        if where.unreachable:
            unreachable = where.unreachable
        elif not where.found:
            problems.append(f"missing {where.kind.replace('_', ' ')}")
    if profile.is_jwt:
        report["certificate"], cert_problem, facts = _certificate_state(profile)
        report |= facts
        if cert_problem:
            problems.append(cert_problem)
    try:
        cached_token = cached(profile, context.store)
    except SecretStoreError as exc:
        cached_token = None
        report["token_cache"] = f"unavailable: {exc.cause}"
    report["token"] = ({"cached": True, "expires_in": int(cached_token.seconds_left()),
                        "masked": mask(cached_token.access_token)} if cached_token
                       else {"cached": False})
    report["last_test"] = ({**profile.last_test, "company_id": profile.company_id}
                           if profile.last_test else None)
    report["problems"] = problems + ([unreachable] if unreachable else [])
    if args.json:
        say(json.dumps(report, indent=2), json=True)
    else:
        _print_status(report)
    if problems:
        return 2
    return 5 if unreachable else 0


def _metascopes(names: list[str]) -> str:
    from wizard.core.roles import role_for_metascope

    def named(metascope: str) -> str:
        legacy = role_for_metascope(metascope)
        return f"{metascope} (legacy role {legacy.name})" if legacy else metascope

    return ", ".join(named(m) for m in names)


def _print_status(report: dict[str, Any]) -> None:
    saved = "" if report["saved"] else " (not saved yet)"
    say(f"profile {report['profile']!r}{saved} in {report['config']}")
    jwt = report["auth_type"] == "jwt"
    say(f"  credential type: {'JWT service account' if jwt else 'OAuth Server-to-Server'}")
    say(f"  organization ID: {report['org_id'] or '(not set)'}")
    say(f"  client ID (API key): {report['client_id'] or '(not set)'}")
    if jwt:
        say(f"  technical account ID: {report['technical_account_id'] or '(not set)'}")
        say(f"  metascopes: {_metascopes(report['metascopes']) or '(discovered on first use)'}")
    else:
        say(f"  scopes: {', '.join(report['scopes'])}")
    say(f"  IMS: {report['ims_url']}")
    say(f"  Launch API: {report['reactor_url']}")
    for kind, where in report["secrets"].items():
        say(f"  {kind.replace('_', ' ')}: {where}")
    if jwt:
        say(f"  certificate: {report['certificate']}")
        if report.get("certificate_expiring_soon"):
            warn(f"warning: the certificate expires in {report['certificate_days_left']} days: "
                 "`launch-wizard rotate-certificate` makes, uploads and switches to a new one")
    token = report["token"]
    if token["cached"]:
        say(f"  token: cached, valid for {duration(token['expires_in'])} ({token['masked']})")
    elif "token_cache" in report:
        say(f"  token: not cached here ({report['token_cache']})")
    else:
        say("  token: none cached (`launch-wizard token` gets one)")
    last = report["last_test"]
    if last:
        say(f"  last test: {last['at']}, saw {seen(last)} (company {last['company_id'] or 'none'})")
    else:
        say("  last test: none recorded")
    if jwt:
        say(f"  {JWT_NOTE}")
    for problem in report["problems"]:
        say(f"  {FAIL} {problem}")
    if not report["problems"]:
        say(f"  {OK} ready: `launch-wizard test` checks it against the Launch API")
