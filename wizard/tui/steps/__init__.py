"""The registry of steps: each step's view and title, declared once here.

A view is imported the first time it is shown. Which steps a flow has, and in which order,
is the profile's business (`Profile.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.tui.steps.base import Step


@dataclass(frozen=True)
class StepInfo:
    view: str  # "module:Class" under wizard.tui.steps
    title: str
    s2s_title: str = ""  # where the OAuth Server-to-Server flow names it otherwise


STEPS = {
    "organization": StepInfo("organization:OrganizationStep", "Organization and integration"),
    "role": StepInfo("role:RoleStep", "Role"),
    "keys": StepInfo("keys:KeysStep", "Key and certificate"),
    "upload": StepInfo("upload:UploadStep", "Upload the certificate"),
    "credentials": StepInfo("credentials:CredentialsStep", "Credentials and private key",
                            s2s_title="Credentials"),
    "test": StepInfo("test:TestStep", "Test"),
    "done": StepInfo("done:DoneStep", "Done"),
}


def title(step: str, auth_type: str) -> str:
    info = STEPS[step]
    return (info.s2s_title or info.title) if auth_type == "oauth-s2s" else info.title


def view_class(step: str) -> type[Step]:
    module, name = STEPS[step].view.split(":")
    view: type[Step] = getattr(import_module(f"wizard.tui.steps.{module}"), name)
    return view
