"""headers: the Launch API's headers, one per line, for `curl -H @-` (or `-H @FILE`): the token
then never sits on a command line, where every process listing shows it for the life of curl."""

from __future__ import annotations

from argparse import Namespace

from wizard.commands.output import say
from wizard.commands.session import load
from wizard.core.errors import IMSError
from wizard.core.reactor import headers as launch_headers


def headers(args: Namespace) -> int:
    context = load(args)
    context.profile.require_ready()
    result = context.access_token()  # as `launch-wizard token` gets it: the cache first
    profile = result.profile
    lines = launch_headers(result.token.access_token, profile.client_id, profile.org_id)
    if not all(value.isprintable() for value in lines.values()):  # a line break would add a header
        raise IMSError("IMS answered a token that cannot be sent as a header (control characters)",
                       "check the IMS URL: it should point at Adobe (or the sandbox)",
                       code="bad_token", status=200)
    say("\n".join(f"{name}: {value}" for name, value in lines.items()))
    return 0
