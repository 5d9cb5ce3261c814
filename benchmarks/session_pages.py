"""Time the pages a trainer uses to run a session, on the demo data.

Run: .venv/bin/python benchmarks/session_pages.py [--repeat 30]

Timings depend on the machine; compare runs on the same one. Query counts do not.
"""

import argparse

from common import client_for, demo_database, time_pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    programme = demo_database()
    from curriculum.models import SessionPlanPage

    session = SessionPlanPage.objects.child_of(programme).get(number=2)
    time_pages(
        client_for("trainer"),
        {
            "home page": "/",
            "programme page": programme.url,
            "session page": session.url,
            "facilitator guide PDF": session.url + "guide/",
        },
        args.repeat,
    )


if __name__ == "__main__":
    main()
