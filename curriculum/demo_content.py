"""The demo curriculum, people and organisation that ``manage.py load_demo`` puts in place.

Everything here is written for the demo: the session plans follow the shape of a
peer-support-agent trainer curriculum (session 2 keeps its activity names, durations, list of
values, situations and questions) but every sentence is our own wording.

Pages refer to worksheets and case scenarios by title; the command looks the rows up and
stores their ids in the StreamField.
"""

import datetime

from lms.roles import Role

DEMO_PASSWORD = "peer-demo-2026"

SITE_NAME = "Peer Support Training"

ORGANISATION = {
    "name": "Kent Peer Support Network",
    "slug": "kent",
    "city": "Maidstone",
    "country": "United Kingdom",
}

COHORT = {
    "name": "Kent, spring 2027",
    "language": "en",
    "starts_on": datetime.date(2027, 3, 2),
    "ends_on": datetime.date(2027, 5, 25),
    "capacity": 10,
}

# (username, first name, last name, role or None for the superuser)
DEMO_PEOPLE = [
    ("admin", "Site", "Administrator", None),
    ("editor", "Helen", "Marsh", Role.CURRICULUM_EDITOR),
    ("trainer", "Daniel", "Okafor", Role.TRAINER),
    ("manager", "Priya", "Shah", Role.PROGRAMME_MANAGER),
    ("evaluator", "Joost", "van Dam", Role.EVALUATION_LEAD),
    ("marie", "Marie", "Peeters", Role.TRAINEE),
    ("mark", "Mark", "Holloway", Role.TRAINEE),
    ("yazid", "Yazid", "Abdi Warsame", Role.TRAINEE),
    ("an", "An", "Janssens", Role.TRAINEE),
    ("fatima", "Fatima", "El Amrani", Role.TRAINEE),
    ("hassan", "Hassan", "Al-Khatib", Role.TRAINEE),
    ("abdoulkader", "Abdoul Kader", "Diallo", Role.TRAINEE),
    ("claudia", "Claudia", "de Vries", Role.TRAINEE),
    ("lucie", "Lucie", "Lefèvre", Role.TRAINEE),
]

# Plain strings, so the README and tests can read them without the translation machinery.
ROLE_LABELS = {
    None: "Administrator (superuser)",
    Role.CURRICULUM_EDITOR: "Curriculum editor",
    Role.TRAINER: "Trainer",
    Role.TRAINEE: "Trainee",
    Role.PROGRAMME_MANAGER: "Programme manager",
    Role.EVALUATION_LEAD: "Evaluation lead",
}

# (username, role label) for every demo login; all share DEMO_PASSWORD.
DEMO_USERS = [(username, ROLE_LABELS[role]) for username, _first, _last, role in DEMO_PEOPLE]


# --- library snippets ------------------------------------------------------------------------

PEER_SUPPORT_VALUES = [
    ("Hope", "Believing, and letting it show, that things can get better for anyone."),
    ("Experience", "Using what you have lived through yourself to understand someone else."),
    ("Equity", "Meeting the person you support as an equal who deserves the same chances."),
    ("Mutuality", "Both people give something to the relationship and learn from each other."),
    ("Empowerment", "Helping people make their own choices and take charge of their lives."),
    ("Acceptance", "Welcoming people as they are, without judging their past."),
    ("Empathy", "Trying to feel what the situation is like from the other person's side."),
]

CONTENT_NOTES = [
    ("Addiction", "Dependence on alcohol or drugs and what it does to a life."),
    ("Violence", "Someone being physically hurt, including within a family."),
    ("Prison", "Time spent in prison and what follows it."),
    ("Homelessness", "Sleeping rough and living without a settled home."),
]

