from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Loads the demo: offices, organizations, one person per role and a few hundred seekers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seekers", type=int, default=300, help="How many seekers the demo has (default 300)."
        )

    def handle(self, *args, seekers, **options):
        people = seed_demo(seekers=seekers)
        self.stdout.write(f"Demo data ready: {len(people)} staff accounts, {seekers} seekers.")
