"""The page tree of a curriculum: a library of programmes, each made of session plans."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms.roles import can_read_facilitator_material, has_any_role

from ..blocks import (
    PLAN_TEXT_FEATURES,
    ActivityStreamBlock,
    BreakBlock,
    MaterialBlock,
    QuestionBlock,
    ReferenceBlock,
)
from ..forms import SessionPlanForm
from ..panels import PlannedTimePanel
from ..timing import Agenda, Minutes, TimedPart, parse_start_time
from .snippets import CaseScenario, PeerSupportValue


class MembersOnlyPageMixin:
    """Curriculum pages are working material for people with a role, not a public site.

    Anyone not logged in is sent to the login page and comes back here afterwards; an
    account without any role (for example a trainee who left) is refused.
    """

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_any_role(request.user):
            raise PermissionDenied
        return super().serve(request, *args, **kwargs)


class CurriculumIndexPage(MembersOnlyPageMixin, Page):
    """The library of programmes: the top of the curriculum."""

    intro = RichTextField(_("introduction"), blank=True, features=PLAN_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["curriculum.ProgrammePage"]

    class Meta:
        verbose_name = _("curriculum library")

    def programmes(self):
        return ProgrammePage.objects.child_of(self).live().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = self.programmes()
        return context


class ProgrammePage(MembersOnlyPageMixin, Page):
    """A training programme, such as a peer support agent course, made of session plans."""

    summary = models.TextField(_("summary"), help_text=_("Two or three plain sentences."))
    target_group = models.CharField(
        _("who it is for"),
        max_length=200,
        help_text=_("For example: people with lived experience of homelessness."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    description = RichTextField(_("about the programme"), blank=True, features=PLAN_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("target_group"), FieldPanel("language")]),
        FieldPanel("description"),
        InlinePanel("learning_outcomes", heading=_("Learning outcomes"), label=_("Outcome")),
        InlinePanel(
            "value_choices",
            heading=_("Peer support values taught"),
            label=_("Value"),
            help_text=_(
                "Pick and order the values this programme works with. Leave empty to use "
                "the whole list from the library."
            ),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("target_group"),
    ]
    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.SessionPlanPage"]

    class Meta:
        verbose_name = _("programme")

    def sessions(self):
        """The published session plans in teaching order."""
        return (
            SessionPlanPage.objects.child_of(self)
            .live()
            .order_by("number", "path")
            .prefetch_related("learning_outcomes")
        )

    def total_planned_minutes(self):
        total = (
            SessionPlanPage.objects.child_of(self)
            .live()
            .aggregate(total=models.Sum("planned_duration"))["total"]
        )
        return total or 0

    @property
    def total_planned_hours(self):
        """Hours of contact time, from the planned durations of the published sessions."""
        return round(self.total_planned_minutes() / 60, 1)

    def peer_support_values(self):
        """The values this programme teaches, in its order, each with the wording it uses.

        Returns a list of ``(value, description)``. With no choice made, the whole library
        list is used, so a new programme starts with the common values.
        """
        choices = list(self.value_choices.select_related("value").order_by("sort_order"))
        if choices:
            return [(c.value, c.description or c.value.description) for c in choices]
        return [(value, value.description) for value in PeerSupportValue.objects.all()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sessions = list(self.sessions())
        context["sessions"] = sessions
        context["total_minutes"] = sum(session.planned_duration for session in sessions)
        context["total_hours"] = round(context["total_minutes"] / 60, 1)
        context["values"] = self.peer_support_values()
        return context


class ProgrammeLearningOutcome(Orderable):
    """Something a trainee can do by the end of the whole programme."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="learning_outcomes")
    text = models.CharField(_("outcome"), max_length=300)

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class ProgrammeValue(Orderable):
    """A peer support value as one programme uses it: its place in the list and, if the
    programme words it differently, its own description."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="value_choices")
    value = models.ForeignKey(
        PeerSupportValue, on_delete=models.PROTECT, related_name="+", verbose_name=_("value")
    )
    description = models.TextField(
        _("how this programme describes it"),
        blank=True,
        help_text=_("Leave empty to use the library's description."),
    )

    panels = [FieldPanel("value"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "value"], name="unique_value_per_programme")
        ]

    def __str__(self):
        return str(self.value)


class SessionPlanPage(MembersOnlyPageMixin, RoutablePageMixin, Page):
    """One training session as a trainer runs it: outcomes, materials, timed activities,
    closing round and reading list. The default is a 2.5-hour session."""

    number = models.PositiveSmallIntegerField(
        _("session number"), validators=[MinValueValidator(1)]
    )
    summary = models.TextField(
        _("what this session is about"),
        blank=True,
        help_text=_("A short paragraph for trainers and trainees."),
    )
    planned_duration = models.PositiveSmallIntegerField(
        _("planned length (minutes)"),
        default=150,
        validators=[MinValueValidator(15), MaxValueValidator(600)],
        help_text=_("How long the room is booked for. 2.5 hours is 150 minutes."),
    )
    materials = StreamField(
        [("material", MaterialBlock())], blank=True, verbose_name=_("materials")
    )
    conceptual_contents = StreamField(
        [("reference", ReferenceBlock())],
        blank=True,
        verbose_name=_("background reading"),
        help_text=_("What the trainer reads before the session."),
    )
    introduction = RichTextField(
        _("introduction"),
        features=PLAN_TEXT_FEATURES,
        help_text=_("What the trainer says to open the session."),
    )
    introduction_minutes_min = models.PositiveSmallIntegerField(
        _("introduction minutes"), default=15, validators=[MinValueValidator(1)]
    )
    introduction_minutes_max = models.PositiveSmallIntegerField(
        _("introduction up to (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for a range such as 15-20 minutes."),
    )
    activities = StreamField(ActivityStreamBlock(), verbose_name=_("activities"))
    closure = RichTextField(
        _("closing round"),
        features=PLAN_TEXT_FEATURES,
        help_text=_("How the trainer ends the session."),
    )
    closure_minutes_min = models.PositiveSmallIntegerField(
        _("closing minutes"), default=10, validators=[MinValueValidator(1)]
    )
    closure_minutes_max = models.PositiveSmallIntegerField(
        _("closing up to (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    closure_questions = StreamField(
        [("question", QuestionBlock())], blank=True, verbose_name=_("reflection questions")
    )
    bibliography = StreamField(
        [("reference", ReferenceBlock())], blank=True, verbose_name=_("bibliography")
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("planned_duration")]),
        PlannedTimePanel(heading=_("Planned time")),
        FieldPanel("summary"),
        InlinePanel("learning_outcomes", heading=_("Learning outcomes"), label=_("Outcome")),
        FieldPanel("materials"),
        FieldPanel("conceptual_contents"),
        MultiFieldPanel(
            [
                FieldPanel("introduction"),
                FieldRowPanel(
                    [FieldPanel("introduction_minutes_min"), FieldPanel("introduction_minutes_max")]
                ),
            ],
            heading=_("Introduction"),
        ),
        FieldPanel("activities"),
        MultiFieldPanel(
            [
                FieldPanel("closure"),
                FieldRowPanel(
                    [FieldPanel("closure_minutes_min"), FieldPanel("closure_minutes_max")]
                ),
                FieldPanel("closure_questions"),
            ],
            heading=_("Closing round"),
        ),
        FieldPanel("bibliography"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("introduction"),
    ]
    parent_page_types = ["curriculum.ProgrammePage"]
    subpage_types = []
    base_form_class = SessionPlanForm

    class Meta:
        verbose_name = _("session plan")

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

    # --- timing ---------------------------------------------------------------------------

    def timed_parts(self):
        """Every part of the session in running order, with its planned minutes."""
        parts = [
            TimedPart(
                "introduction",
                _("Introduction"),
                Minutes.of(self.introduction_minutes_min, self.introduction_minutes_max),
            )
        ]
        activity_number = 0
        for block in self.activities:
            if block.block_type == "activity":
                activity_number += 1
                parts.append(
                    TimedPart(
                        "activity",
                        block.value["title"],
                        block.value.minutes,
                        block.value,
                        activity_number,
                    )
                )
            else:
                parts.append(
                    TimedPart("break", block.value["title"], block.value.minutes, block.value)
                )
        parts.append(
            TimedPart(
                "closure",
                _("Closing round"),
                Minutes.of(self.closure_minutes_min, self.closure_minutes_max),
            )
        )
        return parts

    def planned_minutes(self):
        """The total planned time, read from the stored durations alone.

        Reads the raw stream rather than the block values so that lists of many sessions
        do not look up every worksheet and case scenario just to add up minutes.
        """
        total = Minutes.of(self.introduction_minutes_min, self.introduction_minutes_max)
        total = total + Minutes.of(self.closure_minutes_min, self.closure_minutes_max)
        for item in self.activities.raw_data:
            value = item.get("value") or {}
            if item.get("type") == "activity":
                total = total + Minutes.of(value.get("duration_min"), value.get("duration_max"))
            elif item.get("type") == "pause":
                total = total + Minutes.of(value.get("minutes", BreakBlock.DEFAULT_MINUTES))
        return total

    def agenda(self, start):
        return Agenda.build(self.timed_parts(), start=start, planned_minutes=self.planned_duration)

    def clean(self):
        super().clean()
        errors = {}
        ranges = (
            ("introduction", self.introduction_minutes_min, self.introduction_minutes_max),
            ("closure", self.closure_minutes_min, self.closure_minutes_max),
        )
        for part, low, high in ranges:
            if high and low and high < low:
                errors[f"{part}_minutes_max"] = _(
                    "This is shorter than the %(part)s's minimum. Swap the two numbers, or "
                    "leave this empty for a fixed length."
                ) % {"part": _("introduction") if part == "introduction" else _("closing round")}
        if not errors and self.planned_duration:
            total = self.planned_minutes()
            if total.low > self.planned_duration:
                errors["planned_duration"] = _(
                    "The introduction, activities and closing round need at least %(need)s "
                    "minutes, but the session is planned for %(planned)s. Shorten or remove "
                    "an activity, or make the session longer."
                ) % {"need": total.low, "planned": self.planned_duration}
        # A new page has no place in the tree until it is saved; SessionPlanForm checks
        # the number against its future siblings instead.
        parent = self.get_parent() if self.path else None
        if parent is not None and self.number:
            clash = (
                SessionPlanPage.objects.child_of(parent)
                .filter(number=self.number)
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                errors["number"] = _(
                    "Session %(number)s of this programme is already '%(title)s'. Pick "
                    "another number."
                ) % {"number": self.number, "title": clash.title}
        if errors:
            raise ValidationError(errors)

    def copy(self, *args, to=None, update_attrs=None, **kwargs):
        """Copying a session into a programme that already has its number gives the copy the
        next free number, so the copy is valid and the editor can renumber it later."""
        parent = to or self.get_parent()
        update_attrs = dict(update_attrs or {})
        siblings = SessionPlanPage.objects.child_of(parent)
        number = update_attrs.get("number", self.number)
        if siblings.filter(number=number).exists():
            highest = siblings.aggregate(highest=models.Max("number"))["highest"] or 0
            update_attrs["number"] = highest + 1
        return super().copy(*args, to=to, update_attrs=update_attrs, **kwargs)

    # --- what the session uses ------------------------------------------------------------

    @cached_property
    def activity_values(self):
        return [block.value for block in self.activities if block.block_type == "activity"]

    def case_scenarios(self):
        """The case scenarios used by this session, with their content notes, in one query
        each however many activities point at them."""
        scenarios = []
        for value in self.activity_values:
            scenario = value.get("case_scenario")
            if isinstance(scenario, CaseScenario) and scenario not in scenarios:
                scenarios.append(scenario)
        prefetch_related_objects(scenarios, "content_notes")
        return scenarios

    def worksheets(self):
        found = []
        for value in self.activity_values:
            worksheet = value.get("worksheet")
            if worksheet is not None and worksheet not in found:
                found.append(worksheet)
        return found

    @cached_property
    def programme(self):
        return ProgrammePage.objects.ancestor_of(self).first()

    # --- views ----------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        start = parse_start_time(request.GET.get("start"))
        context.update(
            case_scenarios=self.case_scenarios(),
            start=start,
            agenda=self.agenda(start),
            programme=self.programme,
            outcomes=list(self.learning_outcomes.all()),
            facilitator=can_read_facilitator_material(request.user),
        )
        return context

    def get_template(self, request, *args, **kwargs):
        if can_read_facilitator_material(request.user):
            return "curriculum/session_plan_page.html"
        return "curriculum/session_plan_trainee.html"

    @path("")
    def session(self, request):
        return self.render(request)

    @path("guide/")
    def facilitator_guide_pdf(self, request):
        """The facilitator guide as a PDF to print or carry to a room without Wi-Fi."""
        if not can_read_facilitator_material(request.user):
            raise PermissionDenied
        from ..guide_pdf import render_facilitator_guide

        start = parse_start_time(request.GET.get("start"))
        pdf = render_facilitator_guide(self, start=start)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"session-{self.number}-{self.slug}-guide.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class SessionLearningOutcome(Orderable):
    """Something a trainee can do after this session. Kept as its own row so that
    self-assessments, credit mappings and certificates can point at it."""

    page = ParentalKey(SessionPlanPage, on_delete=models.CASCADE, related_name="learning_outcomes")
    text = models.CharField(_("outcome"), max_length=300)

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("learning outcome")

    def __str__(self):
        return self.text