TOMAS = {
    "title": "The story of Tomas",
    "summary": (
        "A former builder sleeping rough in Valladolid is offered a trial job but has "
        "no identity papers."
    ),
    "content_notes": ["Addiction", "Violence", "Prison", "Homelessness"],
    "narrative": "".join(
        f"<p>{paragraph}</p>"
        for paragraph in [
            "Tomas is forty. For several years he has had no home of his own and has moved "
            "from one Spanish town to the next. A year ago he came to Valladolid, got to know "
            "other people sleeping rough there, and now beds down close to the main bus "
            "station.",
            "He used to earn his living on building sites. He married once, but the couple "
            "argued all the time and separated after a few years. Once his wife had gone, "
            "Tomas turned to drink. The drinking grew into a serious addiction and in the end "
            "cost him his job.",
            "Alcohol also cut him off from his family. His parents stood by him at first, "
            "until a bitter row in which Tomas struck his father and left him badly hurt. He "
            "was sent to prison for it and served a sentence.",
            "Near the place where he spends his days lives Ana, an older woman who has become "
            "his friend. It began when Tomas pulled her much-loved dog out of the way of a car. "
            "Ever since, the grateful Ana asks him for small favours: bringing her shopping "
            "home, or taking the dog out on days when she feels poorly. Tomas is glad to do "
            "it and expects nothing back, yet Ana always presses a little money on him.",
            "In spite of the drinking, his body is in good shape and he wants to work again. "
            "When he told Ana about his past and his years in construction, it came out that "
            "her son owns a small building renovation firm. Ana asked her son to think about "
            "taking Tomas on. The son was unsure at first, then agreed to a trial period, and "
            "to draw up the trial contract he asked for Tomas's national identity card. Tomas "
            "no longer has it. He owns no paper at all that proves who he is, and since he is "
            "out of touch with his relatives he cannot ask them whether they kept any of his "
            "documents.",
            "He went to the police station that issues identity cards. He was told to book an "
            "appointment first, by phone or online. When he rang the number he had been "
            "given, the line asked him for his identity card number. He could not remember "
            "it, so no appointment could be booked.",
            "The son now says he cannot employ a man who cannot prove his identity. Tomas has "
            "no idea where to turn. He refuses Ana's idea of getting back in touch with his "
            "family, because he is full of shame and guilt about what he did and about the "
            "drinking he still fights.",
            "Every road towards a job that he has tried has ended in failure. The small hope "
            "he still had of changing his life has gone, and he now drinks more than before.",
        ]
    ),
    "questions": [
        "Which services and which key people should be brought in to help Tomas?",
        "What sort of help should each of these professionals give?",
        "What could get in the way of the people trying to help Tomas?",
        "What part could you play as a peer support agent, and what difference could peer "
        "support make?",
        "Apart from the professionals and the peer supporter, who else may need to work "
        "together here, and how?",
    ],
}

# The situations of the secrecy and confidentiality worksheet. The next feature (online
# worksheets with classification exercises) loads these, so keep the keys stable.
CONFIDENTIALITY_SITUATIONS = [
    {
        "situation": "Entering a shelter",
        "description": "Residents are called out by name as they come in.",
        "persons_involved": (
            "Staff, the resident whose name is called, and the other residents who are "
            "close enough to hear it"
        ),
    },
    {
        "situation": "Police at the door of a shelter",
        "description": "Police officers ask about a person who is staying at the shelter.",
        "persons_involved": "Only the police officers and the staff, who talk to each other",
    },
    {
        "situation": "Police inside a shelter",
        "description": "Police officers ask about a person who is staying at the shelter.",
        "persons_involved": (
            "The police officers and the staff, who talk to each other; other residents "
            "overhear the name of the person being looked for"
        ),
    },
    {
        "situation": "Health workers called to the shelter",
        "description": "The resident is seen in a room that everyone at the shelter uses.",
        "persons_involved": (
            "Health workers, shelter staff, the resident being treated and any other "
            "residents in the room"
        ),
    },
    {
        "situation": "Health workers called to the shelter",
        "description": (
            "The resident is seen in their own room, with no other residents or staff there."
        ),
        "persons_involved": "Health workers and the resident being treated",
    },
    {
        "situation": "A list of residents' personal details left in view",
        "description": "Other residents can read the list.",
        "persons_involved": "Staff and other people staying at the shelter",
    },
    {
        "situation": "Talking with a client in a private space",
        "description": "The conversation takes place in a private room with the door shut.",
        "persons_involved": "The client and one staff member or peer supporter",
    },
    {
        "situation": "Talking with a client in a shared space",
        "description": (
            "The conversation takes place in a shared area where other residents and staff "
            "can hear what is said."
        ),
        "persons_involved": "The client, a staff member or peer supporter, and other residents",
    },
    {
        "situation": "Phone call with another professional from a private space",
        "description": "Referral or handling a procedure with another professional.",
        "persons_involved": "The support worker and the other professional",
    },
    {
        "situation": "Phone call with other professionals from a shared space",
        "description": (
            "Referring a case or sorting out a procedure with other professionals while "
            "people nearby can hear the conversation."
        ),
        "persons_involved": "The professionals on the call (or a peer supporter)",
    },
    {
        "situation": "A complaint about another client, made in a private space",
        "description": "A client complains to staff about another client in a closed room.",
        "persons_involved": (
            "The client who complains, the support workers and the client complained about"
        ),
    },
    {
        "situation": "A complaint about another client, made in a shared space",
        "description": (
            "A resident complains to a staff member about another client in a room where "
            "other residents are present."
        ),
        "persons_involved": (
            "The client making the complaint, the staff, and other residents who take no "
            "part but can hear everything"
        ),
    },
    {
        "situation": "A client's personal documents seen by others",
        "description": "Personal papers are left where other people can see them.",
        "persons_involved": "The staff, the owner of the papers and other clients",
    },
]

