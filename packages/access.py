"""Who may export and import curriculum packages.

Curriculum editors (and superusers) do both. Exporting also needs the right to edit the
programme in the page tree, so an editor whose page permissions stop at one library cannot
take another's programme away; importing needs the right to add a programme to the chosen
library. What an import would add to the library is checked again by the importer itself
(``importing.ProgrammeImporter._check_permissions``).
"""

from lms.roles import Role, has_role


def is_editor(user):
    return user.is_authenticated and has_role(user, Role.CURRICULUM_EDITOR)


def can_export(user, page):
    return is_editor(user) and page.permissions_for_user(user).can_edit()


def can_import(user, parent=None):
    if not is_editor(user):
        return False
    return parent is None or parent.permissions_for_user(user).can_add_subpage()
