"""Field teams: one per region, a supervisor and five enumerators, two of them women certified for
the VAWG module (only they may carry it, as the WHO recommendations and issue 4 require).

The metropolitan team is led by the demo supervisor and includes the demo enumerator, so that
whoever logs in with the demo accounts sees a team's assignments, interviews and quality flags."""

from dataclasses import dataclass

DEMO_ACCOUNTS = {"sup-met": "demo-supervisor", "enum-met-1": "demo-enumerator"}  # see api.demo.DEMO_USERS


@dataclass(frozen=True)
class FieldWorker:
    username: str
    full_name: str
    sex: str
    vawg_certified: bool
    region: str


@dataclass(frozen=True)
class Team:
    code: str
    region: str
    supervisor: FieldWorker
    enumerators: tuple[FieldWorker, ...]

    @property
    def vawg_enumerators(self) -> tuple[FieldWorker, ...]:
        return tuple(worker for worker in self.enumerators if worker.vawg_certified and worker.sex == "female")


_ROSTER = (
    ("metropolitana", "met", ("Claudia Reyes", "Marcela Soto", "Irma Castillo", "Rubén Aguilar", "Tomás Medina"),
     "Silvia Paredes"),
    ("norte", "nor", ("Karla Mejía", "Lorena Pineda", "Ruth Zelaya", "Edwin Cruz", "Nelson Banegas"), "Héctor Ramos"),
    ("sur", "sur", ("Dunia Flores", "Sandra Ortez", "Elsa Maradiaga", "Walter Izaguirre", "Josué Lagos"),
     "Martha Galeano"),
)


def _team(region: str, short: str, names: tuple[str, ...], supervisor: str) -> Team:
    enumerators = tuple(
        FieldWorker(_username(f"enum-{short}-{number}"), name, "female" if number <= 3 else "male", number <= 2, region)
        for number, name in enumerate(names, 1)
    )
    return Team(f"team-{short}", region, FieldWorker(_username(f"sup-{short}"), supervisor, "female", True, region),
                enumerators)


def _username(name: str) -> str:
    return DEMO_ACCOUNTS.get(name, name)


TEAMS: dict[str, Team] = {region: _team(region, short, names, supervisor) for region, short, names, supervisor in _ROSTER}
