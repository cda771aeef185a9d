"""The built-in Adobe simulator: IMS + Reactor + a tiny Developer Console API, on 127.0.0.1.

It checks what clients send with its own code and never imports `wizard.core.ims` or
`wizard.core.tokens`: it is an independent witness, not a mirror of the client.
"""

from wizard.sandbox.server import Sandbox

__all__ = ["Sandbox"]
