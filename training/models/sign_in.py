"""Login cards as a log: one row per card printed, with its one-time sign-in code."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInCodeQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError("The login card log keeps every card: nothing deletes it.")

    def active(self, *, now=None):
        """Codes that would still sign someone in: not used, not stopped, not expired."""
        return self.filter(
            used_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class SignInCode(models.Model):
    """A login card a trainer or programme manager printed for a trainee, and its code.

    The code signs the trainee in once, within a few days, and then only to the page where
    they choose their own password or PIN (``training/sign_in.py``). It never becomes the
    password, so whoever printed the card never knows the trainee's password. The code is
    kept only as a hash, like a password; the printed card is the only place it is written.

    Every card stays in this log, used or not, and the trainee reads it on their account
    page: who printed a card for them, when, and whether it was used. A newer card for the
    same person stops the older ones that were not used. A *replacement* card is one printed
    for someone who had already logged in: the staff member confirmed the trainee was with
    them and asked for it (see ``training.people.login_card_replace``).
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("First card")
        REPLACEMENT = "replacement", _("Replacement card")

    class Cancelled(models.TextChoices):
        REPLACED = "replaced", _("A newer card was printed")
        BY_TRAINEE = "trainee", _("Stopped by the trainee")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_codes",
        verbose_name=_("for"),
    )
    cohort = models.ForeignKey(
        "training.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_codes",
        verbose_name=_("group"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FIRST)
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("printed by"),
    )
    # The name as it was, so the log still says who printed a card after their account goes.
    printed_by_name = models.CharField(_("printed by (name)"), max_length=300)
    printed_at = models.DateTimeField(_("printed"), default=timezone.now)
    expires_at = models.DateTimeField(_("works until"))
    # For a replacement card: when the staff member confirmed the trainee was with them and
    # asked for it. Their word, recorded, not a proof (see the README's threat model).
    presence_confirmed_at = models.DateTimeField(
        _("trainee present, as the staff member confirmed"), null=True, blank=True
    )
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    cancelled_reason = models.CharField(
        _("why it was stopped"), max_length=12, choices=Cancelled.choices, blank=True
    )
    # When the trainee was shown this card in a message as they logged in.
    trainee_told_at = models.DateTimeField(null=True, blank=True)

    objects = SignInCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-printed_at", "-pk"]
        verbose_name = _("login card")
        verbose_name_plural = _("login cards")
        indexes = [models.Index(fields=["user", "used_at", "cancelled_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user} ({self.printed_at:%Y-%m-%d %H:%M})"

    def delete(self, *args, **kwargs):
        raise TypeError("The login card log keeps every card: nothing deletes it.")

    def matches(self, code):
        return check_password(code, self.code_hash)

    @property
    def status(self):
        """``used``, ``waiting`` (can still be used), ``replaced``, ``stopped`` or
        ``expired``: what the log says about this card today."""
        if self.used_at:
            return "used"
        if self.cancelled_at:
            return "replaced" if self.cancelled_reason == self.Cancelled.REPLACED else "stopped"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting"

    @property
    def is_waiting(self):
        return self.status == "waiting"
