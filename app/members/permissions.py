"""Who may do what: roles map to permissions in this one table. Pure: no DB, no HTTP."""

from enum import StrEnum


class Role(StrEnum):
    OBSERVER = "observer"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"


class Permission(StrEnum):
    READ = "read"  # read drafts (private ones too), history and the record
    COMMENT = "comment"
    AMEND = "amend"
    TAKE_POSITION = "take_position"
    MERGE = "merge"  # decide amendments
    EDIT = "edit"  # secretariat edits: revise, insert, delete, move
    MODERATE = "moderate"
    RECEIVE = "receive"  # enter contributions received by e-mail, at the front desk, in workshops
    SNAPSHOT = "snapshot"
    EXPORT = "export"
    RUN_ROUNDS = "run_rounds"
    RUN_SESSIONS = "run_sessions"  # convene working-group sessions, record what they decide
    LIST_MEMBERS = "list_members"  # the list of members, with their organizations and roles
    MANAGE_MEMBERS = "manage_members"


_OBSERVER = frozenset({Permission.READ})
_MEMBER = _OBSERVER | {Permission.COMMENT, Permission.AMEND, Permission.TAKE_POSITION}
_SECRETARIAT = _MEMBER | {
    Permission.MERGE,
    Permission.EDIT,
    Permission.MODERATE,
    Permission.RECEIVE,
    Permission.SNAPSHOT,
    Permission.EXPORT,
    Permission.RUN_ROUNDS,
    Permission.RUN_SESSIONS,
    Permission.LIST_MEMBERS,
}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OBSERVER: _OBSERVER,
    Role.MEMBER: _MEMBER,
    Role.SECRETARIAT: _SECRETARIAT,
    Role.ADMIN: _SECRETARIAT | {Permission.MANAGE_MEMBERS},
}
# Roles whose positions count towards consensus.
VOTING_ROLES = frozenset({Role.MEMBER, Role.SECRETARIAT})
# Roles that must sign in with a second factor in production.
SECOND_FACTOR_REQUIRED = frozenset({Role.SECRETARIAT, Role.ADMIN})


def can(role: Role | str | None, permission: Permission) -> bool:
    """Whether a role (None: not signed in) has a permission. Anonymous readers of public
    drafts are allowed by the draft loader, not here."""
    return role is not None and permission in PERMISSIONS[Role(role)]
