"""sandbox: serve the built-in Adobe simulator until interrupted."""

from __future__ import annotations

import json
import signal
from argparse import Namespace
from types import FrameType
from pathlib import Path

from wizard.commands.output import say
from wizard.core.errors import ConfigError


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def sandbox(args: Namespace) -> int:
    from wizard.sandbox import Sandbox

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} is not a port: a port is a number from 1 to 65535",
                          "give a free --port, or 0 to let the system pick one")
    try:
        server = Sandbox(args.host, args.port, Path(args.state) if args.state else None,
                         tls_dir=Path(args.tls_dir) if args.tls else None)
    except (ValueError, OSError) as exc:
        raise ConfigError(str(exc), "use --host 127.0.0.1 and a free --port (0 picks one)") from None
    # a signal that comes before the server takes over its handlers still stops cleanly
    signal.signal(signal.SIGTERM, _interrupt)
    urls = server.urls()
    try:  # from the first line printed on, an interrupt is a normal stop
        if args.json:
            say(json.dumps(urls), json=True)
        else:
            for name, url in urls.items():
                say(f"{name}: {url}")
            if server.ca_path:
                say(f"trust it with: SSL_CERT_FILE={server.ca_path}")
            say("serving until interrupted (Ctrl+C)")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    if not args.json:
        say("sandbox stopped")
    return 0
