"""Demo accounts for development (`make run`): one per sector, so every page has people in it."""

from sqlmodel import Session, select

from app.core.i18n import _
from app.members import service
from app.members.models import Member, Sector
from app.members.permissions import Role

DEMO_PASSWORD = "mesa-demo-2026"  # noqa: S105 (development only: never created in production)
DEMO_ACCOUNTS = (
    ("secretaria@mesa.example", "Lucía Quispe Mamani", Role.SECRETARIAT,
     "Secretaría Técnica del Grupo de Trabajo", Sector.EXECUTIVE, "Lima Metropolitana"),
    ("admin@mesa.example", "Jorge Salazar Ríos", Role.ADMIN,
     "Ministerio de Energía y Minas", Sector.EXECUTIVE, "Lima Metropolitana"),
    ("minem@mesa.example", "Carmen Huamán Torres", Role.MEMBER,
     "Ministerio de Energía y Minas", Sector.EXECUTIVE, "Lima Metropolitana"),
    ("congreso@mesa.example", "Raúl Condori Apaza", Role.MEMBER,
     "Comisión de Energía y Minas del Congreso", Sector.CONGRESS, "Lima Metropolitana"),
    ("defensoria@mesa.example", "Rosa Villanueva Paredes", Role.MEMBER,
     "Defensoría del Pueblo", Sector.OMBUDSMAN, "Lima Metropolitana"),
    ("trabajo@mesa.example", "Miguel Ccori Layme", Role.MEMBER,
     "Ministerio de Trabajo y Promoción del Empleo", Sector.LABOUR, "Lima Metropolitana"),
    ("mineros@mesa.example", "Juana Mamani Choque", Role.MEMBER,
     "Federación de Mineros Artesanales de Puno", Sector.MINERS_ORGANIZATION, "Puno"),
    ("sociedad@mesa.example", "Pedro Ríos Amasifuén", Role.MEMBER,
     "Asociación para la Conservación de Madre de Dios", Sector.CIVIL_SOCIETY, "Madre de Dios"),
    ("snmpe@mesa.example", "Ana Gutiérrez Salas", Role.MEMBER,
     "Gremio de la Pequeña Minería de Arequipa", Sector.MINING_SECTOR, "Arequipa"),
    ("observador@mesa.example", "Elena Torres Vega", Role.OBSERVER,
     "Universidad Nacional de San Agustín", Sector.ACADEMIA, "Arequipa"),
)  # fmt: skip


def create_demo_accounts(session: Session) -> None:
    """Adds the demo accounts that do not exist yet."""
    existing = set(session.exec(select(Member.email)).all())
    for email, name, role, organization, sector, region in DEMO_ACCOUNTS:
        if email not in existing:
            details = service.MemberDetails(email, name, role, organization, sector, region)
            service.add_member(session, None, details, DEMO_PASSWORD)


def sign_in_help(port: int) -> str:
    lines = [
        _(
            "Sign in at http://127.0.0.1:%(port)s/sign-in with any of these demo accounts,",
            port=port,
        ),
        _("all with the password %(password)s:", password=DEMO_PASSWORD),
    ]
    lines += [
        f"  {email:<28} {role.value:<12} {name}" for email, name, role, *_rest in DEMO_ACCOUNTS
    ]
    return "\n".join(lines)
