"""What happens to a credential after it works: the certificate's expiry warning, and the JWT
secrets left once a credential migrated.

The changes themselves (migrate, rotate) are in `wizard.flows`, tried before they are made; the
console that makes them is chosen in `wizard.core.console`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.core.profile import Profile
from wizard.core.vocabulary import SecretKind

if TYPE_CHECKING:
    from wizard.core.secret_store import SecretStore

CERT_WARN_DAYS = 30  # Adobe mailed weekly reminders from 30 days before a certificate expired


# The secrets only a JWT credential uses, and the one command that removes them once unused.
JWT_ONLY_SECRETS = (SecretKind.PRIVATE_KEY, SecretKind.KEY_PASSPHRASE)
FORGET_KEY = "launch-wizard migrate --forget-key --profile {profile}"


def unused_secrets(profile: Profile, store: SecretStore) -> dict[SecretKind, str]:
    """The secrets stored for `profile` that its flow does not use (a JWT private key left after
    a migration or an import), each with where it is; none if the store cannot be asked."""
    from wizard.core.errors import SecretStoreError

    if profile.is_jwt:
        return {}
    try:
        return {kind: store.describe() for kind in JWT_ONLY_SECRETS
                if store.get(profile.name, kind) is not None}
    except SecretStoreError:
        return {}  # `status` says why the store cannot be asked


def forget_unused(profile: Profile, store: SecretStore) -> list[SecretKind]:
    """Delete the secrets `profile` no longer uses; the kinds deleted."""
    gone = list(unused_secrets(profile, store))
    for kind in gone:
        store.delete(profile.name, kind)
    return gone