TOMAS_WORKSHEET = "The story of Tomas: questions"

WORKSHEETS = [
    # Session 1
    {
        "title": "Three things about me",
        "reference": "Demo curriculum, session 1",
        "instructions": (
            "Talk with your partner for five minutes each. Find out their name, one thing "
            "they are good at, and what made them want to become a peer supporter. Note "
            "the answers here. Before you introduce your partner to the group, check with "
            "them what they are happy for you to say."
        ),
    },
    {
        "title": "Peer support or not?",
        "reference": "Demo curriculum, session 1",
        "instructions": (
            "Each card describes someone helping someone else, for example a friend lending "
            "money, a social worker filling in a housing form, or a former rough sleeper "
            "going along to a first appointment at the job centre. Sort the cards into "
            "three piles: peer support, friendship and professional help. Write down what "
            "made you choose each pile."
        ),
    },
    {
        "title": "My experience, my strengths",
        "reference": "Demo curriculum, session 1",
        "instructions": (
            "Draw a line for a hard time you have come through. Mark on it the moments that "
            "mattered, who or what helped you, and what you learned about yourself. Then "
            "circle the strengths you could use to help someone else. You choose what goes "
            "on the page and what you keep to yourself."
        ),
    },
    # Session 2
    {
        "title": "My role model",
        "reference": "JCS Manual, Unit 2, Worksheet 1",
        "instructions": (
            "Pick someone who has been a role model for you, now or earlier in your life. "
            "They might have helped you move on from homelessness, but anyone who mattered "
            "to you will do. Which behaviours, attitudes or achievements did they show you, "
            "and how? Did they know you looked up to them? Note down the qualities that "
            "made you want to follow their lead."
        ),
    },
    {
        "title": "Me as a role model",
        "reference": "JCS Manual, Unit 2, Worksheet 2",
        "instructions": (
            "Peer support rests on seven values: Hope, Experience, Equity, Mutuality, "
            "Empowerment, Acceptance and Empathy. For each one, write how you could act "
            "with a person you support so that they see the value in practice. Give a "
            "concrete example for every value."
        ),
    },
    {
        "title": "Secrecy and confidentiality",
        "reference": "JCS Manual, Unit 2, Worksheet 3",
        "instructions": (
            "Read each situation in the table, with what happens and who is there. Decide "
            "whether it breaks someone's right to secrecy and confidentiality, and explain "
            "why: who learns something about a person that they have no need to know? "
            "Then talk your answers through with the rest of the group."
        ),
    },
    {
        "title": TOMAS_WORKSHEET,
        "reference": "JCS Manual, Unit 2, case scenario",
        "instructions": (
            "Once you have heard the story of Tomas, answer the five questions together: "
            "which services and people should be involved, what help each should give, what "
            "could get in the way, what you could do as a peer support agent, and who else "
            "needs to work with them."
        ),
    },
    # Session 3
    {
        "title": "Listening observation sheet",
        "reference": "Demo curriculum, session 3",
        "instructions": (
            "When you are the observer, tick what you notice: the listener lets the speaker "
            "finish, asks open questions, sums up what they heard, and stays with the "
            "speaker's topic instead of their own. Write down one thing that went well and "
            "one thing to try next time."
        ),
    },
    {
        "title": "My boundaries",
        "reference": "Demo curriculum, session 3",
        "instructions": (
            "For each request on the list (lending money, giving out your phone number, "
            "meeting at the weekend, keeping a secret about self-harm), mark whether you "
            "would say yes, no or 'I need to check first', and who you would check with."
        ),
    },
    {
        "title": "My self-care plan",
        "reference": "Demo curriculum, session 3",
        "instructions": (
            "List the early signs that you are getting tired or stressed, three things that "
            "help you recover, and the people you can talk to after a hard conversation. "
            "Keep the plan somewhere you will see it."
        ),
    },
]


