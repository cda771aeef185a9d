"""demo: the seed's whole flow, headless and narrated, against the built-in sandbox.

Everything happens in a temporary folder with secrets in memory: the user's profiles and
keyring are not touched.
"""

from __future__ import annotations

import tempfile
import time
from argparse import Namespace
from pathlib import Path

from wizard.commands.output import OK, duration, say
from wizard.core.wording import mask, more
from wizard.flows import credential_test
from wizard.flows.credential_test import Event, PropertiesListed, TokenIssued

ROLE = "Publisher"


def demo(args: Namespace) -> int:
    from wizard.core.console import SandboxConsole
    from wizard.core.keys import cert_info, generate_pair
    from wizard.core.profile import Profile, ProfileStore
    from wizard.core.roles import role
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.core.vocabulary import AuthType, SecretKind
    from wizard.sandbox import Sandbox

    say("launch-wizard demo: Adobe's guide, step by step, against the built-in sandbox")
    say("(nothing leaves this machine; files go to a temporary folder, secrets stay in memory)\n")
    with tempfile.TemporaryDirectory(prefix="launch-wizard-demo-") as tmp, Sandbox() as sandbox:
        folder = Path(tmp)
        say(f"{OK} sandbox serving at {sandbox.base_url}")
        console = SandboxConsole(sandbox.console_url)
        chosen = role(ROLE)
        made = console.create("launch-wizard demo", AuthType.JWT, chosen.name).value
        say(f"{OK} 1. integration created in the (sandbox) Developer Console")
        say(f"     organization ID   {made.org_id}")
        say(f"     client ID/API key {made.client_id}")
        say(f"     client secret     {mask(made.client_secret)}")
        say(f"     technical account {made.technical_account_id}")

        started = time.perf_counter()
        pair = generate_pair(folder / "keys")
        info = cert_info(pair.cert)
        say(f"{OK} 2. key and certificate generated in {time.perf_counter() - started:.2f} s")
        say(f"     {pair.key_path.name} (RSA 2048, mode 0600), {pair.cert_path.name} "
            f"(expires {info.not_after:%Y-%m-%d})")
        uploaded = console.upload(made.client_id, pair.cert_path.read_text()).value
        same = "matches" if uploaded.fingerprint_sha1 == info.sha1 else "DIFFERS from"
        say(f"{OK} 3. certificate uploaded: console fingerprint {uploaded.fingerprint_sha1} "
            f"{same} the file's")
        say(f"{OK} 4. role {chosen.name}: {chosen.description} (metascope {chosen.metascope})")

        profiles = ProfileStore(folder / "config.toml")
        secrets = SecretStore(backend=MemoryBackend())
        profile = Profile(name="demo", auth_type=AuthType.JWT).with_changes(
            org_id=made.org_id, client_id=made.client_id,
            technical_account_id=made.technical_account_id, role=chosen.name,
            certificate_path=str(pair.cert_path),
            ims_url=sandbox.ims_url, reactor_url=sandbox.reactor_url)
        secrets.set(profile.name, SecretKind.CLIENT_SECRET, made.client_secret)
        secrets.set(profile.name, SecretKind.PRIVATE_KEY, pair.key_path.read_text())
        profiles.save(profile)
        say(f"{OK} 5. credentials and private key saved (profile 'demo', secrets in memory)")

        credential_test.check(profile, secrets, _narrate)

        s2s = console.create("launch-wizard demo (OAuth S2S)", AuthType.OAUTH_S2S).value
        s2s_profile = Profile(name="demo-s2s", auth_type=AuthType.OAUTH_S2S).with_changes(
            org_id=s2s.org_id, client_id=s2s.client_id,
            ims_url=sandbox.ims_url, reactor_url=sandbox.reactor_url)
        secrets.set(s2s_profile.name, SecretKind.CLIENT_SECRET, s2s.client_secret)
        companies = credential_test.check(s2s_profile, secrets).companies
        say(f"{OK} and with OAuth Server-to-Server (Adobe's replacement for JWT): token in one "
            f"request, {len(companies)} company visible")
    say("\ndone. Next: `launch-wizard sandbox` keeps a sandbox running for your own scripts;")
    say("`launch-wizard configure --help` sets up a real integration.")
    return 0


def _narrate(event: Event) -> None:
    """Steps 6 and 7 as the credential test passes them."""
    if isinstance(event, TokenIssued):
        result = event.result
        for note in result.notes:
            say(f"     {note}")
        say(f"{OK} 6. JWT signed and exchanged: access token {mask(result.token.access_token)}, "
            f"expires in {duration(result.token.seconds_left())}")
    elif isinstance(event, PropertiesListed):
        found, company = event.found, event.found.company
        say(f"{OK} 7. GET /companies: {company.name} ({company.id})")
        say(f"     rights: {', '.join(company.rights)}")
        rest = more(found.total, len(found.first))
        say(f"     and its properties: {', '.join(p.name for p in found.first)}"
            + (f" {rest}" if rest else ""))
