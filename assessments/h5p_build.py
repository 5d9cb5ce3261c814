"""Build the demo ``.h5p`` package from the project's own content type.

Content types cannot be downloaded here, so the project ships ``H5P.PeerCheck`` (in
``assessments/h5p_library/``) and builds its demo package from it with pyh5p, offline.
``build_package`` also builds from another folder of libraries (``library_dir``), which is
how the tests make a package whose code tries to escape the player's sandbox.
"""

from pathlib import Path

from pyh5p import LibraryStore, build

LIBRARY_DIR = Path(__file__).resolve().parent / "h5p_library"
MAIN_LIBRARY = "H5P.PeerCheck"

DEMO_TITLE = "Check yourself: what peer support is"

# Our own wording, written for this project.
DEMO_CONTENT = {
    "introduction": (
        "Four short questions about the role of a peer supporter. There is no trick: "
        "pick the answer that sounds most like the work we practised today."
    ),
    "questions": [
        {
            "id": "lived-experience",
            "text": "What does a peer supporter bring that other helpers may not?",
            "choices": [
                {"text": "Their own lived experience, shared with care", "correct": True},
                {"text": "A medical diagnosis of the person", "correct": False},
                {"text": "Decisions made on the person's behalf", "correct": False},
            ],
        },
        {
            "id": "listening",
            "text": "Someone tells you about a hard week. What do you do first?",
            "choices": [
                {"text": "Tell them how you solved the same problem", "correct": False},
                {"text": "Listen and ask what would help them", "correct": True},
                {"text": "Change the subject to something happier", "correct": False},
            ],
        },
        {
            "id": "boundaries",
            "text": "A person asks to borrow money from you. What fits the role?",
            "choices": [
                {"text": "Lend it, friends help each other", "correct": False},
                {
                    "text": "Say kindly that you cannot, and look for other help together",
                    "correct": True,
                },
            ],
        },
        {
            "id": "confidentiality",
            "text": "When may you share what a person told you in confidence?",
            "choices": [
                {"text": "With anyone who asks about them", "correct": False},
                {"text": "Only if someone is in danger, and you tell them first", "correct": True},
                {"text": "In the group, so others can learn from it", "correct": False},
            ],
        },
    ],
    "openQuestion": {
        "id": "own-words",
        "text": "In one or two sentences: what kind of peer supporter do you want to be?",
    },
    "l10n": {
        "check": "Check my answers",
        "retry": "Try again",
        "score": "You got @score out of @total right.",
        "right": "Right",
        "wrong": "Not quite",
        "missing": "Please choose an answer for every question.",
        "yourWords": "Your answer",
    },
}


def library_store(library_dir=LIBRARY_DIR):
    return LibraryStore(library_dir)


def build_package(
    content=None,
    *,
    title=DEMO_TITLE,
    language="en",
    main_library=MAIN_LIBRARY,
    library_dir=LIBRARY_DIR,
):
    """The bytes of a complete ``.h5p`` (h5p.json, content, and the library itself)."""
    h5p = build(
        main_library,
        content or DEMO_CONTENT,
        store=library_store(library_dir),
        title=title,
        language=language,
        metadata={"embedTypes": ["iframe"], "license": "U"},
        fetch=False,
    )
    return h5p.package_bytes()


def write_demo_package(destination):
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(build_package())
    return destination
