"""Create a personal access token for the JSON API, for an operator or a script.

    manage.py create_api_token USERNAME [--write] [--name NAME] [--expires-days DAYS]

The token is printed alone on the last line (it is shown once: only its hash is stored).
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.api_tokens import ApiTokenScope, create_token
from accounts.models import User


class Command(BaseCommand):
    help = "Create a personal access token for the JSON API; prints the token on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--write", action="store_true", help="Allow writes (default: read).")
        parser.add_argument("--name", default="Created from the command line")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, username: str, write: bool, name: str, expires_days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive: a token of theirs would never work.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more.")
        scope = ApiTokenScope.WRITE if write else ApiTokenScope.READ
        token, raw = create_token(user, name, scope, expires_days)
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry"
        )
        self.stdout.write(f"Token {token.name!r} for {user.username} ({scope}, {expiry}):")
        self.stdout.write(raw)
