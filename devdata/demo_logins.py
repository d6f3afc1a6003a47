"""How people sign in to the demo: its addresses, the one password, the lines seed_demo prints."""

from dataclasses import dataclass

DEMO_DOMAIN = "demo.bilet.local"
DEMO_PASSWORD = "demo-pass-2026"
# student{code}b's parent has been invited and not answered (issue 14 §1): a fixed link, printed by seed_demo, so a
# person can open it, set a password and see the child. Demo data only: a real link is a random secret.
DEMO_INVITATION_TOKEN = "demo-parent-invitation-{code}"


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    role: str

    def line(self) -> str:
        return f"{self.email}  {self.password}  {self.role}"
