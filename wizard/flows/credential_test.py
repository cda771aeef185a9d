"""The credential test: a token (a JWT signed and exchanged, or a client-credentials request),
then GET /companies, then each company's properties. Each stage is reported as it starts and
as it ends; a stage that fails is reported, then its error raised.

`check` is the everyday test (`launch-wizard test`, the wizard's Test step, the demo): a new
token through the token cache. `trial` tries a credential before anything switches to it
(migrate, rotate): a token straight from IMS, cached nowhere, with the new secrets given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wizard.core.errors import IMSError, WizardError
from wizard.core.tokens import TokenResult, drop_refused, exchange, get_token
from wizard.core.vocabulary import SecretKind, Subject

if TYPE_CHECKING:
    from wizard.core.ims import Token
    from wizard.core.profile import Profile
    from wizard.core.reactor import Company, Properties
    from wizard.core.secret_source import SecretSource
    from wizard.core.secret_store import SecretStore


class Stage(StrEnum):
    SIGN = "sign"  # JWT: sign the assertion (RS256)
    TOKEN = "token"  # exchange the JWT, or request a token with client credentials
    COMPANIES = "companies"  # GET /companies
    PROPERTIES = "properties"  # each company's properties


@dataclass(frozen=True)
class Started:
    stage: Stage
    call: str  # what the stage asks, in words: "access token from URL", "GET URL/companies"
    company: Company | None = None  # whose properties (PROPERTIES)


@dataclass(frozen=True)
class Signed:
    """A JWT was signed (finding the metascope may sign several); the token stage runs."""

    claims: Mapping[str, Any]


@dataclass(frozen=True)
class TokenIssued:
    result: TokenResult  # its notes, the claims signed, a metascope learned


@dataclass(frozen=True)
class CompaniesListed:
    companies: tuple[Company, ...]


@dataclass(frozen=True)
class PropertiesListed:
    found: Properties


@dataclass(frozen=True)
class Failed:
    """The stage failed; its error is raised next."""

    stage: Stage
    call: str
    error: WizardError
    company: Company | None = None


Event = Started | Signed | TokenIssued | CompaniesListed | PropertiesListed | Failed
Report = Callable[[Event], None]


@dataclass(frozen=True)
class Passed:
    """A credential that was just shown to work."""

    profile: Profile  # with the metascope learned, if one was
    token: Token
    survey: list[Properties]  # each company the token sees, with its properties

    @property
    def companies(self) -> list[Company]:
        return [seen.company for seen in self.survey]


def ignore(event: Event) -> None:
    """A caller that shows no progress."""


def check(profile: Profile, store: SecretStore, report: Report = ignore,
          secrets: SecretSource | None = None) -> Passed:
    """The everyday test: a new token (never the one cached before), cached for the next caller;
    its secrets from `secrets` (by default, as a command finds them)."""
    return _run(profile, report, lambda signed: get_token(profile, store, refresh=True,
                                                          on_signed=signed, secrets=secrets))


def trial(profile: Profile, store: SecretStore, report: Report = ignore,
          given: Mapping[SecretKind, str] | None = None, secrets: SecretSource | None = None) -> Passed:
    """A credential tried before anything switches to it: a token from IMS that no cache sees,
    with `given` secrets (the new ones) over the stored; or with `secrets` (the wizard's, which
    never come from the environment)."""
    return _run(profile, report,
                lambda signed: exchange(profile, store, signed, given=given, secrets=secrets))


class _Progress:
    """The stage under way, reported as it changes."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.started = Started(Stage.TOKEN, "")

    def start(self, stage: Stage, call: str, company: Company | None = None) -> None:
        self.started = Started(stage, call, company)
        self.report(self.started)

    def signed(self, claims: dict[str, Any]) -> None:
        self.report(Signed(claims))
        if self.started.stage is Stage.SIGN:
            self.start(Stage.TOKEN, self.started.call)

    def failed(self, error: WizardError) -> None:
        now = self.started
        self.report(Failed(now.stage, now.call, error, now.company))


def _run(profile: Profile, report: Report,
         obtain: Callable[[Callable[[dict[str, Any]], None]], TokenResult]) -> Passed:
    from wizard.core.reactor import Reactor

    progress = _Progress(report)
    result = None
    try:
        progress.start(Stage.SIGN if profile.is_jwt else Stage.TOKEN,
                       f"access token from {profile.ims_url}")
        result = obtain(progress.signed)
        report(TokenIssued(result))
        reactor = Reactor.of(result.profile, result.token.access_token)
        progress.start(Stage.COMPANIES, f"GET {reactor.base_url}/companies")
        companies = reactor.companies()
        report(CompaniesListed(tuple(companies)))
        survey = []
        for company in companies:
            progress.start(Stage.PROPERTIES, f"GET /companies/{company.id}/properties", company)
            survey.append(reactor.properties(company))
            report(PropertiesListed(survey[-1]))
    except WizardError as exc:
        if result is not None:
            drop_refused(result.profile, result, exc)
        error = forgotten_by_sandbox(profile, exc) or exc
        progress.failed(error)
        if error is exc:
            raise
        raise error from None
    return Passed(result.profile, result.token, survey)


def forgotten_by_sandbox(profile: Profile, error: WizardError) -> IMSError | None:
    """A client ID refused that this machine's sandbox made (the profile's secrets are the
    sandbox's) and, asked, no longer knows: restarted without its state, mostly. IMS's refusal
    alone cannot tell that from a client ID mistyped."""
    from wizard.core.console import Done, console_for
    from wizard.core.secret_store import SANDBOX_SERVICE

    if not (isinstance(error, IMSError) and error.subject == Subject.CLIENT_ID
            and profile.keyring_service == SANDBOX_SERVICE):
        return None
    try:
        found = console_for(profile).look_up(profile.client_id)
    except WizardError:
        return None  # the refusal stays the news
    if not (isinstance(found, Done) and found.value is None):  # known, or a person would look
        return None
    base = profile.ims_url.rstrip("/")
    return IMSError(f"the sandbox at {base} does not know this integration (client ID "
                    f"{profile.client_id}, refused as {error.code}): the sandbox was restarted "
                    "without its state, the integration was deleted, or its client ID was "
                    "changed here",
                    f"create the integration again (`launch-wizard configure --profile "
                    f"{profile.name} --sandbox {base}`, or the wizard), or start the sandbox "
                    "with `launch-wizard sandbox --state FILE`, which keeps its integrations "
                    "across restarts",
                    code=error.code, status=error.status, subject=error.subject)