# --- programme and session plans --------------------------------------------------------------

PROGRAMME = {
    "title": "Becoming a peer support agent",
    "slug": "peer-support-agent",
    "summary": (
        "A course for people who have been homeless and want to turn that experience into "
        "support for others. Trainees find out what peer support is, which values guide "
        "it, and how to work safely next to professionals."
    ),
    "target_group": "People with lived experience of homelessness",
    "language": "en",
    "description": (
        "<p>The course runs as a series of 2.5-hour sessions in a small group. Each session "
        "mixes short explanations with practical exercises, worksheets and real-life "
        "stories.</p>"
        "<p>Nobody is asked to share more of their own story than they want to.</p>"
    ),
    "outcomes": [
        "Explain what peer support is and how it differs from friendship and professional help",
        "Use your own lived experience safely and with a purpose when supporting someone",
        "Show the seven peer support values in everyday contact with the people you support",
        "Respect boundaries, secrecy and confidentiality when working alongside professionals",
    ],
}

ATL_UNIT_1 = {
    "title": "ATL Trainer Curriculum",
    "details": "Unit 1: Introduction to peer support",
    "url": "",
}
PEER2PEER = {
    "title": "Peer2peer: vocational training course",
    "details": "Scottish Recovery Network, Fundación INTRAS and others, 2015",
    "url": "",
}


