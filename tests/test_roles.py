import pytest

from wizard.core import roles
from wizard.core.errors import ConfigError


def test_matrix_is_the_seeds_table_exactly():
    assert roles.matrix() == {
        "Admin": ["Develop", "Approve", "Publish", "Manage Properties", "Manage Extensions",
                  "Manage Environments", "Develop Extensions"],
        "IT Admin": ["Publish", "Manage Properties", "Manage Extensions", "Manage Environments"],
        "Developer": ["Develop"],
        "Approver": ["Develop", "Approve"],
        "Publisher": ["Develop", "Approve", "Publish"],
        "Extension Developer": ["Develop", "Develop Extensions"],
    }


def test_each_role_has_description_metascope_and_rights():
    admin = roles.role("admin")
    assert admin.description == "can do everything"
    assert admin.metascope == "ent_reactor_admin_sdk"
    assert roles.role("it-admin").metascope == "ent_reactor_it_admin_sdk"
    assert roles.role("Extension_Developer").rights == ["develop", "develop_extensions"]
    assert set(roles.LEGACY_METASCOPES) == {
        "ent_reactor_admin_sdk", "ent_reactor_it_admin_sdk", "ent_reactor_developer_sdk",
        "ent_reactor_approver_sdk", "ent_reactor_publisher_sdk", "ent_reactor_extension_developer_sdk"}


def test_roles_granting_a_permission():
    assert roles.roles_granting("Publish") == ["Admin", "IT Admin", "Publisher"]
    assert roles.roles_granting("develop_extensions") == ["Admin", "Extension Developer"]


@pytest.mark.parametrize("wanted, best", [
    (["Develop"], ["Developer"]),
    (["Develop", "Approve"], ["Approver"]),
    (["Publish"], ["Publisher"]),
    (["Manage Environments"], ["IT Admin"]),
    (["Develop Extensions"], ["Extension Developer"]),
    (["Publish", "Develop Extensions"], ["Admin"]),
])
def test_least_privileged(wanted, best):
    assert roles.least_privileged(wanted) == best


def test_unknown_names_are_refused_with_the_choices():
    with pytest.raises(ConfigError, match="unknown role 'Owner'") as exc:
        roles.role("Owner")
    assert "Extension Developer" in exc.value.fix
    with pytest.raises(ConfigError, match="unknown permission"):
        roles.least_privileged(["Fly"])
    assert roles.role_for_metascope("ent_reactor_sdk") is None
    assert roles.role_for_metascope("ent_reactor_approver_sdk").name == "Approver"


@pytest.mark.parametrize("held, acting", [
    (["Develop", "Approve", "Publish"], ["Publisher"]),
    (["Develop"], ["Developer"]),
    (["Develop", "Approve", "Publish", "Develop Extensions"], ["Publisher", "Extension Developer"]),
    (list(roles.PERMISSIONS), ["Admin"]),
    (["Publish", "Manage Properties", "Manage Extensions", "Manage Environments", "Develop"],
     ["IT Admin", "Developer"]),  # the table's order
    (["Publish", "Approve"], []),  # not even Develop: no role of the table
])
def test_acts_as_the_largest_roles_whose_permissions_are_all_held(held, acting):
    assert roles.acts_as(held) == acting


def test_company_and_property_rights_split_the_seven_as_the_contract_says():
    assert roles.COMPANY_RIGHTS == ("manage_properties", "develop_extensions")
    assert roles.PROPERTY_RIGHTS == ("develop", "approve", "publish", "manage_extensions",
                                     "manage_environments")
    assert roles.permission_of_right("manage_extensions") == "Manage Extensions"
    assert roles.permission_of_right("manage_app_configurations") is None


def test_an_unknown_permission_lists_both_spellings():
    with pytest.raises(roles.UnknownPermission) as exc:
        roles.permission("fly")
    assert isinstance(exc.value, ConfigError) and exc.value.exit_code == 2
    assert "Manage Extensions (manage_extensions)" in exc.value.fix
    assert roles.permission("manage-extensions") == roles.permission("Manage Extensions")
