"""The step views, one per step of the flow (`wizard.tui.flow` says which, in which order, and
their titles). A view is imported the first time it is shown."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from wizard.tui.flow import StepId

if TYPE_CHECKING:
    from wizard.tui.steps.base import Step

VIEWS = {  # "module:Class" under wizard.tui.steps
    StepId.ORGANIZATION: "organization:OrganizationStep",
    StepId.ROLE: "role:RoleStep",
    StepId.KEYS: "keys:KeysStep",
    StepId.UPLOAD: "upload:UploadStep",
    StepId.CREDENTIALS: "credentials:CredentialsStep",
    StepId.TEST: "test:TestStep",
    StepId.DONE: "done:DoneStep",
}


def view_class(step: str) -> type[Step]:
    module, name = VIEWS[StepId(step)].split(":")
    view: type[Step] = getattr(import_module(f"wizard.tui.steps.{module}"), name)
    return view