def _ul(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _p(*paragraphs):
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def activity(
    title,
    minutes,
    up_to=None,
    *,
    groupings,
    procedure,
    worksheet=None,
    case_scenario=None,
    alternatives="",
    adaptation_notes="",
):
    """One activity block, with its worksheet and case scenario named by title."""
    return (
        "activity",
        {
            "title": title,
            "duration_min": minutes,
            "duration_max": up_to,
            "groupings": groupings,
            "worksheet": worksheet,
            "case_scenario": case_scenario,
            "procedure": procedure,
            "alternatives": alternatives,
            "adaptation_notes": adaptation_notes,
        },
    )


def pause(minutes=15, title="Break"):
    return ("pause", {"title": title, "minutes": minutes})


SESSION_1 = {
    "number": 1,
    "title": "Introduction to peer support",
    "slug": "introduction-to-peer-support",
    "planned_duration": 150,
    "summary": (
        "The opening session. The group gets to know each other, agrees how it will work "
        "together and explores what peer support is and why lived experience counts as a "
        "strength."
    ),
    "outcomes": [
        "Describe peer support in your own words",
        "Tell peer support apart from friendship and from professional help",
        "See your own lived experience as something that can help others",
    ],
    "materials": [
        ("Flipchart and markers", False),
        ("Sticky notes in two colours", False),
        ("Name badges", False),
        ("Printed worksheets and sorting cards", False),
        ("Slides for the opening talk", True),
        ("Projector", True),
    ],
    "conceptual_contents": [ATL_UNIT_1],
    "introduction": (
        _p("Welcome the group, introduce the trainers and explain:")
        + _ul(
            "what the programme is for and how many sessions it has;",
            "the plan for today, including when the break is and when the session ends;",
            "that everyone decides for themselves how much of their own story to share.",
        )
    ),
    "introduction_minutes": (15, None),
    "activities": [
        activity(
            "Getting to know each other",
            25,
            groupings=["pairs", "plenary"],
            worksheet="Three things about me",
            procedure=_p(
                "Put people in pairs, ideally with someone they do not know yet. Each person "
                "interviews the other for five minutes using the three questions on the "
                "worksheet.",
                "Back in the full group, each person introduces their partner, sharing only "
                "what the partner agreed to.",
            ),
            alternatives=_p(
                "With a large group, form small circles of six for the introductions so the "
                "round does not take too long."
            ),
            adaptation_notes=_p(
                "Some people find it stressful to speak for someone else. Let anyone "
                "introduce themselves instead, or read from the worksheet. Give the three "
                "questions in writing when you send the invitation.",
            ),
        ),
        activity(
            "What is peer support?",
            30,
            groupings=["small_groups", "plenary"],
            worksheet="Peer support or not?",
            procedure=_p(
                "Give each small group a set of cards describing different kinds of help. "
                "The groups sort the cards into peer support, friendship and professional "
                "help.",
                "In the full group, compare the piles and collect on the flipchart what "
                "makes peer support special: shared experience, equality, a clear purpose "
                "and limits. Together, write a one-sentence definition and keep it for the "
                "next sessions.",
            ),
            alternatives=_p(
                "Cards where the groups disagree make the best discussion. Do not settle "
                "them too quickly."
            ),
        ),
        pause(15),
        activity(
            "Lived experience as a resource",
            30,
            groupings=["individual", "pairs"],
            worksheet="My experience, my strengths",
            procedure=_p(
                "Explain that lived experience becomes useful to others when we can look "
                "back at it and name what helped. Stress that each person decides what to "
                "put on paper and what to share.",
                "Each person works alone on the worksheet for fifteen minutes. In pairs, "
                "they then tell each other about one strength they found, not the whole "
                "story.",
            ),
            adaptation_notes=_p(
                "Offer a quiet corner for the individual part and allow headphones. A "
                "template with boxes instead of a blank line helps people who find open "
                "tasks hard to start.",
            ),
        ),
        activity(
            "Our group agreement",
            20,
            groupings=["plenary"],
            procedure=_p(
                "Ask the group what they need to feel safe and to work well together. Write "
                "every suggestion on the flipchart, then agree the final list, which should "
                "cover confidentiality, respect, phones, lateness and breaks.",
                "Keep the agreement and put it up at the start of every session.",
            ),
        ),
    ],
    "closure": _p(
        "Go round the group and ask each person for one word that describes how they are "
        "leaving today. Remind everyone of the date and topic of the next session."
    ),
    "closure_minutes": (15, None),
    "closure_questions": [
        "What surprised you about peer support today?",
        "Which of your strengths would you like to use as a peer supporter?",
        "What do you still want to know before the next session?",
    ],
    "bibliography": [PEER2PEER],
}

SESSION_2 = {
    "number": 2,
    "title": "Delving deeper in the figure of a peer support agent",
    "slug": "delving-deeper-peer-support-agent",
    "planned_duration": 150,
    "summary": (
        "A closer look at what a peer support agent does: bringing hope, encouraging "
        "empowerment and helping people grow as they face change. The session covers "
        "staying alongside someone through every stage of recovery, noticing when they are "
        "ready to try something new and building on their strengths, and why "
        "communication, trust, boundaries, resilience and self-care matter."
    ),
    "outcomes": [
        "Explain in your own words what the role of a peer supporter is",
        "Name the main responsibilities a peer supporter carries",
        "Recognise what secrecy and confidentiality ask of a peer supporter",
    ],
    "materials": [
        ("ATL Trainer Curriculum", False),
        ("JCS Manual, with its worksheets, case scenarios and self-assessment exercises", False),
        ("Printed worksheets and the case scenario", False),
        ("Stationery: paper of several sizes, card, pens, pencils, markers, sticky notes", False),
        ("Flipchart or whiteboard", False),
        ("Slides presenting the contents", True),
        ("Computer", True),
        ("Projector or TV screen", True),
    ],
    "conceptual_contents": [
        ATL_UNIT_1,
        {
            "title": "JCS Manual",
            "details": "Unit 2, on the same topic as this session",
            "url": "",
        },
    ],
    "introduction": (
        _p("Present the topics of today's session, and spend most time on these points:")
        + _ul(
            "What a peer support worker is there for: giving hope, helping people take "
            "charge of their lives, and encouraging them to grow by changing and adapting.",
            "Staying with a person through every stage of recovery: noticing when they are "
            "ready to try something new, going along with them while they try, and helping "
            "them build on what they already do well.",
            "Why communication, trust, respect for boundaries, support, resilience and "
            "looking after yourself all matter.",
            "Keeping these in balance, so that peer support works for both people in the "
            "relationship.",
        )
    ),
    "introduction_minutes": (15, 20),
    "activities": [
        activity(
            "My role model",
            30,
            groupings=["individual", "plenary"],
            worksheet="My role model",
            procedure=_p(
                "Say briefly what role modelling and mentoring mean.",
                "Ask everyone to think of one person who was a role model for them at some "
                "point. It may be someone who played a part in their way out of "
                "homelessness, but it does not have to be: a person from another period of "
                "their life is just as good.",
                "To help people focus, you can write a few key words on the board, such as "
                "inspiration, relationship and interaction, achievements and skills, "
                "similarity, status or power. Participants note their thoughts on the "
                "worksheet, then share them in a round.",
            ),
            alternatives=_p(
                "Join in yourself: open the round with a role model you have had, either "
                "now or in the past."
            ),
            adaptation_notes=_p(
                "Send the worksheet and the key words a few days ahead so people can "
                "prepare at their own pace. Make clear that a public figure or a character "
                "from a book also counts. In the round, people may read from their sheet, "
                "pass, or hand in a written answer instead of speaking.",
            ),
        ),
        activity(
            "Me as a role model",
            30,
            groupings=["pairs", "small_groups"],
            worksheet="Me as a role model",
            procedure=(
                _p("Go through the values of peer support with the group; a slide show can help.")
                + _ul(
                    "Hope",
                    "Experience",
                    "Equity",
                    "Mutuality",
                    "Empowerment",
                    "Acceptance",
                    "Empathy",
                )
                + _p(
                    "Split the group into pairs or small teams and give each team one or "
                    "two values. Each team works out how they would behave with the person "
                    "they support so that the value shows in what they do.",
                    "After a while, bring everyone back together and ask each team to "
                    "present its ideas. Participants can write the concrete examples for "
                    "each value on their worksheet.",
                )
            ),
            alternatives=_p(
                "Authors and practitioners do not all use the same list of values; some "
                "name more, some fewer. Shorten, change or extend the list to suit the "
                "approach you want to follow.",
                "Steer teams towards concrete examples and imagined real situations rather "
                "than general talk about attitudes.",
            ),
            adaptation_notes=_p(
                "Give each team a card with its value, a one-line meaning and a sample "
                "situation, so the task is concrete from the start. Say how long the team "
                "work lasts and warn five minutes before the end. Teams may choose one "
                "spokesperson or show their written notes instead of presenting aloud.",
            ),
        ),
        activity(
            "Secrecy and confidentiality",
            20,
            30,
            groupings=["plenary"],
            worksheet="Secrecy and confidentiality",
            procedure=_p(
                "Explain the duties of secrecy and confidentiality that a peer support "
                "worker has to keep to.",
                "With the group, work through the short situations on the worksheet. In "
                "some of them a peer supporter, a social services professional or a service "
                "user breaks secrecy or confidentiality.",
                "Discuss every situation with the whole group: is there a breach, and why?",
            ),
            adaptation_notes=_p(
                "Hand out the situations on paper and also read each one aloud. Ask the "
                "closed question first (is confidentiality broken here, yes or no?) before "
                "asking why. Green and red cards let people answer without speaking.",
            ),
        ),
        activity(
            "Case scenario: the story of Tomas",
            30,
            40,
            groupings=["plenary", "small_groups"],
            worksheet=TOMAS_WORKSHEET,
            case_scenario=TOMAS["title"],
            procedure=_p(
                "Name the difficult topics of the story before you start, so anyone can "
                "prepare or step out. Then read the story to the group, or ask a volunteer "
                "to read it aloud.",
                "Answer the questions together as one group, or split into small groups. "
                "If you use small groups, ask each of them to report its conclusions to "
                "everyone at the end.",
            ),
            adaptation_notes=_p(
                "Share the story and the questions the day before so people can read them "
                "in their own time. Agree a quiet place someone can go to if the story "
                "brings back hard memories. Written answers on the worksheet count as a "
                "full contribution.",
            ),
        ),
    ],
    "closure": _p(
        "Close with a reflection round. First ask how today has moved each person nearer "
        "to being a peer supporter. Then invite everyone to say what struck them, what "
        "they learned and what they want to hold on to from today, and to ask any "
        "questions they still have."
    ),
    "closure_minutes": (10, None),
    "closure_questions": [
        "In what way has today brought you nearer to being a peer supporter?",
        "What caught your attention or surprised you in this session?",
        "What will you keep from today to come back to later?",
    ],
    "bibliography": [PEER2PEER],
}

SESSION_3 = {
    "number": 3,
    "title": "Listening, boundaries and self-care",
    "slug": "listening-boundaries-self-care",
    "planned_duration": 150,
    "summary": (
        "The skills that keep a peer support relationship healthy: listening well, knowing "
        "where your limits are and looking after yourself so you can keep going."
    ),
    "outcomes": [
        "Use open questions and summaries to show you are listening",
        "Say where your limits are as a peer supporter and who to ask when unsure",
        "Make a simple plan to look after yourself after hard conversations",
    ],
    "materials": [
        ("Flipchart and markers", False),
        ("Printed worksheets", False),
        ("A timer or a phone with a clock", False),
        ("Slides on active listening", True),
    ],
    "conceptual_contents": [ATL_UNIT_1],
    "introduction": (
        _p("Recall the group agreement and the last session, then explain:")
        + _ul(
            "that today is about skills you will use in every meeting with a peer;",
            "that good listening, clear limits and self-care protect both people.",
        )
    ),
    "introduction_minutes": (15, None),
    "activities": [
        activity(
            "Listening in threes",
            35,
            groupings=["small_groups"],
            worksheet="Listening observation sheet",
            procedure=_p(
                "Form groups of three: a speaker, a listener and an observer. The speaker "
                "talks for four minutes about an everyday topic, such as a place they like. "
                "The listener uses open questions and sums up at the end. The observer "
                "fills in the sheet.",
                "Swap roles until everyone has had each role, then collect on the flipchart "
                "what helped people feel listened to.",
            ),
            adaptation_notes=_p(
                "Eye contact is not a sign of listening for everyone: say so openly and let "
                "the observer look for other signs. Show the topic list and the timings on "
                "a slide for the whole exercise.",
            ),
        ),
        pause(15),
        activity(
            "Where are my limits?",
            30,
            groupings=["individual", "plenary"],
            worksheet="My boundaries",
            procedure=_p(
                "Each person fills in the worksheet alone. Then go through the requests one "
                "by one with the whole group and agree what a peer supporter should do and "
                "who to turn to, such as the coordinator or a professional.",
            ),
            alternatives=_p(
                "Add requests that your own service often meets, such as being asked to "
                "store belongings."
            ),
        ),
        activity(
            "My self-care plan",
            25,
            groupings=["individual", "pairs"],
            worksheet="My self-care plan",
            procedure=_p(
                "Talk briefly about why supporting others can be tiring, especially when "
                "their story is close to your own. Each person writes a self-care plan and "
                "shares one idea from it with a partner.",
            ),
        ),
    ],
    "closure": _p(
        "Ask each person to name one listening skill they will practise and one thing "
        "from their self-care plan they will do this week."
    ),
    "closure_minutes": (15, None),
    "closure_questions": [
        "Which listening skill do you want to practise?",
        "Where did you notice a limit of your own today?",
        "What will you do for yourself this week?",
    ],
    "bibliography": [PEER2PEER],
}

SESSIONS = [SESSION_1, SESSION_2, SESSION_3]


# --- worksheet parts -------------------------------------------------------------------------
# What each demo worksheet asks online, keyed by worksheet title. A case scenario is named by
# its title; the command swaps in its id.

# Our own reading of each situation, for the trainer's debrief (the source leaves it to the
# group): whether someone learns something about a person that they have no need to know.
CONFIDENTIALITY_KEY = [
    ("Yes", "Anyone nearby now knows who stays at the shelter."),
    ("No", "Only staff hear the name, and they need to deal with the request."),
    ("Yes", "Other residents learn that the police are looking for this person."),
    ("Yes", "Others in the room hear about the resident's health."),
    ("No", "Only the people who need to be there are present."),
    ("Yes", "Anyone passing can read the personal details."),
    ("No", "A closed door keeps the conversation between the two of them."),
    ("Yes", "Other residents and staff overhear a private conversation."),
    ("No", "The call is private and between professionals who need the information."),
    ("Yes", "People nearby overhear details of someone's case."),
    ("It depends", "Private, but is it fair to discuss a client who is not there to answer?"),
    ("Yes", "Residents who have nothing to do with it hear the complaint and the names."),
    ("Yes", "Other people can read a client's personal papers."),
]

WORKSHEET_PARTS = {
    "My role model": [
        (
            "reflection",
            {
                "prompt": "Who has been a role model for you? What did they do that showed you "
                "a way of behaving, an attitude or something worth achieving?",
                "guidance": "inspiration, how you got on, what they achieved, what you shared, "
                "their status, their power",
                "visibility": "private",
            },
        ),
        (
            "reflection",
            {
                "prompt": "Did they know that you looked up to them?",
                "guidance": "",
                "visibility": "private",
            },
        ),
        (
            "reflection",
            {
                "prompt": "Which of their qualities or attitudes made you want to follow "
                "their example?",
                "guidance": "",
                "visibility": "private",
            },
        ),
    ],
    "Me as a role model": [
        (
            "table",
            {
                "instructions": "For each value, write one concrete thing you would do with a "
                "person you support so they see the value in action.",
                "rows_from_values": True,
                "rows": [],
                "columns": [
                    {
                        "heading": "How I would role-model it",
                        "prompt": "Think of a real situation: what would you say or do?",
                    }
                ],
                "visibility": "group",
            },
        ),
    ],
    "Secrecy and confidentiality": [
        (
            "classification",
            {
                "question": "Is someone's secrecy or confidentiality breached?",
                "choices": ["Yes", "No", "It depends"],
                "ask_why": True,
                "items": [
                    {**situation, "answer": answer, "trainer_note": note}
                    for situation, (answer, note) in zip(
                        CONFIDENTIALITY_SITUATIONS, CONFIDENTIALITY_KEY, strict=True
                    )
                ],
                "visibility": "group",
            },
        ),
    ],
    TOMAS_WORKSHEET: [
        (
            "case_questions",
            {"case_scenario": TOMAS["title"], "questions": [], "visibility": "trainer"},
        ),
    ],
}


# --- delivery: scheduled sessions, attendance, targets, a second organisation ----------------
# Used by ``training.demo``. Dates are counted from the day the demo is loaded, so the
# demo always has a session that took place, one today and one ahead.

# Where the Kent cohort meets, in the order of its sessions (the last place repeats).
KENT_PLACES = [
    "Community room, Canterbury library",
    "Community room, Canterbury library",
    "Meeting room 2, Maidstone community hub",
]
KENT_SUPPORT_SESSION = {
    "title": "Peer supporters' support circle",
    "place": "Café corner, Canterbury library",
}
# Session 1 register: every trainee not named here was present.
# username -> (status, minutes attended or None, note)
KENT_SESSION_1_MARKS = {
    "mark": ("late", 120, "Bus from Whitstable was 30 minutes late."),
    "hassan": ("absent", None, ""),
    "claudia": ("excused", None, "Hospital appointment, told the trainer the week before."),
}
# ENSURE: Kent committed to train 32 peer supporters.
KENT_TARGET = {
    "trained": 32,
    "due_by": datetime.date(2027, 12, 31),
    "note": "ENSURE commitment for Kent",
}

ANTWERP_ORGANISATION = {
    "name": "Antwerp Peer Network",
    "slug": "antwerp",
    "city": "Antwerpen",
    "country": "Belgium",
}
ANTWERP_COHORT = {"name": "Antwerp, spring 2027", "language": "nl", "capacity": 10}
ANTWERP_PLACE = "Wijkcentrum Kiel, Antwerpen"
ANTWERP_TARGET = {"trained": 20, "due_by": datetime.date(2027, 12, 31), "note": ""}
# (username, first name, last name, role, email). One trainee has no email address: the
# trainer made her account and printed a login card.
ANTWERP_PEOPLE = [
    ("manager_antwerp", "Sofie", "Wouters", Role.PROGRAMME_MANAGER, "sofie@example.org"),
    ("trainer_antwerp", "Karim", "Ben Salah", Role.TRAINER, "karim@example.org"),
    ("noemie", "Noémie", "Claes", Role.TRAINEE, "noemie@example.org"),
    ("mehmet", "Mehmet", "Yıldız", Role.TRAINEE, "mehmet@example.org"),
    ("joao", "João", "Gonçalves", Role.TRAINEE, "joao@example.org"),
    ("aicha", "Aïcha", "El Idrissi", Role.TRAINEE, ""),
]
# Antwerp's first session register: username -> (status, minutes attended or None, note).
ANTWERP_SESSION_1_MARKS = {
    "noemie": ("present", None, ""),
    "mehmet": ("left_early", 90, "Had to collect his daughter from school."),
    "joao": ("present", None, ""),
    "aicha": ("present", None, ""),
}
