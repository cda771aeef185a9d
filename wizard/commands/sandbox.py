"""sandbox: serve the built-in Adobe simulator until interrupted."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.commands.output import say
from wizard.core.errors import ConfigError

if TYPE_CHECKING:
    from wizard.core.profile import Profile

# What `configure --sandbox URL` sets itself (so none of them may be given with it).
SANDBOX_SETS = ("auth_type", "org_id", "client_id", "ims_url", "reactor_url")


def sandbox(args: Namespace) -> int:
    from wizard.sandbox import Sandbox
    from wizard.sandbox.state import SandboxState

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} is not a port: a port is a number from 1 to 65535",
                          "give a free --port, or 0 to let the system pick one")
    state = SandboxState(Path(args.state) if args.state else None)  # a damaged one: refused now
    try:
        server = Sandbox(args.host, args.port, state=state,
                         tls_dir=Path(args.tls_dir) if args.tls else None)
    except (ValueError, OSError) as exc:
        raise ConfigError(str(exc), "use --host 127.0.0.1 and a free --port (0 picks one)") from None
    server.stop_on_signals()  # from the first line printed on, Ctrl+C is a normal stop
    urls = server.urls()
    try:
        if args.json:
            say(json.dumps(urls), json=True)
        else:
            for name, url in urls.items():
                say(f"{name}: {url}")
            if server.ca_path:
                say(f"trust it with: SSL_CERT_FILE={server.ca_path}")
            say("serving until interrupted (Ctrl+C)")
        server.serve_forever()
    finally:  # whatever ends it from its first line on, its throwaway CA goes
        server.close()
    if not args.json:
        say("sandbox stopped")
    return 0


def integration_at(url: str, profile: Profile) -> tuple[dict[str, Any], str]:
    """`configure --sandbox URL`: a new OAuth Server-to-Server integration in the sandbox that
    runs at `url` (any URL it printed), as the profile fields that point `profile` at it, and its
    client secret. A profile set up for another server is refused: its secrets are not
    replaced with throwaway ones."""
    from urllib.parse import urlsplit

    from wizard.core.console import SandboxConsole
    from wizard.core.profile import foreign_endpoints, is_loopback, validate_field
    from wizard.core.secret_store import SANDBOX_SERVICE, store_for
    from wizard.core.vocabulary import AuthType

    base = validate_field("ims_url", url)
    for suffix in ("/console", "/reactor"):
        base = base.removesuffix(suffix)
    if not is_loopback(urlsplit(base).hostname or ""):
        raise ConfigError(f"{base} is not on this machine: the sandbox listens on 127.0.0.1",
                          "give a URL `launch-wizard sandbox` printed, e.g. http://127.0.0.1:8765")
    if profile.client_id and (profile.keyring_service != SANDBOX_SERVICE
                              or foreign_endpoints(profile)):
        raise ConfigError(f"profile {profile.name!r} is set up for {profile.ims_url}: --sandbox "
                          "would replace its credential with a throwaway one",
                          "give the sandbox a profile of its own, e.g. --profile sandbox")
    store_for(profile.storage, SANDBOX_SERVICE).describe()  # no keyring: said before it makes one
    console = SandboxConsole(f"{base}/console")
    if not console.find_organization().value:
        raise ConfigError(f"no launch-wizard sandbox answers at {base}",
                          "start one with `launch-wizard sandbox` and give a URL it prints")
    made = console.create(f"profile {profile.name}", AuthType.OAUTH_S2S, scopes=profile.scopes).value
    return {"auth_type": AuthType.OAUTH_S2S, "org_id": made.org_id, "client_id": made.client_id,
            "ims_url": base, "reactor_url": f"{base}/reactor", "keyring_service": SANDBOX_SERVICE,
            "credential_id": console.credential_page(made.client_id)}, made.client_secret
