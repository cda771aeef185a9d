"""The closed sets of names every layer shares: credential types, secret kinds, and what an error
can ask the user to correct.

They are `StrEnum`s: each member is the very string saved in profiles, keyring entries and
exports, so values on disk are unchanged and a member equals its string."""

from __future__ import annotations

from enum import StrEnum


class AuthType(StrEnum):
    """The two credentials Adobe's Developer Console makes for the Launch API."""

    JWT = "jwt"  # Service Account (JWT), ended 2025
    OAUTH_S2S = "oauth-s2s"  # OAuth Server-to-Server


class SecretKind(StrEnum):
    """What the secret store keeps for a profile, besides its cached token."""

    CLIENT_SECRET = "client_secret"
    PRIVATE_KEY = "private_key"
    KEY_PASSPHRASE = "key_passphrase"


class Subject(StrEnum):
    """What an error asks the user to correct (`WizardError.subject`): a profile field, a secret,
    or one of the things below; the wizard points at the step where it is corrected."""

    # the profile's fields (tests/test_vocabulary.py holds this list to the Profile's)
    NAME = "name"
    AUTH_TYPE = "auth_type"
    ORG_ID = "org_id"
    CLIENT_ID = "client_id"
    TECHNICAL_ACCOUNT_ID = "technical_account_id"
    TECHNICAL_ACCOUNT_EMAIL = "technical_account_email"
    CREDENTIAL_ID = "credential_id"
    ROLE = "role"
    METASCOPES = "metascopes"
    SCOPES = "scopes"
    PRIVATE_KEY_PATH = "private_key_path"
    CERTIFICATE_PATH = "certificate_path"
    IMS_URL = "ims_url"
    REACTOR_URL = "reactor_url"
    COMPANY_ID = "company_id"
    LAST_TEST = "last_test"
    LAST_FAILURE = "last_failure"
    STORAGE = "storage"
    KEYRING_SERVICE = "keyring_service"
    # the secrets (SecretKind's)
    CLIENT_SECRET = "client_secret"
    PRIVATE_KEY = "private_key"
    KEY_PASSPHRASE = "key_passphrase"
    # beyond the profile
    TOKEN = "token"  # get a new access token
    RIGHTS = "rights"  # the integration's role or product profile
    SECRET_STORE = "secret_store"  # the keyring
    CERTIFICATE = "certificate"  # the certificate uploaded to the console
    INTEGRATION = "integration"  # the integration itself, made in the console
    CLOCK = "clock"  # this computer's clock
    THROTTLED = "throttled"  # Adobe asks to wait
    PROFILE = "profile"  # something in the profile, not known which
    REQUEST = "request"  # the path or body of a call to the API (`launch-wizard api`)


SECRET_SUBJECTS = tuple(Subject(kind) for kind in SecretKind)
OTHER_SUBJECTS = (Subject.TOKEN, Subject.RIGHTS, Subject.SECRET_STORE, Subject.CERTIFICATE,
                  Subject.INTEGRATION, Subject.CLOCK, Subject.THROTTLED, Subject.PROFILE, Subject.REQUEST)
